#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/model/eventanomaly.h>
#include <core/model/payload.h>
#include <core/model/timeformat.h>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

// Events are read by keyset in pages of this size and written out page by page, so memory does not
// grow with --limit 0 on a large store.
constexpr qint64 kEventsPerPage = 1000;
constexpr qint64 kDefaultLimit = 100;
constexpr int kPreviewChars = 100;

QByteArray jsonLineOf(const Event& event, EventAnomalies anomalies)
{
    JsonLine line;
    line.number("position", event.position)
        .string("stream", event.stream)
        .number("version", event.version)
        .string("type", event.type)
        .timeIfKnown("time", event.timeMs)
        .stringIfNotEmpty("id", event.id)
        .raw("data", payloadJsonText(event.data))
        .raw("metadata", payloadJsonText(event.metadata));
    // Only a row that breaks the rules gets the key, so that a clean store's lines stay as they were.
    if (anomalies)
        line.raw("anomalies", "[\"" + anomalyNames(anomalies).join(u"\",\""_s).toUtf8() + "\"]");
    return line.line();
}

// Reads the options into a first page request; returns an exit code instead when one is malformed.
std::optional<int> requestFrom(const CommandLine& arguments, EventPageRequest& request, qint64& limit)
{
    const auto bad = [](const QString& message) { return std::optional(usageError(u"events"_s, message)); };
    if (arguments.isSet(u"stream"_s) && arguments.isSet(u"category"_s))
        return bad(u"--stream and --category cannot be combined (a stream belongs to one category)"_s);
    request.filter.stream = arguments.value(u"stream"_s);
    request.filter.category = arguments.value(u"category"_s);
    request.filter.type = arguments.value(u"type"_s);
    for (const auto& [option, bound] :
        { std::pair { u"since"_s, &request.filter.sinceMs }, std::pair { u"until"_s, &request.filter.untilMs } }) {
        if (!arguments.isSet(option))
            continue;
        *bound = parseIsoTime(arguments.value(option));
        if (!*bound)
            return bad(
                u"--%1 needs a time like 2024-03-14T12:28:25.038Z, 2024-03-14 or milliseconds since 1970, not '%2'"_s
                    .arg(option, arguments.value(option)));
    }
    if (arguments.isSet(u"from-position"_s)) {
        request.fromPosition = parseInteger(arguments.value(u"from-position"_s), 0);
        if (!request.fromPosition)
            return bad(
                u"--from-position needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"from-position"_s)));
    }
    limit = kDefaultLimit;
    if (arguments.isSet(u"limit"_s)) {
        const auto parsed = parseInteger(arguments.value(u"limit"_s), 0);
        if (!parsed)
            return bad(u"--limit needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"limit"_s)));
        limit = *parsed;
    }
    request.direction = arguments.isSet(u"backward"_s) ? ReadDirection::Backward : ReadDirection::Forward;
    return std::nullopt;
}

int runEvents(const CommandLine& arguments)
{
    EventPageRequest request;
    qint64 limit = 0;
    if (const auto failed = requestFrom(arguments, request, limit))
        return *failed;

    int exitCode = kExitSuccess;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, arguments.positionals().at(0), exitCode);
    if (!store)
        return exitCode;

    Output output;
    TextTable table(output,
        { { u"POSITION"_s, TextTable::Align::Right }, { u"STREAM"_s }, { u"VERSION"_s, TextTable::Align::Right },
            { u"TYPE"_s }, { u"TIME"_s }, { u"DATA"_s } });
    const OrderKey orderKey = request.filter.orderKey();
    // Rows are compared with the one before them (version gaps, times going backwards) in forward order only.
    const bool forward = request.direction == ReadDirection::Forward;
    std::optional<Event> previous;
    qint64 remaining = limit == 0 ? -1 : limit;
    while (remaining != 0 && !output.failed()) {
        request.limit = int(remaining < 0 ? kEventsPerPage : qMin(remaining, kEventsPerPage));
        const Result<EventPage> page = store->readEvents(request);
        if (!page)
            return storeFailure(page.error());
        for (const Event& event : page->events) {
            const EventAnomalies anomalies
                = anomaliesOf(event, forward && previous ? &*previous : nullptr, orderKey == OrderKey::StreamVersion);
            if (forward)
                previous = event;
            if (arguments.json()) {
                output.write(jsonLineOf(event, anomalies));
            } else {
                table.addRow({ QString::number(event.position), event.stream, QString::number(event.version),
                    event.type, formatIsoTime(event.timeMs), payloadPreview(event.data, kPreviewChars) });
            }
        }
        if (remaining > 0)
            remaining -= page->events.size();
        if (page->reachedEnd || page->events.isEmpty())
            break;
        request.start = KeyBound { orderKeyOf(page->events.constLast(), orderKey), false };
        output.flush();
    }
    if (!arguments.json())
        table.finish();
    return output.finish();
}

} // namespace

Command eventsCommand()
{
    return { { u"events"_s, { u"STORE"_s },
                 u"Print events in global order (or in stream order with --stream), oldest first.\n"
                 "Times are UTC; --since is inclusive, --until exclusive."_s,
                 {
                     { u"stream"_s, u"S"_s, u"Only the events of stream S, in version order."_s },
                     { u"category"_s, u"C"_s, u"Only the events of streams in category C (not with --stream)."_s },
                     { u"type"_s, u"T"_s, u"Only events of type T."_s },
                     { u"from-position"_s, u"P"_s, u"Start at global position P (backward: at P and below)."_s },
                     { u"since"_s, u"TIME"_s,
                         u"Only events at or after TIME (2024-03-14T12:28:25.038Z, 2024-03-14, or ms since 1970)."_s },
                     { u"until"_s, u"TIME"_s, u"Only events before TIME."_s },
                     { u"limit"_s, u"N"_s, u"Print at most N events (default 100; 0 means no limit)."_s },
                     { u"backward"_s, {}, u"Newest first."_s },
                 } },
        runEvents };
}

} // namespace EventScope::Cli
