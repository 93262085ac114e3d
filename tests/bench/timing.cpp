#include "timing.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace EventScope::Bench {

namespace {

double nearestRank(const QList<double>& sorted, double percentile)
{
    const qsizetype rank = qsizetype(std::ceil(percentile / 100.0 * double(sorted.size())));
    return sorted.at(std::clamp<qsizetype>(rank - 1, 0, sorted.size() - 1));
}

} // namespace

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

Stats Stats::of(QList<double> samples)
{
    Stats stats;
    if (samples.isEmpty())
        return stats;
    std::sort(samples.begin(), samples.end());
    stats.count = int(samples.size());
    stats.median = nearestRank(samples, 50);
    stats.p95 = nearestRank(samples, 95);
    stats.min = samples.constFirst();
    stats.max = samples.constLast();
    return stats;
}

Result<Stats> warmThenTime(int runs, const std::function<Result<double>()>& run)
{
    QList<double> samples;
    for (int i = 0; i <= runs; ++i) {
        const Result<double> ms = run();
        if (!ms)
            return ms.error();
        if (i > 0)
            samples.append(*ms);
    }
    return Stats::of(samples);
}

Result<Stats> sampleJumps(int warmups, int samples, const std::function<Result<double>(QRandomGenerator&)>& jumpOnce)
{
    QRandomGenerator warmup(7);
    for (int i = 0; i < warmups; ++i) {
        if (const auto ms = jumpOnce(warmup); !ms)
            return ms.error();
    }
    QRandomGenerator random(42);
    QList<double> timings;
    for (int i = 0; i < samples; ++i) {
        const auto ms = jumpOnce(random);
        if (!ms)
            return ms.error();
        timings.append(*ms);
    }
    return Stats::of(timings);
}

} // namespace EventScope::Bench
