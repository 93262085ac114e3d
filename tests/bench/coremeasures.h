#pragma once

#include "benchreport.h"
#include "runsettings.h"
#include "storecache.h"

namespace EventScope::Bench {

// The read path through the core API alone (openStore + EventStore), beside the references:
// first page, random jumps, stream list and regex filter, decode throughput.
QList<Measurement> measureCore(const CachedStore& store, const RunSettings& settings);

// Reads the whole file once, so that every measure after it finds the store in the OS cache
// (we do not drop caches: that needs root). Returns the time taken in ms.
double warmFile(const QString& path);

} // namespace EventScope::Bench
