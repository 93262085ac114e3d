#pragma once

#include "count.h"

#include <QString>
#include <optional>

namespace EventScope {

// What `describe()` tells about a whole store: the figures of `eventscope-cli info`.
struct StoreInfo
{
    QString location;
    QString dialect;
    Count events;
    Count streams;
    Count categories;
    Count snapshots;
    std::optional<qint64> firstTimeMs;
    std::optional<qint64> lastTimeMs;
    std::optional<qint64> firstPosition;
    std::optional<qint64> lastPosition;
};

struct StreamInfo
{
    QString stream;
    QString category;
    Count events;
    qint64 lastVersion = 0;
    std::optional<qint64> lastTimeMs; // nullopt where the store keeps no time for a stream
};

struct CategoryInfo
{
    QString category;
    Count streams;
    Count events;
};

// A snapshot as the store keeps it: the state of `stream` after the event with `version`.
struct Snapshot
{
    QString stream;
    qint64 version = 0;
    std::optional<qint64> timeMs; // nullopt where the store keeps none
    QByteArray state;
};

} // namespace EventScope
