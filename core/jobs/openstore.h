#pragma once

#include "storesession.h"

#include <memory>

namespace EventScope {

// One open store, shared by every model and job that reads it. The dialect is detected once, by the first
// connection; the work runs in two lanes, each a worker with its own connection, so that a long count or scan
// never holds up the page a user is waiting for:
// - interactive: pages on screen, the stream tree, lookups a user asked for;
// - background: counting, key scans, describe(), anything that may take seconds.
// Closing it never waits for either lane (see StoreSession).
class OpenStore : public QObject
{
    Q_OBJECT
public:
    explicit OpenStore(std::shared_ptr<StoreConnector> connector, QObject* parent = nullptr);
    OpenStore(StoreLocation location, OpenOptions options, QObject* parent = nullptr);
    // From what a user typed: a path, a URI or a conninfo string (a password in it is taken out).
    static std::shared_ptr<OpenStore> fromText(const QString& location);

    const StoreLocation& location() const { return m_connector->location(); }
    // The dialect the first connection found; nullopt before that.
    std::optional<DialectMatch> dialect() const { return m_connector->match(); }
    const StoreConnector& connector() const { return *m_connector; }
    // For a lane of one's own on the same store (time travel's thread), without detecting the dialect again.
    std::shared_ptr<StoreConnector> sharedConnector() const { return m_connector; }

    StoreSession& interactive() { return m_interactive; }
    StoreSession& background() { return m_background; }

    bool isBusy() const { return m_interactive.isBusy() || m_background.isBusy(); }

signals:
    void busyChanged(bool busy);

private:
    std::shared_ptr<StoreConnector> m_connector;
    StoreSession m_interactive;
    StoreSession m_background;
};

} // namespace EventScope
