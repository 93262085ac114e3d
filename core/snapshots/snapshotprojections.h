#pragma once

#include <core/store/result.h>

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace EventScope {

// Which projection rebuilds the state a category's snapshots hold: category (exactly as `streams` prints it) ->
// script. The demo store ships its own (`:/eventscope/demo-projections/<category>.snapshot.js`): they rebuild the
// demo's snapshot shapes, which are not the time-travel projections' states.
class SnapshotProjections
{
public:
    struct Projection
    {
        QString script;
        QString fileName; // for messages
    };

    // From `CATEGORY=FILE` (the CLI's --projection); an InvalidArgument error names what is wrong.
    Status addFromArgument(const QString& categoryEqualsFile);
    void add(const QString& category, Projection projection);
    // The demo store's projections, for every category that has one.
    static SnapshotProjections demo();

    const Projection* find(const QString& category) const;
    bool isEmpty() const { return m_byCategory.isEmpty(); }
    QStringList categories() const;

private:
    QHash<QString, Projection> m_byCategory;
};

} // namespace EventScope
