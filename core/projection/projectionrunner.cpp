#include "projectionrunner.h"

#include "projectionengine.h"
#include "projectionsource.h"

namespace EventScope {

Result<ProjectionRunOutcome> ProjectionRunner::run(ProjectionEventReader& reader, ProjectionEngine& engine,
    qint64 limitEvents, const std::function<bool()>& drain, const std::atomic<bool>* cancel)
{
    ProjectionRunOutcome outcome;
    bool ended = false;
    while (!ended) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            outcome.cancelled = true;
            break;
        }
        // One call into the script per batch: the per-call cost of V8 is paid once for kDrainInterval events.
        ProjectionEngine::Batch batch;
        batch.events.reserve(kDrainInterval);
        while (batch.events.size() < kDrainInterval) {
            if (limitEvents > 0 && outcome.eventsRead + batch.events.size() >= limitEvents) {
                ended = true;
                break;
            }
            Result<std::optional<Event>> next = reader.next();
            if (!next)
                return next.error();
            if (!next->has_value()) {
                ended = true;
                break;
            }
            batch.events.append(std::move(**next));
        }
        if (batch.events.isEmpty())
            break;
        const qsizetype size = batch.events.size();
        ProjectionEngine::BatchOutcome fed = engine.processBatch(std::move(batch));
        outcome.eventsRead += fed.processed;
        if (fed.fault) {
            outcome.fault = std::move(fed.fault);
            break;
        }
        if (drain && size == kDrainInterval && !drain()) {
            outcome.cancelled = true;
            break;
        }
    }
    if (drain)
        drain();
    return outcome;
}

} // namespace EventScope
