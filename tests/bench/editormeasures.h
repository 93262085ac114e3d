#pragma once

#include "benchreport.h"
#include "runsettings.h"
#include "storecache.h"

namespace EventScope::Bench {

// The projection editor (issue 17) on a demo store:
// - compare: the demo's account projection against its snapshot projection (same source) over one read of the
//   events (ProjectionPairRunner), beside the two run one after the other, each reading the events itself;
// - autosave: the time one draft save of a 20 KB definition takes in a workspace file (it runs on the GUI thread
//   as the user types), median and p95 of 200.
QList<Measurement> measureEditor(const CachedStore& store, const RunSettings& settings);

} // namespace EventScope::Bench
