#pragma once

#include <core/store/result.h>

#include <QString>
#include <QStringList>

namespace EventScope {

class Workspace;

// Which projection folds a category's streams, remembered per store, so that time travel opens with the
// projection the user chose last time. Built-in projections (the demo store's, one of each form per category)
// are resource paths (":/eventscope/demo-projections/account.projection.js"); the user's are file paths.
// Kept in the workspace file, per store; callers never see keys. Without a workspace (it could not be opened)
// nothing is remembered and the built-in choices are given.
class ProjectionChoices
{
public:
    // `workspace` is borrowed; null means Workspace::application().
    explicit ProjectionChoices(Workspace* workspace = nullptr);

    // The projection last chosen for `category` of `store`, else the first built-in one for that category, else
    // empty.
    QString projectionFor(const QString& store, const QString& category) const;
    void remember(const QString& store, const QString& category, const QString& projection);

    // The projection that rebuilds what a category's snapshots hold (snapshot compare and verify), remembered apart
    // from time travel's: the demo store's snapshots keep another shape than its time-travel states. Falls back
    // to the built-in "<category>.snapshot.js", then to projectionFor().
    QString snapshotProjectionFor(const QString& store, const QString& category) const;
    void rememberSnapshotProjection(const QString& store, const QString& category, const QString& projection);
    static QString builtInSnapshotProjection(const QString& category); // empty when there is none

    // The keys and paths a snapshot comparison ignores ("_id, $.meta.savedAt"), as last typed for `category` of
    // `store` (an empty category: the whole store's, as Verify Snapshots takes them).
    QString snapshotIgnored(const QString& store, const QString& category) const;
    void rememberSnapshotIgnored(const QString& store, const QString& category, const QString& keysAndPaths);

    // The built-in projections for a category: "<category>.projection.js" then "<category>.reducer.js", those
    // that exist.
    static QStringList builtIn(const QString& category);

    // The fold time travel runs until a projection is picked (core/projection/defaultfold.js): each event's data
    // merged into the state, the event types counted.
    static QString defaultFold();

    // A projection definition kept in the workspace, as a choice: "workspace:<id>"; its id, or 0 for a file path.
    static QString workspaceChoice(qint64 definition);
    static qint64 workspaceDefinitionOf(const QString& choice);

    // A choice's script and the file name its faults and handlers name: a file or resource read, or a workspace
    // definition's last save (its draft when it was never saved), as "<name>.js".
    struct Script
    {
        QString text;
        QString fileName;
    };
    Result<Script> script(const QString& choice) const;

private:
    QString chosen(const QString& store, const QString& key) const;
    void choose(const QString& store, const QString& key, const QString& projection);

    Workspace* m_workspace;
};

} // namespace EventScope
