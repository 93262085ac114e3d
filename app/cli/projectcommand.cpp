#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/model/jsontext.h>
#include <core/model/timeformat.h>
#include <core/projection/parallelprojectionrunner.h>
#include <core/projection/projectioncomparison.h>
#include <core/projection/projectionengine.h>
#include <core/projection/projectionreport.h>
#include <core/projection/projectionrunner.h>
#include <core/projection/projectionsource.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

// Emitted events and log lines come after the states in the output, but the states are known only at the
// end: they are spooled to a temporary file on the way, so memory stays flat however many a run emits.
class Spool
{
public:
    bool open() { return m_file.open(); }
    void append(const QByteArray& bytes) { m_file.write(bytes); }
    bool copyTo(Output& output)
    {
        m_file.seek(0);
        while (!m_file.atEnd() && !output.failed())
            output.write(m_file.read(1 << 16));
        return !output.failed();
    }

private:
    QTemporaryFile m_file;
};

// The readable form: one line per partition ("root" for ""), emitted event and log line.
QByteArray readableStates(const ProjectionResults& results)
{
    QByteArray text;
    const ProjectionDefinition& definition = results.definition;
    QList<ProjectionResults::Partition> partitions = results.partitions;
    if (!definition.partitioned && partitions.isEmpty())
        partitions.append(ProjectionResults::Partition {});
    for (const ProjectionResults::Partition& partition : std::as_const(partitions)) {
        text += (partition.name.isEmpty() ? u"(root)"_s : partition.name).toUtf8() + "  "
            + partition.state.value_or("(no state)") + '\n';
        if (definition.definesStateTransform)
            text += "  result: " + partition.result.value_or("(no result)") + '\n';
    }
    if (definition.biState)
        text += "shared state: " + results.sharedState.value_or("(no state)") + '\n';
    return text;
}

QByteArray readableEmit(const EmittedEvent& event)
{
    return "emit " + event.stream.toUtf8() + ' ' + event.type.toUtf8() + ' ' + event.data
        + (event.metadata.isEmpty() ? QByteArray() : ' ' + event.metadata) + '\n';
}

QString readableValue(const QJsonValue& value)
{
    return value.isUndefined() ? u"(none)"_s : QString::fromUtf8(compactJsonValue(value));
}

QByteArray readableComparison(const ProjectionComparison& comparison)
{
    QByteArray text;
    for (const ProjectionComparison::Partition& partition : comparison.partitions) {
        text += ProjectionComparison::changeName(partition.change).toUtf8() + "  "
            + (partition.name.isEmpty() ? u"(root)"_s : partition.name).toUtf8() + '\n';
        for (const JsonChange& change : partition.diff.changes)
            text += "  " + change.path.toString().toUtf8() + ": " + readableValue(change.oldValue).toUtf8() + " -> "
                + readableValue(change.newValue).toUtf8() + '\n';
        if (partition.diff.truncated)
            text += "  ...\n";
    }
    if (comparison.sharedState && !comparison.sharedState->isEqual()) {
        text += "changed  (shared state)\n";
        for (const JsonChange& change : comparison.sharedState->changes)
            text += "  " + change.path.toString().toUtf8() + ": " + readableValue(change.oldValue).toUtf8() + " -> "
                + readableValue(change.newValue).toUtf8() + '\n';
    }
    return text;
}

