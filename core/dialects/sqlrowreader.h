#pragma once

#include "../model/eventquery.h"
#include "../store/connection.h"

#include <functional>
#include <optional>

namespace EventScope {

// Small readers every dialect uses over a Connection: run a query and take its rows one way or another.

// Calls `onRow` for each row until the end, an error, or `onRow` returning false.
Status forEachRow(Connection& connection, const SqlQuery& query, const std::function<bool(const SqlRows&)>& onRow);

// Walks the keys `keys` returns (one column, in order) and hands every stride-th key to `sink`, as
// EventStore::scanKeys does. On a server the database picks the anchors itself (row_number() over the keys), so
// a scan of ten million keys sends ten million / stride rows over the wire, not ten million; SQLite, in the
// process, steps the keys directly.
// The query a server runs for that: each row a key, its 1-based row number, and whether it is the last.
SqlQuery serverKeyAnchors(const SqlQuery& keys, int stride);
Result<qint64> scanKeyAnchors(Connection& connection, const SqlQuery& keys, int stride,
    const std::function<bool(const QList<qint64>& anchors, qint64 rowsSoFar)>& sink);

// Runs a query whose one row is (first key, last key, number of rows) and says whether the keys are contiguous:
// DenseKeys when last - first + 1 equals the count, {0, 0} when there are no rows, nullopt when keys have gaps.
Result<std::optional<DenseKeys>> denseKeysFrom(Connection& connection, const SqlQuery& firstLastCount);

// The first column of the first row; nullopt when there is no row or it is NULL.
Result<std::optional<qint64>> firstInt(Connection& connection, const SqlQuery& query);

} // namespace EventScope
