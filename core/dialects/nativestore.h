#pragma once

#include "../store/eventstore.h"

#include <QHash>
#include <memory>
#include <variant>

namespace EventScope {

class SqliteDatabase;

// The dialect of EventScope's own schema (nativeschema.h, docs/native-schema.md) over the
// SQLite backend. Every list is a keyset seek on one of the schema's indexes.
class NativeStore final : public EventStore
{
public:
    // 0: not this schema; 100: EventScope's own marker; 80: the tables and columns match.
    static int detect(SqliteDatabase& database);

    explicit NativeStore(std::unique_ptr<SqliteDatabase> database);
    ~NativeStore() override;

    QString location() const override;
    QString dialectName() const override;

    Result<StoreInfo> describe() override;
    Result<QList<CategoryInfo>> categories(const QString& streamPattern) override;
    Result<QList<StreamInfo>> streams(const StreamQuery& query) override;
    Result<QStringList> eventTypes() override;
    Result<EventPage> readEvents(const EventPageRequest& request) override;
    Result<std::optional<DenseKeys>> denseKeys(const EventFilter& filter) override;
    Result<qint64> scanKeys(const EventFilter& filter, int stride, const KeyScanSink& sink) override;
    Result<std::optional<qint64>> keyAtPosition(const EventFilter& filter, qint64 position) override;
    Result<std::optional<qint64>> keyAtTime(const EventFilter& filter, qint64 timeMs) override;
    Result<QList<Snapshot>> snapshots(const QString& stream) override;
    void interrupt() override;
    void clearInterrupt() override;

    // A query as NativeStore runs it: the SQL and its bound values in order. Public so that a test
    // or a diagnostic can ask SQLite for the plan (EXPLAIN QUERY PLAN) without running the query.
    struct Query
    {
        QString sql;
        QList<std::variant<qint64, QString>> binds;
    };
    // nullopt when the filter matches nothing without a query (an unknown stream, a start past the end).
    // Building a query may run the small lookups the filter needs (a stream's id, a time's position).
    Result<std::optional<Query>> readEventsQuery(const EventPageRequest& request);
    Result<std::optional<Query>> scanKeysQuery(const EventFilter& filter);
    Result<std::optional<Query>> keyAtPositionQuery(const EventFilter& filter, qint64 position);
    static Query positionAtTimeQuery(qint64 timeMs);

private:
    struct WhereClause;
    Result<WhereClause> whereFor(const EventFilter& filter);
    Result<std::optional<qint64>> streamIdOf(const QString& name);
    Result<std::optional<qint64>> positionAtTime(qint64 timeMs);
    Result<qint64> singleInt(const QString& sql);

    std::unique_ptr<SqliteDatabase> m_database;
    struct CategorySize
    {
        qint64 streams = 0;
        qint64 events = 0;
        qint64 totalEvents = 0; // of the whole store
    };
    Result<CategorySize> categorySize(const QString& category);

    QHash<QString, std::optional<qint64>> m_streamIds;
    QHash<QString, CategorySize> m_categorySizes;
    bool m_hasSnapshots = false;
};

} // namespace EventScope
