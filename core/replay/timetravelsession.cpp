#include "timetravelsession.h"

#include <QCoreApplication>
#include <QThread>

using namespace Qt::StringLiterals;

namespace EventScope {

// Lives on the session's thread and owns everything that must stay there: the connection and the replay.
class TimeTravelWorker : public QObject
{
public:
    explicit TimeTravelWorker(std::shared_ptr<StoreConnector> connector)
        : m_connector(std::move(connector))
    { }

    Result<TimeTravelSession::Loaded> load(const QString& stream, const QString& script, const QString& fileName)
    {
        if (!m_store) {
            auto connected = m_connector->connect();
            if (!connected)
                return connected.error();
            m_store = std::move(connected).value();
        }
        m_replay = std::make_unique<StreamReplay>();
        auto point = m_replay->load(*m_store, stream, script, fileName);
        if (!point) {
            m_replay.reset();
            return point.error();
        }
        return TimeTravelSession::Loaded { stream, m_replay->events(), m_replay->foldableCount(),
            point->fault ? point->fault : m_replay->fault(), m_replay->engine().definition() };
    }

    std::optional<TimeTravelSession::Frame> frame(qint64 count)
    {
        if (!m_replay)
            return std::nullopt;
        TimeTravelSession::Frame frame;
        const StreamReplay::Point point = m_replay->stateAfter(count);
        frame.count = point.count;
        frame.state = point.state;
        frame.fault = point.fault;
        if (count > 0 && count <= m_replay->eventCount())
            frame.changes = m_replay->changesAtIndex(count - 1);
        return frame;
    }

    StreamReplay* replay() { return m_replay.get(); }

private:
    std::shared_ptr<StoreConnector> m_connector;
    std::unique_ptr<EventStore> m_store;
    std::unique_ptr<StreamReplay> m_replay;
};

TimeTravelSession::TimeTravelSession(std::shared_ptr<StoreConnector> connector, QObject* parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_latestSeek(std::make_shared<std::atomic<quint64>>(0))
{
    m_thread->setObjectName(u"time travel"_s);
    auto* worker = new TimeTravelWorker(std::move(connector));
    worker->moveToThread(m_thread);
    m_worker = worker;
    QObject::connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    QObject::connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    m_thread->start();
}

TimeTravelSession::~TimeTravelSession()
{
    // The worker ends after the job it is running (a fold is bounded by the projection's watchdog); nothing here
    // waits for it.
    m_thread->quit();
}

namespace {

// Runs `answer` on the GUI thread. It goes through the application object, which outlives every window, and the
// answer checks its own QPointer there: posting to the session itself could race with its deletion.
void answer(std::function<void()> function)
{
    QMetaObject::invokeMethod(QCoreApplication::instance(), std::move(function), Qt::QueuedConnection);
}

} // namespace

void TimeTravelSession::post(std::function<void(TimeTravelWorker&)> work)
{
    if (!m_worker)
        return;
    QMetaObject::invokeMethod(
        m_worker.data(),
        [worker = m_worker, work = std::move(work)] {
            if (worker)
                work(*worker);
        },
        Qt::QueuedConnection);
}

void TimeTravelSession::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

void TimeTravelSession::load(const QString& stream, const QString& script, const QString& fileName)
{
    const quint64 generation = ++m_loadGeneration;
    m_latestSeek->fetch_add(1); // seeks of the previous stream are stale now
    setLoading(true);
    QPointer<TimeTravelSession> self(this);
    post([self, generation, stream, script, fileName](TimeTravelWorker& worker) {
        auto result = std::make_shared<Result<Loaded>>(worker.load(stream, script, fileName));
        answer([self, generation, result] {
            if (!self || generation != self->m_loadGeneration)
                return;
            self->setLoading(false);
            if (!*result)
                emit self->failed(result->error());
            else
                emit self->loaded(**result);
        });
    });
}

void TimeTravelSession::seek(qint64 count)
{
    const quint64 id = m_latestSeek->fetch_add(1) + 1;
    QPointer<TimeTravelSession> self(this);
    post([self, id, count, latest = m_latestSeek](TimeTravelWorker& worker) {
        if (latest->load() != id)
            return; // a newer seek is waiting: answer that one
        auto frame = std::make_shared<std::optional<Frame>>(worker.frame(count));
        if (!*frame)
            return;
        answer([self, id, frame, latest] {
            if (self && latest->load() == id)
                emit self->frameReady(**frame);
        });
    });
}

void TimeTravelSession::requestFieldHistory(const QString& path)
{
    QPointer<TimeTravelSession> self(this);
    post([self, path](TimeTravelWorker& worker) {
        if (!worker.replay())
            return;
        auto history = std::make_shared<Result<QList<StreamReplay::FieldChange>>>(worker.replay()->fieldHistory(path));
        answer([self, path, history] {
            if (!self)
                return;
            if (!*history)
                emit self->failed(history->error());
            else
                emit self->fieldHistoryReady(path, **history);
        });
    });
}

void TimeTravelSession::requestFindFirst(const QString& predicate)
{
    QPointer<TimeTravelSession> self(this);
    post([self, predicate](TimeTravelWorker& worker) {
        if (!worker.replay())
            return;
        const StreamReplay::Found found = worker.replay()->findFirst(predicate);
        answer([self, predicate, found] {
            if (self)
                emit self->firstFound(predicate, found);
        });
    });
}

} // namespace EventScope
