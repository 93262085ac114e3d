#pragma once

#include "emittedevent.h"
#include "projectionengine.h"
#include "projectionresults.h"
#include "projectionsource.h"

#include <core/store/result.h>

#include <atomic>
#include <functional>

namespace EventScope {

class EventStore;

// Runs a projection over its source on every core when its partitions are independent: a foreachStream()
// projection or a reducer, not bi-state (its shared state is one value every partition changes). The caller's
// thread reads the source in order and deals each event to the engine that owns its stream (by hash); each worker
// thread runs its own ProjectionEngine (a QJSEngine belongs to one thread). Other projections, and a single
// thread, run on the caller's engine through ProjectionRunner.
//
// The outcome is the sequential run's, exactly:
// - partitions come out in the order of their first event, whichever engine folded them;
// - emitted events and log lines reach the sink in event order: the reader deals events in batches, and puts a
//   batch's output back in order before it hands the sink anything of the next;
// - a fault makes the run start again on one thread: the other engines may have folded events after the one that
//   faulted, which the server would not have. The sink's `restart` is called first, so that it can drop what it
//   was given. Faults are rare, and stop a run early.
class ParallelProjectionRunner
{
public:
    static constexpr int kBatchEvents = 2048;

    struct Settings
    {
        int threads = 0; // 0: QThread::idealThreadCount()
        qint64 limitEvents = 0; // 0: no limit
        const std::atomic<bool>* cancel = nullptr;
        ProjectionEngine::Limits limits; // per engine; the state-size limit is shared out between the engines
    };

    // Called on the caller's thread. `progress` gets the events read so far after each batch (and every
    // ProjectionRunner::kDrainInterval events on one thread); returning false stops the run (cancelled).
    struct Sink
    {
        std::function<void(const EmittedEvent&)> emitted;
        std::function<void(const QString&)> logged;
        std::function<bool(qint64 eventsRead)> progress;
        std::function<void()> restart;
    };

    // Whether the definition's partitions can be folded on several engines.
    static bool canSplit(const ProjectionDefinition& definition);

    // `engine` is compiled from `script` on the caller's thread (its compile fault was already reported); it runs
    // the sequential case, and holds nothing useful afterwards when the run was split: read the results.
    static Result<ProjectionResults> run(EventStore& store, ProjectionEngine& engine, const QString& script,
        const QString& fileName, const ProjectionScope& scope, const Settings& settings, const Sink& sink);
};

} // namespace EventScope
