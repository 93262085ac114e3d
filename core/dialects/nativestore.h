#pragma once

#include "../store/textcache.h"

#include "../store/eventstore.h"
#include "dialect.h"

#include <QHash>
#include <memory>

namespace EventScope {

// The dialect of EventScope's own schema (nativeschema.h, docs/native-schema.md), on SQLite and on
// PostgreSQL. Every list is a keyset seek on one of the schema's indexes.
class NativeStore final : public EventStore
{
public:
    static constexpr char kName[] = "eventscope";

    // Confidence 100: EventScope's own marker; 80: the tables and columns match.
    static QList<DialectMatch> detect(Connection& connection);

    // `schema` qualifies the tables on PostgreSQL (empty: the search path).
    NativeStore(std::unique_ptr<Connection> connection, QString schema = {});
    ~NativeStore() override;

    QString dialectName() const override;

    // The queries NativeStore runs, public so that a test or a diagnostic can ask the database for their plan
    // without running them. nullopt when the filter matches nothing without a query (an unknown stream, a
    // start past the end). Building a query may run the small lookups it needs (a stream's id, a time's
    // position).
    Result<std::optional<SqlQuery>> readEventsQuery(const EventPageRequest& request);
    Result<std::optional<SqlQuery>> scanKeysQuery(const EventFilter& filter);
    Result<std::optional<SqlQuery>> keyAtPositionQuery(const EventFilter& filter, qint64 position);
    SqlQuery positionAtTimeQuery(qint64 timeMs) const;

protected:
    Result<StoreInfo> readInfo() override;
    Result<QList<CategoryInfo>> readCategories(const CategoryQuery& query) override;
    Result<QList<StreamInfo>> readStreams(const StreamQuery& query) override;
    Result<QStringList> readEventTypes() override;
    Result<EventPage> readPage(const EventPageRequest& request) override;
    Result<std::optional<DenseKeys>> readDenseKeys(const EventFilter& filter) override;
    Result<qint64> readKeys(const EventFilter& filter, int stride, const KeyScanSink& sink) override;
    Result<std::optional<qint64>> readKeyAtPosition(const EventFilter& filter, qint64 position) override;
    Result<std::optional<qint64>> readKeyAtTime(const EventFilter& filter, qint64 timeMs) override;
    Result<QList<Snapshot>> readSnapshots(const QString& stream) override;

private:
    struct WhereClause;
    struct CategorySize
    {
        qint64 streams = 0;
        qint64 events = 0;
        qint64 totalEvents = 0; // of the whole store
    };

    bool isSqlite() const { return connection().flavour() == SqlFlavour::Sqlite; }

    // Strings reused across rows (types and categories repeat; stream names recur).
    TextCache m_streamNames { 16384 };
    TextCache m_shortTexts { 256 };
    // A table name qualified by the store's schema.
    QString table(const char* name) const;
    QString categoryExpression() const;
    QString categoryMembers() const;
    // The SQL condition for "name matches the stream pattern", or nullopt when the backend reads the pattern
    // differently and the match is done here instead.
    std::optional<QString> patternCondition(const QString& pattern) const;
    // `streamsJoined`: the query joins the streams table as `s` (a page of events), so a large category can be
    // tested on the joined row instead of through a list of stream ids.
    Result<WhereClause> whereFor(const EventFilter& filter, bool streamsJoined = false);
    Result<std::optional<qint64>> streamIdOf(const QString& name);
    Result<std::optional<qint64>> positionAtTime(qint64 timeMs);
    Result<CategorySize> categorySize(const QString& category);
    Result<QList<CategoryInfo>> readCategoryNames(const CategoryQuery& query);

    QString m_schema;
    QHash<QString, std::optional<qint64>> m_streamIds;
    QHash<QString, CategorySize> m_categorySizes;
    bool m_hasSnapshots = false;
};

} // namespace EventScope
