#include "snapshotcoverage.h"

#include <core/replay/aggregatestate.h>

#include <algorithm>

namespace EventScope {

Result<QList<SnapshotCoverage::Category>> SnapshotCoverage::measure(
    EventStore& store, const SnapshotProjections& projections, const QString& only, const std::atomic<bool>* cancel)
{
    QList<Category> categories;
    QStringList names;
    if (!only.isEmpty()) {
        names.append(only);
    } else {
        Result<QList<CategoryInfo>> listed = store.categories({});
        if (!listed)
            return listed.error();
        for (const CategoryInfo& info : *listed)
            names.append(info.category);
    }
    for (const QString& name : std::as_const(names)) {
        Category category;
        category.category = name;
        double sinceTotal = 0, intervalTotal = 0;
        QStringList sample;
        StreamQuery page;
        page.category = name;
        page.limit = 1000;
        for (;;) {
            if (cancel && cancel->load())
                return StoreError::cancelled();
            const Result<QList<StreamInfo>> streams = store.streams(page);
            if (!streams)
                return streams.error();
            for (const StreamInfo& stream : *streams) {
                const Result<QList<Snapshot>> snapshots = store.snapshots(stream.stream);
                if (!snapshots)
                    return snapshots.error();
                ++category.streams;
                const qint64 events = stream.events.value;
                category.events += events;
                qint64 since = events;
                if (!snapshots->isEmpty()) {
                    ++category.streamsWithSnapshots;
                    category.snapshots += snapshots->size();
                    qint64 latest = 0;
                    for (const Snapshot& snapshot : *snapshots)
                        latest = std::max(latest, snapshot.version);
                    since = std::max<qint64>(0, stream.lastVersion - latest);
                    intervalTotal += double(latest) / double(snapshots->size());
                    if (sample.size() < kSampleStreams)
                        sample.append(stream.stream);
                }
                sinceTotal += double(since);
                if (since > category.maxEventsSinceSnapshot || category.worstStream.isEmpty()) {
                    category.maxEventsSinceSnapshot = since;
                    category.worstStream = stream.stream;
                }
            }
            if (streams->size() < *page.limit)
                break;
            page.after = streams->constLast().stream;
        }
        if (category.streams > 0)
            category.meanEventsSinceSnapshot = sinceTotal / double(category.streams);
        if (category.streamsWithSnapshots > 0)
            category.meanInterval = intervalTotal / double(category.streamsWithSnapshots);
        if (const SnapshotProjections::Projection* projection = projections.find(name)) {
            for (const QString& stream : std::as_const(sample)) {
                const auto fast
                    = AggregateState::load(store, stream, projection->script, projection->fileName, true, cancel);
                const auto slow
                    = AggregateState::load(store, stream, projection->script, projection->fileName, false, cancel);
                if (!fast || !slow)
                    return !fast ? fast.error() : slow.error();
                if (fast->fault || slow->fault)
                    continue;
                ++category.sampled;
                category.loadFromSnapshotMs += fast->milliseconds;
                category.loadFromZeroMs += slow->milliseconds;
            }
            if (category.sampled > 0) {
                category.loadFromSnapshotMs /= category.sampled;
                category.loadFromZeroMs /= category.sampled;
            }
        }
        categories.append(category);
    }
    return categories;
}

} // namespace EventScope
