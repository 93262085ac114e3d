#pragma once

#include <QString>
#include <QStringList>

class QSettings;

namespace EventScope {

// Which projection folds a category's streams, remembered per store, so that time travel opens with the
// projection the user chose last time. Built-in projections (the demo store's, one of each form per category)
// are resource paths (":/eventscope/demo-projections/account.projection.js"); the user's are file paths.
// Kept in QSettings until the workspace file (issue 17) takes over; callers never see keys.
class ProjectionChoices
{
public:
    // `settings` is borrowed; null means the application's QSettings().
    explicit ProjectionChoices(QSettings* settings = nullptr);

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

    // The built-in projections for a category: "<category>.projection.js" then "<category>.reducer.js", those
    // that exist.
    static QStringList builtIn(const QString& category);

private:
    QString key(const QString& store, const QString& category,
        const QString& group = QStringLiteral("projectionChoices")) const;

    QSettings* m_settings;
};

} // namespace EventScope
