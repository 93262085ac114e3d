#include "storeconnector.h"

namespace EventScope {

StoreConnector::StoreConnector(StoreLocation location, OpenOptions options)
    : m_location(std::move(location))
    , m_options(std::move(options))
{ }

std::shared_ptr<StoreConnector> StoreConnector::fromText(const QString& location)
{
    QString password;
    const auto parsed = StoreLocation::parse(location, &password);
    auto connector = std::make_shared<StoreConnector>(
        parsed ? *parsed : StoreLocation::sqliteFile(location), OpenOptions::withPassword(password));
    if (!parsed)
        connector->m_invalid = parsed.error();
    return connector;
}

Result<std::unique_ptr<EventStore>> StoreConnector::connect()
{
    QMutexLocker lock(&m_mutex);
    if (m_invalid)
        return *m_invalid;
    if (m_match) {
        auto connection = openConnection(m_location, m_options.password);
        if (!connection)
            return connection.error();
        ++m_connections;
        return m_match->open(std::move(connection).value());
    }
    auto opened = openStore(m_location, m_options);
    ++m_detections;
    if (!opened)
        return opened.error();
    ++m_connections;
    m_match = opened->match;
    return std::move(opened->store);
}

std::optional<DialectMatch> StoreConnector::match() const
{
    QMutexLocker lock(&m_mutex);
    return m_match;
}

int StoreConnector::connections() const
{
    QMutexLocker lock(&m_mutex);
    return m_connections;
}

int StoreConnector::detections() const
{
    QMutexLocker lock(&m_mutex);
    return m_detections;
}

} // namespace EventScope
