#include "editormeasures.h"

#include "timing.h"

#include "core/dialects/storeopener.h"
#include "core/projection/parallelprojectionrunner.h"
#include "core/projection/projectionengine.h"
#include "core/workspace/workspace.h"

#include <QFile>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

namespace {

QString builtIn(const QString& name)
{
    QFile file(QStringLiteral(EVENTSCOPE_SOURCE_DIR) + u"/resources/projections/"_s + name);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

Measurement compareRow(const CachedStore& store)
{
    Measurement row(u"editor.compare"_s,
        u"editor: compare two definitions (account projection vs snapshot projection) over one read, every core"_s,
        store.events, u"ms"_s);
    row.target = u"≤ 1x the two runs apart"_s;
    const QString first = builtIn(u"account.projection.js"_s);
    const QString second = builtIn(u"account.snapshot.js"_s);
    auto opened = openStore(store.path);
    if (!opened)
        return failedWith(row, opened.error().message);

    // Reference: each definition reads and folds the events on its own, one after the other, on every core.
    QElapsedTimer timer;
    timer.start();
    qint64 events = 0;
    for (const QString& script : { first, second }) {
        ProjectionEngine engine;
        if (auto fault = engine.compile(script, u"bench.js"_s))
            return failedWith(row, fault->toString());
        const auto results = ParallelProjectionRunner::run(**opened, engine, script, u"bench.js"_s, {}, {}, {});
        if (!results)
            return failedWith(row, results.error().message);
        events = results->outcome.eventsRead;
    }
    const double apartMs = elapsedMs(timer);

    ProjectionEngine a, b;
    a.compile(first, u"first.js"_s);
    b.compile(second, u"second.js"_s);
    timer.restart();
    const auto pair = ParallelProjectionRunner::runTogether(
        **opened, { { &a, first, u"first.js"_s }, { &b, second, u"second.js"_s } }, {}, {});
    const double pairMs = elapsedMs(timer);
    if (!pair)
        return failedWith(row, pair.error().message);
    if (pair->eventsRead != events)
        return failedWith(row, u"read %1 events, the runs apart %2"_s.arg(pair->eventsRead).arg(events));
    row.value = pairMs;
    row.figure = u"%1 (%2 events read once, folded twice, every core)"_s.arg(formatMs(pairMs)).arg(events);
    row.reference = apartMs;
    row.referenceFigure = u"%1 (the two runs apart, each reading the events, every core)"_s.arg(formatMs(apartMs));
    row.ratio = pairMs / apartMs;
    row.requireAtMost(*row.ratio, 1.0);
    return row;
}

Measurement autosaveRow()
{
    Measurement row(u"editor.autosave"_s, u"editor: save a draft of a 20 KB definition (workspace file)"_s, 0, u"ms"_s);
    row.target = u"p95 ≤ 16 ms (one frame: it runs on the GUI thread)"_s;
    QTemporaryDir dir;
    auto workspace = Workspace::open(dir.filePath(u"workspace.sqlite"_s));
    if (!workspace)
        return failedWith(row, workspace.error().message);
    QString text = builtIn(u"account.projection.js"_s);
    while (text.size() < 20000)
        text += u"// padding to a long definition\n"_s;
    const auto created = (*workspace)->createDefinition(u"bench"_s, text);
    if (!created)
        return failedWith(row, created.error().message);
    int keystroke = 0;
    const auto stats = warmThenTime(200, [&]() -> Result<double> {
        QElapsedTimer timer;
        timer.start();
        const Status saved = (*workspace)->saveDraft(created->id, text + QString::number(++keystroke));
        if (!saved)
            return saved.error();
        return elapsedMs(timer);
    });
    if (!stats)
        return failedWith(row, stats.error().message);
    row.value = stats->p95;
    row.figure = u"median %1, p95 %2"_s.arg(formatMs(stats->median), formatMs(stats->p95));
    row.requireAtMost(stats->p95, 16);
    return row;
}

} // namespace

QList<Measurement> measureEditor(const CachedStore& store, const RunSettings&)
{
    return { compareRow(store), autosaveRow() };
}

} // namespace EventScope::Bench
