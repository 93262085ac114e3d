#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/projection/parallelprojectionrunner.h>
#include <core/projection/projectionengine.h>
#include <core/projection/projectionreport.h>
#include <core/projection/projectionrunner.h>
#include <core/projection/projectionsource.h>

#include <QFile>
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
    const ProjectionScope scope { arguments.value(u"stream"_s), arguments.value(u"category"_s) };

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
    if (arguments.isSet(u"threads"_s)) {
        const auto threads = parseInteger(arguments.value(u"threads"_s), 0);
        if (!threads)
            return usageError(
                u"project"_s, u"--threads needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"threads"_s)));
        settings.threads = int(*threads);
    }
    const Result<ProjectionResults> results
        = ParallelProjectionRunner::run(*store, engine, script, scriptPath, scope, settings, sink);
    if (!results)
        return storeFailure(results.error());
    if (!spooling) {
        printError(u"cannot create a temporary file for the projection's output"_s);
        return kExitFailure;
    }
    const ProjectionRunOutcome& outcome = results->outcome;

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
                { u"console"_s, {}, u"Allow console.log (an EventScope extension: the server faults) as log lines."_s },
                { u"threads"_s, u"N"_s,
                    u"Fold on N threads when partitions are independent (foreachStream or a reducer; default 0: every core)."_s },
            } },
        runProject
    };
}

} // namespace EventScope::Cli
