#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/model/jsontext.h>
#include <core/model/timeformat.h>
#include <core/projection/projectionresults.h>
#include <core/projection/projectionsource.h>
#include <core/replay/streamreplay.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

// Reads the projection named by --projection; false (and the exit code set) when it cannot.
bool readProjection(const QString& command, const CommandLine& arguments, QString& script, int& exitCode)
{
    const QString path = arguments.value(u"projection"_s);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        exitCode = usageError(command, u"cannot read the projection '%1': %2"_s.arg(path, file.errorString()));
        return false;
    }
    script = QString::fromUtf8(file.readAll());
    return true;
}

int projectionFault(Output& output, const ProjectionFault& fault)
{
    output.finish();
    printError(u"projection faulted: "_s + fault.toString());
    return kExitProjection;
}

ProjectionEngine::Limits limitsFrom(const CommandLine& arguments)
{
    ProjectionEngine::Limits limits;
    limits.allowConsole = arguments.isSet(u"console"_s);
    return limits;
}

QByteArray stateText(const std::optional<QByteArray>& state)
{
    return state.value_or("null");
}

// A value as compact JSON, "-" when there is none (the old value of an add, the new one of a remove).
QByteArray compact(const QJsonValue& value)
{
    return value.isUndefined() ? QByteArrayLiteral("-") : compactJsonValue(value);
}

QByteArray diffLine(const StreamReplay::EventChanges& changes, bool json)
{
    if (json) {
        QByteArray list = "[";
        for (qsizetype i = 0; i < changes.diff.changes.size(); ++i)
            list += (i ? "," : "") + changes.diff.changes.at(i).toJsonLine();
        list += ']';
        return JsonLine()
            .number("version", changes.event.version)
            .string("type", changes.event.type)
            .raw("changes", list)
            .line();
    }
    QByteArray text = QByteArray::number(changes.event.version) + ' ' + changes.event.type.toUtf8() + '\n';
    for (const JsonChange& change : changes.diff.changes) {
        text += "  " + change.path.toString().toUtf8() + ' ' + JsonChange::opName(change.op).toUtf8() + ' '
            + compact(change.oldValue) + " -> " + compact(change.newValue);
        text += '\n';
    }
    return text;
}

// Time travel over a projection's whole source (or one category of it): the events in the log's order up to a
// global position or a time, then every partition's state.
int replaySource(const CommandLine& arguments, EventStore& store, const QString& script,
    std::optional<qint64> toPosition, std::optional<qint64> at)
{
    const QString fileName = arguments.value(u"projection"_s);
    ProjectionEngine engine(limitsFrom(arguments));
    Output output;
    if (auto fault = engine.compile(script, fileName))
        return projectionFault(output, *fault);
    if (engine.definition().form == ProjectionDefinition::Form::Reducer && !arguments.isSet(u"category"_s))
        return usageError(u"replay"_s,
            u"'%1' is a reducer ({init, apply}): say which events it folds with --stream S or --category C"_s.arg(
                fileName));
    ProjectionEventReader reader(store, engine.definition(), ProjectionScope { {}, arguments.value(u"category"_s) });
    qint64 events = 0;
    std::optional<qint64> lastPosition;
    for (;;) {
        Result<std::optional<Event>> next = reader.next();
        if (!next)
            return storeFailure(next.error());
        if (!next->has_value())
            break;
        const Event& event = **next;
        // The log's order: stop at the first event past the position, or recorded after the time.
        if ((toPosition && event.position > *toPosition) || (at && event.timeMs && *event.timeMs > *at))
            break;
        if (auto fault = engine.process(event))
            return projectionFault(output, *fault);
        ++events;
        lastPosition = event.position;
        engine.takeEmitted(); // captured, never written; not part of a state
        engine.takeLog();
    }
    const bool json = arguments.json();
    const ProjectionResults results = ProjectionResults::of(engine, {});
    QList<ProjectionResults::Partition> partitions = results.partitions;
    if (!results.definition.partitioned && partitions.isEmpty())
        partitions.append(ProjectionResults::Partition {});
    for (const ProjectionResults::Partition& partition : std::as_const(partitions)) {
        if (json)
            output.write(
                JsonLine().string("partition", partition.name).raw("state", stateText(partition.state)).line());
        else
            output.write((partition.name.isEmpty() ? u"(root)"_s : partition.name).toUtf8() + "  "
                + stateText(partition.state) + '\n');
    }
    if (json) {
        JsonLine line;
        if (lastPosition)
            line.number("position", *lastPosition);
        else
            line.null("position");
        output.write(line.number("events", events).line());
    } else {
        output.write(u"%1 events, up to position %2\n"_s.arg(events)
                         .arg(lastPosition ? QString::number(*lastPosition) : u"-"_s)
                         .toUtf8());
    }
    return output.finish();
}

