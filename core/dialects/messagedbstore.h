#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Message DB (message-db/message-db, PostgreSQL): one table, message_store.messages, read as a mapping. Streams
// exist only as names (no counts table), so they are listed by a grouped scan. Snapshots follow Eventide's
// entity-snapshot convention: `Recorded` messages in the stream `<category>:snapshot-<id>` of stream
// `<category>-<id>`. Those snapshot streams stay visible as messages, grouped in their own `<category>:snapshot`
// category, the way Message DB's category() names them.
class MessageDbStore final : public MappedStore
{
public:
    static constexpr char kName[] = "message-db";

    // Confidence 90 with the message_store_version() marker function, 60 for the table and columns alone.
    static QList<DialectMatch> detect(Connection& connection);

    MessageDbStore(std::unique_ptr<Connection> connection, StoreMapping mapping);

    // The snapshot stream of an entity stream: "account-42" -> "account:snapshot-42",
    // "account:command-42" -> "account:command+snapshot-42"; empty for a name without an id (a category).
    static QString snapshotStreamOf(const QString& stream);

protected:
    Result<StoreInfo> readInfo() override;
    Result<QList<Snapshot>> readSnapshots(const QString& stream) override;
};

} // namespace EventScope
