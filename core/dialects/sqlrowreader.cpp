#include "sqlrowreader.h"

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
