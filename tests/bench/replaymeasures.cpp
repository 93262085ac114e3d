#include "replaymeasures.h"

#include "referencemeasures.h"

#include "timing.h"

#include "core/dialects/storeopener.h"
#include "core/projection/parallelprojectionrunner.h"
#include "core/replay/streamreplay.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimeZone>

#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>

#include <tuple>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

namespace {

constexpr double kSeekP95Ms = 16; // one frame: scrubbing feels continuous (issue 15)
constexpr int kSeeks = 200;

} // namespace

QList<Measurement> measureReplay(const CachedStore& store, const RunSettings& settings)
{
    Measurement first(
        u"timetravel.load"_s, u"time travel: first pass over the longest account stream"_s, store.events, u"ms"_s);
    Measurement seek(
        u"timetravel.seek"_s, u"time travel: seek to a random version after the first pass"_s, store.events, u"ms"_s);
    seek.target = u"p95 ≤ %1 ms"_s.arg(kSeekP95Ms);
    QFile script(QStringLiteral(EVENTSCOPE_SOURCE_DIR) + u"/resources/projections/account.projection.js"_s);
    if (!script.open(QIODevice::ReadOnly))
        return { failedWith(first, u"cannot read %1"_s.arg(script.fileName())) };
    auto opened = openStore(store.path);
    if (!opened)
        return { failedWith(first, opened.error().message) };
    // The longest account stream: the demo's account-1 is the long-lived one.
    QString longest;
    qint64 longestEvents = 0;
    StreamQuery page { {}, u"account"_s, {}, 1000 };
    for (;;) {
        const auto streams = (*opened)->streams(page);
        if (!streams)
            return { failedWith(first, streams.error().message) };
        for (const StreamInfo& stream : *streams) {
            if (stream.events.value > longestEvents) {
                longestEvents = stream.events.value;
                longest = stream.stream;
            }
        }
        if (streams->size() < *page.limit)
            break;
        page.after = streams->constLast().stream;
    }
    StreamReplay replay;
    QElapsedTimer timer;
    timer.start();
    const auto loaded = replay.load(**opened, longest, QString::fromUtf8(script.readAll()), script.fileName());
    if (!loaded)
        return { failedWith(first, loaded.error().message) };
    if (loaded->fault)
        return { failedWith(first, loaded->fault->message) };
    const double loadMs = elapsedMs(timer);
    first.value = loadMs;
    first.figure = u"%1 for %2 events of %3 (%4 k events/s)"_s.arg(formatMs(loadMs))
                       .arg(replay.eventCount())
                       .arg(longest)
                       .arg(double(replay.eventCount()) / loadMs, 0, 'f', 0);
    first.target = u"(reported)"_s;

    const qint64 count = replay.eventCount();
    const auto sampled = sampleJumps(settings.warmupJumps(), settings.quick ? 20 : kSeeks,
        [&replay, count](QRandomGenerator& random) -> Result<double> {
            const qint64 target = qint64(random.bounded(quint64(count + 1)));
            QElapsedTimer seekTimer;
            seekTimer.start();
            const auto point = replay.stateAfter(target);
            const double ms = elapsedMs(seekTimer);
            if (point.count != target)
                return StoreError { StoreError::Kind::Query,
                    u"a seek landed at %1, not %2"_s.arg(point.count).arg(target) };
            return ms;
        });
    if (!sampled)
        return { first, failedWith(seek, sampled.error().message) };
    seek.value = sampled->p95;
    seek.figure = u"median %1, p95 %2 (%3 seeks in %4 events)"_s.arg(formatMs(sampled->median), formatMs(sampled->p95))
                      .arg(sampled->count)
                      .arg(count);
    seek.reference = loadMs;
    seek.referenceFigure = u"%1 (folding the whole stream)"_s.arg(formatMs(loadMs));
    seek.ratio = sampled->p95 / loadMs;
    seek.requireAtMost(sampled->p95, kSeekP95Ms);
    return { first, seek };
}

} // namespace EventScope::Bench

