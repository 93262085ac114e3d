#include "sqlitedatabase.h"

#include "readonlyvfs.h"
#include "sqlitestatement.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr int kBusyTimeoutMs = 2000; // a locked store fails with a message after this, never hangs
constexpr char kSqliteMagic[] = "SQLite format 3";

StoreError fileError(StoreError::Kind kind, const QString& path, const QString& why)
{
    return StoreError { kind, u"%1: %2"_s.arg(path, why) };
}

// Everything we can tell about a file before SQLite opens it, so each bad input gets a precise message.
std::optional<StoreError> checkFile(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return fileError(StoreError::Kind::NotFound, path, u"no such file"_s);
    if (info.isDir())
        return fileError(StoreError::Kind::NotAFile, path, u"is a directory, not a store file"_s);
    if (!info.isFile())
        return fileError(StoreError::Kind::NotAFile, path, u"is not a regular file"_s);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fileError(StoreError::Kind::NotReadable, path, u"cannot be read: %1"_s.arg(file.errorString()));
    if (info.size() == 0)
        return fileError(StoreError::Kind::Empty, path, u"is empty (0 bytes), not a SQLite database"_s);
    const QByteArray header = file.read(100);
    if (header.size() < 16 || !header.startsWith(QByteArray(kSqliteMagic, sizeof kSqliteMagic)))
        return fileError(StoreError::Kind::NotSqlite, path,
            u"is not a SQLite database (the file does not start with the SQLite header)"_s);
    if (header.size() < 100)
        return fileError(StoreError::Kind::Corrupt, path, u"is truncated: the SQLite header is incomplete"_s);
    const int pageSize
        = ((uchar(header[16]) << 8) | uchar(header[17])) == 1 ? 65536 : ((uchar(header[16]) << 8) | uchar(header[17]));
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        return fileError(StoreError::Kind::Corrupt, path, u"is corrupt: the SQLite header has an invalid page size"_s);
    const qint64 pageCount
        = (qint64(uchar(header[28])) << 24) | (uchar(header[29]) << 16) | (uchar(header[30]) << 8) | uchar(header[31]);
    const qint64 size = file.size(); // after the header: a writer extends the file after it rewrites page 1
    if (size % pageSize != 0 || (pageCount > 0 && size < pageCount * pageSize)) {
        // While a writer commits (a -journal exists) or checkpoints (a -wal exists), page 1 may already
        // promise pages the file does not have yet; measured: 1421312 bytes for 362 pages of 4096 during a
        // checkpoint. Only a file at rest is judged by its size; SQLite reads the others under its locks.
        if (!QFileInfo::exists(path + u"-wal"_s) && !QFileInfo::exists(path + u"-journal"_s))
            return fileError(StoreError::Kind::Corrupt, path,
                u"is truncated or corrupt: %1 bytes, but the header promises %2 pages of %3 bytes"_s.arg(size)
                    .arg(pageCount)
                    .arg(pageSize));
    }
    return std::nullopt;
}

} // namespace

SqliteDatabase::SqliteDatabase(QString path, sqlite3* db)
    : m_path(std::move(path))
    , m_db(db)
{ }

SqliteDatabase::~SqliteDatabase()
{
    qDeleteAll(m_statements);
    sqlite3_close_v2(m_db);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::openReadOnly(const QString& path)
{
    if (auto error = checkFile(path))
        return *error;

    // mode=ro never writes the file; readonly_shm=1 never writes a WAL store's -shm (read marks included);
    // ReadOnlyVfs never creates a -wal or -shm and keeps reads of a WAL store with no -shm from tearing when a
    // writer starts. Every case, measured, is described in readonlyvfs.cpp. No immutable=1: it takes no lock
    // and would tear under a writer that starts while the store is open.
    const char* vfs = ReadOnlyVfs::name();
    if (!vfs)
        return fileError(StoreError::Kind::Io, path, u"cannot be opened: SQLite has no default VFS"_s);
    QUrl uri = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath());
    uri.setQuery(u"mode=ro&readonly_shm=1"_s);
    const QByteArray uriText = uri.toEncoded();

    sqlite3* db = nullptr;
    const int rc
        = sqlite3_open_v2(uriText.constData(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, vfs);
    std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(path, db));
    if (rc != SQLITE_OK)
        return database->errorFor(rc);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db, 1);

    // Touch the schema now: a non-database, an encrypted or a corrupt file fails here, not later.
    SqliteStatement* check = database->prepare(u"SELECT count(*) FROM sqlite_schema"_s);
    if (!check)
        return database->lastError();
    if (check->step() != SqliteStatement::Step::Row)
        return database->lastError();
    check->reset();
    return database;
}

