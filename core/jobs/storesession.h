#pragma once

#include "../store/eventstore.h"
#include "storeconnector.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <atomic>
#include <functional>
#include <memory>

namespace EventScope {

// What a running job sees: whether it should stop, and a throttled way to report progress.
class JobControl
{
public:
    bool isCancelled() const { return m_cancelled.load(); }
    void cancel() { m_cancelled.store(true); }

    // At most every 100 ms; the last report before the end may be skipped, the result says the rest.
    void reportProgress(qint64 done, qint64 total);

private:
    friend class StoreSession;
    std::atomic<bool> m_cancelled { false };
    std::function<void(qint64, qint64)> m_progress; // posts to the GUI thread
    QElapsedTimer m_sinceReport;
};

using JobHandle = std::shared_ptr<JobControl>;

// One lane of work on a store: a worker thread with its own read-only connection. Jobs run one after another
// in the order they were posted; each result comes back on the thread of its context object, and is dropped
// when that object is gone. Cancelling a job interrupts its query at once.
//
// Destroying a session never waits: it cancels its jobs, interrupts the running query and leaves the worker
// to close the connection and end by itself, so the GUI stays live even while a server does not answer.
class StoreSession : public QObject
{
    Q_OBJECT
public:
    explicit StoreSession(std::shared_ptr<StoreConnector> connector, QObject* parent = nullptr);
    // A lane of its own on the store a user typed (a path, a URI or a conninfo string).
    explicit StoreSession(const QString& location, QObject* parent = nullptr);
    ~StoreSession() override;

    const StoreLocation& location() const { return m_connector->location(); }
    bool isBusy() const { return m_pending > 0; }

    template <typename T> using Work = std::function<Result<T>(EventStore&, JobControl&)>;

    // Runs `work` on the worker; `done` gets its result on `context`'s thread. `progress`, when set,
    // receives (done, total) there too.
    template <typename T>
    JobHandle run(QObject* context, Work<T> work, std::function<void(Result<T>)> done,
        std::function<void(qint64, qint64)> progress = {})
    {
        auto control = std::make_shared<JobControl>();
        QPointer<QObject> guard(context);
        if (progress) {
            control->m_progress = [guard, progress](qint64 doneCount, qint64 total) {
                deliver([guard, progress, doneCount, total] {
                    if (guard)
                        progress(doneCount, total);
                });
            };
        }
        QPointer<StoreSession> session(this);
        post(control,
            [control, guard, session, work = std::move(work), done = std::move(done)](
                EventStore* store, const StoreError* openError) {
                std::shared_ptr<Result<T>> result;
                if (openError)
                    result = std::make_shared<Result<T>>(*openError);
                else if (control->isCancelled())
                    result = std::make_shared<Result<T>>(StoreError::cancelled());
                else
                    result = std::make_shared<Result<T>>(work(*store, *control));
                deliver([session, guard, done, result] {
                    if (session)
                        session->finishOne();
                    if (guard)
                        done(std::move(*result));
                });
            });
        return control;
    }

    void cancel(const JobHandle& job);
    void cancelAll();

signals:
    void busyChanged(bool busy);

private:
    struct Worker;
    using Task = std::function<void(EventStore*, const StoreError*)>;
    void post(const JobHandle& control, Task task);
    void finishOne();
    // Runs `call` on the application's thread. Results go through the application object, which outlives
    // every session, so a worker never touches a session or a context that may be gone.
    static void deliver(std::function<void()> call);

    std::shared_ptr<StoreConnector> m_connector;
    std::shared_ptr<Worker> m_worker; // shared with the worker thread, which may outlive this session
    int m_pending = 0;
};

} // namespace EventScope
