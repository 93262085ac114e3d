#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// The tables of Commanded's EventStore (commanded/eventstore, Elixir, PostgreSQL): `events` joined through
// `stream_events` to `streams`, in any schema. Each event is read once, from the row of its source stream; its
// global position is the version of its row in the `$all` stream (stream_id 0). A mapping says all of it; the
// code here is the stream-name convention for categories.
class CommandedStore final : public MappedStore
{
public:
    static constexpr char kName[] = "commanded";

    // One match per schema holding streams, events, stream_events (with original_stream_id) and
    // schema_migrations; storeName = the schema.
    static QList<DialectMatch> detect(Connection& connection);

    // The mapping of the store in `schema`, from the columns the catalog lists; nullopt when it is not one.
    static std::optional<StoreMapping> mappingFor(Connection& connection, const QString& schema);

    // Commanded names a stream by the aggregate's identity with an optional prefix ("account-" + id). The category
    // is the text before the first '-', as in Message DB and KurrentDB ("order-Ünïcødé-7-b" -> "order"), taken
    // after a trailing UUID and its separator are cut off ("account:<uuid>" -> "account"); a bare UUID's category
    // is "(uuid)", a name without '-' is its own category.
    static QString commandedCategoryOf(QStringView stream);
    // The same rule as SQL over a text expression, so that category filters run in the database.
    static QString categorySql(const QString& stream);

    CommandedStore(std::unique_ptr<Connection> connection, StoreMapping mapping);

    QString categoryOf(const QString& stream) const override { return commandedCategoryOf(stream); }

protected:
    // The counts from the library's own bookkeeping: the `$all` stream's rows (one per event, an index-only
    // count) and the streams table, so that `info` agrees with the streams listed without joining every event.
    Result<StoreInfo> readInfo() override;
};

} // namespace EventScope