// `project STORE FILE --compare OTHER`: both definitions over one read of the history, then the partitions whose
// state differs. Exit 0 when identical, 1 when they differ, 4 when either faults.
int runCompare(const CommandLine& arguments, EventStore& store, const QString& scriptPath, const QString& script,
    const ProjectionScope& scope, qint64 limit, const ProjectionEngine::Limits& limits, int threads)
{
    const QString otherPath = arguments.value(u"compare"_s);
    QFile otherFile(otherPath);
    if (!otherFile.open(QIODevice::ReadOnly))
        return usageError(
            u"project"_s, u"cannot read the projection '%1': %2"_s.arg(otherPath, otherFile.errorString()));
    const QString otherScript = QString::fromUtf8(otherFile.readAll());
    JsonDiffOptions options;
    for (const QString& ignore : arguments.values(u"ignore"_s)) {
        if (const Status added = options.addIgnore(ignore); !added)
            return usageError(u"project"_s, u"--ignore: "_s + added.error().message);
    }

    Output output;
    const bool json = arguments.json();
    const auto reportFault = [&](const QString& path, qint64 events, const ProjectionFault& fault) {
        output.write(json ? ProjectionReport::statusLine(events, fault)
                          : u"%1 faulted after %2 events\n"_s.arg(path).arg(events).toUtf8());
        output.finish();
        printError(u"projection faulted: %1: %2"_s.arg(path, fault.toString()));
        return int(kExitProjection);
    };
    ProjectionEngine first(limits);
    ProjectionEngine second(limits);
    if (auto fault = first.compile(script, scriptPath))
        return reportFault(scriptPath, 0, *fault);
    if (auto fault = second.compile(otherScript, otherPath))
        return reportFault(otherPath, 0, *fault);
    const bool reducer = first.definition().form == ProjectionDefinition::Form::Reducer
        || second.definition().form == ProjectionDefinition::Form::Reducer;
    if (reducer && scope.stream.isEmpty() && scope.category.isEmpty())
        return usageError(u"project"_s,
            u"a reducer ({init, apply}) is compared: say which events it folds with --stream S or --category C"_s);

    QElapsedTimer timer;
    timer.start();
    ParallelProjectionRunner::Settings settings;
    settings.limitEvents = limit;
    settings.limits = limits;
    settings.threads = threads;
    const auto results = ParallelProjectionRunner::runTogether(
        store, { { &first, script, scriptPath }, { &second, otherScript, otherPath } }, scope, settings);
    if (!results)
        return storeFailure(results.error());
    const ProjectionResults& before = results->results.at(0);
    const ProjectionResults& after = results->results.at(1);
    if (const auto& fault = before.outcome.fault)
        return reportFault(scriptPath, before.outcome.eventsRead, *fault);
    if (const auto& fault = after.outcome.fault)
        return reportFault(otherPath, after.outcome.eventsRead, *fault);
    const ProjectionComparison comparison = ProjectionComparison::of(before, after, options);
    const qint64 events = results->eventsRead;
    const double seconds = double(timer.elapsed()) / 1000;
    if (json)
        output.write(ProjectionReport::comparisonLines(comparison)
            + ProjectionReport::comparisonSummaryLine(comparison, events, seconds));
    else {
        using Change = ProjectionComparison::Change;
        output.write(readableComparison(comparison)
            + u"%1 partitions: %2 same, %3 changed, %4 added, %5 removed (%6 events)\n"_s
                  .arg(comparison.same + comparison.partitions.size())
                  .arg(comparison.same)
                  .arg(comparison.count(Change::Changed))
                  .arg(comparison.count(Change::Added))
                  .arg(comparison.count(Change::Removed))
                  .arg(events)
                  .toUtf8());
    }
    const int written = output.finish();
    if (written != kExitSuccess)
        return written;
    return comparison.identical() ? int(kExitSuccess) : int(kExitFailure);
}

