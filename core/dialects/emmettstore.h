#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Emmett's event store (event-driven-io/emmett) on PostgreSQL and SQLite: `emt_messages` (before 0.36
// `emt_events` with event_* columns) and `emt_streams`, as a mapping. One store may hold several partitions
// (tenants, modules): a stream is (stream_id, partition), shown as `stream_id` in the default partition and as
// `<partition>/<stream_id>` in the others. Emmett keeps no snapshots.
class EmmettStore final : public MappedStore
{
public:
    static constexpr char kName[] = "emmett";
    static constexpr char kPartitionSeparator = '/';

    // Confidence 90: emt_messages (or emt_events) and emt_streams with Emmett's columns. One match per
    // PostgreSQL schema that holds them (storeName = the schema); SQLite holds one.
    static QList<DialectMatch> detect(Connection& connection);

    // Reads the columns and the partitions of the store in `schema` and opens it.
    static std::unique_ptr<EventStore> open(std::unique_ptr<Connection> connection, const QString& schema);

    // The Emmett convention `<type>-<id>`, on the stream id without its partition prefix.
    QString categoryOf(const QString& stream) const override;

protected:
    Conditions streamCondition(const QString& stream) const override;

private:
    EmmettStore(std::unique_ptr<Connection> connection, StoreMapping mapping, QString defaultPartition,
        QStringList prefixedPartitions);

    // The stream id and partition a shown name stands for. A name that begins with a prefixed partition and the
    // separator is that partition's stream (Emmett's ids are `<type>-<id>`, so a default partition's id that looks
    // like a prefix is not expected); any other name is the default partition's. nullopt: no such stream.
    std::optional<std::pair<QString, QString>> streamKey(const QString& stream) const;

    QString m_defaultPartition; // shown without a prefix; empty when every partition is prefixed
    QStringList m_prefixedPartitions; // empty: one partition, names are the stream ids
};

} // namespace EventScope
