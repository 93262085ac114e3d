#include "snapshotverifier.h"

#include <core/projection/projectionsource.h>

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {
// Events per call into the script while verifying: a long stream is folded in calls of this many, so that memory
// holds one batch whatever the stream's length.
constexpr qsizetype kVerifyBatchEvents = 2048;
} // namespace

JsonDiffOptions snapshotDiffOptions()
{
    JsonDiffOptions options;
    options.ignoredKeys.insert(u"@class"_s);
    return options;
}

QString SnapshotCheck::statusName(Status status)
{
    switch (status) {
    case Status::Match:
        return u"match"_s;
    case Status::Drift:
        return u"drift"_s;
    case Status::Error:
        return u"error"_s;
    }
    return {};
}

void VerifySummary::add(const SnapshotCheck& check)
{
    ++snapshots;
    switch (check.status) {
    case SnapshotCheck::Status::Match:
        ++match;
        break;
    case SnapshotCheck::Status::Drift:
        ++drift;
        break;
    case SnapshotCheck::Status::Error:
        ++error;
        if (check.cause == SnapshotCheck::Cause::NotChecked)
            ++notChecked;
        if (check.cause == SnapshotCheck::Cause::Projection)
            ++projectionErrors;
        break;
    }
}

namespace {

SnapshotCheck checkOf(const Snapshot& snapshot)
{
    SnapshotCheck check;
    check.stream = snapshot.stream;
    check.version = snapshot.version;
    check.timeMs = snapshot.timeMs;
    check.bytes = snapshot.state.size();
    return check;
}

SnapshotCheck failed(SnapshotCheck check, SnapshotCheck::Cause cause, const QString& message)
{
    check.status = SnapshotCheck::Status::Error;
    check.cause = cause;
    check.message = message;
    return check;
}

} // namespace

Result<QList<SnapshotCheck>> SnapshotVerifier::verifyStream(EventStore& store, const QString& stream,
    const SnapshotProjections& projections, const JsonDiffOptions& diff, const ProjectionEngine::Limits& limits,
    qint64* eventsReplayed)
{
    return StreamChecker(projections, diff, limits).check(store, stream, eventsReplayed);
}

SnapshotVerifier::StreamChecker::StreamChecker(
    const SnapshotProjections& projections, JsonDiffOptions diff, ProjectionEngine::Limits limits)
    : m_projections(projections)
    , m_diff(std::move(diff))
    , m_limits(limits)
{ }

SnapshotVerifier::StreamChecker::~StreamChecker() = default;