int runReplay(const CommandLine& arguments)
{
    const QString command = u"replay"_s;
    const QString storePath = arguments.positionals().at(0);
    const QString stream = arguments.value(u"stream"_s);
    if (stream.isEmpty() && !arguments.isSet(u"to-position"_s) && !arguments.isSet(u"at"_s))
        return usageError(
            command, u"--stream S is required, unless --to-position or --at replays the projection's whole source"_s);
    if (!stream.isEmpty() && arguments.isSet(u"category"_s))
        return usageError(command, u"--stream and --category cannot be combined"_s);
    if (arguments.value(u"projection"_s).isEmpty())
        return usageError(command, u"--projection FILE is required: the projection (or reducer) to fold with"_s);
    const int targets = int(arguments.isSet(u"to-version"_s)) + int(arguments.isSet(u"to-position"_s))
        + int(arguments.isSet(u"at"_s));
    if (targets > 1)
        return usageError(command, u"--to-version, --to-position and --at cannot be combined"_s);
    std::optional<qint64> toVersion, toPosition, at;
    if (arguments.isSet(u"to-version"_s)) {
        toVersion = parseInteger(arguments.value(u"to-version"_s), 0);
        if (!toVersion)
            return usageError(
                command, u"--to-version needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"to-version"_s)));
    }
    if (arguments.isSet(u"to-position"_s)) {
        toPosition = parseInteger(arguments.value(u"to-position"_s), 0);
        if (!toPosition)
            return usageError(
                command, u"--to-position needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"to-position"_s)));
    }
    if (arguments.isSet(u"at"_s)) {
        at = parseIsoTime(arguments.value(u"at"_s));
        if (!at)
            return usageError(command,
                u"--at needs a time like 2024-03-14T12:28:25.038Z, 2024-03-14 or milliseconds since 1970, not '%1'"_s
                    .arg(arguments.value(u"at"_s)));
    }
    QString script;
    int exitCode = kExitSuccess;
    if (!readProjection(command, arguments, script, exitCode))
        return exitCode;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, storePath, exitCode);
    if (!store)
        return exitCode;

    if (stream.isEmpty())
        return replaySource(arguments, *store, script, toPosition, at);

    StreamReplay replay(limitsFrom(arguments));
    Output output;
    const Result<StreamReplay::Point> loaded = replay.load(*store, stream, script, arguments.value(u"projection"_s));
    if (!loaded)
        return storeFailure(loaded.error());
    if (!replay.engine().isCompiled())
        return projectionFault(output, *loaded->fault);
    if (replay.eventCount() == 0)
        return usageError(command, u"the stream '%1' has no events in this store"_s.arg(stream));

    const qint64 count = toVersion ? replay.countAtVersion(*toVersion)
        : toPosition               ? replay.countAtPosition(*toPosition)
        : at                       ? replay.countAtTime(*at)
                                   : replay.eventCount();
    const bool json = arguments.json();
    if (arguments.isSet(u"diff"_s)) {
        // Stepping forward one event at a time: each diff costs one event of folding.
        for (qint64 index = 0; index < count && !output.failed(); ++index) {
            const StreamReplay::EventChanges changes = replay.changesAtIndex(index);
            if (changes.fault)
                return projectionFault(output, *changes.fault);
            output.write(diffLine(changes, json));
        }
    }
    const StreamReplay::Point point = replay.stateAfter(count);
    if (point.fault)
        return projectionFault(output, *point.fault);
    const Event* last = count > 0 ? &replay.events().at(count - 1) : nullptr;
    if (json) {
        JsonLine line;
        line.string("stream", stream);
        if (last)
            line.number("version", last->version).number("position", last->position);
        else
            line.null("version").null("position");
        output.write(line.raw("state", stateText(point.state)).line());
    } else {
        output.write((last ? u"%1 at version %2 (position %3, %4)\n"_s.arg(stream)
                                 .arg(last->version)
                                 .arg(last->position)
                                 .arg(formatIsoTime(last->timeMs))
                           : u"%1 before its first event\n"_s.arg(stream))
                         .toUtf8()
            + stateText(point.state) + '\n');
    }
    return output.finish();
}

int runFind(const CommandLine& arguments)
{
    const QString command = u"find"_s;
    const QString storePath = arguments.positionals().at(0);
    const QString category = arguments.value(u"category"_s);
    const QString predicate = arguments.value(u"where"_s);
    if (category.isEmpty())
        return usageError(command, u"--category C is required: the streams to search"_s);
    if (arguments.value(u"projection"_s).isEmpty())
        return usageError(command, u"--projection FILE is required: the projection (or reducer) to fold with"_s);
    if (predicate.trimmed().isEmpty())
        return usageError(
            command, u"--where is required: a JavaScript predicate over the state, like 's => s.balance < 0'"_s);
    QString script;
    int exitCode = kExitSuccess;
    if (!readProjection(command, arguments, script, exitCode))
        return exitCode;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, storePath, exitCode);
    if (!store)
        return exitCode;

    QString shardError;
    const std::optional<Shard> shard = shardOption(arguments, shardError);
    if (!shardError.isEmpty())
        return usageError(command, shardError);
    StreamQuery query;
    query.category = category;
    const Result<QList<StreamInfo>> streams = store->streams(query);
    if (!streams)
        return storeFailure(streams.error());

    const bool json = arguments.json();
    Output output;
    TextTable table(output,
        { { u"STREAM"_s }, { u"VERSION"_s, TextTable::Align::Right }, { u"POSITION"_s, TextTable::Align::Right },
            { u"TYPE"_s } });
    StreamReplay replay(limitsFrom(arguments));
    qint64 found = 0;
    qint64 searched = 0;
    for (const StreamInfo& info : *streams) {
        if (output.failed())
            break;
        if (shard && !shard->contains(info.stream))
            continue; // another runner's
        ++searched;
        // One pass per stream, stopping where the predicate first holds.
        const Result<StreamReplay::Found> searched
            = replay.loadUntil(*store, info.stream, script, arguments.value(u"projection"_s), predicate);
        if (!searched)
            return storeFailure(searched.error());
        const StreamReplay::Found& first = *searched;
        if (!replay.engine().isCompiled())
            return projectionFault(output, *first.fault);
        if (first.badPredicate) {
            output.finish();
            return usageError(command, u"--where: "_s + first.fault->message);
        }
        if (first.count) {
            ++found;
            const Event& event = replay.events().at(*first.count - 1);
            if (json)
                output.write(JsonLine()
                                 .string("stream", info.stream)
                                 .number("version", event.version)
                                 .number("position", event.position)
                                 .string("type", event.type)
                                 .line());
            else
                table.addRow(
                    { info.stream, QString::number(event.version), QString::number(event.position), event.type });
        } else if (first.fault) {
            if (!json)
                table.finish();
            return projectionFault(output, *first.fault);
        } else if (!json) {
            table.addRow({ info.stream, u"-"_s, u"-"_s, u"(never)"_s });
        }
    }
    if (json)
        output.write(JsonLine().number("streams", searched).number("found", found).line());
    else {
        table.finish();
        output.write(u"%1 of %2 streams\n"_s.arg(found).arg(streams->size()).toUtf8());
    }
    return output.finish();
}

} // namespace

