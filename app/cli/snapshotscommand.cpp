#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/model/jsontext.h>
#include <core/model/timeformat.h>
#include <core/snapshots/snapshotverifier.h>
#include <core/snapshots/verifyreport.h>

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

// Calls `each` with the streams of the store (or of `category`) in name order, a keyset page at a time.
Status forEachStream(EventStore& store, const QString& category, const std::function<bool(const QString&)>& each)
{
    StreamQuery page;
    page.category = category;
    page.limit = 1000;
    for (;;) {
        const Result<QList<StreamInfo>> streams = store.streams(page);
        if (!streams)
            return streams.error();
        for (const StreamInfo& stream : *streams) {
            if (!each(stream.stream))
                return Done {};
        }
        if (streams->size() < *page.limit)
            return Done {};
        page.after = streams->constLast().stream;
    }
}

// A value as compact JSON; "(none)" when that side does not have it.
QString valueText(const QJsonValue& value)
{
    return value.isUndefined() ? u"(none)"_s : QString::fromUtf8(compactJsonValue(value));
}

int runSnapshots(const CommandLine& arguments)
{
    const QString storePath = arguments.positionals().at(0);
    int exitCode = kExitSuccess;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, storePath, exitCode);
    if (!store)
        return exitCode;
    const bool json = arguments.json();
    Output output;
    TextTable table(output,
        { { u"STREAM"_s }, { u"VERSION"_s, TextTable::Align::Right }, { u"TIME"_s },
            { u"BYTES"_s, TextTable::Align::Right } });
    qint64 total = 0;
    const auto print = [&](const QString& stream) -> Status {
        Result<QList<Snapshot>> snapshots = store->snapshots(stream);
        if (!snapshots)
            return snapshots.error();
        std::stable_sort(snapshots->begin(), snapshots->end(),
            [](const Snapshot& a, const Snapshot& b) { return a.version < b.version; });
        for (const Snapshot& snapshot : *snapshots) {
            ++total;
            const std::optional<qint64> time = snapshot.timeMs;
            if (json)
                output.write(JsonLine()
                                 .string("stream", snapshot.stream)
                                 .number("version", snapshot.version)
                                 .time("time", time)
                                 .number("bytes", snapshot.state.size())
                                 .line());
            else
                table.addRow({ snapshot.stream, QString::number(snapshot.version), time ? formatIsoTime(*time) : u"-"_s,
                    QString::number(snapshot.state.size()) });
        }
        return Done {};
    };
    if (arguments.isSet(u"stream"_s)) {
        if (const Status printed = print(arguments.value(u"stream"_s)); !printed)
            return storeFailure(printed.error());
    } else {
        Status failure = Done {};
        const Status listed = forEachStream(*store, arguments.value(u"category"_s), [&](const QString& stream) {
            failure = print(stream);
            return bool(failure) && !output.failed();
        });
        if (!listed)
            return storeFailure(listed.error());
        if (!failure)
            return storeFailure(failure.error());
    }
    if (!json) {
        table.finish();
        output.write(u"%1 snapshots\n"_s.arg(total).toUtf8());
    }
    return output.finish();
}

