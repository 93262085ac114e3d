#pragma once

#include "emittedevent.h"
#include "projectionengine.h"
#include "projectionresults.h"
#include "projectionsource.h"

#include <core/model/shard.h>
#include <core/store/result.h>

#include <atomic>
#include <functional>

namespace EventScope {

class EventStore;

// Runs projections over their source on every core when their partitions are independent: foreachStream() or
// partitionBy(), not bi-state (a shared state is one value every partition changes). The caller's thread reads the
// source in order and deals each event to the worker that owns its partition (by hash of the stream, or of the key
// the projection's partitionBy gives, computed on the reader's thread by an engine of its own); each worker thread
// runs its own ProjectionEngine and gets its events in batches (one call into V8 per batch).
//
// Several definitions can run over one read of the events (the editor's compare): each worker holds an engine per
// definition, and each definition is dealt by its own partitions. A definition whose partitions cannot be split
// goes whole to one worker. One thread, or nothing that can be split, runs on the caller's engines.
//
// The outcome is the sequential run's, exactly:
// - partitions come out in the order of their first event, whichever engine folded them;
// - a state is reloaded from its text wherever the one engine would have reloaded it (after another partition's
//   event), so that values JSON cannot hold (a Date) live exactly as long;
// - emitted events and log lines reach the sink in event order: a batch's output is put back in order before the
//   sink is given anything of the next;
// - a fault makes that definition's run start again on one thread: the other engines may have folded events after
//   the one that faulted, which the server would not have. The sink's `restart` is called first, so that it can drop
//   what it was given. Faults are rare, and stop a run early.
class ParallelProjectionRunner
{
public:
    static constexpr int kBatchEvents = 2048;

    struct Settings
    {
        int threads = 0; // 0: QThread::idealThreadCount()
        qint64 limitEvents = 0; // events read from the source, 0: no limit
        const std::atomic<bool>* cancel = nullptr;
        ProjectionEngine::Limits limits; // per engine; the state-size limit is shared out between the engines
        // Fold only the partitions of this shard (`--shard I/N`). Every shard reads the whole source, so that each
        // partition's state is reloaded exactly where a run of all of them would reload it. A definition whose
        // partitions cannot be split is folded whole by shard 1, and not at all by the others.
        std::optional<Shard> shard;
    };

    // Called on the caller's thread. `progress` gets the events read so far after each batch; returning false stops
    // the run (cancelled).
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

    // Several definitions over one read of the events, each given the events its own source selects (the reader
    // covers the union of their sources). Emitted events and log lines are dropped. Each result carries its own
    // outcome: a fault stops only its definition.
    struct Definition
    {
        ProjectionEngine* engine = nullptr; // compiled from script on the caller's thread
        QString script;
        QString fileName;
    };
    struct Together
    {
        QList<ProjectionResults> results; // in the order of the definitions
        qint64 eventsRead = 0; // read from the store, once for all
    };
    static Result<Together> runTogether(EventStore& store, const QList<Definition>& definitions,
        const ProjectionScope& scope, const Settings& settings, const std::function<bool(qint64)>& progress = {});
};

} // namespace EventScope
