#include "verifysession.h"

#include <core/jobs/mainthread.h>

#include <thread>

namespace EventScope {

VerifySession::VerifySession(std::shared_ptr<StoreConnector> connector, QObject* parent)
    : QObject(parent)
    , m_connector(std::move(connector))
{
    qRegisterMetaType<QList<EventScope::SnapshotCheck>>();
    qRegisterMetaType<EventScope::VerifySummary>();
}

VerifySession::~VerifySession()
{
    cancel();
}

void VerifySession::start(SnapshotProjections projections, SnapshotVerifier::Settings settings)
{
    cancel();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_running = true;
    QPointer<QObject> guard(this);
    std::thread([this, guard, connector = m_connector, cancel = m_cancel, projections = std::move(projections),
                    settings = std::move(settings)]() mutable {
        settings.cancel = cancel.get();
        Result<std::unique_ptr<EventStore>> lister = connector->connect();
        if (!lister) {
            postToMainThread(guard, [this, error = lister.error()] {
                m_running = false;
                emit failed(error);
            });
            return;
        }
        const auto sink = [&](const QList<SnapshotCheck>& checks) {
            if (!cancel->load())
                postToMainThread(guard, [this, checks] { emit checksReady(checks); });
        };
        const auto streams = [&](qint64 done) {
            if (!cancel->load())
                postToMainThread(guard, [this, done] { emit progress(done); });
        };
        const Result<VerifySummary> summary = SnapshotVerifier::verifyAll(
            **lister, [connector] { return connector->connect(); }, projections, settings, sink, streams);
        if (cancel->load() && summary)
            return; // a newer run or the window's end: nobody waits for this one
        postToMainThread(guard, [this, summary] {
            m_running = false;
            if (summary)
                emit finished(*summary);
            else
                emit failed(summary.error());
        });
    }).detach();
}

void VerifySession::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
    m_running = false;
}

} // namespace EventScope
