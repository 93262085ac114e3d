#include "parallelprojectionrunner.h"

#include <core/store/eventstore.h>

#include <QHash>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace EventScope {

namespace {

// An event dealt to a worker: its place in the source, and whether the event delivered before it (over all workers)
// was of another stream, so that its state is reloaded from text as the one-thread run would.
struct Dealt
{
    qint64 index = 0;
    bool reload = false;
};

// The emitted events and log lines of one event, tagged with its place in the source.
struct TaggedOutput
{
    qint64 index = 0;
    QList<EmittedEvent> emitted;
    QStringList log;
};

struct BatchOutcome
{
    QList<TaggedOutput> outputs;
    std::optional<ProjectionFault> fault;
};

struct FinalPartition
{
    qint64 firstIndex = 0;
    ProjectionResults::Partition partition;
};

// One engine on its own thread, folding the batches it is dealt. The reader posts a batch, later waits for its
// outcome, and at the end asks for the states; the engine is created, used and destroyed on the worker thread.
class FoldWorker
{
public:
    FoldWorker(const QString& script, const QString& fileName, const ProjectionEngine::Limits& limits)
        : m_thread([this, script, fileName, limits] { loop(script, fileName, limits); })
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

    void post(QList<Event> events, QList<Dealt> dealt)
    {
        {
            std::lock_guard lock(m_mutex);
            m_events = std::move(events);
            m_dealt = std::move(dealt);
            m_hasBatch = true;
            m_batchDone = false;
        }
        m_wake.notify_all();
    }

    BatchOutcome wait()
    {
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [this] { return m_batchDone; });
        return std::exchange(m_outcome, {});
    }

    // No more batches: the states of the partitions this engine folded, each with its first event's index.
    QList<FinalPartition> finish()
    {
        std::unique_lock lock(m_mutex);
        m_finish = true;
        m_wake.notify_all();
        m_done.wait(lock, [this] { return m_finished; });
        return std::move(m_final);
    }

private:
    void loop(const QString& script, const QString& fileName, const ProjectionEngine::Limits& limits)
    {
        ProjectionEngine engine(limits);
        std::optional<ProjectionFault> compileFault = engine.compile(script, fileName);
        QHash<QString, qint64> firstIndex;
        QString lastDelivered; // the stream of the last event this engine folded
        bool faulted = false;
        for (;;) {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_hasBatch || m_finish || m_stop; });
            if (m_stop)
                return;
            if (m_hasBatch) {
                m_hasBatch = false;
                const QList<Event> events = std::move(m_events);
                const QList<Dealt> dealt = std::move(m_dealt);
                lock.unlock();
                BatchOutcome outcome;
                if (compileFault) {
                    outcome.fault = compileFault; // the caller compiled it: only a broken machine gets here
                    faulted = true;
                }
                for (qsizetype i = 0; i < events.size() && !faulted; ++i) {
                    const Event& event = events.at(i);
                    if (dealt.at(i).reload && event.stream == lastDelivered)
                        engine.reloadStateBeforeNextEvent();
                    const qint64 delivered = engine.eventsDelivered();
                    if (auto fault = engine.process(event)) {
                        outcome.fault = std::move(fault);
                        faulted = true;
                    } else if (engine.eventsDelivered() != delivered) {
                        lastDelivered = event.stream;
                        if (!firstIndex.contains(event.stream))
                            firstIndex.insert(event.stream, dealt.at(i).index);
                    }
                    if (engine.hasOutput()) {
                        TaggedOutput output { dealt.at(i).index, engine.takeEmitted(), engine.takeLog() };
                        if (!output.emitted.isEmpty() || !output.log.isEmpty())
                            outcome.outputs.append(std::move(output));
                    }
                }
                lock.lock();
                m_outcome = std::move(outcome);
                m_batchDone = true;
                m_done.notify_all();
                continue;
            }
            lock.unlock();
            QList<FinalPartition> final;
            for (const QString& name : engine.partitions()) {
                final.append({ firstIndex.value(name, std::numeric_limits<qint64>::max()),
                    { name, engine.stateJson(name), engine.resultJson(name) } });
            }
            lock.lock();
            m_final = std::move(final);
            m_finished = true;
            m_done.notify_all();
            return;
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake; // to the worker: a batch, finish or stop
    std::condition_variable m_done; // to the reader: a batch's outcome, or the final states
    QList<Event> m_events;
    QList<Dealt> m_dealt;
    bool m_hasBatch = false;
    bool m_batchDone = false;
    bool m_finish = false;
    bool m_finished = false;
    bool m_stop = false;
    BatchOutcome m_outcome;
    QList<FinalPartition> m_final;
    std::thread m_thread; // last: started once the members above exist
};

