#include "projectionsource.h"

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {
// Events per keyset page: large enough that the query cost is spread thin, small enough to stay a few MB.
constexpr int kPageSize = 4096;
} // namespace

ProjectionEventReader::ProjectionEventReader(
    EventStore& store, const ProjectionDefinition& definition, const ProjectionScope& scope)
    : m_store(store)
    , m_scope(scope)
{
    const auto addCursor = [this, &scope](const QString& stream, const QString& category) {
        Cursor cursor;
        cursor.filter.stream = stream;
        cursor.filter.category = category;
        cursor.filter.sinceMs = scope.sinceMs;
        cursor.filter.untilMs = scope.untilMs;
        // The log and categories are read in global order: a position range is where their pages start.
        if (scope.fromPosition && cursor.filter.orderKey() == OrderKey::GlobalPosition)
            cursor.lastKey = *scope.fromPosition - 1;
        m_cursors.push_back(std::move(cursor));
    };
    const auto addStream = [&addCursor](const QString& stream) { addCursor(stream, {}); };
    const auto addCategory = [this, &addCursor](const QString& category) {
        addCursor({}, category);
        m_categories.append(category);
    };
    if (!scope.stream.isEmpty()) {
        addStream(scope.stream);
    } else if (!scope.category.isEmpty()) {
        addCategory(scope.category);
    } else {
        switch (definition.source) {
        case ProjectionDefinition::Source::All:
        case ProjectionDefinition::Source::Unspecified:
            addCursor({}, {});
            m_skipSystemStreams = true;
            break;
        case ProjectionDefinition::Source::Streams:
            for (const QString& stream : definition.streams)
                addStream(stream);
            break;
        case ProjectionDefinition::Source::Categories:
            for (const QString& category : definition.categories)
                addCategory(category);
            break;
        }
    }
}

Status ProjectionEventReader::fill(Cursor& cursor)
{
    EventPageRequest request;
    request.filter = cursor.filter;
    request.direction = ReadDirection::Forward;
    if (cursor.lastKey)
        request.start = KeyBound { *cursor.lastKey, false };
    request.limit = kPageSize;
    Result<EventPage> page = m_store.readEvents(request);
    if (!page)
        return page.error();
    cursor.page = std::move(page->events);
    cursor.index = 0;
    cursor.reachedEnd = page->reachedEnd || cursor.page.isEmpty();
    if (!cursor.page.isEmpty())
        cursor.lastKey = orderKeyOf(cursor.page.constLast(), cursor.filter.orderKey());
    return Done {};
}

bool ProjectionEventReader::accepts(const Event& event) const
{
    if ((m_scope.fromPosition && event.position < *m_scope.fromPosition)
        || (m_scope.toPosition && event.position > *m_scope.toPosition))
        return false;
    if (m_skipSystemStreams && event.stream.startsWith(u'$'))
        return false;
    if (!m_categories.isEmpty()) {
        // The server's $by_category: the text before the first '-'; a name without one has no category.
        const qsizetype dash = event.stream.indexOf(u'-');
        if (dash <= 0 || !m_categories.contains(QStringView(event.stream).left(dash)))
            return false;
    }
    return true;
}

bool ProjectionEventReader::selects(
    const ProjectionDefinition& definition, const ProjectionScope& scope, const Event& event)
{
    const auto inCategory = [&event](const QStringList& categories) {
        const qsizetype dash = event.stream.indexOf(u'-');
        return dash > 0 && categories.contains(QStringView(event.stream).left(dash));
    };
    if (!scope.stream.isEmpty())
        return event.stream == scope.stream;
    if (!scope.category.isEmpty())
        return inCategory({ scope.category });
    switch (definition.source) {
    case ProjectionDefinition::Source::All:
    case ProjectionDefinition::Source::Unspecified:
        return !event.stream.startsWith(u'$');
    case ProjectionDefinition::Source::Streams:
        return definition.streams.contains(event.stream);
    case ProjectionDefinition::Source::Categories:
        return inCategory(definition.categories);
    }
    return false;
}

Result<std::optional<Event>> ProjectionEventReader::next()
{
    while (true) {
        Cursor* earliest = nullptr;
        for (Cursor& cursor : m_cursors) {
            if (cursor.index >= cursor.page.size() && !cursor.reachedEnd) {
                if (Status filled = fill(cursor); !filled)
                    return filled.error();
            }
            if (cursor.index >= cursor.page.size())
                continue;
            if (!earliest || cursor.page.at(cursor.index).position < earliest->page.at(earliest->index).position)
                earliest = &cursor;
        }
        if (!earliest)
            return std::optional<Event>();
        // Past the end of a position range in global order: nothing later can be in it.
        if (m_scope.toPosition && earliest->filter.orderKey() == OrderKey::GlobalPosition
            && earliest->page.at(earliest->index).position > *m_scope.toPosition) {
            earliest->page.clear();
            earliest->index = 0;
            earliest->reachedEnd = true;
            continue;
        }
        Event event = std::move(earliest->page[earliest->index++]);
        if (accepts(event))
            return std::optional<Event>(std::move(event));
    }
}

} // namespace EventScope
