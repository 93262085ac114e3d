#include "projectionresults.h"

#include "projectionengine.h"

namespace EventScope {

ProjectionResults ProjectionResults::of(const ProjectionEngine& engine, const ProjectionRunOutcome& outcome)
{
    ProjectionResults results;
    results.definition = engine.definition();
    for (const QString& name : engine.partitions())
        results.partitions.append({ name, engine.stateJson(name), engine.resultJson(name), engine.lastHandler(name) });
    if (results.definition.biState)
        results.sharedState = engine.sharedStateJson();
    results.outcome = outcome;
    return results;
}

} // namespace EventScope
