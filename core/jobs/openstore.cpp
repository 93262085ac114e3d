#include "openstore.h"

namespace EventScope {

OpenStore::OpenStore(StoreLocation location, OpenOptions options, QObject* parent)
    : OpenStore(std::make_shared<StoreConnector>(std::move(location), std::move(options)), parent)
{ }

OpenStore::OpenStore(std::shared_ptr<StoreConnector> connector, QObject* parent)
    : QObject(parent)
    , m_connector(std::move(connector))
    , m_interactive(m_connector)
    , m_background(m_connector)
{
    const auto update = [this] { emit busyChanged(isBusy()); };
    connect(&m_interactive, &StoreSession::busyChanged, this, update);
    connect(&m_background, &StoreSession::busyChanged, this, update);
}

std::shared_ptr<OpenStore> OpenStore::fromText(const QString& location)
{
    return std::make_shared<OpenStore>(StoreConnector::fromText(location));
}

} // namespace EventScope