namespace EventScope::Bench {

namespace {

constexpr double kOneThreadRatio = 1.0; // issue 23: node's speed on one thread
constexpr double kEveryCoreRatio = 1.5; // issue 23: half again node's speed on every core
constexpr double kReaderMicroseconds = 1.0; // issue 23: what the reader may cost per event
constexpr double kStartMs = 150; // issue 23: `project` on a 10-event store, process start to exit
constexpr int kStartRuns = 11;

QString accountProjectionPath()
{
    return QStringLiteral(EVENTSCOPE_SOURCE_DIR) + u"/resources/projections/account.projection.js"_s;
}

// The events the projection reads, as node's reference reads them: one JSON object per line. Written once per
// store beside it (not timed), and reused.
Status exportEvents(EventStore& store, const ProjectionDefinition& definition, const QString& path)
{
    if (QFileInfo::exists(path))
        return Done {};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return StoreError { StoreError::Kind::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()) };
    ProjectionEventReader reader(store, definition);
    for (;;) {
        auto next = reader.next();
        if (!next)
            return next.error();
        if (!next->has_value())
            break;
        const Event& event = **next;
        const QJsonObject line { { u"type"_s, event.type }, { u"stream"_s, event.stream },
            { u"version"_s, QJsonValue(event.version) }, { u"id"_s, event.id },
            { u"created"_s,
                QDateTime::fromMSecsSinceEpoch(event.timeMs.value_or(0), QTimeZone::utc())
                    .toString(Qt::ISODateWithMs) },
            { u"bodyRaw"_s, event.data.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(event.data)) },
            { u"metadataRaw"_s,
                event.metadata.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(event.metadata)) } };
        file.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    }
    if (!file.commit())
        return StoreError { StoreError::Kind::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()) };
    return Done {};
}

struct NodeRun
{
    QList<QPair<QString, QJsonValue>> states;
    qint64 events = 0;
    double ms = 0;
};

Result<NodeRun> runNode(const QString& node, const QString& script, const QString& events)
{
    QProcess process;
    process.start(node,
        { QStringLiteral(EVENTSCOPE_SOURCE_DIR) + u"/tests/bench/reference/projection-fold.mjs"_s, script, events });
    if (!process.waitForFinished(600'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return StoreError { StoreError::Kind::Query,
            u"node failed: %1"_s.arg(QString::fromUtf8(process.readAllStandardError()).trimmed()) };
    NodeRun run;
    const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
    for (const QByteArray& line : lines) {
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        if (object.contains(u"partition"_s))
            run.states.append({ object.value(u"partition"_s).toString(), object.value(u"state"_s) });
        else {
            run.events = object.value(u"events"_s).toInteger();
            run.ms = object.value(u"ms"_s).toDouble();
        }
    }
    return run;
}

// Where EventScope's states and node's part, or empty when they agree.
QString disagreement(const ProjectionResults& ours, const NodeRun& node)
{
    if (ours.partitions.size() != node.states.size())
        return u"EventScope has %1 partitions, node %2"_s.arg(ours.partitions.size()).arg(node.states.size());
    for (qsizetype i = 0; i < ours.partitions.size(); ++i) {
        const auto& partition = ours.partitions.at(i);
        const QJsonValue state = partition.state ? QJsonDocument::fromJson("[" + *partition.state + "]").array().first()
                                                 : QJsonValue(QJsonValue::Null);
        if (partition.name != node.states.at(i).first || state != node.states.at(i).second)
            return u"partition %1 differs from node's %2"_s.arg(partition.name, node.states.at(i).first);
    }
    return {};
}

} // namespace

