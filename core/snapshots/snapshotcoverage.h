#pragma once

#include "snapshotprojections.h"

#include <core/store/eventstore.h>

#include <QList>
#include <QString>

#include <atomic>

namespace EventScope {

// How well a store's snapshots cover its streams, per category: the question every team that adopts snapshots
// asks. Events since the last snapshot is what a load still folds; the interval is the mean gap between a
// stream's snapshots (from its start to the first, then between each); the load times are measured on a sample of
// streams, from the latest snapshot plus newer events against from zero, through the category's projection.
class SnapshotCoverage
{
public:
    struct Category
    {
        QString category;
        qint64 streams = 0;
        qint64 streamsWithSnapshots = 0;
        qint64 snapshots = 0;
        qint64 events = 0;
        double meanEventsSinceSnapshot = 0; // over every stream (a stream without one: all its events)
        qint64 maxEventsSinceSnapshot = 0;
        QString worstStream; // the one with the most events since its last snapshot
        double meanInterval = 0; // events between snapshots, over the streams that have some
        // Per load, over the sample (0 when not measured: no projection, or no stream with snapshots).
        int sampled = 0;
        double loadFromSnapshotMs = 0;
        double loadFromZeroMs = 0;
    };

    static constexpr int kSampleStreams = 20;

    // Every category (or `category` alone), streams read by keyset pages.
    static Result<QList<Category>> measure(EventStore& store, const SnapshotProjections& projections,
        const QString& category = {}, const std::atomic<bool>* cancel = nullptr);
};

} // namespace EventScope
