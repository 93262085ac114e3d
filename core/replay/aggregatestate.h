#pragma once

#include <core/projection/projectionengine.h>
#include <core/projection/projectionfault.h>
#include <core/store/eventstore.h>

#include <QByteArray>
#include <QString>

#include <atomic>
#include <optional>

namespace EventScope {

// The state of a stream now, as an application loading the aggregate would get it: from the latest snapshot the
// store keeps plus the events after it, or from zero when there is no snapshot (or `fromSnapshot` is false). The
// snapshot must hold what the projection's state holds (the category's snapshot projection).
class AggregateState
{
public:
    struct Loaded
    {
        std::optional<QByteArray> state; // JSON text; nullopt: no state
        std::optional<qint64> snapshotVersion; // the snapshot it started from; nullopt: from zero
        qint64 eventsFolded = 0;
        std::optional<qint64> version; // of the last event; nullopt: the stream has none
        double milliseconds = 0; // reading the snapshot and the events, and folding (compiling the script apart)
        std::optional<ProjectionFault> fault; // the fold stopped there; `state` is the state before it
    };

    // A store error is an error; a projection that does not compile or faults is `fault`.
    static Result<Loaded> load(EventStore& store, const QString& stream, const QString& script, const QString& fileName,
        bool fromSnapshot = true, const std::atomic<bool>* cancel = nullptr);
};

} // namespace EventScope
