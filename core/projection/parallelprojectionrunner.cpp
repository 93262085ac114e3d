#include "parallelprojectionrunner.h"

#include "projectionpairrunner.h"

#include <core/store/eventstore.h>

#include <QHash>
#include <QSet>
#include <QThread>

#include <QBitArray>
#include <algorithm>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace EventScope {

namespace {

// How a definition's events are dealt to the workers.
enum class Dealing {
    ByStream, // foreachStream(): the stream is the partition
    ByKey, // partitionBy(): the key its function gives, computed on the reader's thread
    Whole, // one partition, or a shared state: every event to one worker
};

// Events copied into one buffer on the reader's thread and rebuilt on the worker's. Handing the events over as they
// are cost the run twice the CPU on two cores: their strings (shared by every event of a stream or a type) and
// payloads were allocated on the reader's thread and counted and freed on the workers', so cache lines and the
// allocator's locks went back and forth for every event. A buffer is one allocation per batch, and nothing in it is
// shared.
class PackedEvents
{
public:
    void append(const Event& event, const QString* key)
    {
        const qint64 numbers[] = { event.position, event.version, event.timeMs, qint64(event.dataFormat), key ? 1 : 0 };
        m_bytes.append(reinterpret_cast<const char*>(numbers), sizeof numbers);
        for (const QString* text : { &event.stream, &event.category, &event.type, &event.id, key }) {
            if (!text)
                continue;
            appendSize(text->size());
            m_bytes.append(reinterpret_cast<const char*>(text->constData()), text->size() * qsizetype(sizeof(QChar)));
        }
        for (const QByteArray* bytes : { &event.data, &event.metadata }) {
            appendSize(bytes->size());
            m_bytes.append(*bytes);
        }
        ++m_count;
    }
    qsizetype size() const { return m_count; }

    // On the worker: the events, and the key of each event packed with one.
    void unpack(QList<Event>& events, QList<std::optional<QString>>& keys) const
    {
        events.reserve(m_count);
        const char* p = m_bytes.constData();
        for (qsizetype i = 0; i < m_count; ++i) {
            qint64 numbers[5];
            std::memcpy(numbers, p, sizeof numbers);
            p += sizeof numbers;
            Event& event = events.emplace_back();
            event.position = numbers[0];
            event.version = numbers[1];
            event.timeMs = numbers[2];
            event.dataFormat = DataFormat(numbers[3]);
            for (QString* text : { &event.stream, &event.category, &event.type, &event.id })
                *text = readText(p);
            if (numbers[4] != 0)
                keys.append(readText(p));
            for (QByteArray* bytes : { &event.data, &event.metadata }) {
                const qint64 size = readSize(p);
                *bytes = QByteArray(p, size);
                p += size;
            }
        }
    }

private:
    void appendSize(qint64 size) { m_bytes.append(reinterpret_cast<const char*>(&size), sizeof size); }
    static qint64 readSize(const char*& p)
    {
        qint64 size = 0;
        std::memcpy(&size, p, sizeof size);
        p += sizeof size;
        return size;
    }
    static QString readText(const char*& p)
    {
        const qint64 size = readSize(p);
        QString text(size, Qt::Uninitialized);
        std::memcpy(text.data(), p, size_t(size) * sizeof(QChar));
        p += size * qint64(sizeof(QChar));
        return text;
    }

    QByteArray m_bytes;
    qsizetype m_count = 0;
};

// The events of one batch that one worker folds for one definition.
struct LaneBatch
{
    PackedEvents events; // for a worker
    QList<Event> direct; // for the reader's own share: its events need not cross a thread
    QList<std::optional<QString>> directKeys;
    qsizetype size() const { return events.size() + direct.size(); }
    QBitArray reloadBefore;
    QList<ProjectionEngine::BodyCheck> checkedBodies;
    QList<qint64> index; // each event's place in the source
};

// What a worker hands back for one definition and one batch.
struct LaneOutcome
{
    std::optional<ProjectionFault> fault;
    qint64 faultAt = -1; // the faulting event's place in the source
    QList<std::pair<qint64, EmittedEvent>> emitted;
    QList<std::pair<qint64, QString>> log;
};

struct FinalPartition
{
    qint64 firstIndex = 0;
    ProjectionResults::Partition partition;
};

struct LaneFinal
{
    QList<FinalPartition> partitions;
    std::optional<QByteArray> sharedState;
    bool hasSharedState = false;
};

struct LaneSpec
{
    QString script;
    QString fileName;
    Dealing dealing = Dealing::Whole;
};

// The engines of one share of the partitions (one engine per definition), folding the batches dealt to that share,
// in order. They live on a worker thread (FoldWorker), or in line on the reader's thread.
class FoldEngines
{
public:
    FoldEngines(const QList<LaneSpec>& specs, const ProjectionEngine::Limits& limits)
    {
        for (const LaneSpec& spec : specs) {
            Lane lane;
            lane.engine = std::make_unique<ProjectionEngine>(limits);
            lane.compileFault = lane.engine->compile(spec.script, spec.fileName);
            lane.dealing = spec.dealing;
            m_lanes.push_back(std::move(lane));
        }
    }

    std::vector<LaneOutcome> fold(std::vector<LaneBatch>& batches)
    {
        std::vector<LaneOutcome> outcomes(m_lanes.size());
        for (size_t l = 0; l < m_lanes.size() && l < batches.size(); ++l)
            fold(m_lanes[l], batches[l], outcomes[l]);
        return outcomes;
    }

