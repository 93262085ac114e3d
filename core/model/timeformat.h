#pragma once

#include <QString>
#include <optional>

namespace EventScope {

// ISO 8601 in UTC with milliseconds, the one time format of the CLI and the GUI: 2024-03-14T12:28:25.038Z
QString formatIsoTime(qint64 msSinceEpoch);
// Empty for a time the store does not hold.
QString formatIsoTime(std::optional<qint64> msSinceEpoch);

// Accepts what a user types: 2024-03-14, 2024-03-14T12:28, 2024-03-14 12:28:25.038, with Z or an offset
// (no zone means UTC), or a plain number of milliseconds since the epoch.
std::optional<qint64> parseIsoTime(const QString& text);

} // namespace EventScope