QList<Measurement> measureProjectionThroughput(const CachedStore& store, const RunSettings& settings)
{
    Q_UNUSED(settings);
    Measurement every(u"replay.projection"_s, u"replay: account projection over the account category, every core"_s,
        store.events, u"events/s"_s);
    every.target = u"≥ %1x node"_s.arg(kEveryCoreRatio);
    Measurement single(u"replay.projection.one-thread"_s, u"replay: the same on one thread (reading included)"_s,
        store.events, u"events/s"_s);
    single.target = u"≥ %1x node"_s.arg(kOneThreadRatio);
    Measurement reader(
        u"replay.reader"_s, u"replay: the reader alone (the same source, no script)"_s, store.events, u"µs/event"_s);
    reader.target = u"≤ %1 µs per event"_s.arg(kReaderMicroseconds);
    QFile scriptFile(accountProjectionPath());
    if (!scriptFile.open(QIODevice::ReadOnly))
        return { failedWith(every, u"cannot read %1"_s.arg(scriptFile.fileName())) };
    const QString script = QString::fromUtf8(scriptFile.readAll());
    auto opened = openStore(store.path);
    if (!opened)
        return { failedWith(every, opened.error().message) };

    const auto fold = [&](int threads) -> Result<std::pair<ProjectionResults, double>> {
        ProjectionEngine engine;
        if (auto fault = engine.compile(script, scriptFile.fileName()))
            return StoreError { StoreError::Kind::Query, fault->toString() };
        ParallelProjectionRunner::Settings runSettings;
        runSettings.threads = threads;
        QElapsedTimer timer;
        timer.start();
        auto results
            = ParallelProjectionRunner::run(**opened, engine, script, scriptFile.fileName(), {}, runSettings, {});
        if (!results)
            return results.error();
        if (results->outcome.fault)
            return StoreError { StoreError::Kind::Query, results->outcome.fault->toString() };
        return std::pair { std::move(*results), elapsedMs(timer) };
    };

    // The reader alone: the events the projection reads, read and dropped.
    {
        ProjectionEngine engine;
        engine.compile(script, scriptFile.fileName());
        QElapsedTimer timer;
        timer.start();
        ProjectionEventReader source(**opened, engine.definition());
        qint64 events = 0;
        for (;;) {
            auto next = source.next();
            if (!next)
                return { failedWith(reader, next.error().message) };
            if (!next->has_value())
                break;
            ++events;
        }
        const double ms = elapsedMs(timer);
        reader.value = ms * 1000 / double(std::max<qint64>(events, 1));
        reader.figure
            = u"%1 µs per event (%2 events in %3)"_s.arg(*reader.value, 0, 'f', 2).arg(events).arg(formatMs(ms));
        reader.requireAtMost(*reader.value, kReaderMicroseconds);
        // What SQLite alone costs for the same rows: the query walks every event of the store in position order
        // and keeps a category's, so this is the floor of any reader over this schema.
        if (const auto raw = rawSqliteScan(store.path, u"account"_s)) {
            reader.reference = raw->ms * 1000 / double(std::max<qint64>(raw->rows, 1));
            reader.referenceFigure = u"%1 µs per event: a raw sqlite3_step loop over the same rows (%2 rows)"_s
                                         .arg(*reader.reference, 0, 'f', 2)
                                         .arg(raw->rows);
            reader.ratio = *reader.value / *reader.reference;
        }
    }

    const QString node = QStandardPaths::findExecutable(u"node"_s);
    std::optional<NodeRun> reference;
    if (!node.isEmpty()) {
        const QString exported
            = QFileInfo(store.path).absolutePath() + u"/account-events-%1.ndjson"_s.arg(store.events);
        ProjectionEngine engine;
        engine.compile(script, scriptFile.fileName());
        if (const Status written = exportEvents(**opened, engine.definition(), exported); !written)
            return { failedWith(every, written.error().message) };
        auto ran = runNode(node, scriptFile.fileName(), exported);
        if (!ran)
            return { failedWith(every, ran.error().message) };
        reference = std::move(*ran);
    }
    QList<Measurement> rows;
    for (auto [row, threads, ratio] :
        { std::tuple { &every, 0, kEveryCoreRatio }, std::tuple { &single, 1, kOneThreadRatio } }) {
        const auto ran = fold(threads);
        if (!ran) {
            rows.append(failedWith(*row, ran.error().message));
            continue;
        }
        const auto& [results, ms] = *ran;
        const double perSecond = double(results.outcome.eventsRead) * 1000 / ms;
        row->value = perSecond;
        row->figure = u"%1 k events/s (%2 events in %3 on %4 thread%5)"_s.arg(perSecond / 1000, 0, 'f', 0)
                          .arg(results.outcome.eventsRead)
                          .arg(formatMs(ms))
                          .arg(results.threads)
                          .arg(results.threads == 1 ? u""_s : u"s"_s);
        if (!reference) {
            row->referenceFigure = u"node not installed: no reference"_s;
            row->verdict = Verdict::Info;
        } else if (const QString differs = disagreement(results, *reference); !differs.isEmpty()) {
            rows.append(failedWith(*row, u"node and EventScope disagree: "_s + differs));
            continue;
        } else {
            const double nodePerSecond = double(reference->events) * 1000 / reference->ms;
            row->reference = nodePerSecond;
            row->referenceFigure = u"node: %1 k events/s (%2 from reading to the last state; same final states)"_s
                                       .arg(nodePerSecond / 1000, 0, 'f', 0)
                                       .arg(formatMs(reference->ms));
            row->ratio = perSecond / nodePerSecond;
            row->requireAtLeast(*row->ratio, ratio);
        }
        rows.append(*row);
    }
    rows.append(reader);
    return rows;
}

