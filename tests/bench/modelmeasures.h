#pragma once

#include "benchreport.h"
#include "runsettings.h"
#include "storecache.h"

namespace EventScope::Bench {

// The read path as the GUI sees it: EventTableModel and StreamTreeModel driven from this thread's
// event loop (a QCoreApplication must exist), timed from the call to the signal that the data is in.
// `coreFirstPage` is the core's first-page row of the same store: its sqlite3 shell figure is the
// reference the table model's first rows are compared with.
QList<Measurement> measureModels(
    const CachedStore& store, const RunSettings& settings, const Measurement& coreFirstPage);

// Peak memory while browsing: each store is scrolled through by a child process of this binary
// (runScrollChild), so every peak is its own. Adds one row per store, and the ratio of the largest
// store's peak over the smallest's when there are two sizes or more.
QList<Measurement> measurePeakRss(const QList<CachedStore>& stores, const RunSettings& settings);

// The child's side: scrolls an EventTableModel over `storePath` from the first row to the last in
// `steps` steps, asking data() for every visible row and waiting until it is loaded, then prints
// one JSON line with VmHWM. Returns the process exit code.
int runScrollChild(const QString& storePath, int steps);

inline constexpr char kScrollChildOption[] = "scroll-child";
inline constexpr char kScrollStepsOption[] = "scroll-steps";

} // namespace EventScope::Bench