Command replayCommand()
{
    return {
        { u"replay"_s, { u"STORE"_s },
            u"Fold one stream through a projection and print its state at a version, position or time.\n"
            "The state is the stream's partition's (a reducer's state); the default point is the end.\n"
            "With --diff, first what each event up to that point changed. Exit code 4 when the projection\n"
            "faults before that point."_s,
            {
                { u"stream"_s, u"S"_s,
                    u"The stream to replay; without it, --to-position or --at replay the projection's whole source."_s },
                { u"category"_s, u"C"_s, u"Without --stream: only the streams of category C."_s },
                { u"projection"_s, u"FILE"_s, u"The projection or {init, apply} reducer (required)."_s },
                { u"to-version"_s, u"N"_s, u"Stop after the stream's events with version <= N."_s },
                { u"to-position"_s, u"P"_s, u"Stop after the stream's events with global position <= P."_s },
                { u"at"_s, u"TIME"_s,
                    u"Stop before the first event recorded after TIME (2024-03-14T12:28:25.038Z, 2024-03-14, ms)."_s },
                { u"diff"_s, {}, u"Print each event's changes to the state (path, op, old, new) before the state."_s },
                { u"console"_s, {}, u"Allow console.log (an EventScope extension: the server faults)."_s },
            } },
        runReplay
    };
}

Command findWhereCommand()
{
    return { { u"find"_s, { u"STORE"_s },
                 u"Find in each stream of a category the first event after which a JS predicate holds.\n"
                 "The predicate is a function of the projection's state (--where 's => s.balance < 0').\n"
                 "Exit code 4 when the projection or the predicate faults."_s,
                 {
                     { u"category"_s, u"C"_s, u"The streams to search (required)."_s },
                     { u"projection"_s, u"FILE"_s, u"The projection or {init, apply} reducer (required)."_s },
                     { u"where"_s, u"JS"_s, u"A JavaScript function of the state, true where it holds (required)."_s },
                     { u"console"_s, {}, u"Allow console.log (an EventScope extension: the server faults)."_s },
                     shardOptionSpec(u"the category's streams"_s),
                 } },
        runFind };
}

} // namespace EventScope::Cli
