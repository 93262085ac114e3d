#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Python eventsourcing (pyeventsourcing/eventsourcing): an application's `<app>_events` and `<app>_snapshots`
// tables on PostgreSQL (several applications in one database, each a store of its own), `stored_events` and
// `stored_snapshots` on SQLite. A mapping over the catalog's columns; the code here is the category rule and
// PostgreSQL's uuid stream ids.
class EventsourcingStore final : public MappedStore
{
public:
    static constexpr char kName[] = "eventsourcing";

    // Confidence 90 for each events table with the library's columns (originator_id, originator_version,
    // topic, state, and on PostgreSQL notification_id); storeName is the application's table prefix on
    // PostgreSQL, empty on SQLite.
    static QList<DialectMatch> detect(Connection& connection);

    // The mapping for the application whose tables are `<prefix>_events` / `<prefix>_snapshots` in `schema`.
    static StoreMapping mappingFor(Connection& connection, const QString& schema, const QString& prefix);

    static std::unique_ptr<EventStore> open(
        std::unique_ptr<Connection> connection, const QString& schema, const QString& prefix);

    // The category of an event, from the topic the library writes for it (`module:QualName`): the aggregate's
    // class, which is the qualified name without its last part, because the library's events are classes nested
    // in their aggregate ("shop.domain:Account.Deposited" -> "Account"). An event class that is not nested
    // gives its module ("shop.events:Deposited" -> "shop.events"); a topic without ':' is its own category.
    static QString categoryOfTopic(QStringView topic);
    // The same rule as SQL over the topic column, for SQLite (which has no regexp_replace) or PostgreSQL.
    static QString categorySql(const QString& topic, bool sqlite);

    // `uuidStreams`: originator_id is a PostgreSQL uuid (the default; POSTGRES_ORIGINATOR_ID_TYPE=text makes it
    // text in later releases).
    EventsourcingStore(std::unique_ptr<Connection> connection, StoreMapping mapping, bool uuidStreams);

    // A stream's name is its aggregate's UUID, which says nothing of its class: the category is in its events'
    // topics (categoryOfTopic), read from the store.
    QString categoryOf(const QString& stream) const override;

protected:
    Result<QList<StreamInfo>> readStreams(const StreamQuery& query) override;

private:
    bool m_uuidStreams;
};

} // namespace EventScope
