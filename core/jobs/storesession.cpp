#include "storesession.h"

#include <QCoreApplication>
#include <QThread>

using namespace Qt::StringLiterals;

namespace EventScope {

void JobControl::reportProgress(qint64 done, qint64 total)
{
    if (!m_progress)
        return;
    if (m_sinceReport.isValid() && m_sinceReport.elapsed() < 100)
        return;
    m_sinceReport.start();
    m_progress(done, total);
}

// What the worker thread owns: the thread, its event-loop object, the store, and the jobs in flight. It lives
// as long as the session or the thread needs it, whichever is longer.
struct StoreSession::Worker
{
    QThread* thread = nullptr; // deletes itself when it finishes
    QObject* loop = nullptr; // lives in `thread`; tasks are posted to it
    std::unique_ptr<EventStore> store; // created, used and destroyed on `thread`
    std::optional<StoreError> openError;

    QMutex mutex; // guards the three below, shared with the GUI thread
    JobHandle running;
    QList<std::weak_ptr<JobControl>> queued;
    EventStore* interruptible = nullptr; // `store` while a job runs on it
};

namespace {

// Threads of sessions already destroyed that may still be closing their connection. The application waits a
// moment for them as it ends, so that no connection is torn down by the process exit mid-call.
QMutex g_closingMutex;
QList<QPointer<QThread>> g_closing;

void waitForClosingThreads()
{
    QMutexLocker lock(&g_closingMutex);
    for (const QPointer<QThread>& thread : std::as_const(g_closing)) {
        if (thread)
            thread->wait(2000);
    }
    g_closing.clear();
}

} // namespace

StoreSession::StoreSession(std::shared_ptr<StoreConnector> connector, QObject* parent)
    : QObject(parent)
    , m_connector(std::move(connector))
    , m_worker(std::make_shared<Worker>())
{
    m_worker->thread = new QThread;
    m_worker->thread->setObjectName(u"StoreSession"_s);
    m_worker->loop = new QObject;
    m_worker->loop->moveToThread(m_worker->thread);
    QObject::connect(m_worker->thread, &QThread::finished, m_worker->loop, &QObject::deleteLater);
    QObject::connect(m_worker->thread, &QThread::finished, m_worker->thread, &QObject::deleteLater);
    m_worker->thread->start();
    static const bool registered = [] {
        qAddPostRoutine(waitForClosingThreads);
        return true;
    }();
    Q_UNUSED(registered);
}

StoreSession::StoreSession(const QString& location, QObject* parent)
    : StoreSession(StoreConnector::fromText(location), parent)
{ }

StoreSession::~StoreSession()
{
    cancelAll();
    // The store must die on the thread that used it: close it there, then end the thread. Nothing waits here:
    // a job stuck in a server's connect ends on its own and then finds this task.
    std::shared_ptr<Worker> worker = m_worker;
    {
        QMutexLocker lock(&g_closingMutex);
        g_closing.removeIf([](const QPointer<QThread>& thread) { return thread.isNull(); });
        g_closing.append(worker->thread);
    }
    QMetaObject::invokeMethod(
        worker->loop,
        [worker] {
            {
                QMutexLocker lock(&worker->mutex);
                worker->interruptible = nullptr;
            }
            worker->store.reset();
            worker->thread->quit();
        },
        Qt::QueuedConnection);
}

void StoreSession::deliver(std::function<void()> call)
{
    QMetaObject::invokeMethod(QCoreApplication::instance(), std::move(call), Qt::QueuedConnection);
}

void StoreSession::post(const JobHandle& control, Task task)
{
    {
        QMutexLocker lock(&m_worker->mutex);
        m_worker->queued.append(control);
    }
    if (m_pending++ == 0)
        emit busyChanged(true);
    QMetaObject::invokeMethod(
        m_worker->loop,
        [worker = m_worker, connector = m_connector, control, task = std::move(task)] {
            // A lane without a store tries again on each job: a server that was down, or a file that was not
            // there yet, is read once it is back.
            if (!worker->store && !control->isCancelled()) {
                auto opened = connector->connect();
                if (opened) {
                    worker->store = std::move(opened).value();
                    worker->openError.reset();
                } else {
                    worker->openError = opened.error();
                }
            }
            {
                QMutexLocker lock(&worker->mutex);
                worker->queued.removeIf(
                    [&control](const std::weak_ptr<JobControl>& queued) { return queued.lock() == control; });
                worker->running = control;
                worker->interruptible = worker->store.get();
            }
            if (worker->store)
                worker->store->clearInterrupt();
            task(worker->store.get(), worker->openError ? &*worker->openError : nullptr);
            if (worker->store)
                worker->store->clearInterrupt();
            QMutexLocker lock(&worker->mutex);
            worker->running.reset();
            worker->interruptible = nullptr;
        },
        Qt::QueuedConnection);
}

void StoreSession::finishOne()
{
    if (--m_pending == 0)
        emit busyChanged(false);
}

void StoreSession::cancel(const JobHandle& job)
{
    if (!job)
        return;
    job->cancel();
    QMutexLocker lock(&m_worker->mutex);
    if (m_worker->running == job && m_worker->interruptible)
        m_worker->interruptible->interrupt();
}

void StoreSession::cancelAll()
{
    QMutexLocker lock(&m_worker->mutex);
    for (const auto& queued : std::as_const(m_worker->queued)) {
        if (auto job = queued.lock())
            job->cancel();
    }
    if (m_worker->running) {
        m_worker->running->cancel();
        if (m_worker->interruptible)
            m_worker->interruptible->interrupt();
    }
}

} // namespace EventScope
