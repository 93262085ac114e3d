#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/model/timeformat.h>

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

// Streams are read by keyset on the name in pages of this size, so memory stays flat on 100k streams.
constexpr qint64 kStreamsPerPage = 1000;

int runStreams(const CommandLine& arguments)
{
    StreamQuery query;
    query.pattern = arguments.value(u"filter"_s);
    query.category = arguments.value(u"category"_s);
    const QRegularExpression pattern(query.pattern);
    if (!pattern.isValid())
        return usageError(u"streams"_s,
            u"invalid regular expression '%1' for --filter: %2 at offset %3"_s.arg(query.pattern, pattern.errorString())
                .arg(pattern.patternErrorOffset()));
    qint64 remaining = -1; // no limit
    if (arguments.isSet(u"limit"_s)) {
        const auto limit = parseInteger(arguments.value(u"limit"_s), 0);
        if (!limit)
            return usageError(
                u"streams"_s, u"--limit needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"limit"_s)));
        remaining = *limit == 0 ? -1 : *limit;
    }

    int exitCode = kExitSuccess;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, arguments.positionals().at(0), exitCode);
    if (!store)
        return exitCode;

    Output output;
    TextTable table(output,
        { { u"STREAM"_s }, { u"CATEGORY"_s }, { u"EVENTS"_s, TextTable::Align::Right },
            { u"LAST VERSION"_s, TextTable::Align::Right }, { u"LAST TIME"_s } });
    while (remaining != 0 && !output.failed()) {
        query.limit = int(remaining < 0 ? kStreamsPerPage : qMin(remaining, kStreamsPerPage));
        const Result<QList<StreamInfo>> page = store->streams(query);
        if (!page)
            return storeFailure(page.error());
        for (const StreamInfo& stream : *page) {
            if (arguments.json()) {
                output.write(JsonLine()
                                 .string("stream", stream.stream)
                                 .string("category", stream.category)
                                 .count("events", stream.events)
                                 .number("last_version", stream.lastVersion)
                                 .timeIfKnown("last_time", stream.lastTimeMs)
                                 .line());
            } else {
                table.addRow({ stream.stream, stream.category, countText(stream.events),
                    QString::number(stream.lastVersion), formatIsoTime(stream.lastTimeMs) });
            }
        }
        if (remaining > 0)
            remaining -= page->size();
        if (page->size() < query.limit)
            break;
        query.after = page->constLast().stream;
        output.flush();
    }
    if (!arguments.json())
        table.finish();
    return output.finish();
}

} // namespace

Command streamsCommand()
{
    return {
        { u"streams"_s, { u"STORE"_s },
            u"List the streams of a store, ordered by name, with their category, event count, last version and last time."_s,
            {
                { u"filter"_s, u"REGEX"_s,
                    u"Only streams whose name matches this regular expression (searched, not anchored)."_s },
                { u"category"_s, u"C"_s, u"Only streams of this category."_s },
                { u"limit"_s, u"N"_s, u"Show at most N streams (default: all; 0 means all)."_s },
            } },
        runStreams
    };
}

} // namespace EventScope::Cli
