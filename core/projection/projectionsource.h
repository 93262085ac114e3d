#pragma once

#include "projectiondefinition.h"

#include <core/store/eventstore.h>

#include <optional>
#include <vector>

namespace EventScope {

// Narrows where a run reads: a reducer needs one (it declares no source); for a projection it replaces the
// declared source (e.g. one stream of a fromCategory projection, for time travel). Empty: the declared source.
struct ProjectionScope
{
    QString stream;
    QString category;
    // Ranges on top of the source (the editor's "run over a position range or a time range"): global positions,
    // both inclusive, and times in ms since the epoch, since inclusive and until exclusive. Pushed down to the
    // store where it can take them.
    std::optional<qint64> fromPosition {};
    std::optional<qint64> toPosition {};
    std::optional<qint64> sinceMs {};
    std::optional<qint64> untilMs {};

    bool hasRange() const { return fromPosition || toPosition || sinceMs || untilMs; }
};

// Streams the events a projection reads from an open store, in the order the server delivers them, a keyset
// page at a time: memory stays flat whatever the store's size. Several streams or categories are merged by
// global position. This is the one place that knows the EventStore interface (readEvents with keyset pages).
class ProjectionEventReader
{
public:
    ProjectionEventReader(EventStore& store, const ProjectionDefinition& definition, const ProjectionScope& scope = {});

    // The next event; nullopt at the end.
    Result<std::optional<Event>> next();

    // Whether an event of the log belongs to the source (for callers that hold events already, in log order).
    static bool selects(const ProjectionDefinition& definition, const ProjectionScope& scope, const Event& event);

private:
    struct Cursor
    {
        EventFilter filter;
        QList<Event> page;
        qsizetype index = 0;
        std::optional<qint64> lastKey;
        bool reachedEnd = false;
    };

    Status fill(Cursor& cursor);
    bool accepts(const Event& event) const;

    EventStore& m_store;
    std::vector<Cursor> m_cursors;
    bool m_skipSystemStreams = false;
    ProjectionScope m_scope;
    QStringList m_categories; // the server's category rule, checked on top of the store's own
};

} // namespace EventScope
