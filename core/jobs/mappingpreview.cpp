#include "mappingpreview.h"

#include <QFutureWatcher>
#include <QMutex>
#include <QtConcurrent>

namespace EventScope {

// Shared by the GUI thread and the worker: the store while it reads, so that a newer request can interrupt it.
struct MappingPreview::Running
{
    QMutex mutex;
    EventStore* store = nullptr;
    bool cancelled = false;

    void cancel()
    {
        QMutexLocker lock(&mutex);
        cancelled = true;
        if (store)
            store->interrupt();
    }
};

MappingPreview::MappingPreview(QObject* parent)
    : QObject(parent)
{ }

MappingPreview::~MappingPreview()
{
    cancel();
}

void MappingPreview::cancel()
{
    ++m_generation;
    if (m_running)
        m_running->cancel();
    m_running.reset();
}

void MappingPreview::request(
    const StoreLocation& location, const QString& password, const StoreMapping& mapping, int limit)
{
    cancel();
    const quint64 generation = m_generation;
    auto running = m_running = std::make_shared<Running>();
    OpenOptions options = OpenOptions::withPassword(password);
    options.mapping = mapping;

    auto* watcher = new QFutureWatcher<Result<QList<Event>>>(this);
    connect(watcher, &QFutureWatcher<Result<QList<Event>>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_running.reset();
        const Result<QList<Event>> result = watcher->result();
        if (result)
            emit eventsRead(*result);
        else
            emit failed(result.error());
    });
    watcher->setFuture(QtConcurrent::run([location, options, limit, running]() -> Result<QList<Event>> {
        auto opened = openStore(location, options);
        if (!opened)
            return opened.error();
        EventStore& store = *opened->store;
        {
            QMutexLocker lock(&running->mutex);
            if (running->cancelled)
                return StoreError::cancelled();
            running->store = &store;
        }
        EventPageRequest page;
        page.limit = limit;
        auto events = store.readEvents(page);
        QMutexLocker lock(&running->mutex);
        running->store = nullptr;
        if (!events)
            return events.error();
        return events->events;
    }));
}

} // namespace EventScope