    // Per definition, the partitions these engines folded, each with its first event's place.
    std::vector<LaneFinal> finals()
    {
        std::vector<LaneFinal> finals;
        for (Lane& lane : m_lanes) {
            LaneFinal final;
            qint64 order = 0;
            for (const QString& name : lane.engine->partitions()) {
                // A Whole definition has one engine: its own order is the order of first events.
                const qint64 first = lane.dealing == Dealing::Whole
                    ? order++
                    : lane.firstIndex.value(name, std::numeric_limits<qint64>::max());
                final.partitions.append({ first,
                    { name, lane.engine->stateJson(name), lane.engine->resultJson(name),
                        lane.engine->lastHandler(name) } });
            }
            if (lane.engine->definition().biState) {
                final.sharedState = lane.engine->sharedStateJson();
                final.hasSharedState = true;
            }
            finals.push_back(std::move(final));
        }
        return finals;
    }

private:
    struct Lane
    {
        std::unique_ptr<ProjectionEngine> engine;
        std::optional<ProjectionFault> compileFault;
        Dealing dealing = Dealing::Whole;
        QHash<QString, qint64> firstIndex;
        bool faulted = false;
    };

    static void fold(Lane& lane, LaneBatch& work, LaneOutcome& outcome)
    {
        if (work.size() == 0 || lane.faulted)
            return;
        if (lane.compileFault) {
            outcome.fault = lane.compileFault; // the caller compiled it: only a broken machine gets here
            lane.faulted = true;
            return;
        }
        ProjectionEngine::Batch batch;
        if (work.events.size() > 0) {
            work.events.unpack(batch.events, batch.partitionKeys);
        } else {
            batch.events = std::move(work.direct);
            batch.partitionKeys = std::move(work.directKeys);
        }
        batch.reloadBefore = std::move(work.reloadBefore);
        batch.checkedBodies = std::move(work.checkedBodies);
        // The partition of each event, for the order of first events.
        QStringList partitions;
        if (lane.dealing == Dealing::ByStream) {
            for (const Event& event : std::as_const(batch.events))
                partitions.append(event.stream);
        } else if (lane.dealing == Dealing::ByKey) {
            for (const std::optional<QString>& key : std::as_const(batch.partitionKeys))
                partitions.append(key.value_or(QString()));
        }
        const ProjectionEngine::BatchOutcome fed = lane.engine->processBatch(std::move(batch));
        if (fed.fault) {
            outcome.fault = fed.fault;
            outcome.faultAt = fed.processed < work.index.size() ? work.index.at(fed.processed) : -1;
            lane.faulted = true;
        }
        if (lane.dealing != Dealing::Whole) {
            for (qsizetype i = 0; i < fed.delivered.size(); ++i) {
                if (fed.delivered.testBit(i) && !lane.firstIndex.contains(partitions.at(i)))
                    lane.firstIndex.insert(partitions.at(i), work.index.at(i));
            }
        }
        if (lane.engine->hasOutput()) {
            ProjectionEngine::TaggedOutput output = lane.engine->takeTaggedOutput();
            const auto place
                = [&work](qsizetype at) { return at >= 0 && at < work.index.size() ? work.index.at(at) : -1; };
            for (auto& [at, event] : output.emitted)
                outcome.emitted.append({ place(at), std::move(event) });
            for (auto& [at, line] : output.log)
                outcome.log.append({ place(at), std::move(line) });
        }
    }

    std::vector<Lane> m_lanes;
};

// FoldEngines on a thread of their own. The reader queues batches and later takes their outcomes in the same order;
// a few batches may wait in the queue, so that the reader never waits for a worker before it reads on. The engines
// are created, used and destroyed on the worker thread.
class FoldWorker
{
public:
    FoldWorker(QList<LaneSpec> lanes, const ProjectionEngine::Limits& limits)
        : m_thread([this, lanes = std::move(lanes), limits] { loop(lanes, limits); })
    { }

    ~FoldWorker()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

    FoldWorker(const FoldWorker&) = delete;
    FoldWorker& operator=(const FoldWorker&) = delete;

    void post(std::vector<LaneBatch> batches)
    {
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(std::move(batches));
        }
        m_wake.notify_all();
    }

    // The outcome of the oldest batch posted and not taken yet.
    std::vector<LaneOutcome> wait()
    {
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return !m_outcomes.empty(); });
        std::vector<LaneOutcome> outcome = std::move(m_outcomes.front());
        m_outcomes.pop_front();
        return outcome;
    }

    // No more batches: the final states of this worker's share.
    std::vector<LaneFinal> finish()
    {
        std::unique_lock lock(m_mutex);
        m_finish = true;
        m_wake.notify_all();
        m_done.wait(lock, [this] { return m_finished; });
        return std::move(m_final);
    }

private:
    void loop(const QList<LaneSpec>& specs, const ProjectionEngine::Limits& limits)
    {
        FoldEngines engines(specs, limits);
        for (;;) {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return !m_queue.empty() || m_finish || m_stop; });
            if (m_stop)
                return;
            if (!m_queue.empty()) {
                std::vector<LaneBatch> batches = std::move(m_queue.front());
                m_queue.pop_front();
                lock.unlock();
                std::vector<LaneOutcome> outcomes = engines.fold(batches);
                lock.lock();
                m_outcomes.push_back(std::move(outcomes));
                m_done.notify_all();
                continue;
            }
            lock.unlock();
            std::vector<LaneFinal> finals = engines.finals();
            lock.lock();
            m_final = std::move(finals);
            m_finished = true;
            m_done.notify_all();
            return;
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake; // to the worker: a batch, finish or stop
    std::condition_variable m_done; // to the reader: a batch's outcome, or the final states
    std::deque<std::vector<LaneBatch>> m_queue;
    std::deque<std::vector<LaneOutcome>> m_outcomes;
    bool m_finish = false;
    bool m_finished = false;
    bool m_stop = false;
    std::vector<LaneFinal> m_final;
    std::thread m_thread; // last: started once the members above exist
};

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
