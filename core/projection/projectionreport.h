#pragma once

#include "emittedevent.h"
#include "projectionfault.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace EventScope {

class ProjectionEngine;
struct ProjectionResults;
struct ProjectionComparison;

// The lines of `eventscope-cli project --json` (docs/cli.md), one JSON object each, keys in the contract's
// order. Shared by the CLI and the golden fixture tests, so that both speak the same format.
namespace ProjectionReport {

// {"partition": KEY, "state": ..., "result": ...}; `result` only when the projection transforms its state.
QByteArray partitionLine(const QString& partition, const std::optional<QByteArray>& state,
    const std::optional<std::optional<QByteArray>>& result);
QByteArray sharedStateLine(const std::optional<QByteArray>& state);
QByteArray emitLine(const EmittedEvent& event);
QByteArray logLine(const QString& line);
// {"status": "completed" | "faulted", "events": N, "fault": {...}}
QByteArray statusLine(qint64 events, const std::optional<ProjectionFault>& fault);

// The partition lines and the shared state line of a run, in its partitions' order; or of what an engine holds.
QByteArray stateLines(const ProjectionResults& results);
QByteArray stateLines(const ProjectionEngine& engine);

// `project --compare --json`: {"partition": KEY, "change": "changed"|"added"|"removed", "paths": [{"path", "op",
// "old", "new"}, ...]} per differing partition, then {"summary": {"partitions", "same", "changed", "added",
// "removed", "events", "seconds"}} (with "shared_state": "same"|"changed" and "shared_state_paths" for a bi-state
// projection). `events` is what was read once for both runs.
QByteArray comparisonLines(const ProjectionComparison& comparison);
QByteArray comparisonSummaryLine(const ProjectionComparison& comparison, qint64 events, double seconds);

} // namespace ProjectionReport

} // namespace EventScope
