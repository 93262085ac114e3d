#pragma once

#include "dialect.h"
#include "mappedstore.h"

namespace EventScope {

// Marten's event store (JasperFx/marten, PostgreSQL): mt_events and mt_streams in the events schema, read as a
// mapping built from the columns the catalog shows (they vary with Marten's version and settings). Snapshots are
// Marten's projected aggregates: rows of mt_doc_* document tables whose numeric mt_version is the stream version.
class MartenStore final : public MappedStore
{
public:
    static constexpr char kName[] = "marten";

    // One match per schema holding mt_events and mt_streams; confidence 90 with Marten's own columns.
    static QList<DialectMatch> detect(Connection& connection);

    // A document table that can hold aggregates: its id's type decides which stream names can match a row.
    struct DocumentTable
    {
        enum class IdKind { Uuid, Text, Integer };
        TableName table;
        IdKind id = IdKind::Text;
        bool hasLastModified = false;
    };

    MartenStore(std::unique_ptr<Connection> connection, StoreMapping mapping, QString eventsSchema,
        QList<DocumentTable> documents);

protected:
    Result<StoreInfo> readInfo() override;
    Result<QList<Snapshot>> readSnapshots(const QString& stream) override;
    // With uuid stream ids, a name that is not a uuid matches no stream (the server would refuse the cast).
    Conditions streamCondition(const QString& stream) const override;

private:
    QString m_eventsSchema;
    bool m_streamIdIsUuid = false;
    QList<DocumentTable> m_documents;
};

} // namespace EventScope