int runVerify(const CommandLine& arguments)
{
    const QString command = u"verify"_s;
    const QString storePath = arguments.positionals().at(0);
    SnapshotProjections projections;
    for (const QString& entry : arguments.values(u"projection"_s)) {
        if (const Status added = projections.addFromArgument(entry); !added)
            return usageError(command, added.error().message);
    }
    SnapshotVerifier::Settings settings;
    for (const QString& ignore : arguments.values(u"ignore"_s)) {
        if (const Status added = settings.diff.addIgnore(ignore); !added)
            return usageError(command, u"--ignore: "_s + added.error().message);
    }
    settings.category = arguments.value(u"category"_s);
    QString shardError;
    settings.shard = shardOption(arguments, shardError);
    if (!shardError.isEmpty())
        return usageError(command, shardError);
    if (arguments.isSet(u"threads"_s)) {
        const auto threads = parseInteger(arguments.value(u"threads"_s), 0);
        if (!threads)
            return usageError(command, u"--threads needs a whole number >= 0"_s);
        settings.threads = int(*threads);
    }
    const QString reportPath = arguments.value(u"report"_s);
    if (!reportPath.isEmpty() && !reportPath.endsWith(u".html"_s, Qt::CaseInsensitive)
        && !reportPath.endsWith(u".htm"_s, Qt::CaseInsensitive)
        && !reportPath.endsWith(u".json"_s, Qt::CaseInsensitive))
        return usageError(command, u"--report wants a file name ending in .html or .json"_s);
    int exitCode = kExitSuccess;
    const std::unique_ptr<EventStore> store = openStoreForReading(arguments, storePath, exitCode);
    if (!store)
        return exitCode;
    if (projections.isEmpty()) {
        projections = SnapshotProjections::demo();
        printToStderr(u"verify: no --projection given: using the demo store's projections for %1\n"_s.arg(
            projections.categories().join(u", "_s)));
    }

    const bool json = arguments.json();
    Output output;
    VerifyReport report(storePath);
    const SnapshotVerifier::StoreFactory open = [&arguments, storePath]() -> Result<std::unique_ptr<EventStore>> {
        int code = kExitSuccess;
        std::unique_ptr<EventStore> opened = openStoreForReading(arguments, storePath, code);
        if (!opened)
            return StoreError { StoreError::Kind::Connection, u"cannot open another connection to the store"_s };
        return opened;
    };
    const auto sink = [&](const QList<SnapshotCheck>& checks) {
        for (const SnapshotCheck& check : checks) {
            report.add(check);
            if (json) {
                output.write(VerifyReport::checkLine(check));
                continue;
            }
            QString line = u"%1  v%2  %3"_s.arg(check.stream)
                               .arg(check.version)
                               .arg(SnapshotCheck::statusName(check.status).toUpper());
            if (check.status == SnapshotCheck::Status::Error)
                line += u"  "_s + check.message;
            output.write(line.toUtf8() + '\n');
            for (const JsonChange& change : check.changes)
                output.write(u"    %1: snapshot %2, replay %3\n"_s
                                 .arg(change.path.toString(), valueText(change.oldValue), valueText(change.newValue))
                                 .toUtf8());
        }
    };
    const Result<VerifySummary> summary = SnapshotVerifier::verifyAll(*store, open, projections, settings, sink);
    if (!summary)
        return storeFailure(summary.error());
    report.setSummary(*summary);
    if (json) {
        output.write(VerifyReport::summaryLine(*summary));
    } else {
        output.write(u"%1 snapshots in %2 streams: %3 match, %4 drift, %5 error (%6 not checked); %7 events replayed "
                     "in %8 s\n"_s.arg(summary->snapshots)
                         .arg(summary->streams)
                         .arg(summary->match)
                         .arg(summary->drift)
                         .arg(summary->error)
                         .arg(summary->notChecked)
                         .arg(summary->eventsReplayed)
                         .arg(summary->seconds, 0, 'f', 2)
                         .toUtf8());
    }
    if (!reportPath.isEmpty()) {
        if (const Status written = report.write(reportPath); !written) {
            output.finish();
            printError(written.error().message);
            return kExitFailure;
        }
    }
    const int finished = output.finish();
    if (finished != kExitSuccess)
        return finished;
    if (summary->projectionErrors > 0)
        return kExitProjection;
    return summary->drift > 0 || summary->error > 0 ? kExitFailure : kExitSuccess;
}

} // namespace

Command snapshotsCommand()
{
    return { { u"snapshots"_s, { u"STORE"_s },
                 u"List the snapshots the store keeps: stream, version, time and size in bytes, by stream then\n"
                 "version."_s,
                 {
                     { u"stream"_s, u"S"_s, u"Only the snapshots of stream S."_s },
                     { u"category"_s, u"C"_s, u"Only the streams of category C."_s },
                 } },
        runSnapshots };
}

Command verifyCommand()
{
    return { { u"verify"_s, { u"STORE"_s },
                 u"Check every snapshot against its events: each stream is folded once through its category's\n"
                 "projection and compared with each snapshot at its version (objects by key, numbers by value).\n"
                 "Exit code 0 when all match, 1 when any drifts or cannot be checked, 3 on a store error, 4 when a\n"
                 "projection faults. Without --projection, the demo store's own projections are used."_s,
                 {
                     { u"projection"_s, u"CATEGORY=FILE"_s,
                         u"The projection that rebuilds CATEGORY's snapshots (repeat for each category)."_s },
                     { u"ignore"_s, u"KEY|$.path"_s,
                         u"Leave a key (at any depth) or a path out of the comparison (repeatable)."_s },
                     { u"report"_s, u"FILE"_s, u"Also write a report: FILE.html (readable) or FILE.json."_s },
                     { u"category"_s, u"C"_s, u"Only the streams of category C."_s },
                     { u"threads"_s, u"N"_s, u"Verify on N threads (default 0: every core)."_s },
                     shardOptionSpec(u"streams"_s),
                 } },
        runVerify };
}

} // namespace EventScope::Cli
