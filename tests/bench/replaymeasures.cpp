#include "replaymeasures.h"

#include "timing.h"

#include "core/dialects/storeopener.h"
#include "core/replay/streamreplay.h"

#include <QFile>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

namespace {

constexpr double kSeekP95Ms = 16; // one frame: scrubbing feels continuous (issue 15)
constexpr int kSeeks = 200;

} // namespace

QList<Measurement> measureReplay(const CachedStore& store, const RunSettings& settings)
{
    Measurement first(
        u"timetravel.load"_s, u"time travel: first pass over the longest account stream"_s, store.events, u"ms"_s);
    Measurement seek(
        u"timetravel.seek"_s, u"time travel: seek to a random version after the first pass"_s, store.events, u"ms"_s);
    seek.target = u"p95 ≤ %1 ms"_s.arg(kSeekP95Ms);
    QFile script(QStringLiteral(EVENTSCOPE_SOURCE_DIR) + u"/resources/projections/account.projection.js"_s);
    if (!script.open(QIODevice::ReadOnly))
        return { failedWith(first, u"cannot read %1"_s.arg(script.fileName())) };
    auto opened = openStore(store.path);
    if (!opened)
        return { failedWith(first, opened.error().message) };
    // The longest account stream: the demo's account-1 is the long-lived one.
    QString longest;
    qint64 longestEvents = 0;
    StreamQuery page { {}, u"account"_s, {}, 1000 };
    for (;;) {
        const auto streams = (*opened)->streams(page);
        if (!streams)
            return { failedWith(first, streams.error().message) };
        for (const StreamInfo& stream : *streams) {
            if (stream.events.value > longestEvents) {
                longestEvents = stream.events.value;
                longest = stream.stream;
            }
        }
        if (streams->size() < *page.limit)
            break;
        page.after = streams->constLast().stream;
    }
    StreamReplay replay;
    QElapsedTimer timer;
    timer.start();
    const auto loaded = replay.load(**opened, longest, QString::fromUtf8(script.readAll()), script.fileName());
    if (!loaded)
        return { failedWith(first, loaded.error().message) };
    if (loaded->fault)
        return { failedWith(first, loaded->fault->message) };
    const double loadMs = elapsedMs(timer);
    first.value = loadMs;
    first.figure = u"%1 for %2 events of %3 (%4 k events/s)"_s.arg(formatMs(loadMs))
                       .arg(replay.eventCount())
                       .arg(longest)
                       .arg(double(replay.eventCount()) / loadMs, 0, 'f', 0);
    first.target = u"(reported)"_s;

    const qint64 count = replay.eventCount();
    const auto sampled = sampleJumps(settings.warmupJumps(), settings.quick ? 20 : kSeeks,
        [&replay, count](QRandomGenerator& random) -> Result<double> {
            const qint64 target = qint64(random.bounded(quint64(count + 1)));
            QElapsedTimer seekTimer;
            seekTimer.start();
            const auto point = replay.stateAfter(target);
            const double ms = elapsedMs(seekTimer);
            if (point.count != target)
                return StoreError { StoreError::Kind::Query,
                    u"a seek landed at %1, not %2"_s.arg(point.count).arg(target) };
            return ms;
        });
    if (!sampled)
        return { first, failedWith(seek, sampled.error().message) };
    seek.value = sampled->p95;
    seek.figure = u"median %1, p95 %2 (%3 seeks in %4 events)"_s.arg(formatMs(sampled->median), formatMs(sampled->p95))
                      .arg(sampled->count)
                      .arg(count);
    seek.reference = loadMs;
    seek.referenceFigure = u"%1 (folding the whole stream)"_s.arg(formatMs(loadMs));
    seek.ratio = sampled->p95 / loadMs;
    seek.verdict = atMost(sampled->p95, kSeekP95Ms);
    return { first, seek };
}

} // namespace EventScope::Bench
