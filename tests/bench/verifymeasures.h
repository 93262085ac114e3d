#pragma once

#include "benchreport.h"
#include "runsettings.h"
#include "storecache.h"

namespace EventScope::Bench {

inline constexpr char kVerifyChildOption[] = "verify-child";

// Snapshot verification (issue 16) on a demo store: every snapshot checked against its events with the demo's
// snapshot projections, in a child process so that its peak memory is its own; replayed events per second beside
// the 500 k/s target, and whether exactly the planted drifts were found. Then, on a sample of streams, the cost
// per snapshot with checkpoints (one fold per stream) against folding from zero for each snapshot.
QList<Measurement> measureVerify(const CachedStore& store, const RunSettings& settings);

// The child: verifies the store and prints {"peakKiB", "snapshots", "drift", "error", "events", "seconds",
// "drifted": ["stream@version", ...]} on stdout.
int runVerifyChild(const QString& storePath);

} // namespace EventScope::Bench
