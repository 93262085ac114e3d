#include "aggregatestate.h"

#include <core/projection/projectionsource.h>

#include <QElapsedTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

Result<AggregateState::Loaded> AggregateState::load(EventStore& store, const QString& stream, const QString& script,
    const QString& fileName, bool fromSnapshot, const std::atomic<bool>* cancel)
{
    QElapsedTimer timer;
    Loaded loaded;
    ProjectionEngine engine;
    if (auto fault = engine.compile(script, fileName)) {
        loaded.fault = fault;
        return loaded;
    }
    const ProjectionDefinition& definition = engine.definition();
    const bool perStream = definition.form == ProjectionDefinition::Form::Reducer || definition.foreachStream;
    if (definition.partitioned && !perStream)
        return StoreError(StoreError::Kind::InvalidArgument,
            u"'%1' partitions by its own key (partitionBy): an aggregate's state needs foreachStream() or a reducer"_s
                .arg(fileName));
    const QString partition = perStream ? stream : QString();
    timer.start(); // the load itself: reading and folding, not compiling the script

    qint64 after = std::numeric_limits<qint64>::min(); // fold the events with a version above this
    if (fromSnapshot) {
        const Result<QList<Snapshot>> snapshots = store.snapshots(stream);
        if (!snapshots)
            return snapshots.error();
        const auto latest = std::max_element(snapshots->cbegin(), snapshots->cend(),
            [](const Snapshot& a, const Snapshot& b) { return a.version < b.version; });
        if (latest != snapshots->cend()) {
            engine.setStateJson(partition, latest->state);
            loaded.snapshotVersion = latest->version;
            loaded.version = latest->version;
            after = latest->version;
        }
    }
    ProjectionEventReader reader(store, definition, ProjectionScope { stream, {} });
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return StoreError::cancelled();
        Result<std::optional<Event>> next = reader.next();
        if (!next)
            return next.error();
        if (!next->has_value())
            break;
        const Event& event = **next;
        if (event.version <= after)
            continue;
        if (auto fault = engine.process(event)) {
            loaded.fault = fault;
            break;
        }
        ++loaded.eventsFolded;
        loaded.version = event.version;
    }
    loaded.state = engine.stateJson(partition);
    loaded.milliseconds = double(timer.nsecsElapsed()) / 1e6;
    return loaded;
}

} // namespace EventScope
