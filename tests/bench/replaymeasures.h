#pragma once

#include "benchreport.h"
#include "runsettings.h"
#include "storecache.h"

namespace EventScope::Bench {

// Time travel (issue 15) on a demo store: the longest account stream folded once through the demo's account
// projection (resources/projections/account.projection.js), then random seeks; reported beside the first pass.
QList<Measurement> measureReplay(const CachedStore& store, const RunSettings& settings);

// Replay throughput (issue 15): the demo's account projection over the store's account category on every core
// (and on one), beside node folding the same events with the same script (tests/bench/reference/
// projection-fold.mjs) in the same run; the node column is left out when node is not installed. The two runs'
// final states are compared, so a fast wrong answer fails the row.
QList<Measurement> measureProjectionThroughput(const CachedStore& store, const RunSettings& settings);

// `eventscope-cli project` on a 10-event demo store (made in `cacheDirectory`), process start to exit, beside node
// running the reference fold over the same events.
Measurement measureCliStart(const QString& cacheDirectory);

} // namespace EventScope::Bench