Result<QList<SnapshotCheck>> SnapshotVerifier::StreamChecker::check(
    EventStore& store, const QString& stream, qint64* eventsReplayed, const QString& listedCategory)
{
    const SnapshotProjections& projections = m_projections;
    Result<QList<Snapshot>> listed = store.snapshots(stream);
    if (!listed)
        return listed.error();
    QList<Snapshot> snapshots = std::move(listed).value();
    std::stable_sort(
        snapshots.begin(), snapshots.end(), [](const Snapshot& a, const Snapshot& b) { return a.version < b.version; });
    QList<SnapshotCheck> checks;
    if (snapshots.isEmpty())
        return checks;

    QString category = listedCategory;
    if (category.isEmpty()) {
        Result<QString> held = store.streamCategory(stream);
        if (!held)
            return held.error();
        category = std::move(held).value();
    }
    const SnapshotProjections::Projection* projection = projections.find(category);
    if (!projection) {
        for (const Snapshot& snapshot : std::as_const(snapshots))
            checks.append(failed(checkOf(snapshot), SnapshotCheck::Cause::NotChecked,
                u"not checked: no projection rebuilds the category '%1' (--projection %1=FILE)"_s.arg(category)));
        return checks;
    }

    CategoryEngine& slot = m_engines[category];
    if (!slot.engine) {
        slot.engine = std::make_unique<ProjectionEngine>(m_limits);
        slot.compileFault = slot.engine->compile(projection->script, projection->fileName);
    }
    const auto allFailed = [&](SnapshotCheck::Cause cause, const QString& message) {
        for (const Snapshot& snapshot : std::as_const(snapshots))
            checks.append(failed(checkOf(snapshot), cause, message));
        return checks;
    };
    if (slot.compileFault)
        return allFailed(SnapshotCheck::Cause::Projection, slot.compileFault->toString());
    ProjectionEngine& engine = *slot.engine;
    const ProjectionDefinition& definition = engine.definition();
    const bool perStream = definition.form == ProjectionDefinition::Form::Reducer || definition.foreachStream;
    if (definition.partitioned && !perStream)
        return allFailed(SnapshotCheck::Cause::Projection,
            u"'%1' partitions by its own key (partitionBy): a snapshot is the state of one stream, use "
            "foreachStream() or a reducer"_s.arg(projection->fileName));
    engine.resetState();
    const QString partition = perStream ? stream : QString();

    // One pass: fold up to each snapshot's version in turn, in batches; `next` is the first event not folded yet.
    ProjectionEventReader reader(store, definition, ProjectionScope { stream, {} });
    std::optional<Event> next;
    bool ended = false;
    const auto advance = [&]() -> Status {
        Result<std::optional<Event>> read = reader.next();
        if (!read)
            return read.error();
        next = std::move(*read);
        ended = !next;
        return Done {};
    };
    if (Status first = advance(); !first)
        return first.error();
    const std::optional<qint64> firstVersion = next ? std::optional(next->version) : std::nullopt;
    std::optional<qint64> lastVersion; // of the events folded or skipped so far
    qint64 folded = 0;
    std::optional<ProjectionFault> fault;
    const JsonDiff& differ = m_diff;
    for (const Snapshot& snapshot : std::as_const(snapshots)) {
        SnapshotCheck check = checkOf(snapshot);
        // Every event up to the snapshot's version, a batch at a time.
        while (!ended && next->version <= snapshot.version) {
            ProjectionEngine::Batch batch;
            while (!ended && next->version <= snapshot.version && batch.events.size() < kVerifyBatchEvents) {
                lastVersion = next->version;
                batch.events.append(std::move(*next));
                if (Status read = advance(); !read)
                    return read.error();
            }
            if (fault)
                continue; // past a fault nothing is folded; the events are only counted out
            const ProjectionEngine::BatchOutcome outcome = engine.processBatch(std::move(batch));
            folded += outcome.processed;
            if (outcome.fault)
                fault = outcome.fault;
        }
        if (!firstVersion) {
            checks.append(failed(check, SnapshotCheck::Cause::Snapshot,
                u"the stream has no events, but a snapshot at version %1"_s.arg(snapshot.version)));
            continue;
        }
        if (ended && lastVersion && snapshot.version > *lastVersion) {
            checks.append(failed(check, SnapshotCheck::Cause::Snapshot,
                u"the snapshot is ahead of its stream: version %1, the last event is version %2"_s.arg(snapshot.version)
                    .arg(*lastVersion)));
            continue;
        }
        if (snapshot.version < *firstVersion) {
            checks.append(failed(check, SnapshotCheck::Cause::Snapshot,
                u"the snapshot is at version %1, before the stream's first event (version %2)"_s.arg(snapshot.version)
                    .arg(*firstVersion)));
            continue;
        }
        if (fault) {
            checks.append(failed(check, SnapshotCheck::Cause::Projection,
                u"the projection faulted before version %1: %2"_s.arg(snapshot.version).arg(fault->toString())));
            continue;
        }
        const std::optional<QByteArray> state = engine.stateJson(partition);
        const Result<JsonDiffResult> compared
            = differ.compareJson(snapshot.state, state.value_or(QByteArrayLiteral("null")));
        if (!compared) {
            // The replay's state is the engine's own JSON: only the snapshot's side can be unreadable.
            QString message = compared.error().message;
            message.replace(u"The \"before\" document"_s, u"The snapshot's state"_s);
            // XML reaches this point only when no dialect could read it as JSON (Axon's XStream snapshots are read).
            if (snapshot.state.trimmed().startsWith('<'))
                message += u" (it is XML: only well-formed XStream XML, as Axon stores it, is read as JSON)"_s;
            checks.append(failed(check, SnapshotCheck::Cause::Snapshot, message));
            continue;
        }
        check.status = compared->isEqual() ? SnapshotCheck::Status::Match : SnapshotCheck::Status::Drift;
        check.changes = compared->changes;
        checks.append(std::move(check));
    }
    if (eventsReplayed)
        *eventsReplayed += folded;
    return checks;
}

SnapshotVerifier::Divergence SnapshotVerifier::firstDivergence(const QList<SnapshotCheck>& checks)
{
    Divergence divergence;
    for (qsizetype i = 0; i < checks.size(); ++i) {
        if (checks.at(i).status == SnapshotCheck::Status::Drift) {
            divergence.firstDrift = i;
            return divergence;
        }
        if (checks.at(i).status == SnapshotCheck::Status::Match)
            divergence.lastGood = i;
    }
    divergence.lastGood = -1;
    return divergence;
}

