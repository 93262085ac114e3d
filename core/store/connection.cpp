#include "connection.h"

#include "postgres/postgresconnection.h"
#include "sqlite/sqliteconnection.h"

namespace EventScope {

Result<std::unique_ptr<Connection>> openConnection(const StoreLocation& location, const QString& password)
{
    switch (location.kind()) {
    case StoreLocation::Kind::SqliteFile:
        return SqliteConnection::open(location);
    case StoreLocation::Kind::Postgres:
        return PostgresConnection::open(location, password);
    }
    Q_UNREACHABLE();
    return StoreError {};
}

} // namespace EventScope
