#pragma once

#include <core/store/result.h>

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>
#include <mutex>
#include <optional>

struct sqlite3;

namespace EventScope {

// A projection definition kept in the workspace: its name, the revision it is at, the text the editor holds but
// has not saved (the autosaved draft), and the file it stays linked to, if any.
struct WorkspaceDefinition
{
    qint64 id = 0;
    QString name;
    qint64 headRevision = 0; // 0: none saved yet
    QString content; // the head revision's text
    std::optional<QString> draft; // unsaved editor text, autosaved; nullopt: none
    QString linkedFile; // empty: not linked
};

// One save of a definition. Revisions are never changed or deleted; a restore saves a new one.
struct WorkspaceRevision
{
    qint64 id = 0;
    qint64 definition = 0;
    int number = 0; // 1, 2, ... per definition
    QDateTime time; // UTC
    QString hash; // SHA-256 of the UTF-8 content, hex
    QString message; // may be empty
    QString content;
};

struct WorkspaceBookmark
{
    qint64 id = 0;
    QString store; // the store's location, as StoreLocation::toString() gives it
    QString stream;
    qint64 version = 0;
    qint64 position = 0;
    QString note;
    QDateTime created;
};

// EventScope's own data: one SQLite file in the user's data directory, never inside or beside a store. It holds
// projection definitions with their revisions and drafts, mappings, the per-store category → projection choices
// and snapshot-compare settings, saved connections (never passwords) and bookmarks.
//
// Every write is one transaction, and the file runs in WAL mode: a process killed mid-save leaves the last
// committed state (tests/workspace kills a writer to prove it). Writes are small and fast enough (no fsync per
// commit) for the GUI thread's autosave. The schema carries a version
// (PRAGMA user_version) and migrates forward when opened; a file from a newer EventScope is refused, untouched.
// One Workspace object belongs to one thread.
class Workspace
{
public:
    static constexpr int kSchemaVersion = 2;

    // <AppDataLocation>/workspace.sqlite
    static QString defaultPath();

    // Opens (creating it and its directory when missing) and migrates.
    static Result<std::unique_ptr<Workspace>> open(const QString& path);

    // The application's workspace, opened at the first call (at the path setApplicationPath() gave, else
    // defaultPath()) and kept until the process ends; null when it cannot be opened (applicationError() says why).
    // Saved connections, the projection choices and the compare settings live there.
    static Workspace* application();
    static void setApplicationPath(const QString& path); // before the first application()
    static QString applicationError();
    ~Workspace();

    QString path() const { return m_path; }
    int schemaVersion() const;

    // Projection definitions, by name (unique, case-sensitive), sorted by name.
    Result<QList<WorkspaceDefinition>> definitions() const;
    Result<WorkspaceDefinition> definition(qint64 id) const;
    Result<std::optional<WorkspaceDefinition>> definitionNamed(const QString& name) const;
    // A new definition whose first revision holds `content`.
    Result<WorkspaceDefinition> createDefinition(
        const QString& name, const QString& content, const QString& message = {});
    Status renameDefinition(qint64 id, const QString& name);
    Status removeDefinition(qint64 id); // with its revisions

    // Saves `content` as a new revision and clears the draft. Saving the head's text again makes no revision and
    // returns the head.
    Result<WorkspaceRevision> saveRevision(qint64 definition, const QString& content, const QString& message = {});
    // Newest first; `content` is filled in.
    Result<QList<WorkspaceRevision>> revisions(qint64 definition) const;
    Result<WorkspaceRevision> revision(qint64 revisionId) const;
    // Makes an old revision's text the head again, as a new revision ("Restored revision N").
    Result<WorkspaceRevision> restore(qint64 definition, qint64 revisionId);

    // The editor's unsaved text, written as the user types so that nothing is lost when EventScope is killed.
    Status saveDraft(qint64 definition, const QString& text);
    Status clearDraft(qint64 definition);

    // Import from and export to .js files; a linked definition follows its file (DefinitionFileLink reloads it).
    Result<WorkspaceDefinition> importFile(const QString& filePath, const QString& name = {}); // name: the base name
    Status exportFile(qint64 definition, const QString& filePath) const;
    Status linkFile(qint64 definition, const QString& filePath); // empty path: unlink

    // Per-store settings as text (JSON or plain): the category → projection choices, ignored keys, ...
    // `store` is a location string; `key` names the setting.
    Result<std::optional<QString>> setting(const QString& store, const QString& key) const;
    Status setSetting(const QString& store, const QString& key, const QString& value);
    Status removeSetting(const QString& store, const QString& key);
    // Forgets every per-store setting of `store`; of every store when `store` is empty.
    Status forgetSettings(const QString& store = {});

    // Mappings of home-grown tables (the JSON of docs/mappings.md), by name.
    Result<QList<QPair<QString, QByteArray>>> mappings() const;
    Status saveMapping(const QString& name, const QByteArray& json);

    // Saved connections as JSON objects (no password field is ever stored), by name.
    Result<QList<QPair<QString, QByteArray>>> connections() const;
    Status saveConnection(const QString& name, const QByteArray& json);
    Status removeConnection(const QString& name);

    // Bookmarks of events, newest first.
    Result<QList<WorkspaceBookmark>> bookmarks(const QString& store = {}) const; // empty store: all
    Result<qint64> addBookmark(const WorkspaceBookmark& bookmark);
    Status removeBookmark(qint64 id);

    static QString contentHash(const QString& content);

private:
    Workspace(sqlite3* db, QString path);
    Status migrate();

    sqlite3* m_db = nullptr;
    QString m_path;
    mutable std::recursive_mutex m_lock;
};

} // namespace EventScope
