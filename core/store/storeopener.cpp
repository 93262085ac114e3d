#include "storeopener.h"

#include "../dialects/nativestore.h"
#include "sqlite/sqlitedatabase.h"

#include <functional>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// The dialects that read SQLite files. Adding one is one line here and one file in core/dialects/.
struct SqliteDialect
{
    std::function<int(SqliteDatabase&)> detect;
    std::function<std::unique_ptr<EventStore>(std::unique_ptr<SqliteDatabase>)> open;
};

const QList<SqliteDialect>& sqliteDialects()
{
    static const QList<SqliteDialect> dialects {
        { NativeStore::detect,
            [](std::unique_ptr<SqliteDatabase> db) { return std::make_unique<NativeStore>(std::move(db)); } },
    };
    return dialects;
}

} // namespace

Result<std::unique_ptr<EventStore>> openStore(const QString& location)
{
    auto database = SqliteDatabase::openReadOnly(location);
    if (!database)
        return database.error();
    std::unique_ptr<SqliteDatabase> db = std::move(database).value();

    const SqliteDialect* best = nullptr;
    int bestConfidence = 0;
    for (const SqliteDialect& dialect : sqliteDialects()) {
        const int confidence = dialect.detect(*db);
        if (confidence > bestConfidence) {
            best = &dialect;
            bestConfidence = confidence;
        }
    }
    if (!best) {
        const QStringList tables = db->tableNames();
        const QString found
            = tables.isEmpty() ? u"it has no tables"_s : u"its tables are: %1"_s.arg(tables.join(u", "_s));
        return StoreError { StoreError::Kind::UnknownSchema,
            u"%1: is a SQLite database but not an event store EventScope knows (%2)"_s.arg(location, found) };
    }
    return best->open(std::move(db));
}

} // namespace EventScope
