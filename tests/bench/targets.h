#pragma once

#include <QString>

// The targets of issue 8 and the workload every measure shares, in one place so that the core and
// the model measures judge by the same numbers. docs/performance.md explains each target.
namespace EventScope::Bench::Targets {

inline constexpr double kFirstPageMs = 300;
inline constexpr double kFirstPageRatio = 1.5; // EventScope / the sqlite3 shell
inline constexpr double kJumpP95Ms = 50;
inline constexpr double kStreamListMs = 200;
inline constexpr double kRegexMs = 300;
inline constexpr double kDecodeRatio = 0.5; // EventScope's events/s over the raw loop's
inline constexpr double kPeakRssMB = 250; // MB = 10^6 bytes
inline constexpr double kPeakRssRatio = 1.2; // the largest store's peak over the smallest's
inline constexpr double kGenerateSeconds = 60;
// PostgreSQL (issue 13): the first page and a jump on a 1 M-event native store, a 100 k-event stream read.
inline constexpr double kPostgresFirstPageMs = 50;
inline constexpr double kPostgresJumpP95Ms = 10;
inline constexpr double kPostgresLongStreamRatio = 2; // EventScope / psql \copy
inline constexpr qint64 kGenerateEvents = 10'000'000; // the size the generation target is for

inline constexpr int kFirstPageRows = 100;
inline constexpr int kJumpWindowRows = 256; // EventTableModel::kWindowRows: what a jump must load
inline constexpr int kStreamPageRows = 500;
inline constexpr int kDecodePageRows = 1000;
inline constexpr int kVisibleRows = 40; // rows a table view shows at once

// Matches about 1 cart in 100, fewer than a page: the queries must look at every stream name.
inline QString streamPattern()
{
    return QStringLiteral("^cart-\\d*42$");
}

} // namespace EventScope::Bench::Targets
