#pragma once

#include "../dialects/storeopener.h"

#include <QMutex>
#include <optional>

namespace EventScope {

// Opens the connections of one store, from any thread: the first detects the dialect, every later one (a
// second lane, a reopen after an error) reuses what it found. The password stays in memory here only.
class StoreConnector
{
public:
    StoreConnector(StoreLocation location, OpenOptions options);
    // From what a user typed (a path, a URI or a conninfo string); a password in it goes to the options. Text
    // libpq rejects gives a connector whose every connect() says why.
    static std::shared_ptr<StoreConnector> fromText(const QString& location);

    const StoreLocation& location() const { return m_location; }

    // A new read-only connection with the store's dialect on it.
    Result<std::unique_ptr<EventStore>> connect();

    // The dialect the first connect() found; nullopt before that or when it failed.
    std::optional<DialectMatch> match() const;

    // How many connections were opened, and how many of them detected the dialect (one, when all went well).
    int connections() const;
    int detections() const;

private:
    const StoreLocation m_location;
    const OpenOptions m_options;
    std::optional<StoreError> m_invalid;
    mutable QMutex m_mutex; // serialises connect(): detection happens once
    std::optional<DialectMatch> m_match;
    int m_connections = 0;
    int m_detections = 0;
};

} // namespace EventScope
