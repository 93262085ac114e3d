#include "projectionpairrunner.h"

#include "projectionengine.h"
#include "projectionrunner.h"

namespace EventScope {

namespace {

bool sameSource(const ProjectionDefinition& a, const ProjectionDefinition& b)
{
    return a.source == b.source && a.streams == b.streams && a.categories == b.categories;
}

} // namespace

ProjectionDefinition ProjectionPairRunner::unionSource(const ProjectionDefinition& a, const ProjectionDefinition& b)
{
    if (sameSource(a, b))
        return a;
    ProjectionDefinition source;
    source.form = ProjectionDefinition::Form::Projection;
    if (a.source == b.source && a.source == ProjectionDefinition::Source::Streams) {
        source.source = ProjectionDefinition::Source::Streams;
        source.streams = a.streams;
        for (const QString& stream : b.streams)
            if (!source.streams.contains(stream))
                source.streams.append(stream);
    } else if (a.source == b.source && a.source == ProjectionDefinition::Source::Categories) {
        source.source = ProjectionDefinition::Source::Categories;
        source.categories = a.categories;
        for (const QString& category : b.categories)
            if (!source.categories.contains(category))
                source.categories.append(category);
    } else
        source.source = ProjectionDefinition::Source::All; // the log holds both
    return source;
}

Result<ProjectionPairRunner::Results> ProjectionPairRunner::run(EventStore& store, ProjectionEngine& first,
    ProjectionEngine& second, const ProjectionScope& scope, const Settings& settings)
{
    const ProjectionDefinition source = unionSource(first.definition(), second.definition());
    const bool shared = scope.stream.isEmpty() && scope.category.isEmpty()
        ? sameSource(first.definition(), second.definition())
        : true; // a scope replaces both sources
    ProjectionEventReader reader(store, source, scope);

    struct Side
    {
        ProjectionEngine& engine;
        ProjectionRunOutcome outcome;
        bool stopped = false;
    };
    Side sides[] = { { first, {} }, { second, {} } };
    qint64 read = 0;
    bool cancelled = false;
    while (settings.limitEvents <= 0 || read < settings.limitEvents) {
        if (settings.cancel && settings.cancel->load(std::memory_order_relaxed)) {
            cancelled = true;
            break;
        }
        if (sides[0].stopped && sides[1].stopped)
            break;
        Result<std::optional<Event>> next = reader.next();
        if (!next)
            return next.error();
        if (!next->has_value())
            break;
        const Event& event = **next;
        ++read;
        for (Side& side : sides) {
            if (side.stopped || (!shared && !ProjectionEventReader::selects(side.engine.definition(), scope, event)))
                continue;
            if (auto fault = side.engine.process(event)) {
                side.outcome.fault = std::move(fault);
                side.stopped = true;
                continue;
            }
            ++side.outcome.eventsRead;
        }
        if (read % ProjectionRunner::kDrainInterval == 0) {
            for (Side& side : sides) {
                side.engine.takeEmitted();
                side.engine.takeLog();
            }
            if (settings.progress && !settings.progress(read)) {
                cancelled = true;
                break;
            }
        }
    }
    for (Side& side : sides) {
        side.engine.takeEmitted();
        side.engine.takeLog();
        side.outcome.cancelled = cancelled;
    }
    return Results { ProjectionResults::of(first, sides[0].outcome), ProjectionResults::of(second, sides[1].outcome),
        read };
}

} // namespace EventScope
