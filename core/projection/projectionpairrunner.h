#pragma once

#include "projectionresults.h"
#include "projectionsource.h"

#include <core/store/result.h>

#include <atomic>
#include <functional>

namespace EventScope {

class EventStore;
class ProjectionEngine;

// Runs compiled projections over the same history with one read of the events, on the caller's thread: the result
// diff between two revisions of a definition, or the editor's text against the saved one. When all declare the same
// source, one reader serves them; otherwise the reader covers the union of their sources and each engine gets the
// events its own source selects, in log order either way. Emitted events and log lines are dropped as they come
// (only the states are compared), so memory stays flat. ParallelProjectionRunner::runTogether does the same on every
// core, and comes back here for one thread.
class ProjectionPairRunner
{
public:
    struct Settings
    {
        qint64 limitEvents = 0; // events read, 0: all
        const std::atomic<bool>* cancel = nullptr;
        // Events read so far, every ProjectionRunner::kDrainInterval events; false stops the run (cancelled).
        std::function<bool(qint64 eventsRead)> progress;
    };

    struct Results
    {
        ProjectionResults first;
        ProjectionResults second;
        qint64 eventsRead = 0; // events read from the store, once for both
    };

    // Both results carry their own outcome; a fault of one stops feeding it, and the other runs on to the end.
    // The error is the store's (it could not be read).
    static Result<Results> run(EventStore& store, ProjectionEngine& first, ProjectionEngine& second,
        const ProjectionScope& scope, const Settings& settings);

    struct Many
    {
        QList<ProjectionResults> results; // in the order of the engines
        qint64 eventsRead = 0;
    };
    static Result<Many> runMany(EventStore& store, const QList<ProjectionEngine*>& engines,
        const ProjectionScope& scope, const Settings& settings);

    // The source a reader needs to serve both definitions (exposed for tests).
    static ProjectionDefinition unionSource(const ProjectionDefinition& a, const ProjectionDefinition& b);
};

} // namespace EventScope
