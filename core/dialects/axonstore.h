#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Axon Framework 4's event store tables on PostgreSQL, as the JPA engine names them (domain_event_entry,
// snake_case columns) or as the JDBC engine's unquoted names fold (domainevententry, globalindex): whichever the
// catalog lists. A stream is an aggregate (aggregate_identifier), its category the aggregate type. Payloads
// are XStream XML (an event's shown indented, a snapshot's read as JSON by xstreamToJson) or Jackson JSON, in
// bytea or in large objects (oid columns); the code here is that payload handling.
class AxonStore final : public MappedStore
{
public:
    static constexpr char kName[] = "axon";

    // One match per schema holding an Axon 4 domain event table; storeName = the schema.
    static QList<DialectMatch> detect(Connection& connection);
    static std::optional<StoreMapping> mappingFor(Connection& connection, const QString& schema);

    // XML made readable (one element a line, indented); anything that is not well-formed XML as it is.
    static QByteArray indentedXml(const QByteArray& xml);

    AxonStore(std::unique_ptr<Connection> connection, StoreMapping mapping);

protected:
    QByteArray decodePayload(const QByteArray& stored, const PayloadField& field) const override;
};

} // namespace EventScope
