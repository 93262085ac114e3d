#include "testsupport.h"

#include <core/demo/demogenerator.h>
#include <core/dialects/nativeschema.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope::TestSupport {

namespace {

void exec(sqlite3* db, const char* sql)
{
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK)
        qFatal("fixture SQL failed: %s: %s", sql, error);
}

void insertEvent(sqlite3* db, qint64 position, qint64 streamId, qint64 version, const char* type, qint64 time,
    const QByteArray& id, const QByteArray& data, const QByteArray& metadata)
{
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &statement, nullptr);
    sqlite3_bind_int64(statement, 1, position);
    sqlite3_bind_int64(statement, 2, streamId);
    sqlite3_bind_int64(statement, 3, version);
    sqlite3_bind_text(statement, 4, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(statement, 5, time);
    sqlite3_bind_text(statement, 6, id.constData(), int(id.size()), SQLITE_STATIC);
    if (data.isNull())
        sqlite3_bind_null(statement, 7);
    else
        sqlite3_bind_blob(statement, 7, data.constData(), int(data.size()), SQLITE_STATIC);
    sqlite3_bind_blob(statement, 8, metadata.constData(), int(metadata.size()), SQLITE_STATIC);
    if (sqlite3_step(statement) != SQLITE_DONE)
        qFatal("fixture insert failed: %s", sqlite3_errmsg(db));
    sqlite3_finalize(statement);
}

} // namespace

QString demoStore(const QString& directory, qint64 events, quint64 seed)
{
    // One cache per test process: generating is fast but many tests want the same store.
    static QTemporaryDir cache;
    const QString cached = cache.filePath(u"demo-%1-%2.sqlite"_s.arg(events).arg(seed));
    if (!QFile::exists(cached)) {
        const auto created = createDemoStore(cached, DemoOptions { events, seed });
        if (!created)
            qFatal("cannot create demo store: %s", qPrintable(created.error().message));
    }
    const QString path = QDir(directory).filePath(u"demo-%1.sqlite"_s.arg(events));
    QFile::remove(path);
    if (!QFile::copy(cached, path))
        qFatal("cannot copy demo store to %s", qPrintable(path));
    return path;
}

// Streams: orders-1 (3 events), orders-2 (2 events), Zoë-1 (category "Zoë", 3 events).
// Positions 1..8 at times 2024-03-14T12:00:00.000Z + position seconds.
// Position 4 (orders-2 v1) has invalid JSON, position 6 (Zoë-1 v2) invalid UTF-8, position 8 (Zoë-1 v3) no data.
QString handWrittenStore(const QString& directory)
{
    const QString path = QDir(directory).filePath(u"handwritten.sqlite"_s);
    QFile::remove(path);
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(path).constData(), &db);
    for (const char* sql : NativeSchema::kCreateTables)
        exec(db, sql);
    for (const char* sql : NativeSchema::kCreateIndexes)
        exec(db, sql);
    exec(db, "INSERT INTO eventscope_meta VALUES ('schema', 'eventscope-native')");
    const qint64 t0 = 1710417600000; // 2024-03-14T12:00:00.000Z
    exec(db,
        "INSERT INTO streams VALUES (1, 'orders-1', NULL, 3, 3, 1710417607000), (2, 'orders-2', NULL, 2, 2, "
        "1710417605000),"
        " (3, 'Zoë-1', NULL, 3, 3, 1710417608000)");
    const QByteArray meta = R"({"correlationId":"c-1","causationId":null})";
    insertEvent(db, 1, 1, 1, "OrderPlaced", t0 + 1000, "00000000-0000-4000-8000-000000000001",
        R"({"orderId":1,"lines":[],"note":null})", meta);
    insertEvent(db, 2, 1, 2, "ItemAdded", t0 + 2000, "00000000-0000-4000-8000-000000000002",
        R"({"sku":"A-1","qty":2,"price":9.5})", meta);
    insertEvent(db, 3, 3, 1, "Registered", t0 + 3000, "00000000-0000-4000-8000-000000000003",
        R"({"name":"Zoë","tags":["β","東京"]})", meta);
    insertEvent(
        db, 4, 2, 1, "OrderPlaced", t0 + 4000, "00000000-0000-4000-8000-000000000004", R"({"orderId":2,)", meta);
    insertEvent(
        db, 5, 2, 2, "OrderCancelled", t0 + 5000, "00000000-0000-4000-8000-000000000005", R"("just a string")", meta);
    insertEvent(db, 6, 3, 2, "PhotoUploaded", t0 + 6000, "00000000-0000-4000-8000-000000000006",
        QByteArray("\xff\xfe\x00\x01photo", 9), meta);
    insertEvent(
        db, 7, 1, 3, "OrderShipped", t0 + 7000, "00000000-0000-4000-8000-000000000007", R"({"carrier":"Post"})", meta);
    insertEvent(
        db, 8, 3, 3, "Deleted", t0 + 8000, "00000000-0000-4000-8000-000000000008", QByteArray(), QByteArray("{}"));
    exec(db, "INSERT INTO snapshots VALUES (1, 2, 1710417602000, '{\"lines\":1}')");
    sqlite3_close(db);
    return path;
}

QString badFile(const QString& directory, BadFile kind)
{
    const QDir dir(directory);
    switch (kind) {
    case BadFile::Missing:
        return dir.filePath(u"no-such-store.sqlite"_s);
    case BadFile::Directory: {
        dir.mkpath(u"a-directory"_s);
        return dir.filePath(u"a-directory"_s);
    }
    case BadFile::Empty: {
        const QString path = dir.filePath(u"empty.sqlite"_s);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        return path;
    }
    case BadFile::NotSqlite: {
        const QString path = dir.filePath(u"notes.txt"_s);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write("These are notes, not a database.\n");
        return path;
    }
    case BadFile::Truncated: {
        const QString source = demoStore(directory, 2000);
        QFile file(source);
        file.resize(file.size() / 2 + 1000);
        const QString path = dir.filePath(u"truncated.sqlite"_s);
        file.rename(path);
        return path;
    }
    case BadFile::CorruptPages: {
        const QString path = demoStore(directory, 2000);
        QFile file(path);
        file.open(QIODevice::ReadWrite);
        file.seek(100);
        file.write(QByteArray(16384, '\x5a'));
        const QString renamed = dir.filePath(u"corrupt.sqlite"_s);
        file.close();
        QFile::rename(path, renamed);
        return renamed;
    }
    case BadFile::ForeignSqlite: {
        const QString path = dir.filePath(u"inventory.sqlite"_s);
        sqlite3* db = nullptr;
        sqlite3_open(QFile::encodeName(path).constData(), &db);
        exec(db,
            "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO products VALUES (1, 'chair');"
            " CREATE TABLE orders (id INTEGER PRIMARY KEY, product_id INTEGER)");
        sqlite3_close(db);
        return path;
    }
    }
    return {};
}

QByteArray sha256OfFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

QStringList filesBeside(const QString& directory)
{
    return QDir(directory).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

} // namespace EventScope::TestSupport
