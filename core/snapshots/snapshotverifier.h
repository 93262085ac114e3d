#pragma once

#include "snapshotcheck.h"
#include "snapshotprojections.h"

#include <core/diff/jsondiff.h>
#include <core/model/shard.h>
#include <core/projection/projectionengine.h>
#include <core/store/eventstore.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace EventScope {

// How a snapshot is compared unless the user adds more to ignore: "@class" is left out at any depth. It is the Java
// class an Axon snapshot names (XStream's type hints, read as JSON by xstreamToJson; Jackson's default type id has
// the same key), which a projection's state has no counterpart for.
JsonDiffOptions snapshotDiffOptions();

// Checks the snapshots a store keeps against its events. A stream is read and folded ONCE through its category's
// projection (StreamReplay keeps checkpoints), and each snapshot is compared with the state at its version by
// JsonDiff (objects by key, numbers by value, the ignored keys and paths left out).
//
// verifyAll() checks every stream that has snapshots (or those of one category) on worker threads, each with a
// connection of its own, and hands the results over in a stable order: by stream name, then version. Streams are
// listed by keyset pages and the results of at most a few streams per thread wait to be handed over, so memory
// does not grow with the store.
class SnapshotVerifier
{
public:
    using StoreFactory = std::function<Result<std::unique_ptr<EventStore>>()>;

    struct Settings
    {
        JsonDiffOptions diff = snapshotDiffOptions();
        QString category; // only this category; empty: every stream
        int threads = 0; // 0: QThread::idealThreadCount()
        const std::atomic<bool>* cancel = nullptr;
        ProjectionEngine::Limits limits;
        std::optional<Shard> shard; // only the streams of this shard (`--shard I/N`)
    };

    // Where a stream first goes wrong: its first drifted snapshot, and the last matching one before it (-1: none,
    // so the events from the start are suspect). Indexes into the stream's checks; firstDrift -1: no drift.
    struct Divergence
    {
        qsizetype firstDrift = -1;
        qsizetype lastGood = -1;
    };

    // Checks stream after stream on one thread, keeping one compiled engine per category (compiling one for every
    // stream would cost more than folding most streams). A stream is read once and folded up to each snapshot's
    // version in turn, in batches, and its events are not kept: memory holds one batch whatever the stream's length.
    class StreamChecker
    {
    public:
        StreamChecker(const SnapshotProjections& projections, JsonDiffOptions diff, ProjectionEngine::Limits limits);
        ~StreamChecker();
        StreamChecker(const StreamChecker&) = delete;
        StreamChecker& operator=(const StreamChecker&) = delete;

        // The checks of every snapshot of `stream`, by version (see verifyStream). `category` is the stream's as the
        // store lists it (a Marten GUID stream's is its aggregate type); empty: the store's streamCategory().
        Result<QList<SnapshotCheck>> check(
            EventStore& store, const QString& stream, qint64* eventsReplayed = nullptr, const QString& category = {});

    private:
        struct CategoryEngine
        {
            std::unique_ptr<ProjectionEngine> engine;
            std::optional<ProjectionFault> compileFault;
        };

        const SnapshotProjections& m_projections;
        JsonDiff m_diff;
        ProjectionEngine::Limits m_limits;
        std::map<QString, CategoryEngine> m_engines;
    };

    // The checks of every snapshot of `stream`, by version. A store error is an error; everything wrong with a
    // snapshot or the projection is a check with status Error. `eventsReplayed` (when given) grows by the events
    // folded.
    static Result<QList<SnapshotCheck>> verifyStream(EventStore& store, const QString& stream,
        const SnapshotProjections& projections, const JsonDiffOptions& diff,
        const ProjectionEngine::Limits& limits = {}, qint64* eventsReplayed = nullptr);

    // Every stream with snapshots, in name order; `sink` gets each stream's checks on the caller's thread, in
    // order, and `progress` the number of streams looked at so far. `lister` lists the streams (the caller's
    // connection); `open` gives each worker its own.
    static Result<VerifySummary> verifyAll(EventStore& lister, const StoreFactory& open,
        const SnapshotProjections& projections, const Settings& settings,
        const std::function<void(const QList<SnapshotCheck>&)>& sink,
        const std::function<void(qint64 streams)>& progress = {});

    static Divergence firstDivergence(const QList<SnapshotCheck>& checks);
};

} // namespace EventScope
