#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Eventuous's PostgreSQL store (Eventuous/eventuous): `<schema>.messages`, named by `<schema>.streams`, listed from
// `streams` (version = last 0-based position), in any schema (`eventuous` by default). The gap-filling tombstones of
// its subscriptions are hidden. Eventuous keeps no snapshots.
class EventuousStore final : public MappedStore
{
public:
    static constexpr char kName[] = "eventuous";

    // Confidence 90: messages (json_data, json_metadata, stream_position, global_position), streams
    // (stream_name, version) and checkpoints in one schema; one match per schema, storeName = the schema.
    static QList<DialectMatch> detect(Connection& connection);

    EventuousStore(std::unique_ptr<Connection> connection, const QString& schema);

protected:
    Conditions streamCondition(const QString& stream) const override;

private:
    QString m_streamIdOfName; // SQL: the stream_id of a name, one seek on the unique stream_name
};

} // namespace EventScope
