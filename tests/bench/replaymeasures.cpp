#include "replaymeasures.h"

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

#include <QFile>
#include <QRandomGenerator>

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
    seek.verdict = atMost(sampled->p95, kSeekP95Ms);
    return { first, seek };
}

} // namespace EventScope::Bench

namespace EventScope::Bench {

namespace {

constexpr double kNodeRatio = 0.5; // issue 15: at least half node's speed
constexpr double kEventsPerSecond = 1'000'000; // issue 15: using every core where partitions allow

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
                QDateTime::fromMSecsSinceEpoch(event.timeMs, QTimeZone::utc()).toString(Qt::ISODateWithMs) },
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
    Measurement row(u"replay.projection"_s, u"replay: account projection over the account category, every core"_s,
        store.events, u"events/s"_s);
    row.target = u"≥ %1x node and ≥ %2 events/s"_s.arg(kNodeRatio).arg(formatCount(qint64(kEventsPerSecond)));
    Measurement single(
        u"replay.projection.one-thread"_s, u"replay: the same on one thread"_s, store.events, u"events/s"_s);
    single.target = u"(reported)"_s;
    QFile scriptFile(accountProjectionPath());
    if (!scriptFile.open(QIODevice::ReadOnly))
        return { failedWith(row, u"cannot read %1"_s.arg(scriptFile.fileName())) };
    const QString script = QString::fromUtf8(scriptFile.readAll());
    auto opened = openStore(store.path);
    if (!opened)
        return { failedWith(row, opened.error().message) };

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
    const auto all = fold(0);
    if (!all)
        return { failedWith(row, all.error().message) };
    const auto& [results, ms] = *all;
    const qint64 events = results.outcome.eventsRead;
    const double perSecond = double(events) * 1000 / ms;
    row.value = perSecond;
    row.figure = u"%1 k events/s (%2 events in %3 on %4 threads)"_s.arg(perSecond / 1000, 0, 'f', 0)
                     .arg(events)
                     .arg(formatMs(ms))
                     .arg(results.threads);
    QList<Measurement> rows;
    if (!settings.quick) {
        const auto one = fold(1);
        if (!one)
            rows.append(failedWith(single, one.error().message));
        else {
            single.value = double(one->first.outcome.eventsRead) * 1000 / one->second;
            single.figure = u"%1 k events/s (%2)"_s.arg(*single.value / 1000, 0, 'f', 0).arg(formatMs(one->second));
            rows.append(single);
        }
    }

    const QString node = QStandardPaths::findExecutable(u"node"_s);
    bool fastEnough = perSecond >= kEventsPerSecond;
    if (node.isEmpty()) {
        row.referenceFigure = u"node not installed: column skipped"_s;
    } else {
        const QString exported
            = QFileInfo(store.path).absolutePath() + u"/account-events-%1.ndjson"_s.arg(store.events);
        ProjectionEngine engine;
        engine.compile(script, scriptFile.fileName());
        if (const Status written = exportEvents(**opened, engine.definition(), exported); !written)
            return { failedWith(row, written.error().message) };
        const auto reference = runNode(node, scriptFile.fileName(), exported);
        if (!reference)
            return { failedWith(row, reference.error().message) };
        if (const QString differs = disagreement(results, *reference); !differs.isEmpty())
            return { failedWith(row, u"node and EventScope disagree: "_s + differs) };
        const double nodePerSecond = double(reference->events) * 1000 / reference->ms;
        row.reference = nodePerSecond;
        row.referenceFigure = u"node: %1 k events/s (%2 from reading to the last state; same final states)"_s
                                  .arg(nodePerSecond / 1000, 0, 'f', 0)
                                  .arg(formatMs(reference->ms));
        row.ratio = perSecond / nodePerSecond;
        fastEnough = fastEnough && *row.ratio >= kNodeRatio;
    }
    row.verdict = fastEnough ? Verdict::Pass : Verdict::Miss;
    rows.prepend(row);
    return rows;
}

} // namespace EventScope::Bench
