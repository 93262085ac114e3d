#include "projectionrunner.h"

#include "projectionengine.h"
#include "projectionsource.h"

namespace EventScope {

Result<ProjectionRunOutcome> ProjectionRunner::run(ProjectionEventReader& reader, ProjectionEngine& engine,
    qint64 limitEvents, const std::function<bool()>& drain, const std::atomic<bool>* cancel)
{
    ProjectionRunOutcome outcome;
    while (limitEvents <= 0 || outcome.eventsRead < limitEvents) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            outcome.cancelled = true;
            break;
        }
        Result<std::optional<Event>> next = reader.next();
        if (!next)
            return next.error();
        if (!next->has_value())
            break;
        if (auto fault = engine.process(**next)) {
            outcome.fault = std::move(fault);
            break;
        }
        ++outcome.eventsRead;
        if (drain && outcome.eventsRead % kDrainInterval == 0 && !drain()) {
            outcome.cancelled = true;
            break;
        }
    }
    if (drain)
        drain();
    return outcome;
}

} // namespace EventScope
