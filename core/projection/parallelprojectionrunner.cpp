#include "parallelprojectionrunner.h"

#include "foldworker.h"
#include "projectionpairrunner.h"

#include <core/store/eventstore.h>

#include <QSet>
#include <QThread>

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

namespace EventScope {

namespace {

// Batches dealt and not yet collected, at most: enough that no thread waits for another while the OS shares the
// cores between the reader and the workers, few enough that memory holds a few thousand events.
constexpr size_t kBatchesInFlight = 4;

// Partitions are dealt to the shares by hash into this many buckets; the reader's own share gets fewer of them, since
// it also reads (with two shares, a quarter).
constexpr int kBuckets = 64;

// One definition on the reader's side: how its events are chosen and dealt.
struct Lane
{
    ProjectionEngine* engine = nullptr;
    QString script;
    QString fileName;
    const ParallelProjectionRunner::Sink* sink = nullptr;
    ProjectionDefinition definition;
    QSet<QString> handled;
    Dealing dealing = Dealing::Whole;
    int wholeWorker = 0;
    bool selectsAll = true; // the reader's source is this definition's own
    std::unique_ptr<ProjectionEngine> keyEngine; // partitionBy, run on the reader's thread
    std::optional<QString> lastPartition; // of the last event that reached the script, over all workers
    qint64 selected = 0;
    bool faulted = false;
    std::optional<ProjectionFault> fault; // the earliest in the source, when it faulted
    qint64 faultAt = -1;
    // The partitionBy output of the batch the workers hold, and of the one being read: it goes to the sink before
    // the handlers' output of the same event. Only log lines: what partitionBy emits is dropped when it runs on the
    // reader's thread (docs/projections.md, "Differences").
    std::deque<QList<std::pair<qint64, QString>>> keyLog; // per batch in flight, oldest first
    QList<std::pair<qint64, QString>> nextKeyLog;
};

Dealing dealingOf(const ProjectionDefinition& definition)
{
    if (!ParallelProjectionRunner::canSplit(definition))
        return Dealing::Whole;
    return definition.partitionBy ? Dealing::ByKey : Dealing::ByStream;
}

Result<ProjectionResults> runOnOneThread(EventStore& store, ProjectionEngine& engine, const ProjectionScope& scope,
    const ParallelProjectionRunner::Settings& settings, const ParallelProjectionRunner::Sink& sink)
{
    ProjectionEventReader reader(store, engine.definition(), scope);
    qint64 drained = 0;
    const auto drain = [&] {
        for (const EmittedEvent& event : engine.takeEmitted()) {
            if (sink.emitted)
                sink.emitted(event);
        }
        for (const QString& line : engine.takeLog()) {
            if (sink.logged)
                sink.logged(line);
        }
        drained += ProjectionRunner::kDrainInterval;
        return !sink.progress || sink.progress(drained);
    };
    const Result<ProjectionRunOutcome> outcome
        = ProjectionRunner::run(reader, engine, settings.limitEvents, drain, settings.cancel);
    if (!outcome)
        return outcome.error();
    return ProjectionResults::of(engine, *outcome);
}

// Hands a batch's output to the sink in event order: each worker's is in order already, and a stable sort keeps the
// partitionBy output (put first) before the handlers' output of the same event.
void deliver(Lane& lane, QList<std::pair<qint64, QString>> log, std::vector<LaneOutcome*>& outcomes)
{
    const ParallelProjectionRunner::Sink* sink = lane.sink;
    if (!sink || (!sink->emitted && !sink->logged))
        return;
    QList<std::pair<qint64, EmittedEvent>> emitted;
    for (LaneOutcome* outcome : outcomes) {
        emitted.append(std::move(outcome->emitted));
        log.append(std::move(outcome->log));
    }
    const auto byPlace = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::stable_sort(emitted.begin(), emitted.end(), byPlace);
    std::stable_sort(log.begin(), log.end(), byPlace);
    // Emitted events and log lines interleave in event order.
    qsizetype e = 0, l = 0;
    while (e < emitted.size() || l < log.size()) {
        if (l >= log.size() || (e < emitted.size() && emitted.at(e).first <= log.at(l).first)) {
            if (sink->emitted)
                sink->emitted(emitted.at(e).second);
            ++e;
        } else {
            if (sink->logged)
                sink->logged(log.at(l).second);
            ++l;
        }
    }
}

struct ParallelOutcome
{
    QList<ProjectionResults> results;
    qint64 eventsRead = 0;
    bool cancelled = false;
    int threads = 1;
    QList<bool> faulted; // per lane: start again on one thread
};

// The parallel pass over the union of the lanes' sources.
Result<ParallelOutcome> runParallel(EventStore& store, std::vector<Lane>& lanes, const ProjectionDefinition& source,
    const ProjectionScope& scope, const ParallelProjectionRunner::Settings& settings, int threads,
    const std::function<bool(qint64)>& progress)
{
    ProjectionEngine::Limits limits = settings.limits;
    limits.stateBytes = std::max<qint64>(1, limits.stateBytes / threads); // over it: a fault, and a rerun
    QList<LaneSpec> specs;
    for (Lane& lane : lanes)
        specs.append({ lane.script, lane.fileName, lane.dealing });
    // Share 0 is folded in line by the reader's thread, shares 1.. by worker threads: one busy thread per core. A third
    // thread on two cores made every thread's work half again as costly (their caches evicted each other's at each
    // switch), so the reader folds a smaller share itself instead.
    FoldEngines local(specs, limits);
    std::deque<std::vector<LaneOutcome>> localOutcomes;
    std::vector<std::unique_ptr<FoldWorker>> workers;
    for (int i = 1; i < threads; ++i)
        workers.push_back(std::make_unique<FoldWorker>(specs, limits));
    const int readerBuckets = threads <= 1 ? kBuckets : kBuckets / (2 * threads);
    const auto shareOf = [&](const QString& partition) {
        const int bucket = int(qHash(partition) % uint(kBuckets));
        return bucket < readerBuckets ? 0 : 1 + (bucket - readerBuckets) % (threads - 1);
    };

    ProjectionEventReader reader(store, source, scope);
    ParallelOutcome outcome;
    outcome.threads = threads;
    qint64 read = 0; // events read from the source
    qint64 folded = 0; // events whose batch came back
    std::deque<qint64> inFlight; // the size of each batch the workers hold, oldest first
    bool ended = false;
    // The oldest batch's outcomes from every worker, merged and handed to the sinks.
    const auto collect = [&] {
        std::vector<std::vector<LaneOutcome>> all;
        all.push_back(std::move(localOutcomes.front()));
        localOutcomes.pop_front();
        for (auto& worker : workers)
            all.push_back(worker->wait());
        for (size_t l = 0; l < lanes.size(); ++l) {
            std::vector<LaneOutcome*> outcomes;
            for (auto& perWorker : all) {
                if (l >= perWorker.size())
                    continue;
                LaneOutcome& outcome = perWorker[l];
                if (outcome.fault && (!lanes[l].fault || outcome.faultAt < lanes[l].faultAt)) {
                    lanes[l].fault = outcome.fault;
                    lanes[l].faultAt = outcome.faultAt;
                }
                lanes[l].faulted = lanes[l].faulted || outcome.fault.has_value();
                outcomes.push_back(&outcome);
            }
            QList<std::pair<qint64, QString>> keyLog; // partitionBy's lines of this batch, put first
            if (!lanes[l].keyLog.empty()) {
                keyLog = std::move(lanes[l].keyLog.front());
                lanes[l].keyLog.pop_front();
            }
            if (!lanes[l].faulted)
                deliver(lanes[l], std::move(keyLog), outcomes);
        }
        folded += inFlight.front();
        inFlight.pop_front();
    };
    const auto allFaulted
        = [&] { return std::all_of(lanes.begin(), lanes.end(), [](const Lane& lane) { return lane.faulted; }); };

    while (!ended) {
        if (settings.cancel && settings.cancel->load(std::memory_order_relaxed)) {
            outcome.cancelled = true;
            break;
        }
        QList<Event> events;
        events.reserve(ParallelProjectionRunner::kBatchEvents);
        while (events.size() < ParallelProjectionRunner::kBatchEvents) {
            if (settings.limitEvents > 0 && read + events.size() >= settings.limitEvents) {
                ended = true;
                break;
            }
            Result<std::optional<Event>> next = reader.next();
            if (!next) {
                while (!inFlight.empty())
                    collect();
                return next.error();
            }
            if (!next->has_value()) {
                ended = true;
                break;
            }
            events.append(std::move(**next));
        }
        const qint64 first = read;
        read += events.size();

        std::vector<std::vector<LaneBatch>> dealt(threads, std::vector<LaneBatch>(lanes.size()));
        for (size_t l = 0; l < lanes.size(); ++l) {
            Lane& lane = lanes[l];
            if (lane.faulted)
                continue;
            // The events that reach the script; their places in the batch. The last lane takes the events, the
            // others copy them (a copy shares the strings and payloads, but costs their reference counts).
            const bool last = l + 1 == lanes.size();
            QList<Event> reaching;
            QList<ProjectionEngine::BodyCheck> checks; // passed on, so that the worker does not check again
            QList<qint64> places;
            reaching.reserve(events.size());
            checks.reserve(events.size());
            places.reserve(events.size());
            for (qsizetype i = 0; i < events.size(); ++i) {
                Event& event = events[i];
                if (!lane.selectsAll && !ProjectionEventReader::selects(lane.definition, scope, event))
                    continue;
                ++lane.selected;
                if (!lane.definition.allEvents && !lane.handled.contains(event.type))
                    continue;
                const std::optional<ProjectionEngine::BodyCheck> check = ProjectionEngine::checkBody(event);
                if (!check)
                    continue;
                reaching.append(last ? std::move(event) : event); // the reader's own: packed, then freed here
                checks.append(*check);
                places.append(first + i);
            }
            QList<std::optional<QString>> keys;
            if (lane.dealing == Dealing::ByKey) {
                ProjectionEngine::Keys computed = lane.keyEngine->partitionKeysOf(reaching);
                if (lane.keyEngine->hasOutput()) {
                    ProjectionEngine::TaggedOutput output = lane.keyEngine->takeTaggedOutput();
                    for (auto& [at, line] : output.log) {
                        if (at < 0 || at >= places.size())
                            continue;
                        // A shard keeps the lines of its own partitions' events; events without one go to shard 1.
                        const std::optional<QString>& key = computed.keys.at(at);
                        if (settings.shard && (key ? !settings.shard->contains(*key) : settings.shard->index != 1))
                            continue;
                        lane.nextKeyLog.append({ places.at(at), std::move(line) });
                    }
                }
                if (computed.fault) {
                    lane.faulted = true;
                    if (!lane.fault && computed.processed < places.size()) {
                        lane.fault = computed.fault;
                        lane.faultAt = places.at(computed.processed);
                    }
                    continue;
                }
                keys = std::move(computed.keys);
            }
            for (qsizetype i = 0; i < reaching.size(); ++i) {
                QString partition;
                if (lane.dealing == Dealing::ByStream)
                    partition = reaching.at(i).stream;
                else if (lane.dealing == Dealing::ByKey) {
                    if (!keys.at(i))
                        continue; // partitionBy skipped it
                    partition = *keys.at(i);
                }
                const bool reload = !lane.lastPartition || *lane.lastPartition != partition;
                lane.lastPartition = partition;
                // Another shard's partition: it still moved the last partition, as it would in a run of all of them.
                if (settings.shard && lane.dealing != Dealing::Whole && !settings.shard->contains(partition))
                    continue;
                const int share = lane.dealing == Dealing::Whole ? lane.wholeWorker : shareOf(partition);
                LaneBatch& batch = dealt[share][l];
                if (share == 0) {
                    batch.direct.append(std::move(reaching[i]));
                    if (lane.dealing == Dealing::ByKey)
                        batch.directKeys.append(partition);
                } else {
                    batch.events.append(reaching.at(i), lane.dealing == Dealing::ByKey ? &partition : nullptr);
                }
                batch.checkedBodies.append(checks.at(i));
                const qsizetype at = batch.size() - 1;
                batch.reloadBefore.resize(at + 1);
                batch.reloadBefore.setBit(at, reload);
                batch.index.append(places.at(i));
            }
        }
        if (!events.isEmpty()) {
            for (int i = 1; i < threads; ++i)
                workers[i - 1]->post(std::move(dealt[i]));
            localOutcomes.push_back(local.fold(dealt[0])); // while the workers fold theirs
            inFlight.push_back(events.size());
            for (Lane& lane : lanes)
                lane.keyLog.push_back(std::exchange(lane.nextKeyLog, {}));
        }
        // The workers fold while the next batches are read; only when kBatchesInFlight wait does the reader wait.
        bool stop = false;
        while (inFlight.size() >= (ended ? 1 : kBatchesInFlight)) {
            collect();
            if (allFaulted()) {
                stop = true;
                break;
            }
            if (progress && !progress(folded)) {
                outcome.cancelled = true;
                stop = true;
                break;
            }
        }
        if (stop)
            break;
    }
    while (!inFlight.empty())
        collect();

    std::vector<std::vector<LaneFinal>> finals;
    finals.push_back(local.finals());
    for (auto& worker : workers)
        finals.push_back(worker->finish());
    workers.clear();
    for (size_t l = 0; l < lanes.size(); ++l) {
        ProjectionResults results;
        results.definition = lanes[l].definition;
        results.threads = threads;
        QList<FinalPartition> partitions;
        for (auto& perWorker : finals) {
            if (l < perWorker.size())
                partitions.append(std::move(perWorker[l].partitions));
        }
        // A shared state lives on the one worker that folded the whole definition.
        if (lanes[l].dealing == Dealing::Whole && size_t(lanes[l].wholeWorker) < finals.size()
            && l < finals[lanes[l].wholeWorker].size() && finals[lanes[l].wholeWorker][l].hasSharedState)
            results.sharedState = finals[lanes[l].wholeWorker][l].sharedState;
        std::stable_sort(partitions.begin(), partitions.end(),
            [](const FinalPartition& a, const FinalPartition& b) { return a.firstIndex < b.firstIndex; });
        for (FinalPartition& partition : partitions)
            results.partitions.append(std::move(partition.partition));
        results.outcome.eventsRead = lanes[l].selectsAll ? folded : lanes[l].selected;
        results.outcome.cancelled = outcome.cancelled;
        outcome.results.append(std::move(results));
        outcome.faulted.append(lanes[l].faulted);
    }
    outcome.eventsRead = folded;
    return outcome;
}

void prepare(Lane& lane, const ProjectionEngine::Limits& limits)
{
    lane.definition = lane.engine->definition();
    lane.handled = QSet<QString>(lane.definition.handledEventTypes.cbegin(), lane.definition.handledEventTypes.cend());
    lane.dealing = dealingOf(lane.definition);
    if (lane.dealing == Dealing::ByKey) {
        lane.keyEngine = std::make_unique<ProjectionEngine>(limits);
        if (lane.keyEngine->compile(lane.script, lane.fileName))
            lane.faulted = true; // the caller compiled it: only a broken machine gets here
    }
}

} // namespace

bool ParallelProjectionRunner::canSplit(const ProjectionDefinition& definition)
{
    return (definition.foreachStream || definition.partitionBy) && !definition.biState;
}

Result<ProjectionResults> ParallelProjectionRunner::run(EventStore& store, ProjectionEngine& engine,
    const QString& script, const QString& fileName, const ProjectionScope& scope, const Settings& settings,
    const Sink& sink)
{
    const int threads = settings.threads > 0 ? settings.threads : QThread::idealThreadCount();
    const bool sharded = settings.shard && settings.shard->count > 1;
    if (sharded && !canSplit(engine.definition()) && settings.shard->index != 1) {
        ProjectionResults nothing; // shard 1 folds a definition that cannot be split
        nothing.definition = engine.definition();
        return nothing;
    }
    if ((threads <= 1 && !sharded && !qEnvironmentVariableIsSet("ONEWORKER")) || !canSplit(engine.definition()))
        return runOnOneThread(store, engine, scope, settings, sink);

    std::vector<Lane> lanes(1);
    Lane& lane = lanes.front();
    lane.engine = &engine;
    lane.script = script;
    lane.fileName = fileName;
    lane.sink = &sink;
    prepare(lane, settings.limits);
    const auto progress = [&sink](qint64 read) { return !sink.progress || sink.progress(read); };
    Result<ParallelOutcome> outcome
        = runParallel(store, lanes, engine.definition(), scope, settings, std::max(threads, 1), progress);
    if (!outcome)
        return outcome.error();
    if (outcome->faulted.constFirst() && sharded) {
        // A shard starts again with one worker: in order, it stops at its first faulting event, as a run of its
        // partitions alone would.
        if (sink.restart)
            sink.restart();
        std::vector<Lane> again(1);
        again.front().engine = &engine;
        again.front().script = script;
        again.front().fileName = fileName;
        again.front().sink = &sink;
        prepare(again.front(), settings.limits);
        Result<ParallelOutcome> once = runParallel(store, again, engine.definition(), scope, settings, 1, progress);
        if (!once)
            return once.error();
        ProjectionResults results = std::move(once->results.first());
        results.outcome.fault = again.front().fault;
        if (results.outcome.fault)
            results.outcome.eventsRead = std::max<qint64>(0, again.front().faultAt);
        return results;
    }
    if (outcome->faulted.constFirst()) {
        // Other engines may have gone past the faulting event: start again on one thread for the server's outcome.
        if (sink.restart)
            sink.restart();
        engine.resetState();
        return runOnOneThread(store, engine, scope, settings, sink);
    }
    ProjectionResults results = std::move(outcome->results.first());
    if (sink.progress)
        sink.progress(results.outcome.eventsRead);
    return results;
}

Result<ParallelProjectionRunner::Together> ParallelProjectionRunner::runTogether(EventStore& store,
    const QList<Definition>& definitions, const ProjectionScope& scope, const Settings& settings,
    const std::function<bool(qint64)>& progress)
{
    const int threads = settings.threads > 0 ? settings.threads : QThread::idealThreadCount();
    ProjectionDefinition source;
    for (qsizetype i = 0; i < definitions.size(); ++i)
        source = i == 0 ? definitions.at(i).engine->definition()
                        : ProjectionPairRunner::unionSource(source, definitions.at(i).engine->definition());
    const bool anySplits = std::any_of(definitions.cbegin(), definitions.cend(),
        [](const Definition& definition) { return canSplit(definition.engine->definition()); });
    const auto sequential = [&](const QList<int>& which) -> Result<Together> {
        QList<ProjectionEngine*> engines;
        for (const int i : which)
            engines.append(definitions.at(i).engine);
        ProjectionPairRunner::Settings pair;
        pair.limitEvents = settings.limitEvents;
        pair.cancel = settings.cancel;
        pair.progress = progress;
        Result<ProjectionPairRunner::Many> ran = ProjectionPairRunner::runMany(store, engines, scope, pair);
        if (!ran)
            return ran.error();
        return Together { std::move(ran->results), ran->eventsRead };
    };
    QList<int> all;
    for (qsizetype i = 0; i < definitions.size(); ++i)
        all.append(int(i));
    if (threads <= 1 || !anySplits)
        return sequential(all);

    std::vector<Lane> lanes(definitions.size());
    for (qsizetype i = 0; i < definitions.size(); ++i) {
        Lane& lane = lanes[i];
        lane.engine = definitions.at(i).engine;
        lane.script = definitions.at(i).script;
        lane.fileName = definitions.at(i).fileName;
        lane.wholeWorker = threads > 1 ? 1 + int(i % (threads - 1)) : 0; // a worker: the reader reads too
        prepare(lane, settings.limits);
        const ProjectionDefinition& own = lane.definition;
        // A scope replaces every source; otherwise a definition reading less than the union picks its events.
        lane.selectsAll = !scope.stream.isEmpty() || !scope.category.isEmpty()
            || (own.source == source.source && own.streams == source.streams && own.categories == source.categories);
    }
    Result<ParallelOutcome> outcome = runParallel(store, lanes, source, scope, settings, threads, progress);
    if (!outcome)
        return outcome.error();
    Together together { std::move(outcome->results), outcome->eventsRead };
    QList<int> rerun;
    for (qsizetype i = 0; i < qsizetype(lanes.size()); ++i) {
        if (outcome->faulted.at(i)) {
            definitions.at(i).engine->resetState();
            rerun.append(int(i));
        }
    }
    if (!rerun.isEmpty()) {
        // A definition that faulted folds again alone, on one thread, for the server's outcome.
        Result<Together> again = sequential(rerun);
        if (!again)
            return again.error();
        for (qsizetype r = 0; r < rerun.size(); ++r)
            together.results[rerun.at(r)] = std::move(again->results[r]);
    }
    return together;
}

} // namespace EventScope
