#pragma once

#include "core/store/result.h"

#include <QElapsedTimer>
#include <QList>
#include <QRandomGenerator>
#include <functional>

namespace EventScope::Bench {

// Milliseconds since `timer` started, with sub-millisecond resolution: every latency in the report.
inline double elapsedMs(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// CPU time of the calling thread in ms. Other processes on a busy machine stretch wall times but
// hardly this, so long passes are compared by it.
double threadCpuMs();

// Order statistics of a set of timings. Nearest-rank percentiles, so the p95 of 100 jumps is the
// 95th fastest jump, an observed value rather than an interpolation.
struct Stats
{
    int count = 0;
    double median = 0;
    double p95 = 0;
    double min = 0;
    double max = 0;

    static Stats of(QList<double> samples);
};

// One untimed warm-up call of `run` (it returns its own time in ms), then `runs` timed calls;
// the first error ends it.
Result<Stats> warmThenTime(int runs, const std::function<Result<double>()>& run);

// Random jumps: `warmups` untimed calls of `jumpOnce` (it returns its own time in ms), then `samples`
// timed ones. The targets come from fixed seeds, so every run, core or model, jumps to the same places.
Result<Stats> sampleJumps(int warmups, int samples, const std::function<Result<double>(QRandomGenerator&)>& jumpOnce);

} // namespace EventScope::Bench
