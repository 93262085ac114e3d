#pragma once

#include "benchreport.h"
#include "runsettings.h"
#include "storecache.h"

namespace EventScope::Bench {

// Time travel (issue 15) on a demo store: the longest account stream folded once through the demo's account
// projection (resources/projections/account.projection.js), then random seeks; reported beside the first pass.
QList<Measurement> measureReplay(const CachedStore& store, const RunSettings& settings);

} // namespace EventScope::Bench
