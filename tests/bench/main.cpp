// eventscope-bench: generates (or reuses) large demo stores and measures EventScope's read path on
// them, each figure beside a reference run on the same data in the same run. See docs/performance.md.

#include "benchreport.h"
#include "coremeasures.h"
#include "editormeasures.h"
#include "machineinfo.h"
#include "modelmeasures.h"
#include "postgresmeasures.h"
#include "replaymeasures.h"
#include "runsettings.h"
#include "storecache.h"
#include "targets.h"
#include "verifymeasures.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QTextStream>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::Bench;

namespace {

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

std::optional<QList<qint64>> parseSizes(const QString& text)
{
    QList<qint64> sizes;
    for (const QString& part : text.split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 size = part.trimmed().toLongLong(&ok);
        if (!ok || size < 1000)
            return std::nullopt;
        sizes.append(size);
    }
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    if (sizes.isEmpty())
        return std::nullopt;
    return sizes;
}

Measurement generationRow(const CachedStore& store)
{
    Measurement row(u"generate"_s, u"generate the demo store (createDemoStore)"_s, store.events, u"s"_s);
    row.value = store.generationSeconds;
    row.figure = u"%1 s"_s.arg(store.generationSeconds, 0, 'f', 1);
    if (store.generationCpuSeconds > 0)
        row.figure += u" (CPU %1 s)"_s.arg(store.generationCpuSeconds, 0, 'f', 1);
    row.figure += u", "_s + formatBytes(store.fileBytes);
    if (!store.generatedNow) {
        row.figure += u"; cached, made "_s + store.generatedAt;
        if (!store.generationLoad.isEmpty())
            row.figure += u" at load "_s + store.generationLoad;
    }
    if (store.events == Targets::kGenerateEvents) {
        row.target = u"≤ %1 s"_s.arg(Targets::kGenerateSeconds);
        row.requireAtMost(store.generationSeconds, Targets::kGenerateSeconds);
    } else {
        row.target = u"(≤ %1 s at 10 M)"_s.arg(Targets::kGenerateSeconds);
    }
    return row;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"eventscope-bench"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(EVENTSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Measures EventScope's read path on large demo stores, beside a reference run on the same data."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sizesOption(u"sizes"_s,
        u"Store sizes in events, comma-separated (default 1000000,10000000)."_s, u"list"_s, u"1000000,10000000"_s);
    const QCommandLineOption cacheOption(u"cache"_s,
        u"Where demo stores are kept between runs (default %1)."_s.arg(StoreCache::defaultDirectory()), u"dir"_s,
        StoreCache::defaultDirectory());
    const QCommandLineOption jsonOption(u"json"_s, u"Print the results as JSON instead of a table."_s);
    const QCommandLineOption quickOption(u"quick"_s, u"Fewer repetitions, jumps and scroll steps: a first look."_s);
    const QCommandLineOption postgresOption(u"postgres-events"_s,
        u"Size of the demo store written into a throwaway PostgreSQL server for the PostgreSQL rows (default 1000000; 0 skips them)."_s,
        u"n"_s, u"1000000"_s);
    const QCommandLineOption regenerateOption(u"regenerate"_s, u"Generate the demo stores again even when cached."_s);
    QCommandLineOption scrollChildOption(
        QLatin1StringView(kScrollChildOption), u"(internal) scroll a store, print peak memory."_s, u"store"_s);
    QCommandLineOption scrollStepsOption(
        QLatin1StringView(kScrollStepsOption), u"(internal) scroll steps."_s, u"n"_s, u"2000"_s);
    scrollChildOption.setFlags(QCommandLineOption::HiddenFromHelp);
    scrollStepsOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption verifyChildOption(QLatin1StringView(kVerifyChildOption),
        u"(internal) verify a store's snapshots, print peak memory."_s, u"store"_s);
    verifyChildOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ sizesOption, cacheOption, jsonOption, quickOption, postgresOption, regenerateOption,
        scrollChildOption, scrollStepsOption, verifyChildOption });
    parser.process(app);
    if (parser.isSet(verifyChildOption))
        return runVerifyChild(parser.value(verifyChildOption));
    if (parser.isSet(scrollChildOption))
        return runScrollChild(parser.value(scrollChildOption), parser.value(scrollStepsOption).toInt());

    const auto sizes = parseSizes(parser.value(sizesOption));
    if (!sizes) {
        err() << u"eventscope-bench: --sizes wants a comma-separated list of event counts of at least 1000\n"_s;
        return 2;
    }
    const RunSettings settings { parser.isSet(quickOption) };
    StoreCache cache(QDir(parser.value(cacheOption)).absolutePath());
    QDir().mkpath(cache.directory());

    BenchReport report;
    QList<CachedStore> stores;
    report.machine = MachineInfo::collect(cache.directory());
    report.method = {
        u"OS caches are not dropped (that needs root): each store file is read once end to end before it is measured, so every figure is warm-cache."_s,
        u"Each measure runs once as a warm-up, then timed: %1 timed runs for single operations (the median is shown), %2 random jumps after %3 warm-up jumps (median and p95; the target applies to p95)."_s
            .arg(settings.timedRuns())
            .arg(settings.jumps())
            .arg(settings.warmupJumps()),
        u"Decode runs %1 alternating pass(es) of each over the whole store (the file is already in the OS cache; a pass is long enough to need no separate warm-up), keeps the fastest of each, and compares them by this thread's CPU time, which other processes on a busy machine stretch far less than wall time; both are shown."_s
            .arg(settings.decodePasses()),
        u"References run in this same process and run on the same file: the sqlite3 shell (`sqlite3 -readonly`, process start to exit) and a raw sqlite3_step loop."_s,
    };
    if (settings.quick)
        report.method.append(u"--quick: fewer repetitions; figures are indicative only."_s);

    for (const qint64 events : *sizes) {
        const QString label = formatCount(events);
        err() << u"["_s << label << u"] preparing the demo store in "_s << cache.directory() << u"\n"_s;
        err().flush();
        int lastTenth = -1;
        const auto store = cache.obtain(events, parser.isSet(regenerateOption), [&](qint64 written, qint64 total) {
            const int tenth = int(written * 10 / total);
            if (tenth != lastTenth) {
                lastTenth = tenth;
                err() << u"["_s << label << u"] generating: "_s << tenth * 10 << u"%\n"_s;
                err().flush();
            }
        });
        if (!store) {
            err() << u"eventscope-bench: "_s << store.error().message << u"\n"_s;
            return 1;
        }
        report.rows.append(generationRow(*store));
        const double warmMs = warmFile(store->path);
        err() << u"["_s << label << u"] read "_s << formatBytes(store->fileBytes) << u" into the OS cache in "_s
              << formatMs(warmMs) << u"; measuring\n"_s;
        err().flush();
        const QList<Measurement> core = measureCore(*store, settings);
        report.rows.append(core);
        err() << u"["_s << label << u"] measuring the models\n"_s;
        err().flush();
        report.rows.append(measureModels(*store, settings, core.constFirst()));
        err() << u"["_s << label << u"] measuring time travel\n"_s;
        err().flush();
        report.rows.append(measureReplay(*store, settings));
        if (stores.isEmpty()) { // the issue asks for the 1 M store; at 10 M it is ten times the wait
            err() << u"["_s << label << u"] measuring replay throughput (and node's, when installed)\n"_s;
            err().flush();
            report.rows.append(measureProjectionThroughput(*store, settings));
            err() << u"["_s << label << u"] measuring the projection editor (compare, autosave)\n"_s;
            err().flush();
            report.rows.append(measureEditor(*store, settings));
        }
        if (stores.isEmpty() || !settings.quick) {
            err() << u"["_s << label << u"] verifying every snapshot\n"_s;
            err().flush();
            report.rows.append(measureVerify(*store, settings));
        }
        stores.append(*store);
    }
    err() << u"measuring eventscope-cli's start\n"_s;
    err().flush();
    report.rows.append(measureCliStart(cache.directory()));
    err() << u"measuring peak memory in child processes\n"_s;
    err().flush();
    report.rows.append(measurePeakRss(stores, settings));
    if (const qint64 postgresEvents = parser.value(postgresOption).toLongLong(); postgresEvents > 0) {
        err() << u"measuring PostgreSQL on a throwaway server ("_s << formatCount(postgresEvents) << u" events)\n"_s;
        err().flush();
        report.rows.append(measurePostgres(postgresEvents, settings));
    }
    report.machine.loadAtEnd = loadAverage();

    QTextStream out(stdout);
    if (parser.isSet(jsonOption))
        out << QString::fromUtf8(report.toJson());
    else
        report.printMarkdown(out);
    out.flush();
    return report.anyFailed() ? 1 : 0;
}
