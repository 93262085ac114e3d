#pragma once

#include <core/diff/jsondiff.h>
#include <core/model/event.h>
#include <core/projection/projectionengine.h>
#include <core/store/eventstore.h>

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace EventScope {

// Time travel over ONE stream: folds it through a projection (the state of that stream's partition; a reducer's
// state; the root state of a projection that is not partitioned) and answers "what was the state at version v",
// "what did event v change", "when did `balance` change" and "when did `s => s.balance < 0` first hold".
//
// A point of the stream is a count: the number of its events folded (0: nothing yet, eventCount(): the end).
// versions, global positions and times are turned into counts first.
//
// The stream's events are kept in memory after load() (up to kMaxEvents; a longer stream is refused), so that a
// seek never goes back to the store: a demo event is a few hundred bytes, 100 k events some 50 MB, and a seek
// must fit in a frame. Re-reading by keyset instead would put a query (a page of K events) in every seek.
//
// A state restored from a checkpoint is the same text as the state of a fold from zero: V8 keeps a living object's
// keys in the order a parsed one gets them (a key deleted and added again goes last in both).
//
// Used by one thread at a time: it owns its ProjectionEngine (and so a V8 isolate).
class StreamReplay
{
public:
    // A checkpoint (the state's JSON text) every kCheckpointInterval events. A seek restores the nearest one at or
    // before its target and folds at most kCheckpointInterval - 1 events: at the demo projections' 10-20 µs per
    // event that is ~5 ms, a third of the 16 ms frame the issue asks for, leaving room for heavier handlers and
    // larger states. Memory is one state per 256 events: 400 states for a 100 k-event stream.
    static constexpr qint64 kCheckpointInterval = 256;
    static constexpr qint64 kMaxEvents = 2'000'000;

    // The state after `count` events, or the fault of the event that stopped the fold before it got there (then
    // `state` is the state before that event and `count` the number of events folded).
    struct Point
    {
        qint64 count = 0;
        std::optional<QByteArray> state; // JSON text; nullopt: no state (nothing delivered yet, or null)
        std::optional<ProjectionFault> fault;
    };

    struct EventChanges
    {
        Event event;
        std::optional<QByteArray> before;
        std::optional<QByteArray> after;
        JsonDiffResult diff;
        std::optional<ProjectionFault> fault; // the event faulted: before == after, no diff
    };

    struct FieldChange
    {
        qint64 index = 0; // of the event in events()
        QJsonValue oldValue = QJsonValue::Undefined; // Undefined: not there
        QJsonValue newValue = QJsonValue::Undefined;
    };

    // Where a predicate first held: the number of events after which it did (>= 1), or no value when it never did
    // before the end (or the fault).
    struct Found
    {
        std::optional<qint64> count;
        std::optional<ProjectionFault> fault; // of the projection or of the predicate
        bool badPredicate = false; // the fault is the predicate's: it does not compile or is not a function
    };

    // `checkpointInterval` other than the default is for tests (checkpoints in short streams).
    explicit StreamReplay(ProjectionEngine::Limits limits = {}, qint64 checkpointInterval = kCheckpointInterval);
    ~StreamReplay();
    StreamReplay(const StreamReplay&) = delete;
    StreamReplay& operator=(const StreamReplay&) = delete;

    // Compiles the projection (its fault is returned as `Point::fault` with count 0) and reads `stream` from
    // `store`, folding it once and keeping checkpoints. The store is not used afterwards. A store error, a
    // partitionBy projection (whose partitions are not streams) or a stream over kMaxEvents is an error.
    // On success the returned point is the end of the stream, or where the projection faulted.
    Result<Point> load(EventStore& store, const QString& stream, const QString& script, const QString& fileName);

    // load() and findFirst() in one pass, for searching many streams: the predicate is tested after each event as
    // it is folded, and reading stops where it first holds (events() ends with that event). A predicate that does
    // not compile is `badPredicate`; a compile fault of the projection is the fault with no count.
    Result<Found> loadUntil(EventStore& store, const QString& stream, const QString& script, const QString& fileName,
        const QString& predicate);

    const QString& stream() const { return m_stream; }
    const QList<Event>& events() const { return m_events; }
    qint64 eventCount() const { return m_events.size(); }
    // Events the first pass folded without a fault: eventCount(), or the index of the faulting event.
    qint64 foldableCount() const { return m_foldable; }
    const std::optional<ProjectionFault>& fault() const { return m_fault; }
    const ProjectionEngine& engine() const { return *m_engine; }

    // Points of the stream as counts: the events with version <= v, with global position <= p, and the longest
    // run of events from the start recorded at or before `ms` (a later event recorded earlier does not count).
    qint64 countAtVersion(qint64 version) const;
    qint64 countAtPosition(qint64 position) const;
    qint64 countAtTime(qint64 msSinceEpoch) const;
    // The index of the event with that version, or -1.
    qint64 indexOfVersion(qint64 version) const;

    // The state after `count` events (clamped to 0..eventCount()). At most kCheckpointInterval - 1 events are
    // folded; stepping forward from the previous call folds only the events in between.
    Point stateAfter(qint64 count);
    Point stateAt(qint64 version) { return stateAfter(countAtVersion(version)); }
    Point stateAtPosition(qint64 position) { return stateAfter(countAtPosition(position)); }
    Point stateAtTime(qint64 msSinceEpoch) { return stateAfter(countAtTime(msSinceEpoch)); }

    // What the event at `index` changed: the structural diff between the states before and after it.
    EventChanges changesAtIndex(qint64 index);
    // The same by version; an InvalidArgument error when the stream has no such version.
    Result<EventChanges> changesAt(qint64 version);

    // Every event, from the start to the end (or the fault), that changed the value at `path` (added, removed or
    // changed it), with the values before and after. One pass over the stream.
    Result<QList<FieldChange>> fieldHistory(QStringView path);

    // The first point at which `predicate` (JavaScript: `s => s.balance < 0`), called with the state, is truthy.
    // Evaluated in the projection's engine, after each event that leaves a state (a point with no state is not
    // tested). One pass over the stream.
    Found findFirst(const QString& predicate);

private:
    Result<Point> loadStream(EventStore& store, const QString& stream, const QString& script, const QString& fileName,
        const QString* predicate, Found* found);
    void restore(qint64 checkpoint);
    std::optional<ProjectionFault> foldTo(qint64 count);
    std::optional<QByteArray> currentState() const;

    ProjectionEngine::Limits m_limits;
    qint64 m_interval = kCheckpointInterval;
    std::unique_ptr<ProjectionEngine> m_engine;
    QString m_script;
    QString m_fileName;
    QString m_stream;
    QString m_partition; // the state that follows the stream: the stream's name, or "" for the root
    QList<Event> m_events;
    std::vector<std::optional<QByteArray>> m_checkpoints; // [j]: the state after j * kCheckpointInterval events
    std::vector<std::optional<QByteArray>> m_sharedCheckpoints; // a bi-state projection's shared state, likewise
    qint64 m_foldable = 0;
    std::optional<ProjectionFault> m_fault;
    qint64 m_engineAt = 0; // the engine holds the state after this many events
    JsonDiff m_diff;
};

} // namespace EventScope