SqliteStatement* SqliteDatabase::prepare(const QString& sql)
{
    if (SqliteStatement* cached = m_statements.value(sql)) {
        cached->reset();
        return cached;
    }
    const QByteArray utf8 = sql.toUtf8();
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &statement, nullptr)
        != SQLITE_OK) {
        sqlite3_finalize(statement);
        return nullptr;
    }
    auto* wrapped = new SqliteStatement(*this, statement);
    m_statements.insert(sql, wrapped);
    return wrapped;
}

StoreError SqliteDatabase::lastError() const
{
    return errorFor(sqlite3_extended_errcode(m_db));
}

StoreError SqliteDatabase::errorFor(int resultCode) const
{
    const QString sqliteMessage
        = m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QString::fromUtf8(sqlite3_errstr(resultCode));
    switch (resultCode & 0xff) {
    case SQLITE_INTERRUPT:
        return StoreError::cancelled();
    case SQLITE_NOTADB:
        return fileError(StoreError::Kind::NotSqlite, m_path, u"is not a SQLite database (%1)"_s.arg(sqliteMessage));
    case SQLITE_CORRUPT:
        return fileError(StoreError::Kind::Corrupt, m_path, u"is corrupt (%1)"_s.arg(sqliteMessage));
    case SQLITE_BUSY:
        if (resultCode == ReadOnlyVfs::writerArrivedCode())
            return fileError(StoreError::Kind::Locked, m_path,
                u"was opened for writing by another program during this read; read again to see its changes"_s);
        [[fallthrough]];
    case SQLITE_LOCKED:
        return fileError(StoreError::Kind::Locked, m_path,
            u"is locked by another process (waited %1 s): %2"_s.arg(kBusyTimeoutMs / 1000).arg(sqliteMessage));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return fileError(StoreError::Kind::NotReadable, m_path, u"cannot be opened: %1"_s.arg(sqliteMessage));
    case SQLITE_IOERR:
        if (resultCode == SQLITE_IOERR_SHORT_READ)
            return fileError(StoreError::Kind::Corrupt, m_path, u"is truncated (%1)"_s.arg(sqliteMessage));
        return fileError(StoreError::Kind::Io, m_path, u"could not be read: %1"_s.arg(sqliteMessage));
    default:
        return fileError(StoreError::Kind::Query, m_path, u"query failed: %1"_s.arg(sqliteMessage));
    }
}

QStringList SqliteDatabase::tableNames()
{
    QStringList names;
    SqliteStatement* statement
        = prepare(u"SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name"_s);
    while (statement && statement->step() == SqliteStatement::Step::Row)
        names.append(statement->text(0));
    return names;
}

QStringList SqliteDatabase::columnNames(const QString& table)
{
    QStringList names;
    SqliteStatement* statement = prepare(u"SELECT name FROM pragma_table_info(?1)"_s);
    if (!statement)
        return names;
    statement->bind(1, table);
    while (statement->step() == SqliteStatement::Step::Row)
        names.append(statement->text(0));
    return names;
}

void SqliteDatabase::finishStatements()
{
    for (sqlite3_stmt* statement = sqlite3_next_stmt(m_db, nullptr); statement;
         statement = sqlite3_next_stmt(m_db, statement)) {
        if (sqlite3_stmt_busy(statement))
            sqlite3_reset(statement);
    }
}

void SqliteDatabase::interrupt()
{
    m_interrupted.store(true);
    sqlite3_interrupt(m_db);
}

} // namespace EventScope