int runProject(const CommandLine& arguments)
{
    const QString storePath = arguments.positionals().at(0);
    const QString scriptPath = arguments.positionals().at(1);
    qint64 limit = 0;
    if (arguments.isSet(u"limit-events"_s)) {
        const auto parsed = parseInteger(arguments.value(u"limit-events"_s), 0);
        if (!parsed)
            return usageError(u"project"_s,
                u"--limit-events needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"limit-events"_s)));
        limit = *parsed;
    }
    if (arguments.isSet(u"stream"_s) && arguments.isSet(u"category"_s))
        return usageError(u"project"_s, u"--stream and --category cannot be combined"_s);
    ProjectionScope scope { arguments.value(u"stream"_s), arguments.value(u"category"_s) };
    for (const auto& [option, bound] :
        { std::pair { u"from-position"_s, &scope.fromPosition }, std::pair { u"to-position"_s, &scope.toPosition } }) {
        if (!arguments.isSet(option))
            continue;
        *bound = parseInteger(arguments.value(option), 0);
        if (!*bound)
            return usageError(
                u"project"_s, u"--%1 needs a whole number >= 0, not '%2'"_s.arg(option, arguments.value(option)));
    }
    for (const auto& [option, bound] :
        { std::pair { u"since"_s, &scope.sinceMs }, std::pair { u"until"_s, &scope.untilMs } }) {
        if (!arguments.isSet(option))
            continue;
        *bound = parseIsoTime(arguments.value(option));
        if (!*bound)
            return usageError(u"project"_s,
                u"--%1 needs a time like 2024-03-14T12:28:25.038Z, 2024-03-14 or milliseconds since 1970, not '%2'"_s
                    .arg(option, arguments.value(option)));
    }

    QFile scriptFile(scriptPath);
    if (!scriptFile.open(QIODevice::ReadOnly))
        return usageError(
            u"project"_s, u"cannot read the projection '%1': %2"_s.arg(scriptPath, scriptFile.errorString()));
    const QString script = QString::fromUtf8(scriptFile.readAll());

    int exitCode = kExitSuccess;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, storePath, exitCode);
    if (!store)
        return exitCode;

    ProjectionEngine::Limits limits;
    limits.allowConsole = arguments.isSet(u"console"_s);
    int threads = 0;
    if (arguments.isSet(u"threads"_s)) {
        const auto parsed = parseInteger(arguments.value(u"threads"_s), 0);
        if (!parsed)
            return usageError(
                u"project"_s, u"--threads needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"threads"_s)));
        threads = int(*parsed);
    }
    if (arguments.isSet(u"compare"_s)) {
        if (arguments.isSet(u"shard"_s))
            return usageError(u"project"_s, u"--shard cannot be combined with --compare"_s);
        return runCompare(arguments, *store, scriptPath, script, scope, limit, limits, threads);
    }
    ProjectionEngine engine(limits);
    Output output;
    const bool json = arguments.json();
    const auto reportFault = [&](qint64 events, const ProjectionFault& fault) {
        output.write(
            json ? ProjectionReport::statusLine(events, fault) : u"faulted after %1 events\n"_s.arg(events).toUtf8());
        output.finish();
        printError(u"projection faulted: "_s + fault.toString());
        return int(kExitProjection);
    };
    if (auto fault = engine.compile(script, scriptPath))
        return reportFault(0, *fault);
    if (engine.definition().form == ProjectionDefinition::Form::Reducer && scope.stream.isEmpty()
        && scope.category.isEmpty())
        return usageError(u"project"_s,
            u"'%1' is a reducer ({init, apply}): say which events it folds with --stream S or --category C"_s.arg(
                scriptPath));

    std::unique_ptr<Spool> emits, logs;
    const auto openSpools = [&] {
        emits = std::make_unique<Spool>();
        logs = std::make_unique<Spool>();
        return emits->open() && logs->open();
    };
    if (!openSpools()) {
        printError(u"cannot create a temporary file for the projection's output"_s);
        return kExitFailure;
    }
    ParallelProjectionRunner::Sink sink;
    sink.emitted = [&](const EmittedEvent& event) {
        emits->append(json ? ProjectionReport::emitLine(event) : readableEmit(event));
    };
    sink.logged = [&](const QString& line) {
        logs->append(json ? ProjectionReport::logLine(line) : "log: " + line.toUtf8() + '\n');
    };
    bool spooling = true;
    sink.restart = [&] { spooling = openSpools(); }; // a fault on several threads: the run starts again on one
    ParallelProjectionRunner::Settings settings;
    settings.limitEvents = limit;
    settings.limits = limits;
    QString shardError;
    settings.shard = shardOption(arguments, shardError);
    if (!shardError.isEmpty())
        return usageError(u"project"_s, shardError);
    if (settings.shard && settings.shard->count > 1 && !ParallelProjectionRunner::canSplit(engine.definition()))
        printToStderr(u"project: '%1' keeps one state (no foreachStream() or partitionBy(), or a shared state): shard "
                      "1/%2 folds it whole, the other shards print nothing\n"_s.arg(scriptPath)
                          .arg(settings.shard->count));
    settings.threads = threads;
    const Result<ProjectionResults> results
        = ParallelProjectionRunner::run(*store, engine, script, scriptPath, scope, settings, sink);
    if (!results)
        return storeFailure(results.error());
    if (!spooling) {
        printError(u"cannot create a temporary file for the projection's output"_s);
        return kExitFailure;
    }
    const ProjectionRunOutcome& outcome = results->outcome;

    // Another shard folds a definition with one state: this one has nothing to show but its status.
    const bool foldsNothing = settings.shard && settings.shard->count > 1 && settings.shard->index != 1
        && !ParallelProjectionRunner::canSplit(engine.definition());
    if (!foldsNothing)
        output.write(json ? ProjectionReport::stateLines(*results) : readableStates(*results));
    emits->copyTo(output);
    logs->copyTo(output);
    if (outcome.fault)
        return reportFault(outcome.eventsRead, *outcome.fault);
    output.write(json ? ProjectionReport::statusLine(outcome.eventsRead, std::nullopt)
                      : u"completed: %1 events\n"_s.arg(outcome.eventsRead).toUtf8());
    return output.finish();
}

} // namespace

