#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace EventScope {

class Workspace;
struct WorkspaceRevision;

// Keeps a workspace definition following the .js file it is linked to in the user's repository: when the file
// changes on disk, its text becomes a new revision ("Reloaded from <file>"). Editors and `git checkout` replace a
// file rather than write it, which drops the watch: it is added again on every change. Changes are read after a
// short quiet period, so that a save in several writes is read once.
class DefinitionFileLink : public QObject
{
    Q_OBJECT

public:
    // `workspace` is borrowed and must outlive this object; it belongs to this thread.
    DefinitionFileLink(Workspace& workspace, qint64 definition, const QString& filePath, QObject* parent = nullptr);

    QString filePath() const { return m_filePath; }
    // Reads the file now, as after a change (a first sync when linking).
    void reload();

signals:
    // A new revision holds the file's text.
    void reloaded(qint64 revisionId, const QString& content);
    // The file could not be read (removed, unreadable) or the revision not saved; the definition is unchanged.
    void failed(const QString& message);

private:
    void watch();

    Workspace& m_workspace;
    qint64 m_definition;
    QString m_filePath;
    QFileSystemWatcher m_watcher;
    QTimer m_settle;
};

} // namespace EventScope
