#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/model/timeformat.h>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

int runInfo(const CommandLine& arguments)
{
    int exitCode = kExitSuccess;
    std::optional<OpenedStore> opened = openStoreWithMatches(arguments, arguments.positionals().at(0), exitCode);
    if (!opened)
        return exitCode;
    const std::unique_ptr<EventStore>& store = opened->store;
    const Result<StoreInfo> info = store->describe();
    if (!info)
        return storeFailure(info.error());

    Output output;
    if (arguments.json()) {
        // The first seven keys are the contract (docs/cli.md); later keys may be added, never renamed.
        JsonLine line;
        line.string("dialect", info->dialect)
            .count("events", info->events)
            .count("streams", info->streams)
            .count("categories", info->categories)
            .count("snapshots", info->snapshots)
            .time("first_time", info->firstTimeMs)
            .time("last_time", info->lastTimeMs);
        if (info->firstPosition)
            line.number("first_position", *info->firstPosition).number("last_position", *info->lastPosition);
        else
            line.null("first_position").null("last_position");
        line.string("store", info->location);
        // Counts the store could only estimate (from its statistics) are named here; an unknown one is null.
        QStringList estimated;
        for (const auto& [name, count] : { std::pair { u"events"_s, info->events }, { u"streams"_s, info->streams },
                 { u"categories"_s, info->categories }, { u"snapshots"_s, info->snapshots } }) {
            if (count.kind == Count::Kind::Estimated)
                estimated.append(name);
        }
        if (!estimated.isEmpty())
            line.raw("estimated", "[\"" + estimated.join(u"\",\""_s).toUtf8() + "\"]");
        // Which store of the database this is, and every store detection found there (--store-name picks one).
        line.string("store_name", opened->match.storeName).string("description", opened->match.description);
        QByteArrayList stores;
        for (const DialectMatch& match : std::as_const(opened->found)) {
            JsonLine item;
            item.string("name", match.storeName)
                .string("dialect", match.dialect)
                .string("description", match.description);
            stores.append(item.line().trimmed());
        }
        line.raw("stores", '[' + stores.join(',') + ']');
        output.write(line.line());
        return output.finish();
    }

    const auto time = [](std::optional<qint64> ms) { return ms ? formatIsoTime(*ms) : u"-"_s; };
    const auto position = [](std::optional<qint64> p) { return p ? QString::number(*p) : u"-"_s; };
    TextTable table(output, { { u"PROPERTY"_s }, { u"VALUE"_s } });
    table.addRow({ u"store"_s, info->location });
    table.addRow({ u"dialect"_s, info->dialect });
    table.addRow({ u"found"_s, opened->match.description });
    if (opened->found.size() > 1) {
        // Several stores in one database: name them all, so that the user knows what --store-name takes.
        for (const DialectMatch& match : std::as_const(opened->found)) {
            const QString marker = match.storeName == opened->match.storeName && match.dialect == opened->match.dialect
                ? u" (this one)"_s
                : QString();
            table.addRow(
                { u"store-name"_s, u"%1: %2 %3%4"_s.arg(match.storeName, match.dialect, match.description, marker) });
        }
    }
    table.addRow({ u"events"_s, countText(info->events) });
    table.addRow({ u"streams"_s, countText(info->streams) });
    table.addRow({ u"categories"_s, countText(info->categories) });
    table.addRow({ u"snapshots"_s, countText(info->snapshots) });
    table.addRow({ u"first time"_s, time(info->firstTimeMs) });
    table.addRow({ u"last time"_s, time(info->lastTimeMs) });
    table.addRow({ u"positions"_s, u"%1 .. %2"_s.arg(position(info->firstPosition), position(info->lastPosition)) });
    table.finish();
    return output.finish();
}

} // namespace

Command infoCommand()
{
    return {
        { u"info"_s, { u"STORE"_s },
            u"Show what a store holds: dialect, counts of events, streams, categories and snapshots, and the time range."_s,
            {} },
        runInfo
    };
}

} // namespace EventScope::Cli
