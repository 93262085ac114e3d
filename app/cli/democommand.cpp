#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/demo/demogenerator.h>
#include <core/demo/postgresdemo.h>

#include <QElapsedTimer>
#include <QFileInfo>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

// Set by Ctrl+C while a demo store is written: the generator is cancelled and removes its partial file.
volatile std::sig_atomic_t g_interrupted = 0;

void onInterrupt(int)
{
    g_interrupted = 1;
}

int runDemo(const CommandLine& arguments)
{
    if (arguments.positionals().at(0) != u"create"_s)
        return usageError(
            u"demo"_s, u"unknown demo command '%1' (there is: demo create PATH)"_s.arg(arguments.positionals().at(0)));
    const QString path = arguments.positionals().at(1);
    DemoOptions options;
    if (arguments.isSet(u"events"_s)) {
        const auto events = parseInteger(arguments.value(u"events"_s), 1);
        if (!events)
            return usageError(
                u"demo"_s, u"--events needs a whole number >= 1, not '%1'"_s.arg(arguments.value(u"events"_s)));
        options.events = *events;
    }
    if (arguments.isSet(u"seed"_s)) {
        bool ok = false;
        options.seed = arguments.value(u"seed"_s).trimmed().toULongLong(&ok);
        if (!ok)
            return usageError(
                u"demo"_s, u"--seed needs a whole number >= 0, not '%1'"_s.arg(arguments.value(u"seed"_s)));
    }
    QString password;
    const auto target = StoreLocation::parse(path, &password);
    if (!target)
        return usageError(u"demo"_s, target.error().message);
    const bool intoPostgres = target->kind() == StoreLocation::Kind::Postgres;
    if (!intoPostgres && QFileInfo::exists(path))
        return usageError(u"demo"_s, u"%1: already exists; demo create never overwrites a file"_s.arg(path));
    const QString shownTarget = intoPostgres ? target->displayName() : path;

    // Progress is for a person watching; a script or a log file gets only the result.
    const bool showProgress = ::isatty(STDERR_FILENO) == 1;
    QElapsedTimer clock;
    clock.start();
    std::signal(SIGINT, onInterrupt);
    const auto progress = [&](qint64 written, qint64 total) {
        if (showProgress)
            printToStderr(u"\rwriting %1: %2 of %3 events (%4%)"_s.arg(shownTarget)
                              .arg(written)
                              .arg(total)
                              .arg(written * 100 / total));
        return g_interrupted == 0;
    };
    const Result<DemoSummary> summary = intoPostgres ? createDemoStoreInPostgres(*target, password, options, progress)
                                                     : createDemoStore(path, options, progress);
    std::signal(SIGINT, SIG_DFL);
    if (showProgress)
        printToStderr(u"\r\033[K"_s);
    if (!summary) {
        if (summary.error().kind == StoreError::Kind::Cancelled) {
            printError(u"interrupted; %1 was not written"_s.arg(shownTarget));
            return kExitInterrupted;
        }
        printError(summary.error().message);
        return summary.error().kind == StoreError::Kind::InvalidArgument ? kExitUsage : kExitFailure;
    }

    Output output;
    if (arguments.json()) {
        output.write(JsonLine()
                         .string("store", intoPostgres ? target->toString() : path)
                         .number("events", summary->events)
                         .number("streams", summary->streams)
                         .number("snapshots", summary->snapshots)
                         .number("seed", qint64(options.seed))
                         .line());
    } else {
        output.write(u"created %1: %2 events in %3 streams, %4 snapshots (seed %5, %6 s)\n"_s.arg(shownTarget)
                         .arg(summary->events)
                         .arg(summary->streams)
                         .arg(summary->snapshots)
                         .arg(options.seed)
                         .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1)
                         .toUtf8());
    }
    return output.finish();
}

} // namespace

Command demoCommand()
{
    return {
        { u"demo"_s, { u"create"_s, u"PATH"_s },
            u"Write a new demo store (a small bank and shop) to PATH. The same seed and size give the same bytes.\n"
            "Never overwrites a file. PATH may also name a PostgreSQL database (a postgresql:// URI or a conninfo\n"
            "string) that is EventScope's own: the demo tables are created there, and never over existing ones."_s,
            {
                { u"events"_s, u"N"_s, u"How many events to write (default 100000)."_s },
                { u"seed"_s, u"S"_s, u"Seed of the generator (default 1)."_s },
            } },
        runDemo
    };
}

} // namespace EventScope::Cli
