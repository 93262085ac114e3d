#pragma once

#include "snapshotcheck.h"
#include "snapshotprojections.h"
#include "snapshotverifier.h"

#include <core/jobs/storeconnector.h>

#include <QObject>

#include <atomic>
#include <memory>

namespace EventScope {

// "Verify store" for a window: SnapshotVerifier::verifyAll on a thread of its own (its connections come from the
// store's connector), with results, progress and the end coming back as signals on the caller's thread. Cancel
// stops it between streams. Destroying the session never waits: the run is cancelled and ends by itself.
class VerifySession : public QObject
{
    Q_OBJECT
public:
    explicit VerifySession(std::shared_ptr<StoreConnector> connector, QObject* parent = nullptr);
    ~VerifySession() override;

    void start(SnapshotProjections projections, SnapshotVerifier::Settings settings);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void checksReady(const QList<EventScope::SnapshotCheck>& checks); // one stream's, in order
    void progress(qint64 streams);
    void finished(const EventScope::VerifySummary& summary);
    void failed(const EventScope::StoreError& error);

private:
    std::shared_ptr<StoreConnector> m_connector;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_running = false;
};

} // namespace EventScope
