#include "workspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <sqlite3.h>

#include <functional>
#include <variant>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

StoreError errorOf(sqlite3* db, const QString& doing)
{
    const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
    const QString message = db ? QString::fromUtf8(sqlite3_errmsg(db)) : u"out of memory"_s;
    StoreError::Kind kind = StoreError::Kind::Io;
    switch (code & 0xff) {
    case SQLITE_CORRUPT:
        kind = StoreError::Kind::Corrupt;
        break;
    case SQLITE_NOTADB:
        kind = StoreError::Kind::NotSqlite;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        kind = StoreError::Kind::Locked;
        break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
        kind = StoreError::Kind::NotReadable;
        break;
    default:
        break;
    }
    return { kind, u"workspace: %1: %2"_s.arg(doing, message) };
}

using Bound = std::variant<std::monostate, qint64, QString, QByteArray>;

// One prepared statement: bind, step, read columns. Finalized when it goes out of scope.
class Statement
{
public:
    Statement(sqlite3* db, const QByteArray& sql, std::initializer_list<Bound> values = {})
        : m_db(db)
    {
        m_rc = sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &m_stmt, nullptr);
        int index = 1;
        for (const Bound& value : values) {
            if (m_rc != SQLITE_OK)
                break;
            if (std::holds_alternative<qint64>(value))
                m_rc = sqlite3_bind_int64(m_stmt, index, std::get<qint64>(value));
            else if (std::holds_alternative<QString>(value)) {
                const QByteArray utf8 = std::get<QString>(value).toUtf8();
                m_rc = sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
            } else if (std::holds_alternative<QByteArray>(value)) {
                const QByteArray& bytes = std::get<QByteArray>(value);
                m_rc = sqlite3_bind_blob(m_stmt, index, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
            } else
                m_rc = sqlite3_bind_null(m_stmt, index);
            ++index;
        }
    }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // True with a row to read; false at the end or on an error (see ok()).
    bool step()
    {
        if (m_rc != SQLITE_OK && m_rc != SQLITE_ROW)
            return false;
        m_rc = sqlite3_step(m_stmt);
        if (m_rc == SQLITE_DONE) {
            m_rc = SQLITE_OK;
            return false;
        }
        return m_rc == SQLITE_ROW;
    }
    bool ok() const { return m_rc == SQLITE_OK || m_rc == SQLITE_ROW; }
    // Runs a statement that returns no rows.
    bool exec()
    {
        while (step()) { }
        return ok();
    }

