#pragma once

#include "../store/eventstore.h"
#include "storemapping.h"

namespace EventScope {

// A dialect read from a declaration instead of written in code: StoreMapping says which table holds the events
// and which column or expression gives each field, and MappedStore builds every query from that, for SQLite and
// PostgreSQL alike. Custom mappings are this; so is every library dialect that is "these tables, these
// columns". What a mapping cannot say (a payload envelope, a snapshot document) is a dialect's own code.
class MappedStore : public EventStore
{
public:
    MappedStore(std::unique_ptr<Connection> connection, StoreMapping mapping);
    ~MappedStore() override;

    QString dialectName() const override { return m_mapping.dialect; }
    const StoreMapping& mapping() const { return m_mapping; }

    // The page query, public so that a test can ask the database for its plan. nullopt: matches nothing.
    SqlQuery readEventsQuery(const EventPageRequest& request) const;

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

    // A payload as EventScope shows it; a dialect with an envelope of its own overrides this.
    virtual QByteArray decodePayload(const QByteArray& stored, const PayloadField& field) const;

    // The pieces of SQL every query is built from, for dialects that write a query of their own.
    struct Conditions
    {
        QStringList sql;
        QList<SqlValue> binds;
        QString where() const
        {
            return sql.isEmpty() ? QString() : QStringLiteral(" WHERE ") + sql.join(QStringLiteral(" AND "));
        }
    };

    bool isSqlite() const { return connection().flavour() == SqlFlavour::Sqlite; }
    QString table(const TableName& name) const;
    // "table [AS alias] [joins]", what follows FROM.
    QString from(const TableName& name, const QString& alias, const QString& joins) const;
    QString eventsFrom() const;
    QString eventTimeMs() const { return m_eventTime; }
    QString timeMs(const TimeField& field, const QStringList& integerColumns) const;
    QString orderKey(const EventFilter& filter) const;
    // Every condition of `filter` on the events, the mapping's own `where` included.
    Conditions conditionsFor(const EventFilter& filter) const;
    // The condition that picks one stream's events: `(stream) = ?` by default. A dialect whose stream name is
    // not one indexed column (a name from a joined table, a partition prefix) overrides it with a form its
    // indexes can seek, so that a stream's page stays an index seek.
    virtual Conditions streamCondition(const QString& stream) const;
    std::optional<QString> patternCondition(const QString& expression, const QString& pattern) const;

private:
    Result<QList<StreamInfo>> readStreamsFromStreamTable(const StreamQuery& query);

    StoreMapping m_mapping;
    QString m_eventTime; // the events' time in ms since the epoch, as SQL
    QString m_snapshotTime; // the same for snapshots
    QString m_streamTime; // a stream's last time, from the streams table
};

} // namespace EventScope