namespace {

// The streams handed to the workers, and their results waiting to be handed over in order.
struct VerifyQueue
{
    std::mutex mutex;
    std::condition_variable work; // to the workers: a stream, or the end
    std::condition_variable done; // to the lister: a result, or a failure
    std::deque<std::pair<qint64, StreamInfo>> streams;
    std::map<qint64, QList<SnapshotCheck>> results;
    bool finished = false; // no more streams
    std::optional<StoreError> failure;
    qint64 eventsReplayed = 0;
};

} // namespace

Result<VerifySummary> SnapshotVerifier::verifyAll(EventStore& lister, const StoreFactory& open,
    const SnapshotProjections& projections, const Settings& settings,
    const std::function<void(const QList<SnapshotCheck>&)>& sink, const std::function<void(qint64)>& progress)
{
    QElapsedTimer timer;
    timer.start();
    const int threads = settings.threads > 0 ? settings.threads : std::max(1, QThread::idealThreadCount());
    VerifyQueue queue;
    const auto cancelled = [&] { return settings.cancel && settings.cancel->load(std::memory_order_relaxed); };

    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&] {
            Result<std::unique_ptr<EventStore>> store = open();
            StreamChecker checker(projections, settings.diff, settings.limits);
            for (;;) {
                std::unique_lock lock(queue.mutex);
                queue.work.wait(lock, [&] { return !queue.streams.empty() || queue.finished || queue.failure; });
                if (queue.failure || queue.streams.empty())
                    return;
                const auto [index, stream] = queue.streams.front();
                queue.streams.pop_front();
                lock.unlock();
                if (!store) {
                    lock.lock();
                    queue.failure = store.error();
                    queue.done.notify_all();
                    queue.work.notify_all();
                    return;
                }
                qint64 events = 0;
                Result<QList<SnapshotCheck>> checks = checker.check(**store, stream.stream, &events, stream.category);
                lock.lock();
                if (!checks)
                    queue.failure = checks.error();
                else
                    queue.results.emplace(index, std::move(*checks));
                queue.eventsReplayed += events;
                queue.done.notify_all();
                if (queue.failure)
                    queue.work.notify_all();
            }
        });
    }

    VerifySummary summary;
    qint64 listed = 0; // streams queued
    qint64 delivered = 0; // streams whose results went to the sink
    // Hands over the results that are next in order; waits for one when `wait` and none is ready.
    const auto deliver = [&](bool wait) {
        std::unique_lock lock(queue.mutex);
        if (wait)
            queue.done.wait(lock, [&] { return queue.results.contains(delivered) || queue.failure; });
        while (!queue.failure) {
            const auto it = queue.results.find(delivered);
            if (it == queue.results.end())
                break;
            QList<SnapshotCheck> checks = std::move(it->second);
            queue.results.erase(it);
            ++delivered;
            lock.unlock();
            if (!checks.isEmpty()) {
                ++summary.streams;
                for (const SnapshotCheck& check : std::as_const(checks))
                    summary.add(check);
                if (sink)
                    sink(checks);
            }
            if (progress)
                progress(delivered);
            lock.lock();
        }
        return !queue.failure;
    };
    const auto stop = [&] {
        {
            std::lock_guard lock(queue.mutex);
            queue.finished = true;
            queue.streams.clear();
        }
        queue.work.notify_all();
        for (std::thread& worker : workers)
            worker.join();
    };

    StreamQuery page;
    page.category = settings.category;
    page.limit = 500;
    const qint64 inFlightLimit = qint64(threads) * 8; // streams queued or waiting to be handed over
    bool more = true;
    while (more && !cancelled()) {
        Result<QList<StreamInfo>> streams = lister.streams(page);
        if (!streams) {
            stop();
            return streams.error();
        }
        more = streams->size() == *page.limit;
        if (!streams->isEmpty())
            page.after = streams->constLast().stream;
        for (const StreamInfo& stream : std::as_const(*streams)) {
            if (settings.shard && !settings.shard->contains(stream.stream))
                continue; // another runner's
            while (listed - delivered >= inFlightLimit) {
                if (!deliver(true))
                    break;
            }
            if (cancelled())
                break;
            {
                std::lock_guard lock(queue.mutex);
                if (queue.failure)
                    break;
                queue.streams.emplace_back(listed++, stream);
            }
            queue.work.notify_one();
            deliver(false);
        }
        std::lock_guard lock(queue.mutex);
        if (queue.failure)
            break;
    }
    while (delivered < listed && !cancelled()) {
        if (!deliver(true))
            break;
    }
    summary.cancelled = cancelled();
    stop();
    if (queue.failure)
        return *queue.failure;
    summary.eventsReplayed = queue.eventsReplayed;
    summary.seconds = double(timer.nsecsElapsed()) / 1e9;
    return summary;
}

} // namespace EventScope
