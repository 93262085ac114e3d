#include "modelmeasures.h"

#include "targets.h"
#include "timing.h"

#include "core/dialects/storeopener.h"
#include "core/models/eventtablemodel.h"
#include "core/models/streamtreemodel.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTextStream>
#include <QTimer>
#include <climits>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

using namespace Targets;

namespace {

constexpr int kWaitTimeoutMs = 60'000;
constexpr int kChildTimeoutMs = 10 * 60'000;

// Runs this thread's event loop until `done` holds: the models answer through queued calls.
// A slow wake-up timer keeps the loop from sleeping forever if an answer never comes.
bool waitUntil(const std::function<bool()>& done, int timeoutMs = kWaitTimeoutMs)
{
    QTimer wakeUp;
    wakeUp.start(50);
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// What a table view does when it paints rows [first, first + count): ask every cell.
void paintRows(const EventTableModel& model, int first, int count)
{
    const int end = std::min(model.rowCount(), first + count);
    for (int row = first; row < end; ++row) {
        for (int column = 0; column < EventTableModel::ColumnCount; ++column)
            model.data(model.index(row, column), Qt::DisplayRole);
    }
}

bool rowsLoaded(const EventTableModel& model, int first, int count)
{
    const int end = std::min(model.rowCount(), first + count);
    for (int row = first; row < end; ++row) {
        if (model.data(model.index(row, 0), EventTableModel::LoadingRole).toBool())
            return false;
    }
    return true;
}

// A table model showing the whole log with its first window in, or the reason it is not.
Result<double> openTable(EventTableModel& model, const QString& path)
{
    bool ready = false;
    QString error;
    const auto readyConnection
        = QObject::connect(&model, &EventTableModel::firstRowsReady, &model, [&ready] { ready = true; });
    const auto errorConnection = QObject::connect(&model, &EventTableModel::errorOccurred, &model,
        [&error](const StoreError& failure) { error = failure.message; });
    QElapsedTimer timer;
    timer.start();
    model.setStore(path);
    model.setFilter({});
    const bool arrived = waitUntil([&] { return ready || !error.isEmpty(); });
    const double ms = elapsedMs(timer);
    QObject::disconnect(readyConnection);
    QObject::disconnect(errorConnection);
    if (!error.isEmpty())
        return StoreError { StoreError::Kind::Query, error };
    if (!arrived)
        return StoreError { StoreError::Kind::Query,
            u"firstRowsReady did not come within %1 s"_s.arg(kWaitTimeoutMs / 1000) };
    return ms;
}

Measurement tableFirstRows(const CachedStore& store, const RunSettings& settings, const Measurement& coreFirstPage)
{
    Measurement row(u"open.model"_s, u"open store -> first rows (EventTableModel)"_s, store.events, u"ms"_s);
    row.target = u"≤ %1 ms; ≤ %2x ref"_s.arg(kFirstPageMs).arg(kFirstPageRatio);
    const auto stats = warmThenTime(settings.timedRuns(), [&] {
        EventTableModel model;
        return openTable(model, store.path);
    });
    if (!stats)
        return failedWith(row, stats.error().message);
    row.value = stats->median;
    row.figure = formatMs(stats->median);
    // The same sqlite3 shell run as the core row's, measured moments before.
    row.reference = coreFirstPage.reference;
    row.referenceFigure = coreFirstPage.referenceFigure;
    if (row.reference) {
        row.ratio = stats->median / *row.reference;
        row.requireAtMost(stats->median, kFirstPageMs);
        row.requireAtMost(*row.ratio, kFirstPageRatio);
    } else {
        row.requireAtMost(stats->median, kFirstPageMs);
    }
    return row;
}

// locatePosition / locateTime until rowLocated, then the visible rows from there painted and loaded.
Measurement tableJumps(
    const CachedStore& store, const RunSettings& settings, EventTableModel& model, const StoreInfo& info, bool byTime)
{
    Measurement row(byTime ? u"jump.time.model"_s : u"jump.position.model"_s,
        byTime ? u"jump to a random time (EventTableModel)"_s : u"jump to a random position (EventTableModel)"_s,
        store.events, u"ms"_s);
    row.target = u"p95 ≤ %1 ms"_s.arg(kJumpP95Ms);
    const qint64 low = byTime ? info.firstTimeMs.value_or(0) : info.firstPosition.value_or(0);
    const qint64 high = byTime ? info.lastTimeMs.value_or(0) : info.lastPosition.value_or(0);
    int located = INT_MIN;
    QString error;
    const QObject context;
    QObject::connect(&model, &EventTableModel::rowLocated, &context, [&located](int found) { located = found; });
    QObject::connect(&model, &EventTableModel::errorOccurred, &context,
        [&error](const StoreError& failure) { error = failure.message; });
    const auto jumpOnce = [&](QRandomGenerator& random) -> Result<double> {
        const qint64 target = low + qint64(random.bounded(quint64(high - low + 1)));
        located = INT_MIN;
        QElapsedTimer timer;
        timer.start();
        if (byTime)
            model.locateTime(target);
        else
            model.locatePosition(target);
        if (!waitUntil([&] { return located != INT_MIN || !error.isEmpty(); }) || !error.isEmpty())
            return StoreError { StoreError::Kind::Query, error.isEmpty() ? u"rowLocated did not come"_s : error };
        if (located < 0)
            return StoreError { StoreError::Kind::Query, u"no row located for %1"_s.arg(target) };
        paintRows(model, located, kVisibleRows);
        if (!waitUntil([&] { return rowsLoaded(model, located, kVisibleRows) || !error.isEmpty(); })
            || !error.isEmpty())
            return StoreError { StoreError::Kind::Query, error.isEmpty() ? u"the located rows did not load"_s : error };
        return elapsedMs(timer);
    };
    const auto sampled = sampleJumps(settings.warmupJumps(), settings.jumps(), jumpOnce);
    if (!sampled)
        return failedWith(row, sampled.error().message);
    const Stats& stats = *sampled;
    row.value = stats.p95;
    row.figure = u"median %1, p95 %2 (%3 jumps)"_s.arg(formatMs(stats.median), formatMs(stats.p95)).arg(stats.count);
    row.requireAtMost(stats.p95, kJumpP95Ms);
    return row;
}

// setStore (or setPattern) until categoriesLoaded, then one category expanded until its first streams are in.
// Returns (ms to categoriesLoaded, ms to the expanded category's streams). An empty `path` keeps the store.
Result<std::pair<double, double>> loadTree(StreamTreeModel& model, const QString& path, const QString& pattern)
{
    bool loaded = false;
    QString error;
    const QObject context;
    QObject::connect(&model, &StreamTreeModel::categoriesLoaded, &context, [&loaded] { loaded = true; });
    QObject::connect(&model, &StreamTreeModel::errorOccurred, &context,
        [&error](const StoreError& failure) { error = failure.message; });
    QElapsedTimer timer;
    timer.start();
    if (!path.isEmpty())
        model.setStore(path);
    model.setPattern(pattern);
    if (!waitUntil([&] { return loaded || !error.isEmpty(); }) || !error.isEmpty())
        return StoreError { StoreError::Kind::Query, error.isEmpty() ? u"categoriesLoaded did not come"_s : error };
    const double categoriesMs = elapsedMs(timer);
    if (model.rowCount() < 2)
        return StoreError { StoreError::Kind::Query, u"no category to expand"_s };
    const QModelIndex category = model.index(1, 0);
    model.fetchMore(category);
    if (!waitUntil([&] { return model.rowCount(category) > 0 || !error.isEmpty(); }) || !error.isEmpty())
        return StoreError { StoreError::Kind::Query,
            error.isEmpty() ? u"the category's streams did not come"_s : error };
    return std::pair(categoriesMs, elapsedMs(timer));
}

QList<Measurement> treeMeasures(const CachedStore& store, const RunSettings& settings)
{
    Measurement open(
        u"streams.model"_s, u"stream tree: setStore -> categoriesLoaded (StreamTreeModel)"_s, store.events, u"ms"_s);
    Measurement expand(u"streams.expand.model"_s, u"stream tree: ... -> first category expanded (fetchMore 500)"_s,
        store.events, u"ms"_s);
    Measurement regex(u"regex.model"_s,
        u"stream tree: setPattern %1 -> categoriesLoaded + expanded"_s.arg(streamPattern()), store.events, u"ms"_s);
    open.target = expand.target = u"≤ %1 ms"_s.arg(kStreamListMs);
    regex.target = u"≤ %1 ms"_s.arg(kRegexMs);

    QList<double> openSamples, expandSamples, regexSamples;
    for (int i = 0; i <= settings.timedRuns(); ++i) {
        StreamTreeModel model;
        auto first = loadTree(model, store.path, {});
        if (!first)
            return { failedWith(open, first.error().message) };
        auto filtered = loadTree(model, {}, streamPattern());
        if (!filtered)
            return { failedWith(regex, filtered.error().message) };
        if (i == 0)
            continue; // the warm-up
        openSamples.append(first->first);
        expandSamples.append(first->second);
        regexSamples.append(filtered->second);
    }
    const auto judge = [](Measurement& row, const QList<double>& samples, double limit) {
        const Stats stats = Stats::of(samples);
        row.value = stats.median;
        row.figure = formatMs(stats.median);
        row.requireAtMost(stats.median, limit);
    };
    judge(open, openSamples, kStreamListMs);
    judge(expand, expandSamples, kStreamListMs);
    judge(regex, regexSamples, kRegexMs);
    return { open, expand, regex };
}

qint64 peakRssKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

double toMB(qint64 kib)
{
    return double(kib) * 1024 / 1e6;
}

} // namespace

QList<Measurement> measureModels(
    const CachedStore& store, const RunSettings& settings, const Measurement& coreFirstPage)
{
    QList<Measurement> rows;
    rows.append(tableFirstRows(store, settings, coreFirstPage));

    const Measurement jumpRow(u"jump.model"_s, u"jumps (EventTableModel)"_s, store.events);
    auto opened = openStore(store.path);
    const auto info = opened ? (*opened)->describe() : Result<StoreInfo>(opened.error());
    if (!info) {
        rows.append(failedWith(jumpRow, info.error().message));
        return rows;
    }
    EventTableModel model;
    if (const auto ready = openTable(model, store.path); !ready) {
        rows.append(failedWith(jumpRow, ready.error().message));
        return rows;
    }
    // Locating queues behind the count on the same worker; let the count finish first.
    if (!waitUntil([&] { return !model.isCounting(); })) {
        rows.append(failedWith(jumpRow, u"counting did not finish"_s));
        return rows;
    }
    rows.append(tableJumps(store, settings, model, *info, false));
    rows.append(tableJumps(store, settings, model, *info, true));
    rows.append(treeMeasures(store, settings));
    return rows;
}

int runScrollChild(const QString& storePath, int steps)
{
    QTextStream out(stdout);
    const qint64 baselineKiB = peakRssKiB();
    QElapsedTimer timer;
    timer.start();
    EventTableModel model;
    if (const auto ready = openTable(model, storePath); !ready) {
        QTextStream(stderr) << ready.error().message << u'\n';
        return 1;
    }
    waitUntil([&] { return !model.isCounting(); });
    const int rows = model.rowCount();
    const int lastTop = std::max(0, rows - kVisibleRows);
    steps = std::max(1, steps);
    for (int step = 0; step <= steps; ++step) {
        const int top = int(qint64(lastTop) * step / steps);
        paintRows(model, top, kVisibleRows);
        if (!waitUntil([&] { return rowsLoaded(model, top, kVisibleRows); })) {
            QTextStream(stderr) << u"rows from "_s << top << u" did not load\n"_s;
            return 1;
        }
    }
    const QJsonObject result { { u"peakKiB"_s, peakRssKiB() }, { u"baselineKiB"_s, baselineKiB }, { u"rows"_s, rows },
        { u"steps"_s, steps }, { u"ms"_s, elapsedMs(timer) } };
    out << QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)) << u'\n';
    return 0;
}

