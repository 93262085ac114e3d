#include "connection.h"

#include "sqlite/sqliteconnection.h"

using namespace Qt::StringLiterals;

namespace EventScope {

Result<std::unique_ptr<Connection>> openConnection(const StoreLocation& location, const QString& password)
{
    switch (location.kind()) {
    case StoreLocation::Kind::SqliteFile:
        return SqliteConnection::open(location);
    case StoreLocation::Kind::Postgres:
        Q_UNUSED(password);
        break;
    }
    return StoreError { StoreError::Kind::InvalidArgument,
        u"%1: PostgreSQL is not supported by this build"_s.arg(location.displayName()) };
}

} // namespace EventScope
