#pragma once

#include "../store/eventstore.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QThread>
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

// One worker thread with its own read-only connection to one store. Jobs run one after another
// in the order they were posted; each result comes back on the thread of its context object,
// and is dropped when that object is gone. Cancelling a job interrupts its query at once.
class StoreSession : public QObject
{
    Q_OBJECT
public:
    explicit StoreSession(QString location, QObject* parent = nullptr);
    ~StoreSession() override; // cancels everything and joins the thread

    QString location() const { return m_location; }
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
            control->m_progress = [this, guard, progress](qint64 doneCount, qint64 total) {
                QMetaObject::invokeMethod(
                    this,
                    [guard, progress, doneCount, total] {
                        if (guard)
                            progress(doneCount, total);
                    },
                    Qt::QueuedConnection);
            };
        }
        post(control,
            [this, control, guard, work = std::move(work), done = std::move(done)](
                EventStore* store, const StoreError* openError) {
                std::shared_ptr<Result<T>> result;
                if (openError)
                    result = std::make_shared<Result<T>>(*openError);
                else if (control->isCancelled())
                    result = std::make_shared<Result<T>>(StoreError::cancelled());
                else
                    result = std::make_shared<Result<T>>(work(*store, *control));
                QMetaObject::invokeMethod(
                    this,
                    [this, guard, done, result] {
                        finishOne();
                        if (guard)
                            done(std::move(*result));
                    },
                    Qt::QueuedConnection);
            });
        return control;
    }

    void cancel(const JobHandle& job);
    void cancelAll();

signals:
    void busyChanged(bool busy);

private:
    using Task = std::function<void(EventStore*, const StoreError*)>;
    void post(const JobHandle& control, Task task);
    void finishOne();

    QString m_location;
    QThread m_thread;
    QObject* m_worker = nullptr; // lives in m_thread
    std::unique_ptr<EventStore> m_store; // created, used and destroyed on m_thread
    std::optional<StoreError> m_openError;
    int m_pending = 0;

    QMutex m_mutex; // guards the two below, shared with the worker
    JobHandle m_running;
    QList<std::weak_ptr<JobControl>> m_queued;
};

} // namespace EventScope
