#pragma once

#include "../store/connection.h"

#include <functional>
#include <optional>

namespace EventScope {

// Small readers every dialect uses over a Connection: run a query and take its rows one way or another.

// Calls `onRow` for each row until the end, an error, or `onRow` returning false.
Status forEachRow(Connection& connection, const SqlQuery& query, const std::function<bool(const SqlRows&)>& onRow);

// The first column of the first row; nullopt when there is no row or it is NULL.
Result<std::optional<qint64>> firstInt(Connection& connection, const SqlQuery& query);

} // namespace EventScope
