#pragma once

#include <QString>
#include <optional>

namespace EventScope {

// What `describe()` tells about a whole store: the figures of `eventscope-cli info`.
struct StoreInfo
{
    QString location;
    QString dialect;
    qint64 events = 0;
    qint64 streams = 0;
    qint64 categories = 0;
    qint64 snapshots = 0;
    std::optional<qint64> firstTimeMs;
    std::optional<qint64> lastTimeMs;
    std::optional<qint64> firstPosition;
    std::optional<qint64> lastPosition;
};

struct StreamInfo
{
    QString stream;
    QString category;
    qint64 events = 0;
    qint64 lastVersion = 0;
    qint64 lastTimeMs = 0;
};

struct CategoryInfo
{
    QString category;
    qint64 streams = 0;
    qint64 events = 0;
};

// A snapshot as the store keeps it: the state of `stream` after the event with `version`.
struct Snapshot
{
    QString stream;
    qint64 version = 0;
    qint64 timeMs = 0;
    QByteArray state;
};

} // namespace EventScope