// Hands a batch's output to the sink in event order (each worker's is in order already; a stable sort merges them).
void deliver(std::vector<BatchOutcome>& outcomes, const ParallelProjectionRunner::Sink& sink)
{
    QList<TaggedOutput> outputs;
    for (BatchOutcome& outcome : outcomes)
        outputs.append(std::move(outcome.outputs));
    std::stable_sort(
        outputs.begin(), outputs.end(), [](const TaggedOutput& a, const TaggedOutput& b) { return a.index < b.index; });
    for (const TaggedOutput& output : std::as_const(outputs)) {
        if (sink.emitted) {
            for (const EmittedEvent& event : output.emitted)
                sink.emitted(event);
        }
        if (sink.logged) {
            for (const QString& line : output.log)
                sink.logged(line);
        }
    }
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

} // namespace

bool ParallelProjectionRunner::canSplit(const ProjectionDefinition& definition)
{
    return definition.foreachStream && !definition.biState;
}

Result<ProjectionResults> ParallelProjectionRunner::run(EventStore& store, ProjectionEngine& engine,
    const QString& script, const QString& fileName, const ProjectionScope& scope, const Settings& settings,
    const Sink& sink)
{
    const int threads = settings.threads > 0 ? settings.threads : QThread::idealThreadCount();
    if (threads <= 1 || !canSplit(engine.definition()))
        return runOnOneThread(store, engine, scope, settings, sink);

    ProjectionEngine::Limits limits = settings.limits;
    limits.stateBytes = std::max<qint64>(1, limits.stateBytes / threads); // over it: a fault, and a rerun below
    std::vector<std::unique_ptr<FoldWorker>> workers;
    for (int i = 0; i < threads; ++i)
        workers.push_back(std::make_unique<FoldWorker>(script, fileName, limits));

    ProjectionEventReader reader(store, engine.definition(), scope);
    ProjectionResults results;
    results.definition = engine.definition();
    results.threads = threads;
    const ProjectionDefinition& definition = engine.definition();
    const QSet<QString> handledTypes(definition.handledEventTypes.cbegin(), definition.handledEventTypes.cend());
    QString lastDelivered; // the stream of the last event dealt that its engine will fold
    qint64 read = 0; // events dealt
    qint64 folded = 0; // events whose batch came back
    qint64 inFlight = 0; // events in the batch the workers hold
    bool ended = false;
    bool faulted = false;
    const auto collect = [&]() {
        std::vector<BatchOutcome> outcomes;
        for (auto& worker : workers)
            outcomes.push_back(worker->wait());
        for (const BatchOutcome& outcome : outcomes)
            faulted = faulted || outcome.fault.has_value();
        if (!faulted)
            deliver(outcomes, sink);
        folded += std::exchange(inFlight, 0);
    };
    while (!ended) {
        if (settings.cancel && settings.cancel->load(std::memory_order_relaxed)) {
            results.outcome.cancelled = true;
            break;
        }
        QList<QList<Event>> events(threads);
        QList<QList<Dealt>> dealtTo(threads);
        qint64 dealt = 0;
        while (dealt < kBatchEvents) {
            if (settings.limitEvents > 0 && read >= settings.limitEvents) {
                ended = true;
                break;
            }
            Result<std::optional<Event>> next = reader.next();
            if (!next) {
                if (inFlight > 0)
                    collect();
                return next.error();
            }
            if (!next->has_value()) {
                ended = true;
                break;
            }
            const QString& stream = (*next)->stream;
            const int worker = int(qHash(stream) % uint(threads));
            bool reload = false;
            if (definition.allEvents || handledTypes.contains((*next)->type)) { // delivered: the filter in process()
                reload = stream != lastDelivered;
                lastDelivered = stream;
            }
            dealtTo[worker].append({ read++, reload });
            events[worker].append(std::move(**next));
            ++dealt;
        }
        // The workers folded the previous batch while this one was read.
        if (inFlight > 0) {
            collect();
            if (faulted)
                break;
            if (sink.progress && !sink.progress(folded)) {
                results.outcome.cancelled = true;
                break;
            }
        }
        if (dealt > 0) {
            for (int i = 0; i < threads; ++i)
                workers[i]->post(std::move(events[i]), std::move(dealtTo[i]));
            inFlight = dealt;
        }
    }
    if (inFlight > 0)
        collect();
    if (faulted) {
        // Other engines may have gone past the faulting event: start again on one thread for the server's outcome.
        workers.clear();
        if (sink.restart)
            sink.restart();
        engine.resetState();
        return runOnOneThread(store, engine, scope, settings, sink);
    }

    QList<FinalPartition> partitions;
    for (auto& worker : workers)
        partitions.append(worker->finish());
    std::stable_sort(partitions.begin(), partitions.end(),
        [](const FinalPartition& a, const FinalPartition& b) { return a.firstIndex < b.firstIndex; });
    for (FinalPartition& partition : partitions)
        results.partitions.append(std::move(partition.partition));
    results.outcome.eventsRead = folded;
    if (sink.progress)
        sink.progress(folded);
    return results;
}

} // namespace EventScope
