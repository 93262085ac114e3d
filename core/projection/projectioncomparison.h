#pragma once

#include "projectionresults.h"

#include <core/diff/jsondiff.h>

#include <QList>
#include <QString>

#include <optional>

namespace EventScope {

// How the results of two runs over the same history differ ("what would change if I deployed this edit?"): per
// partition, changed, added (only in the second run) or removed (only in the first), with the structural diff.
//
// What is compared per partition is its state; when either definition transforms its state (transformBy, filterBy),
// {"state": ..., "result": ...} is compared instead, so that a change of the result alone shows as $.result....
// A partition that has no state is compared as null. The shared state of a bi-state projection is compared apart.
struct ProjectionComparison
{
    enum class Change { Changed, Added, Removed };

    struct Partition
    {
        QString name; // "" is the root partition
        Change change = Change::Changed;
        JsonDiffResult diff;
        QByteArray before; // the compared JSON; empty for an added partition
        QByteArray after; // empty for a removed partition
    };

    // The differing partitions: the first run's order, then the added ones in the second run's order.
    QList<Partition> partitions;
    qsizetype same = 0; // partitions in both runs with equal values
    qsizetype count(Change change) const;

    // Set when either definition is bi-state: the diff of the shared states (equal when diff.isEqual()).
    std::optional<JsonDiffResult> sharedState;

    bool identical() const { return partitions.isEmpty() && (!sharedState || sharedState->isEqual()); }

    static QString changeName(Change change); // "changed", "added", "removed"

    // Compares two finished runs. A value that is not JSON (it cannot be: the engine wrote it) compares as text.
    static ProjectionComparison of(
        const ProjectionResults& before, const ProjectionResults& after, const JsonDiffOptions& options = {});
};

} // namespace EventScope