QList<Measurement> measurePeakRss(const QList<CachedStore>& stores, const RunSettings& settings)
{
    QList<Measurement> rows;
    QList<std::pair<qint64, double>> peaks; // events, MB
    for (const CachedStore& store : stores) {
        Measurement row(u"rss.model"_s, u"peak RSS scrolling the whole log (EventTableModel, child process)"_s,
            store.events, u"MB"_s);
        row.target = u"≤ %1 MB"_s.arg(kPeakRssMB);
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
            { u"--%1"_s.arg(QLatin1StringView(kScrollChildOption)), store.path,
                u"--%1"_s.arg(QLatin1StringView(kScrollStepsOption)), QString::number(settings.scrollSteps()) });
        if (!child.waitForFinished(kChildTimeoutMs) || child.exitStatus() != QProcess::NormalExit
            || child.exitCode() != 0) {
            rows.append(failedWith(row,
                u"the scrolling child failed (exit code %1): %2"_s.arg(child.exitCode()).arg(child.errorString())));
            continue;
        }
        const QJsonObject result = QJsonDocument::fromJson(child.readAllStandardOutput().trimmed()).object();
        const double peakMB = toMB(result.value(u"peakKiB"_s).toInteger());
        row.value = peakMB;
        row.figure = u"%1 MB (%2 steps in %3; %4 MB before opening)"_s.arg(peakMB, 0, 'f', 1)
                         .arg(result.value(u"steps"_s).toInt())
                         .arg(formatMs(result.value(u"ms"_s).toDouble()))
                         .arg(toMB(result.value(u"baselineKiB"_s).toInteger()), 0, 'f', 1);
        row.requireAtMost(peakMB, kPeakRssMB);
        rows.append(row);
        peaks.append({ store.events, peakMB });
    }
    if (peaks.size() >= 2) {
        const auto& [smallEvents, smallPeak] = peaks.constFirst();
        const auto& [largeEvents, largePeak] = peaks.constLast();
        Measurement ratio(u"rss.ratio"_s,
            u"peak RSS, %1 store over %2 store"_s.arg(formatCount(largeEvents), formatCount(smallEvents)));
        ratio.value = largePeak / smallPeak;
        ratio.ratio = ratio.value;
        ratio.figure = u"%1 MB / %2 MB"_s.arg(largePeak, 0, 'f', 1).arg(smallPeak, 0, 'f', 1);
        ratio.target = u"ratio ≤ %1"_s.arg(kPeakRssRatio);
        ratio.requireAtMost(*ratio.value, kPeakRssRatio);
        rows.append(ratio);
    }
    return rows;
}

} // namespace EventScope::Bench
