#pragma once

#include "projectiondefinition.h"
#include "projectionrunner.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace EventScope {

class ProjectionEngine;

// What a run of a projection left: the state (and result) of every partition in the order of its first event,
// the shared state of a bi-state projection, and how the run ended. Plain data, so that it can leave the threads
// whose engines computed it.
struct ProjectionResults
{
    struct Partition
    {
        QString name; // "" is the root
        std::optional<QByteArray> state; // JSON text; nullopt: no state
        std::optional<QByteArray> result; // JSON text; nullopt: no result
        // Which code applied its last event: an index into definition.handlers; nullopt: none did (its body became
        // the state).
        std::optional<int> lastHandler {};
    };

    ProjectionDefinition definition;
    QList<Partition> partitions;
    std::optional<QByteArray> sharedState;
    ProjectionRunOutcome outcome;
    int threads = 1; // the engines that folded the events

    // What `engine` holds now, with `outcome`.
    static ProjectionResults of(const ProjectionEngine& engine, const ProjectionRunOutcome& outcome);
};

} // namespace EventScope
