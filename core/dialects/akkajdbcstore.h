#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Akka Persistence JDBC (and Pekko Persistence JDBC, the same tables): the 5.x `event_journal` and `snapshot`
// tables, or the 4.x `journal` whose rows are whole serialized envelopes. A mapping over the columns the catalog
// lists; the code here is Akka Typed's category convention and the legacy envelope.
class AkkaJdbcStore final : public MappedStore
{
public:
    static constexpr char kName[] = "akka-jdbc";

    enum class Layout {
        Current, // 5.x: event_journal with event_ser_id / event_ser_manifest / event_payload
        Legacy, // 4.x: journal with `message`, a serialized PersistentRepr
    };

    // Confidence 90: event_journal with its serializer columns and the snapshot table with snapshot_ser_id;
    // 80: event_journal alone; 60: the legacy journal. One match per schema that holds the tables.
    static QList<DialectMatch> detect(Connection& connection);

    // The mapping for the tables of `layout` in `schema`, from the columns the catalog lists.
    static StoreMapping mappingFor(Connection& connection, const QString& schema, Layout layout);

    // Opens the tables of `layout` in `schema` (empty: SQLite) on `connection`.
    static std::unique_ptr<EventStore> open(
        std::unique_ptr<Connection> connection, const QString& schema, Layout layout);

    AkkaJdbcStore(std::unique_ptr<Connection> connection, StoreMapping mapping, Layout layout);

    // Akka Typed names entities "EntityType|entityId": the text before the first '|'; without one, the text
    // before the first '-' (the rule of classic persistence ids such as "account-42").
    QString categoryOf(const QString& stream) const override;

protected:
    // The legacy journal's rows are PersistentRepr envelopes (Akka's MessageFormats.proto): the event's own
    // payload is taken out of it. An envelope that does not parse is shown as stored.
    QByteArray decodePayload(const QByteArray& stored, const PayloadField& field) const override;

private:
    Layout m_layout;
};

} // namespace EventScope
