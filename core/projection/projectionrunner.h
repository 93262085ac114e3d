#pragma once

#include "projectionfault.h"

#include <core/store/result.h>

#include <atomic>
#include <functional>
#include <optional>

namespace EventScope {

class ProjectionEngine;
class ProjectionEventReader;

struct ProjectionRunOutcome
{
    qint64 eventsRead = 0; // events the engine processed without a fault (delivered or skipped)
    std::optional<ProjectionFault> fault;
    bool cancelled = false;
};

// Feeds every event of `reader` to `engine` until the end, `limitEvents` (0: no limit), a fault, or `cancel`.
// `drain` runs after every kDrainInterval events and at the end, so a caller can take emitted events and
// log lines as they come (memory stays flat); returning false from it stops the run.
class ProjectionRunner
{
public:
    static constexpr qint64 kDrainInterval = 1000;

    static Result<ProjectionRunOutcome> run(ProjectionEventReader& reader, ProjectionEngine& engine,
        qint64 limitEvents = 0, const std::function<bool()>& drain = {}, const std::atomic<bool>* cancel = nullptr);
};

} // namespace EventScope
