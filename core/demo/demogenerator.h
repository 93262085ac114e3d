#pragma once

#include "../store/result.h"

#include <QString>
#include <functional>

namespace EventScope {

struct DemoOptions
{
    qint64 events = 100'000;
    quint64 seed = 1;
};

struct DemoSummary
{
    qint64 events = 0;
    qint64 streams = 0;
    qint64 snapshots = 0;
    qint64 driftedSnapshots = 0; // snapshots written wrong on purpose, for the snapshot checks
};

// Called now and then with events written so far; return false to cancel.
using DemoProgress = std::function<bool(qint64 written, qint64 total)>;

// Writes a new demo store in EventScope's native schema: a small bank and shop (accounts, carts,
// customers), the same bytes for the same seed and size. Refuses to overwrite a file. The store is
// written beside the target and renamed at the end, so a cancelled or failed run leaves nothing.
Result<DemoSummary> createDemoStore(const QString& path, const DemoOptions& options, const DemoProgress& progress = {});

} // namespace EventScope
