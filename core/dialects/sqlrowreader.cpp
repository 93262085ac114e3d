#include "sqlrowreader.h"

using namespace Qt::StringLiterals;

namespace EventScope {

Status forEachRow(Connection& connection, const SqlQuery& query, const std::function<bool(const SqlRows&)>& onRow)
{
    auto rows = connection.query(query);
    if (!rows)
        return rows.error();
    for (;;) {
        const Result<bool> row = (*rows)->next();
        if (!row)
            return row.error();
        if (!*row || !onRow(**rows))
            return Done {};
    }
}

SqlQuery serverKeyAnchors(const SqlQuery& keys, int stride)
{
    // ORDER BY k, not n: the window has already ordered the rows by k, so the server does not sort them again.
    SqlQuery query { u"SELECT k, n, last FROM (SELECT k, row_number() OVER w AS n, lead(k) OVER w IS NULL AS last"
                     " FROM (%1) AS keys(k) WINDOW w AS (ORDER BY k)) AS numbered WHERE (n - 1) % ? = 0 OR last"
                     " ORDER BY k"_s.arg(keys.sql),
        keys.binds };
    query.binds.append(qint64(stride));
    return query;
}

Result<qint64> scanKeyAnchors(Connection& connection, const SqlQuery& keys, int stride,
    const std::function<bool(const QList<qint64>& anchors, qint64 rowsSoFar)>& sink)
{
    constexpr qint64 kRowsPerChunk = 1 << 16;
    const bool onServer = connection.flavour() != SqlFlavour::Sqlite;
    SqlQuery query = keys;
    if (onServer)
        query = serverKeyAnchors(keys, stride);
    qint64 rows = 0;
    qint64 reported = 0;
    QList<qint64> anchors;
    bool stopped = false;
    const Status status = forEachRow(connection, query, [&](const SqlRows& row) {
        const qint64 number = onServer ? row.int64(1) : rows + 1; // 1-based
        if ((number - 1) % stride == 0)
            anchors.append(row.int64(0));
        rows = number;
        if (rows - reported >= kRowsPerChunk) {
            reported = rows;
            if (connection.isInterrupted() || !sink(anchors, rows)) {
                stopped = true;
                return false;
            }
            anchors.clear();
        }
        return true;
    });
    if (!status)
        return status.error();
    if (stopped || !sink(anchors, rows))
        return StoreError::cancelled();
    return rows;
}

Result<std::optional<DenseKeys>> denseKeysFrom(Connection& connection, const SqlQuery& firstLastCount)
{
    std::optional<DenseKeys> dense;
    const Status status = forEachRow(connection, firstLastCount, [&dense](const SqlRows& row) {
        if (row.isNull(0)) {
            dense = DenseKeys { 0, 0 };
            return false;
        }
        const qint64 first = row.int64(0), last = row.int64(1), count = row.int64(2);
        if (last - first + 1 == count)
            dense = DenseKeys { first, count };
        return false;
    });
    if (!status)
        return status.error();
    return dense;
}

Result<std::optional<qint64>> firstInt(Connection& connection, const SqlQuery& query)
{
    std::optional<qint64> value;
    const Status status = forEachRow(connection, query, [&value](const SqlRows& row) {
        if (!row.isNull(0))
            value = row.int64(0);
        return false;
    });
    if (!status)
        return status.error();
    return value;
}

} // namespace EventScope