Measurement measureCliStart(const QString& cacheDirectory)
{
    Measurement row(
        u"cli.project.start"_s, u"eventscope-cli project on a 10-event store, process start to exit"_s, 10, u"ms"_s);
    row.target = u"≤ %1 ms"_s.arg(kStartMs);
    const QString cli = QCoreApplication::applicationDirPath() + u"/../../app/cli/eventscope-cli"_s;
    if (!QFileInfo::exists(cli))
        return failedWith(row, u"no eventscope-cli beside the bench (%1)"_s.arg(cli));
    const QString storePath = cacheDirectory + u"/start-10.sqlite"_s;
    if (!QFileInfo::exists(storePath)) {
        QProcess create;
        create.start(cli, { u"demo"_s, u"create"_s, storePath, u"--events"_s, u"10"_s });
        if (!create.waitForFinished(60'000) || create.exitCode() != 0)
            return failedWith(row, u"demo create failed: %1"_s.arg(QString::fromUtf8(create.readAllStandardError())));
    }
    const QString script = accountProjectionPath();
    const auto timeProcess = [](const QString& program, const QStringList& arguments) -> Result<double> {
        QProcess process;
        QElapsedTimer timer;
        timer.start();
        process.start(program, arguments);
        if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit)
            return StoreError { StoreError::Kind::Query, u"%1 did not finish"_s.arg(program) };
        return elapsedMs(timer);
    };
    const auto ours = warmThenTime(kStartRuns, [&] {
        return timeProcess(cli, { u"project"_s, storePath, script, u"--json"_s });
    });
    if (!ours)
        return failedWith(row, ours.error().message);
    row.value = ours->median;
    row.figure = u"median %1, p95 %2 (%3 runs)"_s.arg(formatMs(ours->median), formatMs(ours->p95)).arg(kStartRuns);
    row.requireAtMost(ours->median, kStartMs);
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (!node.isEmpty()) {
        // node's process start with the reference fold over the same 10 events.
        auto engineStore = openStore(storePath);
        if (engineStore) {
            ProjectionEngine engine;
            QFile file(script);
            file.open(QIODevice::ReadOnly);
            engine.compile(QString::fromUtf8(file.readAll()), script);
            const QString exported = cacheDirectory + u"/start-10.ndjson"_s;
            if (exportEvents(**engineStore, engine.definition(), exported)) {
                const auto theirs = warmThenTime(kStartRuns, [&] {
                    return timeProcess(node,
                        { QStringLiteral(EVENTSCOPE_SOURCE_DIR) + u"/tests/bench/reference/projection-fold.mjs"_s,
                            script, exported });
                });
                if (theirs) {
                    row.reference = theirs->median;
                    row.referenceFigure = u"node: median %1 (the reference fold, process start to exit)"_s.arg(
                        formatMs(theirs->median));
                    row.ratio = ours->median / theirs->median;
                }
            }
        }
    }
    return row;
}

} // namespace EventScope::Bench
