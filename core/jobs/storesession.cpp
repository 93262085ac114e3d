#include "storesession.h"

#include "../dialects/storeopener.h"

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

StoreSession::StoreSession(QString location, QObject* parent)
    : QObject(parent)
    , m_location(std::move(location))
{
    m_thread.setObjectName(QStringLiteral("StoreSession"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StoreSession::~StoreSession()
{
    cancelAll();
    // The store must die on the thread that used it: close it there, then stop the thread.
    QMetaObject::invokeMethod(
        m_worker,
        [this] {
            QMutexLocker lock(&m_mutex);
            m_store.reset();
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void StoreSession::post(const JobHandle& control, Task task)
{
    {
        QMutexLocker lock(&m_mutex);
        m_queued.append(control);
    }
    if (m_pending++ == 0)
        emit busyChanged(true);
    QMetaObject::invokeMethod(
        m_worker,
        [this, control, task = std::move(task)] {
            if (!m_store && !m_openError) {
                auto opened = openStore(m_location);
                QMutexLocker lock(&m_mutex);
                if (opened)
                    m_store = std::move(opened).value();
                else
                    m_openError = opened.error();
            }
            {
                QMutexLocker lock(&m_mutex);
                m_queued.removeIf(
                    [&control](const std::weak_ptr<JobControl>& queued) { return queued.lock() == control; });
                m_running = control;
            }
            if (m_store)
                m_store->clearInterrupt();
            task(m_store.get(), m_openError ? &*m_openError : nullptr);
            if (m_store)
                m_store->clearInterrupt();
            QMutexLocker lock(&m_mutex);
            m_running.reset();
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
    QMutexLocker lock(&m_mutex);
    // m_store is only replaced on the worker before the first job, so it is stable while one runs.
    if (m_running == job && m_store)
        m_store->interrupt();
}

void StoreSession::cancelAll()
{
    QMutexLocker lock(&m_mutex);
    for (const auto& queued : std::as_const(m_queued)) {
        if (auto job = queued.lock())
            job->cancel();
    }
    if (m_running) {
        m_running->cancel();
        if (m_store)
            m_store->interrupt();
    }
}

} // namespace EventScope
