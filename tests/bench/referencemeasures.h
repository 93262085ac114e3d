#pragma once

#include "core/store/result.h"

#include <QString>

namespace EventScope::Bench {

// What a user gets without EventScope, measured in the same run on the same file: the figures
// EventScope's are divided by. Both open the store read-only.

// The sqlite3 command-line shell printing the first `rows` events of the global log, run as a
// process and timed from start to exit (process start-up included: that is what a user waits for).
Result<double> sqliteShellFirstPageMs(const QString& storePath, int rows);

// One timed pass over every event of a store: by the raw loop below, or by readEvents() for the
// figure it is compared with. CPU time is kept beside wall time, as a busy machine stretches the latter.
struct RawScan
{
    qint64 rows = 0;
    double ms = 0;
    double cpuMs = 0; // of this thread
    quint64 checksum = 0; // of every value read, so no read can be skipped
};

// A bare sqlite3_step loop over every event in position order (of one category, when given), reading the columns
// readEvents() reads (the stream's name and category joined in), with the sqlite3 C API and nothing else.
Result<RawScan> rawSqliteScan(const QString& storePath, const QString& category = {});

} // namespace EventScope::Bench