Command projectCommand()
{
    return {
        { u"project"_s, { u"STORE"_s, u"FILE"_s },
            u"Run a projection (KurrentDB projection language, or a {init, apply} reducer) over its source\n"
            "and print each partition's state and result, emitted events, log lines and the status.\n"
            "Nothing is written anywhere: emit() and linkTo() are only printed. Exit code 4 when it faults."_s,
            {
                { u"limit-events"_s, u"N"_s, u"Stop after N events of the source (default 0: all)."_s },
                { u"stream"_s, u"S"_s, u"Fold only stream S (required for a reducer, or --category)."_s },
                { u"category"_s, u"C"_s, u"Fold only the streams of category C, one state per stream."_s },
                { u"from-position"_s, u"P"_s, u"Only events at global position P and after."_s },
                { u"to-position"_s, u"P"_s, u"Only events at global position P and before."_s },
                { u"since"_s, u"TIME"_s,
                    u"Only events at or after TIME (2024-03-14T12:28:25.038Z, 2024-03-14, or ms)."_s },
                { u"until"_s, u"TIME"_s, u"Only events before TIME."_s },
                { u"console"_s, {}, u"Allow console.log (an EventScope extension: the server faults) as log lines."_s },
                { u"threads"_s, u"N"_s,
                    u"Fold on N threads when partitions are independent (foreachStream, partitionBy or a reducer; "
                    u"with\n"
                    "--compare, each definition's; default 0: every core)."_s },
                { u"compare"_s, u"OTHER_FILE"_s,
                    u"Run OTHER_FILE too, over the same events (read once), and print the partitions whose state\n"
                    "differs: changed, added (only in OTHER_FILE) or removed, with their diffs. Exit 0 when\n"
                    "identical, 1 when they differ, 4 when either faults."_s },
                { u"ignore"_s, u"KEY|$.path"_s,
                    u"With --compare: leave a key (at any depth) or a path out of the comparison. Repeatable."_s },
                shardOptionSpec(u"partitions (streams, or partitionBy's keys)"_s),
            } },
        runProject
    };
}

} // namespace EventScope::Cli
