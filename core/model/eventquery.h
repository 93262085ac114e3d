#pragma once

#include "event.h"

#include <QList>
#include <QString>
#include <optional>

namespace EventScope {

enum class ReadDirection { Forward, Backward };

// Which key orders a list of events: the global position for the log and categories,
// the stream version inside one stream (that is what the store's stream index sorts by).
enum class OrderKey { GlobalPosition, StreamVersion };

// Which events to show. Every field narrows; all of them are pushed down to the database.
struct EventFilter
{
    QString stream; // exact stream name; empty: every stream
    QString category; // exact category; empty: every category
    QString type; // exact event type; empty: every type
    std::optional<qint64> sinceMs; // time >= since
    std::optional<qint64> untilMs; // time < until

    OrderKey orderKey() const { return stream.isEmpty() ? OrderKey::GlobalPosition : OrderKey::StreamVersion; }
    bool operator==(const EventFilter&) const = default;
};

inline qint64 orderKeyOf(const Event& event, OrderKey key)
{
    return key == OrderKey::GlobalPosition ? event.position : event.version;
}

// A bound on the order key: where a page starts.
struct KeyBound
{
    qint64 key = 0;
    bool inclusive = true;
};

// One keyset page: the events of `filter` after `start` in `direction`, at most `limit` of them.
struct EventPageRequest
{
    EventFilter filter;
    ReadDirection direction = ReadDirection::Forward;
    std::optional<KeyBound> start; // in units of filter.orderKey()
    std::optional<qint64> fromPosition; // inclusive global position to start at, in the reading direction
    int limit = 100;
};

struct EventPage
{
    QList<Event> events;
    bool reachedEnd = false; // fewer than `limit` events were left
};

// Keys that are known to be contiguous: the n-th event of the filter has key first + n.
struct DenseKeys
{
    qint64 first = 0;
    qint64 count = 0;
    bool operator==(const DenseKeys&) const = default;
};

// Which streams to list.
struct StreamQuery
{
    QString pattern; // regular expression searched in the stream name; empty: all
    QString category; // exact; empty: all
    std::optional<QString> after; // keyset: names after this one (streams are ordered by name)
    std::optional<int> limit; // none: every stream that matches
};

// Which categories to list: those with a stream whose name matches `pattern`, ordered by name.
struct CategoryQuery
{
    QString pattern; // regular expression searched in stream names; empty: all
    std::optional<QString> after; // keyset: categories after this one
    std::optional<int> limit; // none: every category
    // False: names only, their counts Count::unknown(). A store can list names with a few index seeks where
    // counting its streams means reading them all; a view shows the names first and the counts when a
    // second query brings them.
    bool withCounts = true;
};

} // namespace EventScope