    qint64 integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
    bool isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    QString text(int column) const
    {
        const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return QString::fromUtf8(bytes, sqlite3_column_bytes(m_stmt, column));
    }
    QByteArray blob(int column) const
    {
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
        return QByteArray(bytes, sqlite3_column_bytes(m_stmt, column));
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

bool execScript(sqlite3* db, const char* sql)
{
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails.
template <typename T> Result<T> inTransaction(sqlite3* db, const QString& doing, const std::function<Result<T>()>& body)
{
    if (!execScript(db, "BEGIN IMMEDIATE"))
        return errorOf(db, doing);
    Result<T> result = body();
    if (!result) {
        execScript(db, "ROLLBACK");
        return result;
    }
    if (!execScript(db, "COMMIT")) {
        const StoreError error = errorOf(db, doing);
        execScript(db, "ROLLBACK");
        return error;
    }
    return result;
}

QDateTime fromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

// Each step takes the schema from version N-1 to N. Never edit a step that has shipped: add one.
const char* const kMigrations[] = {
    // 1: definitions and their revisions.
    "CREATE TABLE definitions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, head INTEGER,"
    " linked_file TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE revisions (id INTEGER PRIMARY KEY, definition INTEGER NOT NULL REFERENCES definitions(id)"
    " ON DELETE CASCADE, number INTEGER NOT NULL, time_ms INTEGER NOT NULL, hash TEXT NOT NULL,"
    " message TEXT NOT NULL DEFAULT '', content TEXT NOT NULL, UNIQUE (definition, number));",
    // 2: drafts, per-store settings, mappings, connections, bookmarks.
    "CREATE TABLE drafts (definition INTEGER PRIMARY KEY REFERENCES definitions(id) ON DELETE CASCADE,"
    " time_ms INTEGER NOT NULL, content TEXT NOT NULL);"
    "CREATE TABLE settings (store TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (store, key));"
    "CREATE TABLE mappings (name TEXT PRIMARY KEY, json BLOB NOT NULL);"
    "CREATE TABLE connections (name TEXT PRIMARY KEY, json BLOB NOT NULL);"
    "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, store TEXT NOT NULL, stream TEXT NOT NULL,"
    " version INTEGER NOT NULL, position INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT "
    "NULL);",
};
static_assert(std::size(kMigrations) == Workspace::kSchemaVersion);

} // namespace

namespace {

QString applicationPath;
QString applicationOpenError;

} // namespace

Workspace* Workspace::application()
{
    static const std::unique_ptr<Workspace> instance = []() -> std::unique_ptr<Workspace> {
        auto opened = open(applicationPath.isEmpty() ? defaultPath() : applicationPath);
        if (!opened) {
            applicationOpenError = opened.error().message;
            return nullptr;
        }
        return std::move(*opened);
    }();
    return instance.get();
}

void Workspace::setApplicationPath(const QString& path)
{
    applicationPath = path;
}

QString Workspace::applicationError()
{
    return applicationOpenError;
}

QString Workspace::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/workspace.sqlite"_s;
}

QString Workspace::contentHash(const QString& content)
{
    return QString::fromLatin1(QCryptographicHash::hash(content.toUtf8(), QCryptographicHash::Sha256).toHex());
}

Workspace::Workspace(sqlite3* db, QString path)
    : m_db(db)
    , m_path(std::move(path))
{ }

Workspace::~Workspace()
{
    sqlite3_close(m_db);
}

Result<std::unique_ptr<Workspace>> Workspace::open(const QString& path)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return StoreError { StoreError::Kind::Io,
            u"workspace: cannot create the folder %1"_s.arg(info.absolutePath()) };
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const StoreError error = errorOf(db, u"cannot open %1"_s.arg(path));
        sqlite3_close(db);
        return error;
    }
    std::unique_ptr<Workspace> workspace(new Workspace(db, path));
    sqlite3_busy_timeout(db, 5000);
    // A newer EventScope's file is refused before anything (even the journal mode) is written to it.
    if (const int version = workspace->schemaVersion(); version < 0)
        return errorOf(db, u"cannot read %1"_s.arg(path));
    else if (version > kSchemaVersion)
        return StoreError { StoreError::Kind::UnknownSchema,
            u"workspace: %1 was written by a newer EventScope (schema %2; this one knows up to %3); it was left as it is"_s
                .arg(path)
                .arg(version)
                .arg(kSchemaVersion) };
    // WAL: a reader (a second EventScope) never blocks a save. synchronous=NORMAL: in WAL mode a commit survives the
    // process being killed at any moment (the kill test proves it) and the file never corrupts; only a power cut can
    // lose the last commits. FULL would add an fsync to every autosave, on the GUI thread.
    if (!execScript(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"))
        return errorOf(db, u"cannot open %1"_s.arg(path));
    if (Status migrated = workspace->migrate(); !migrated)
        return migrated.error();
    return workspace;
}

int Workspace::schemaVersion() const
{
    const std::lock_guard lock(m_lock);
    Statement version(m_db, "PRAGMA user_version");
    return version.step() ? int(version.integer(0)) : -1;
}

Status Workspace::migrate()
{
    const int from = schemaVersion();
    if (from < 0)
        return errorOf(m_db, u"cannot read %1"_s.arg(m_path));
    for (int version = from + 1; version <= kSchemaVersion; ++version) {
        const Status step = inTransaction<Done>(m_db, u"migrating to schema %1"_s.arg(version), [&]() -> Status {
            if (!execScript(m_db, kMigrations[version - 1])
                || !execScript(m_db, QByteArray("PRAGMA user_version=" + QByteArray::number(version)).constData()))
                return errorOf(m_db, u"migrating to schema %1"_s.arg(version));
            return Done {};
        });
        if (!step)
            return step;
    }
    return Done {};
}

namespace {

constexpr const char* kDefinitionColumns = "SELECT d.id, d.name, d.head, coalesce(r.content, ''), d.linked_file,"
                                           " dr.content IS NOT NULL, coalesce(dr.content, '')"
                                           " FROM definitions d LEFT JOIN revisions r ON r.id = d.head"
                                           " LEFT JOIN drafts dr ON dr.definition = d.id ";

WorkspaceDefinition definitionAt(const Statement& row)
{
    WorkspaceDefinition definition;
    definition.id = row.integer(0);
    definition.name = row.text(1);
    definition.headRevision = row.isNull(2) ? 0 : row.integer(2);
    definition.content = row.text(3);
    definition.linkedFile = row.text(4);
    if (row.integer(5))
        definition.draft = row.text(6);
    return definition;
}

constexpr const char* kRevisionColumns
    = "SELECT id, definition, number, time_ms, hash, message, content FROM revisions ";

WorkspaceRevision revisionAt(const Statement& row)
{
    return { row.integer(0), row.integer(1), int(row.integer(2)), fromMs(row.integer(3)), row.text(4), row.text(5),
        row.text(6) };
}

} // namespace

Result<QList<WorkspaceDefinition>> Workspace::definitions() const
{
    const std::lock_guard lock(m_lock);
    QList<WorkspaceDefinition> list;
    Statement rows(m_db, (QByteArray(kDefinitionColumns) + "ORDER BY d.name"));
    while (rows.step())
        list.append(definitionAt(rows));
    if (!rows.ok())
        return errorOf(m_db, u"reading definitions"_s);
    return list;
}

Result<WorkspaceDefinition> Workspace::definition(qint64 id) const
{
    const std::lock_guard lock(m_lock);
    Statement row(m_db, (QByteArray(kDefinitionColumns) + "WHERE d.id = ?"), { id });
    if (row.step())
        return definitionAt(row);
    if (!row.ok())
        return errorOf(m_db, u"reading a definition"_s);
    return StoreError { StoreError::Kind::NotFound, u"workspace: no definition #%1"_s.arg(id) };
}

Result<std::optional<WorkspaceDefinition>> Workspace::definitionNamed(const QString& name) const
{
    const std::lock_guard lock(m_lock);
    Statement row(m_db, (QByteArray(kDefinitionColumns) + "WHERE d.name = ?"), { name });
    if (row.step())
        return std::optional(definitionAt(row));
    if (!row.ok())
        return errorOf(m_db, u"reading a definition"_s);
    return std::optional<WorkspaceDefinition> {};
}

namespace {

// Inserts the next revision of `definition` and moves its head; inside a transaction.
Result<WorkspaceRevision> insertRevision(sqlite3* db, qint64 definition, const QString& content, const QString& message)
{
    Statement last(db, "SELECT coalesce(max(number), 0) FROM revisions WHERE definition = ?", { definition });
    if (!last.step())
        return errorOf(db, u"saving a revision"_s);
    WorkspaceRevision revision;
    revision.definition = definition;
    revision.number = int(last.integer(0)) + 1;
    revision.time = QDateTime::currentDateTimeUtc();
    revision.hash = Workspace::contentHash(content);
    revision.message = message;
    revision.content = content;
    Statement insert(db,
        "INSERT INTO revisions (definition, number, time_ms, hash, message, content) VALUES (?,?,?,?,?,?)",
        { definition, qint64(revision.number), revision.time.toMSecsSinceEpoch(), revision.hash, message, content });
    if (!insert.exec())
        return errorOf(db, u"saving a revision"_s);
    revision.id = sqlite3_last_insert_rowid(db);
    Statement head(db, "UPDATE definitions SET head = ? WHERE id = ?", { revision.id, definition });
    Statement draft(db, "DELETE FROM drafts WHERE definition = ?", { definition });
    if (!head.exec() || !draft.exec())
        return errorOf(db, u"saving a revision"_s);
    return revision;
}

} // namespace

Result<WorkspaceDefinition> Workspace::createDefinition(
    const QString& name, const QString& content, const QString& message)
{
    const std::lock_guard lock(m_lock);
    if (name.trimmed().isEmpty())
        return StoreError { StoreError::Kind::InvalidArgument, u"workspace: a definition needs a name"_s };
    const Result<qint64> id = inTransaction<qint64>(m_db, u"creating '%1'"_s.arg(name), [&]() -> Result<qint64> {
        Statement insert(m_db, "INSERT INTO definitions (name) VALUES (?)", { name });
        if (!insert.exec()) {
            if ((sqlite3_extended_errcode(m_db) & 0xff) == SQLITE_CONSTRAINT)
                return StoreError { StoreError::Kind::InvalidArgument,
                    u"workspace: a definition named '%1' exists already"_s.arg(name) };
            return errorOf(m_db, u"creating '%1'"_s.arg(name));
        }
        const qint64 created = sqlite3_last_insert_rowid(m_db);
        if (const auto revision = insertRevision(m_db, created, content, message); !revision)
            return revision.error();
        return created;
    });
    if (!id)
        return id.error();
    return definition(*id);
}

Status Workspace::renameDefinition(qint64 id, const QString& name)
{
    const std::lock_guard lock(m_lock);
    if (name.trimmed().isEmpty())
        return StoreError { StoreError::Kind::InvalidArgument, u"workspace: a definition needs a name"_s };
    Statement rename(m_db, "UPDATE definitions SET name = ? WHERE id = ?", { name, id });
    if (!rename.exec())
        return errorOf(m_db, u"renaming to '%1'"_s.arg(name));
    return Done {};
}

Status Workspace::removeDefinition(qint64 id)
{
    const std::lock_guard lock(m_lock);
    return inTransaction<Done>(m_db, u"removing a definition"_s, [&]() -> Status {
        Statement drafts(m_db, "DELETE FROM drafts WHERE definition = ?", { id });
        Statement revisions(m_db, "DELETE FROM revisions WHERE definition = ?", { id });
        Statement definition(m_db, "DELETE FROM definitions WHERE id = ?", { id });
        if (!drafts.exec() || !revisions.exec() || !definition.exec())
            return errorOf(m_db, u"removing a definition"_s);
        return Done {};
    });
}

Result<WorkspaceRevision> Workspace::saveRevision(qint64 definitionId, const QString& content, const QString& message)
{
    const std::lock_guard lock(m_lock);
    return inTransaction<WorkspaceRevision>(m_db, u"saving a revision"_s, [&]() -> Result<WorkspaceRevision> {
        Statement head(m_db, (QByteArray(kRevisionColumns) + "WHERE id = (SELECT head FROM definitions WHERE id = ?)"),
            { definitionId });
        if (head.step() && head.text(6) == content) {
            Statement draft(m_db, "DELETE FROM drafts WHERE definition = ?", { definitionId });
            if (!draft.exec())
                return errorOf(m_db, u"saving a revision"_s);
            return revisionAt(head);
        }
        Statement exists(m_db, "SELECT 1 FROM definitions WHERE id = ?", { definitionId });
        if (!exists.step())
            return StoreError { StoreError::Kind::NotFound, u"workspace: no definition #%1"_s.arg(definitionId) };
        return insertRevision(m_db, definitionId, content, message);
    });
}

Result<QList<WorkspaceRevision>> Workspace::revisions(qint64 definitionId) const
{
    const std::lock_guard lock(m_lock);
    QList<WorkspaceRevision> list;
    Statement rows(
        m_db, (QByteArray(kRevisionColumns) + "WHERE definition = ? ORDER BY number DESC"), { definitionId });
    while (rows.step())
        list.append(revisionAt(rows));
    if (!rows.ok())
        return errorOf(m_db, u"reading revisions"_s);
    return list;
}

Result<WorkspaceRevision> Workspace::revision(qint64 revisionId) const
{
    const std::lock_guard lock(m_lock);
    Statement row(m_db, (QByteArray(kRevisionColumns) + "WHERE id = ?"), { revisionId });
    if (row.step())
        return revisionAt(row);
    if (!row.ok())
        return errorOf(m_db, u"reading a revision"_s);
    return StoreError { StoreError::Kind::NotFound, u"workspace: no revision #%1"_s.arg(revisionId) };
}

Result<WorkspaceRevision> Workspace::restore(qint64 definitionId, qint64 revisionId)
{
    const std::lock_guard lock(m_lock);
    const Result<WorkspaceRevision> old = revision(revisionId);
    if (!old)
        return old.error();
    if (old->definition != definitionId)
        return StoreError { StoreError::Kind::InvalidArgument,
            u"workspace: revision #%1 belongs to another definition"_s.arg(revisionId) };
    return saveRevision(definitionId, old->content, u"Restored revision %1"_s.arg(old->number));
}

Status Workspace::saveDraft(qint64 definitionId, const QString& text)
{
    const std::lock_guard lock(m_lock);
    Statement save(m_db,
        "INSERT INTO drafts (definition, time_ms, content) VALUES (?, ?, ?)"
        " ON CONFLICT (definition) DO UPDATE SET time_ms = excluded.time_ms, content = excluded.content",
        { definitionId, QDateTime::currentMSecsSinceEpoch(), text });
    if (!save.exec())
        return errorOf(m_db, u"saving a draft"_s);
    return Done {};
}

Status Workspace::clearDraft(qint64 definitionId)
{
    const std::lock_guard lock(m_lock);
    Statement clear(m_db, "DELETE FROM drafts WHERE definition = ?", { definitionId });
    if (!clear.exec())
        return errorOf(m_db, u"clearing a draft"_s);
    return Done {};
}

Result<WorkspaceDefinition> Workspace::importFile(const QString& filePath, const QString& name)
{
    const std::lock_guard lock(m_lock);
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return StoreError { StoreError::Kind::NotReadable, u"cannot read %1: %2"_s.arg(filePath, file.errorString()) };
    const QString content = QString::fromUtf8(file.readAll());
    QString base = name.isEmpty() ? QFileInfo(filePath).completeBaseName() : name;
    // A second import of a file with the same name gets "name (2)", not an error.
    QString unique = base;
    for (int n = 2;; ++n) {
        const auto existing = definitionNamed(unique);
        if (!existing)
            return existing.error();
        if (!*existing)
            break;
        unique = u"%1 (%2)"_s.arg(base).arg(n);
    }
    return createDefinition(unique, content, u"Imported from %1"_s.arg(QFileInfo(filePath).fileName()));
}

Status Workspace::exportFile(qint64 definitionId, const QString& filePath) const
{
    const std::lock_guard lock(m_lock);
    const Result<WorkspaceDefinition> found = definition(definitionId);
    if (!found)
        return found.error();
    QSaveFile file(filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(found->content.toUtf8()) < 0 || !file.commit())
        return StoreError { StoreError::Kind::Io, u"cannot write %1: %2"_s.arg(filePath, file.errorString()) };
    return Done {};
}

Status Workspace::linkFile(qint64 definitionId, const QString& filePath)
{
    const std::lock_guard lock(m_lock);
    const QString absolute = filePath.isEmpty() ? QString() : QFileInfo(filePath).absoluteFilePath();
    Statement link(m_db, "UPDATE definitions SET linked_file = ? WHERE id = ?", { absolute, definitionId });
    if (!link.exec())
        return errorOf(m_db, u"linking a file"_s);
    return Done {};
}

Result<std::optional<QString>> Workspace::setting(const QString& store, const QString& key) const
{
    const std::lock_guard lock(m_lock);
    Statement row(m_db, "SELECT value FROM settings WHERE store = ? AND key = ?", { store, key });
    if (row.step())
        return std::optional(row.text(0));
    if (!row.ok())
        return errorOf(m_db, u"reading a setting"_s);
    return std::optional<QString> {};
}

Status Workspace::setSetting(const QString& store, const QString& key, const QString& value)
{
    const std::lock_guard lock(m_lock);
    Statement save(m_db,
        "INSERT INTO settings (store, key, value) VALUES (?, ?, ?)"
        " ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
        { store, key, value });
    if (!save.exec())
        return errorOf(m_db, u"saving a setting"_s);
    return Done {};
}

Status Workspace::removeSetting(const QString& store, const QString& key)
{
    const std::lock_guard lock(m_lock);
    Statement remove(m_db, "DELETE FROM settings WHERE store = ? AND key = ?", { store, key });
    if (!remove.exec())
        return errorOf(m_db, u"removing a setting"_s);
    return Done {};
}

Status Workspace::forgetSettings(const QString& store)
{
    const std::lock_guard lock(m_lock);
    Statement remove(m_db, "DELETE FROM settings WHERE ? = '' OR store = ?", { store, store });
    if (!remove.exec())
        return errorOf(m_db, u"forgetting settings"_s);
    return Done {};
}

namespace {

Result<QList<QPair<QString, QByteArray>>> namedBlobs(sqlite3* db, const char* sql, const QString& what)
{
    QList<QPair<QString, QByteArray>> list;
    Statement rows(db, sql);
    while (rows.step())
        list.append({ rows.text(0), rows.blob(1) });
    if (!rows.ok())
        return errorOf(db, what);
    return list;
}

} // namespace

Result<QList<QPair<QString, QByteArray>>> Workspace::mappings() const
{
    const std::lock_guard lock(m_lock);
    return namedBlobs(m_db, "SELECT name, json FROM mappings ORDER BY name", u"reading mappings"_s);
}

Status Workspace::saveMapping(const QString& name, const QByteArray& json)
{
    const std::lock_guard lock(m_lock);
    Statement save(m_db,
        "INSERT INTO mappings (name, json) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET json = excluded.json",
        { name, json });
    if (!save.exec())
        return errorOf(m_db, u"saving a mapping"_s);
    return Done {};
}

Result<QList<QPair<QString, QByteArray>>> Workspace::connections() const
{
    const std::lock_guard lock(m_lock);
    return namedBlobs(
        m_db, "SELECT name, json FROM connections ORDER BY name COLLATE NOCASE", u"reading connections"_s);
}

Status Workspace::saveConnection(const QString& name, const QByteArray& json)
{
    const std::lock_guard lock(m_lock);
    Statement save(m_db,
        "INSERT INTO connections (name, json) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET json = excluded.json",
        { name, json });
    if (!save.exec())
        return errorOf(m_db, u"saving a connection"_s);
    return Done {};
}

Status Workspace::removeConnection(const QString& name)
{
    const std::lock_guard lock(m_lock);
    Statement remove(m_db, "DELETE FROM connections WHERE name = ?", { name });
    if (!remove.exec())
        return errorOf(m_db, u"removing a connection"_s);
    return Done {};
}

Result<QList<WorkspaceBookmark>> Workspace::bookmarks(const QString& store) const
{
    const std::lock_guard lock(m_lock);
    QList<WorkspaceBookmark> list;
    Statement rows(m_db,
        "SELECT id, store, stream, version, position, note, created_ms FROM bookmarks"
        " WHERE ? = '' OR store = ? ORDER BY created_ms DESC, id DESC",
        { store, store });
    while (rows.step())
        list.append({ rows.integer(0), rows.text(1), rows.text(2), rows.integer(3), rows.integer(4), rows.text(5),
            fromMs(rows.integer(6)) });
    if (!rows.ok())
        return errorOf(m_db, u"reading bookmarks"_s);
    return list;
}

Result<qint64> Workspace::addBookmark(const WorkspaceBookmark& bookmark)
{
    const std::lock_guard lock(m_lock);
    const QDateTime created = bookmark.created.isValid() ? bookmark.created : QDateTime::currentDateTimeUtc();
    Statement insert(m_db,
        "INSERT INTO bookmarks (store, stream, version, position, note, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
        { bookmark.store, bookmark.stream, bookmark.version, bookmark.position, bookmark.note,
            created.toMSecsSinceEpoch() });
    if (!insert.exec())
        return errorOf(m_db, u"adding a bookmark"_s);
    return qint64(sqlite3_last_insert_rowid(m_db));
}

Status Workspace::removeBookmark(qint64 id)
{
    const std::lock_guard lock(m_lock);
    Statement remove(m_db, "DELETE FROM bookmarks WHERE id = ?", { id });
    if (!remove.exec())
        return errorOf(m_db, u"removing a bookmark"_s);
    return Done {};
}

} // namespace EventScope
