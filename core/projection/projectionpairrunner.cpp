#include "projectionpairrunner.h"

#include "projectionengine.h"
#include "projectionrunner.h"

#include <algorithm>
#include <vector>

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
    Result<Many> many = runMany(store, { &first, &second }, scope, settings);
    if (!many)
        return many.error();
    return Results { std::move(many->results[0]), std::move(many->results[1]), many->eventsRead };
}

Result<ProjectionPairRunner::Many> ProjectionPairRunner::runMany(
    EventStore& store, const QList<ProjectionEngine*>& engines, const ProjectionScope& scope, const Settings& settings)
{
    ProjectionDefinition source;
    bool allSame = true;
    for (qsizetype i = 0; i < engines.size(); ++i) {
        const ProjectionDefinition& definition = engines.at(i)->definition();
        allSame = allSame && (i == 0 || sameSource(definition, engines.at(0)->definition()));
        source = i == 0 ? definition : unionSource(source, definition);
    }
    // A scope replaces every source.
    const bool shared = scope.stream.isEmpty() && scope.category.isEmpty() ? allSame : true;
    ProjectionEventReader reader(store, source, scope);

    struct Side
    {
        ProjectionEngine* engine;
        ProjectionRunOutcome outcome;
        bool stopped = false;
    };
    std::vector<Side> sides;
    for (ProjectionEngine* engine : engines)
        sides.push_back({ engine, {} });
    qint64 read = 0;
    bool cancelled = false;
    bool ended = false;
    const auto drop = [&sides] {
        for (Side& side : sides) {
            if (side.engine->hasOutput())
                side.engine->takeTaggedOutput();
        }
    };
    while (!ended) {
        if (settings.cancel && settings.cancel->load(std::memory_order_relaxed)) {
            cancelled = true;
            break;
        }
        if (std::all_of(sides.begin(), sides.end(), [](const Side& side) { return side.stopped; }))
            break;
        QList<Event> events;
        while (events.size() < ProjectionRunner::kDrainInterval) {
            if (settings.limitEvents > 0 && read + events.size() >= settings.limitEvents) {
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
            events.append(std::move(**next));
        }
        read += events.size();
        for (Side& side : sides) {
            if (side.stopped)
                continue;
            ProjectionEngine::Batch batch;
            if (shared) {
                batch.events = events;
            } else {
                for (const Event& event : std::as_const(events)) {
                    if (ProjectionEventReader::selects(side.engine->definition(), scope, event))
                        batch.events.append(event);
                }
            }
            const ProjectionEngine::BatchOutcome fed = side.engine->processBatch(std::move(batch));
            side.outcome.eventsRead += fed.processed;
            if (fed.fault) {
                side.outcome.fault = fed.fault;
                side.stopped = true;
            }
        }
        drop();
        if (events.size() == ProjectionRunner::kDrainInterval && settings.progress && !settings.progress(read)) {
            cancelled = true;
            break;
        }
    }
    drop();
    Many many;
    many.eventsRead = read;
    for (Side& side : sides) {
        side.outcome.cancelled = cancelled;
        many.results.append(ProjectionResults::of(*side.engine, side.outcome));
    }
    return many;
}

} // namespace EventScope
