#include "eventstore.h"

#include "../model/category.h"
#include "../model/streampattern.h"

#include <QMap>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Ends the connection's read when a public call returns, on every path.
class ReadScope
{
public:
    explicit ReadScope(Connection& connection)
        : m_connection(connection)
    { }
    ~ReadScope() { m_connection.endRead(); }
    ReadScope(const ReadScope&) = delete;
    ReadScope& operator=(const ReadScope&) = delete;

private:
    Connection& m_connection;
};

std::optional<StoreError> checkLimit(std::optional<int> limit)
{
    if (!limit || *limit >= 0)
        return std::nullopt;
    return StoreError { StoreError::Kind::InvalidArgument, u"a limit cannot be negative (%1)"_s.arg(*limit) };
}

} // namespace

EventStore::EventStore(std::unique_ptr<Connection> connection)
    : m_connection(std::move(connection))
{ }

EventStore::~EventStore() = default;

QString EventStore::categoryOf(const QString& stream) const
{
    return defaultCategoryOf(stream);
}

Result<QString> EventStore::streamCategory(const QString& stream)
{
    EventPageRequest request;
    request.filter.stream = stream;
    request.limit = 1;
    const Result<EventPage> first = readEvents(request);
    if (!first)
        return first.error();
    return first->events.isEmpty() ? categoryOf(stream) : first->events.constFirst().category;
}

Result<StoreInfo> EventStore::describe()
{
    const ReadScope scope(*m_connection);
    return readInfo();
}

Result<QList<CategoryInfo>> EventStore::categories(const CategoryQuery& query)
{
    const ReadScope scope(*m_connection);
    if (auto error = StreamPattern::check(query.pattern))
        return *error;
    if (auto error = checkLimit(query.limit))
        return *error;
    if (query.limit == 0)
        return QList<CategoryInfo>();
    return readCategories(query);
}

Result<QList<StreamInfo>> EventStore::streams(const StreamQuery& query)
{
    const ReadScope scope(*m_connection);
    if (auto error = StreamPattern::check(query.pattern))
        return *error;
    if (auto error = checkLimit(query.limit))
        return *error;
    if (query.limit == 0)
        return QList<StreamInfo>();
    return readStreams(query);
}

Result<QStringList> EventStore::eventTypes()
{
    const ReadScope scope(*m_connection);
    return readEventTypes();
}

Result<EventPage> EventStore::readEvents(const EventPageRequest& request)
{
    const ReadScope scope(*m_connection);
    if (request.limit <= 0)
        return EventPage { {}, true };
    return readPage(request);
}

Result<std::optional<DenseKeys>> EventStore::denseKeys(const EventFilter& filter)
{
    const ReadScope scope(*m_connection);
    return readDenseKeys(filter);
}

Result<qint64> EventStore::scanKeys(const EventFilter& filter, int stride, const KeyScanSink& sink)
{
    const ReadScope scope(*m_connection);
    if (stride < 1)
        return StoreError { StoreError::Kind::InvalidArgument,
            u"a key scan needs a stride of at least 1, not %1"_s.arg(stride) };
    return readKeys(filter, stride, sink);
}

Result<std::optional<qint64>> EventStore::keyAtPosition(const EventFilter& filter, qint64 position)
{
    const ReadScope scope(*m_connection);
    return readKeyAtPosition(filter, position);
}

Result<std::optional<qint64>> EventStore::keyAtTime(const EventFilter& filter, qint64 timeMs)
{
    const ReadScope scope(*m_connection);
    return readKeyAtTime(filter, timeMs);
}

Result<QList<Snapshot>> EventStore::snapshots(const QString& stream)
{
    const ReadScope scope(*m_connection);
    return readSnapshots(stream);
}

Result<QStringList> EventStore::explain(const SqlQuery& query)
{
    const ReadScope scope(*m_connection);
    return m_connection->explain(query);
}

Result<QList<StreamInfo>> EventStore::readStreamsMatchedHere(const StreamQuery& query)
{
    const StreamPattern pattern(query.pattern);
    QList<StreamInfo> result;
    StreamQuery page { {}, query.category, query.after, 1000 };
    for (;;) {
        auto streams = readStreams(page);
        if (!streams)
            return streams.error();
        for (const StreamInfo& stream : std::as_const(*streams)) {
            if (!pattern.matches(stream.stream))
                continue;
            result.append(stream);
            if (query.limit && result.size() >= *query.limit)
                return result;
        }
        if (streams->size() < *page.limit)
            return result;
        page.after = streams->constLast().stream;
        if (m_connection->isInterrupted())
            return StoreError::cancelled();
    }
}

QList<CategoryInfo> EventStore::groupIntoCategories(const QList<StreamInfo>& streams, const CategoryQuery& query)
{
    QMap<QString, CategoryInfo> byName;
    for (const StreamInfo& stream : streams) {
        if (query.after && stream.category <= *query.after)
            continue;
        CategoryInfo& category = byName[stream.category];
        category.category = stream.category;
        category.streams.value += 1;
        category.events.value += stream.events.value;
    }
    QList<CategoryInfo> result;
    for (const CategoryInfo& category : std::as_const(byName)) {
        if (query.limit && result.size() >= *query.limit)
            break;
        result.append(category);
    }
    return result;
}

void EventStore::interrupt()
{
    m_connection->interrupt();
}

void EventStore::clearInterrupt()
{
    m_connection->clearInterrupt();
}

} // namespace EventScope
