#include <clirunner.h>
#include <core/dialects/emmettstore.h>
#include <core/dialects/mappedstore.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

// Emmett's PostgreSQL tables as store-schemas.md §7.1 describes them: both tables LIST-partitioned by
// partition, each partition sub-partitioned by is_archived, leaves named like emt_add_table_partition names
// them. `pollIndexes` adds the indexes of Emmett 0.42.3/0.42.4 (global_position alone, and
// (transaction_id, global_position)); without it the table has the one index of 0.44 (the pair).
QString emmettPostgresDdl(const QStringList& partitions, bool globalPositionIndex)
{
    QString sql = u"CREATE SEQUENCE emt_global_message_position;"
                  "CREATE TABLE emt_streams (stream_id text NOT NULL, stream_position bigint NOT NULL,"
                  " partition text NOT NULL DEFAULT 'emt:default', stream_type text NOT NULL,"
                  " stream_metadata jsonb NOT NULL, is_archived boolean NOT NULL DEFAULT false,"
                  " PRIMARY KEY (stream_id, partition, is_archived)) PARTITION BY LIST (partition);"
                  "CREATE TABLE emt_messages (stream_position bigint NOT NULL,"
                  " global_position bigint DEFAULT nextval('emt_global_message_position'),"
                  " transaction_id xid8 NOT NULL, created timestamptz NOT NULL DEFAULT now(),"
                  " is_archived boolean NOT NULL DEFAULT false, message_kind varchar(1) NOT NULL DEFAULT 'E',"
                  " stream_id text NOT NULL, partition text NOT NULL DEFAULT 'emt:default',"
                  " message_schema_version text NOT NULL, message_id text NOT NULL, message_type text NOT NULL,"
                  " message_data jsonb NOT NULL, message_metadata jsonb NOT NULL,"
                  " PRIMARY KEY (stream_id, stream_position, partition, is_archived)) PARTITION BY LIST (partition);"
                  "CREATE INDEX idx_messages_transaction_id_global_position"
                  " ON emt_messages (transaction_id, global_position);"_s;
    if (globalPositionIndex)
        sql += u"CREATE INDEX idx_messages_global_position ON emt_messages (global_position);"_s;
    for (const QString& partition : partitions) {
        const QString leaf = QString(partition).replace(u':', u'_').replace(u'-', u'_');
        for (const QString& table : { u"emt_messages"_s, u"emt_streams"_s }) {
            sql += u"CREATE TABLE %1_%2 PARTITION OF %1 FOR VALUES IN ('%3') PARTITION BY LIST (is_archived);"
                   "CREATE TABLE %1_%2_active PARTITION OF %1_%2 FOR VALUES IN (false);"
                   "CREATE TABLE %1_%2_archived PARTITION OF %1_%2 FOR VALUES IN (true);"_s.arg(table, leaf, partition);
        }
    }
    return sql;
}

// 20 000 events in 20 streams of the default partition (shopping_cart-1..20, 1 000 each, global positions
// 1..20000, one second apart from 2024-01-01), then partition tenant-a: shopping_cart-1 (positions 20001,
// 20002) and order-7 (an event at 20003 and a workflow's command at 20004); then an archived earlier life of
// the default shopping_cart-1 (20005..20007), which is hidden; then invoice-1..5 in tenant-a, 1 000 each, at
// global positions 30001..35000, one second apart from 2024-04-01.
QString emmettPostgresData()
{
    return u"INSERT INTO emt_messages (stream_id, stream_position, partition, global_position, transaction_id,"
           " created, message_type, message_id, message_data, message_metadata, message_schema_version)"
           " SELECT 'shopping_cart-' || ((g - 1) / 1000 + 1), (g - 1) % 1000 + 1, 'emt:default', g,"
           " pg_current_xact_id(), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',"
           " CASE WHEN (g - 1) % 1000 = 0 THEN 'ShoppingCartOpened' ELSE 'ProductItemAdded' END, 'm-' || g,"
           " jsonb_build_object('n', g), jsonb_build_object('messageId', 'm-' || g), '1'"
           " FROM generate_series(1, 20000) AS g;"
           "INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata)"
           " SELECT 'shopping_cart-' || i, 1000, 'emt:default', 'shopping_cart', '{}' FROM generate_series(1, 20) AS i;"
           "INSERT INTO emt_messages (stream_id, stream_position, partition, global_position, transaction_id,"
           " created, message_kind, message_type, message_id, message_data, message_metadata,"
           " message_schema_version, is_archived) VALUES"
           " ('shopping_cart-1', 1, 'tenant-a', 20001, pg_current_xact_id(), '2024-02-01 00:00:01+00', 'E',"
           "  'ShoppingCartOpened', 'a-1', '{\"tenant\": 1}', '{}', '1', false),"
           " ('shopping_cart-1', 2, 'tenant-a', 20002, pg_current_xact_id(), '2024-02-01 00:00:02+00', 'E',"
           "  'ProductItemAdded', 'a-2', '{\"tenant\": 2}', '{}', '1', false),"
           " ('order-7', 1, 'tenant-a', 20003, pg_current_xact_id(), '2024-02-01 00:00:03+00', 'E',"
           "  'OrderPlaced', 'a-3', '{\"total\": 30}', '{\"correlationId\": \"c-1\"}', '1', false),"
           " ('order-7', 2, 'tenant-a', 20004, pg_current_xact_id(), '2024-02-01 00:00:04+00', 'C',"
           "  'ConfirmOrder', 'a-4', '{\"order\": 7}', '{}', '1', false),"
           " ('shopping_cart-1', 1, 'emt:default', 20005, pg_current_xact_id(), '2024-03-01 00:00:00+00', 'E',"
           "  'ShoppingCartOpened', 'old-1', '{}', '{}', '1', true),"
           " ('shopping_cart-1', 2, 'emt:default', 20006, pg_current_xact_id(), '2024-03-01 00:00:01+00', 'E',"
           "  'ProductItemAdded', 'old-2', '{}', '{}', '1', true),"
           " ('shopping_cart-1', 3, 'emt:default', 20007, pg_current_xact_id(), '2024-03-01 00:00:02+00', 'E',"
           "  'ShoppingCartClosed', 'old-3', '{}', '{}', '1', true);"
           "INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata,"
           " is_archived) VALUES ('shopping_cart-1', 2, 'tenant-a', 'shopping_cart', '{}', false),"
           " ('order-7', 2, 'tenant-a', 'order', '{}', false),"
           " ('shopping_cart-1', 3, 'emt:default', 'shopping_cart', '{}', true);"
           "INSERT INTO emt_messages (stream_id, stream_position, partition, global_position, transaction_id,"
           " created, message_type, message_id, message_data, message_metadata, message_schema_version)"
           " SELECT 'invoice-' || ((g - 1) / 1000 + 1), (g - 1) % 1000 + 1, 'tenant-a', 30000 + g,"
           " pg_current_xact_id(), timestamptz '2024-04-01 00:00:00+00' + g * interval '1 second', 'InvoiceLine',"
           " 'i-' || g, jsonb_build_object('line', g), '{}', '1' FROM generate_series(1, 5000) AS g;"
           "INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata)"
           " SELECT 'invoice-' || i, 1000, 'tenant-a', 'invoice', '{}' FROM generate_series(1, 5) AS i;"
           "SELECT setval('emt_global_message_position', 35000);"
           "ANALYZE;"_s;
}

QString sqliteExec(const QString& path, const QString& sql)
{
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(path).constData(), &db);
    char* message = nullptr;
    QString error;
    if (sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &message) != SQLITE_OK)
        error = QString::fromUtf8(message);
    sqlite3_free(message);
    sqlite3_close(db);
    return error;
}

// Emmett's SQLite tables (§7.2). emt_streams' partition holds what Emmett's SQLite append really writes
// there, a placeholder instead of the messages' partition (store-schemas.md §11).
const char* const kEmmettSqliteDdl
    = "CREATE TABLE emt_streams (stream_id TEXT NOT NULL, stream_position BIGINT NOT NULL DEFAULT 0,"
      " partition TEXT NOT NULL DEFAULT 'global', stream_type TEXT NOT NULL, stream_metadata JSONB NOT NULL,"
      " is_archived BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (stream_id, partition, is_archived),"
      " UNIQUE (stream_id, partition, is_archived));"
      "CREATE TABLE emt_messages (stream_id TEXT NOT NULL, stream_position BIGINT NOT NULL,"
      " partition TEXT NOT NULL DEFAULT 'global', message_kind CHAR(1) NOT NULL DEFAULT 'E',"
      " message_data JSONB NOT NULL, message_metadata JSONB NOT NULL, message_schema_version TEXT NOT NULL,"
      " message_type TEXT NOT NULL, message_id TEXT NOT NULL, is_archived BOOLEAN NOT NULL DEFAULT FALSE,"
      " global_position INTEGER PRIMARY KEY, created DATETIME DEFAULT CURRENT_TIMESTAMP,"
      " UNIQUE (stream_id, stream_position, partition, is_archived));";

// Six messages in four streams named with several dashes, spaces and non-ASCII characters, two in the default
// partition and two in tenant-a (a partition whose own name has a '-'), as Emmett's append writes them on either
// backend (SQLite's emt_streams gets its placeholder partition).
QString namedStreamRows(bool sqlite)
{
    const QString transaction = sqlite ? QString() : u", pg_current_xact_id()"_s;
    return uR"(
INSERT INTO emt_messages (stream_id, stream_position, partition, global_position, message_type, message_id,
    message_data, message_metadata, message_schema_version%1) VALUES
 ('order-Ünïcødé 7-b', 1, 'emt:default', 1, 'OrderPlaced', 'n-1', '{"n": 1}', '{}', '1'%2),
 ('Ünïcødé ördér', 1, 'emt:default', 2, 'Noted', 'n-2', '{"n": 2}', '{}', '1'%2),
 ('order-x', 1, 'tenant-a', 3, 'OrderPlaced', 'n-3', '{"n": 3}', '{}', '1'%2),
 ('Ünïcødé Cart-7-b', 1, 'tenant-a', 4, 'CartOpened', 'n-4', '{"n": 4}', '{}', '1'%2),
 ('order-Ünïcødé 7-b', 2, 'emt:default', 5, 'OrderShipped', 'n-5', '{"n": 5}', '{}', '1'%2),
 ('Ünïcødé Cart-7-b', 2, 'tenant-a', 6, 'ItemAdded', 'n-6', '{"n": 6}', '{}', '1'%2);
INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata) VALUES
 ('order-Ünïcødé 7-b', 2, %3, 'order', '{}'),
 ('Ünïcødé ördér', 1, %3, 'Ünïcødé ördér', '{}'),
 ('order-x', 1, %4, 'order', '{}'),
 ('Ünïcødé Cart-7-b', 2, %4, 'Ünïcødé Cart', '{}');
)"_s.arg(sqlite ? QString() : u", transaction_id"_s, transaction, sqlite ? u"'[object Object]'"_s : u"'emt:default'"_s,
        sqlite ? u"'[object Object]'"_s : u"'tenant-a'"_s);
}

bool isSortOrSeqScan(const QString& line)
{
    const QString step = line.trimmed().remove(QRegularExpression(u"^->\\s*"_s));
    // A sort step, not the "Sort Key" line of a Merge Append that merges index scans.
    return step.contains(QRegularExpression(u"^(Incremental )?Sort\\s+\\("_s)) || step.startsWith(u"Seq Scan"_s);
}

} // namespace

// Emmett's tables on PostgreSQL (partitioned, two partitions, archived rows, a command) and on SQLite (one
// partition, and two): detected with no options, exact counts, streams, categories, pages both ways, decoded
// payloads, index-seek plans, and not one row written.
class TestEmmettDialect : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    PostgresServer::Counters m_before;
    QTemporaryDir m_dir;

    QString sqlitePath(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QCOMPARE(sqliteExec(sqlitePath("emmett.sqlite"),
                     QString::fromLatin1(kEmmettSqliteDdl)
                         + u"INSERT INTO emt_messages (stream_id, stream_position, partition, message_kind,"
                           " message_data, message_metadata, message_schema_version, message_type, message_id,"
                           " is_archived, global_position, created) VALUES"
                           " ('shopping_cart-1', 1, 'emt:default', 'E', '{\"a\":1}', '{}', '0', 'Opened', 'id-1',"
                           "  0, 1, '2024-05-01 10:00:00'),"
                           " ('order-7', 1, 'emt:default', 'E', '{\"b\":2}', '{}', '0', 'OrderPlaced', 'id-2',"
                           "  0, 2, '2024-05-01 10:00:01'),"
                           " ('shopping_cart-1', 2, 'emt:default', 'E', '{not json', '{}', '0', 'Added', 'id-3',"
                           "  0, 3, '2024-05-01 10:00:02.5'),"
                           " ('order-7', 1, 'emt:default', 'E', '{}', '{}', '0', 'OrderPlaced', 'old', 1, 4,"
                           "  '2024-05-01 10:00:03'),"
                           " ('order-7', 2, 'emt:default', 'C', '{\"c\":3}', '{}', '0', 'ShipOrder', 'id-5', 0, 6,"
                           "  '2024-05-01 10:00:04');"
                           "INSERT INTO emt_streams VALUES ('shopping_cart-1', 2, '[object Object]', 'cart', '[]', 0),"
                           " ('order-7', 2, '[object Object]', 'order', '[]', 0),"
                           " ('order-7', 1, '[object Object]', 'order', '[]', 1);"_s),
            QString());
        QCOMPARE(sqliteExec(sqlitePath("partitions.sqlite"),
                     QString::fromLatin1(kEmmettSqliteDdl)
                         + u"INSERT INTO emt_messages (stream_id, stream_position, partition, message_data,"
                           " message_metadata, message_schema_version, message_type, message_id, global_position,"
                           " created) VALUES"
                           " ('cart-1', 1, 'emt:default', '{}', '{}', '0', 'Opened', 'x1', 1, '2024-05-01 10:00:00'),"
                           " ('cart-1', 1, 'tenant-b', '{}', '{}', '0', 'Opened', 'x2', 2, '2024-05-01 10:00:01'),"
                           " ('cart-1', 2, 'tenant-b', '{}', '{}', '0', 'Added', 'x3', 3, '2024-05-01 10:00:02');"
                           "INSERT INTO emt_streams VALUES ('cart-1', 1, '[object Object]', 'cart', '[]', 0),"
                           " ('cart-1', 2, 'global', 'cart', '[]', 0);"_s),
            QString());

        if (PostgresServer::disabledByEnvironment())
            return;
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"emmett"_s), QString());
        QCOMPARE(m_server.exec(
                     emmettPostgresDdl({ u"emt:default"_s, u"tenant-a"_s }, true) + emmettPostgresData(), u"emmett"_s),
            QString());
        QCOMPARE(m_server.createDatabase(u"legacy"_s), QString());
        // Before 0.36: emt_events with event_* columns, one partition.
        QCOMPARE(m_server.exec(u"CREATE TABLE emt_streams (stream_id text NOT NULL, stream_position bigint NOT NULL,"
                               " partition text NOT NULL DEFAULT 'global', stream_type text NOT NULL,"
                               " stream_metadata jsonb NOT NULL, is_archived boolean NOT NULL DEFAULT false,"
                               " PRIMARY KEY (stream_id, partition, is_archived));"
                               "CREATE TABLE emt_events (stream_position bigint NOT NULL, global_position bigint,"
                               " transaction_id xid8 NOT NULL, created timestamptz NOT NULL DEFAULT now(),"
                               " is_archived boolean NOT NULL DEFAULT false, stream_id text NOT NULL,"
                               " partition text NOT NULL DEFAULT 'global', event_schema_version text NOT NULL,"
                               " event_id text NOT NULL, event_type text NOT NULL, event_data jsonb NOT NULL,"
                               " event_metadata jsonb NOT NULL,"
                               " PRIMARY KEY (stream_id, stream_position, partition, is_archived));"
                               "INSERT INTO emt_events VALUES (1, 1, pg_current_xact_id(), '2023-06-01 12:00:00+00',"
                               " false, 'room-1', 'global', '1', 'e-1', 'RoomBooked', '{\"guest\": \"ana\"}', '{}');"
                               "INSERT INTO emt_streams VALUES ('room-1', 1, 'global', 'room', '{}', false);"_s,
                     u"legacy"_s),
            QString());
        QTRY_COMPARE(m_server.otherSessions(u"emmett"_s), 0);
        m_before = m_server.counters(u"emmett"_s);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        QVERIFY(m_server.counters(u"emmett"_s).writesEqual(m_before));
    }

    void postgresStoreIsDetectedWithoutOptions()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"emmett"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"emmett"_s);
        QCOMPARE(opened->match.confidence, 90);
        QCOMPARE(opened->match.storeName, u"public"_s);
        QCOMPARE(opened->found.size(), 1);
        QCOMPARE(opened->store->dialectName(), u"emmett"_s);
    }

    void postgresCountsStreamsAndCategoriesAreExact()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        auto store = openStore(m_server.uri(u"emmett"_s));
        QVERIFY(store);
        const auto info = (*store)->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 25004); // the 3 archived rows are hidden
        QCOMPARE(info->streams, 27);
        QCOMPARE(info->categories, 3);
        QCOMPARE(info->snapshots, 0);
        QCOMPARE(*info->firstPosition, 1);
        QCOMPARE(*info->lastPosition, 35000);
        QCOMPARE(*info->firstTimeMs, 1704067200000 + 1000);
        QCOMPARE(*info->lastTimeMs, 1711934600000);

        const auto tenant = (*store)->streams({ u"^tenant-a/(order|shopping)"_s, {}, {}, {} });
        QVERIFY2(tenant, tenant ? "" : qPrintable(tenant.error().message));
        QCOMPARE(tenant->size(), 2);
        QCOMPARE(tenant->at(0).stream, u"tenant-a/order-7"_s);
        QCOMPARE(tenant->at(0).category, u"order"_s);
        QCOMPARE(tenant->at(0).events, 2);
        QCOMPARE(tenant->at(0).lastVersion, 2);
        QCOMPARE(tenant->at(1).stream, u"tenant-a/shopping_cart-1"_s);
        QCOMPARE(tenant->at(1).category, u"shopping_cart"_s);
        QCOMPARE(tenant->at(1).events, 2);

        const auto first = (*store)->streams({ {}, u"shopping_cart"_s, {}, 3 });
        QVERIFY(first);
        QCOMPARE(first->size(), 3);
        QCOMPARE(first->at(0).stream, u"shopping_cart-1"_s);
        QCOMPARE(first->at(0).events, 1000); // the live stream, not its archived life of 3
        QCOMPARE(first->at(1).stream, u"shopping_cart-10"_s);
        const auto next = (*store)->streams({ {}, {}, u"tenant-a/order-7"_s, {} });
        QVERIFY(next);
        QCOMPARE(next->size(), 1);
        QCOMPARE(next->first().stream, u"tenant-a/shopping_cart-1"_s);

        const auto categories = (*store)->categories({});
        QVERIFY(categories);
        QCOMPARE(categories->size(), 3);
        QCOMPARE(categories->at(0).category, u"invoice"_s);
        QCOMPARE(categories->at(0).streams, 5);
        QCOMPARE(categories->at(0).events, 5000);
        QCOMPARE(categories->at(1).category, u"order"_s);
        QCOMPARE(categories->at(1).streams, 1);
        QCOMPARE(categories->at(1).events, 2);
        QCOMPARE(categories->at(2).category, u"shopping_cart"_s);
        QCOMPARE(categories->at(2).streams, 21);
        QCOMPARE(categories->at(2).events, 20002);
        QCOMPARE((*store)->categoryOf(u"tenant-a/order-7"_s), u"order"_s);
        QCOMPARE((*store)->snapshots(u"shopping_cart-1"_s)->size(), 0);
    }

    void postgresPagesStreamsOfEachPartition()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        auto store = openStore(m_server.uri(u"emmett"_s));
        QVERIFY(store);
        EventPageRequest request;
        request.filter.stream = u"shopping_cart-1"_s;
        request.limit = 2;
        auto page = (*store)->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList { u"1 shopping_cart-1 shopping_cart 1 ShoppingCartOpened 1704067201000 m-1 %1 %2"_s.arg(
                               QString::fromLatin1(QByteArray("{\"n\": 1}").toBase64()),
                               QString::fromLatin1(QByteArray("{\"messageId\": \"m-1\"}").toBase64())),
                u"2 shopping_cart-1 shopping_cart 2 ProductItemAdded 1704067202000 m-2 %1 %2"_s.arg(
                    QString::fromLatin1(QByteArray("{\"n\": 2}").toBase64()),
                    QString::fromLatin1(QByteArray("{\"messageId\": \"m-2\"}").toBase64())) }));
        request.start = KeyBound { 999, false };
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 1);
        QCOMPARE(page->events.first().position, 1000);
        QVERIFY(page->reachedEnd);

        request = {};
        request.filter.stream = u"tenant-a/order-7"_s;
        request.direction = ReadDirection::Backward;
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.at(0).position, 20004);
        QCOMPARE(page->events.at(0).type, u"ConfirmOrder"_s); // a command, shown with the events
        QCOMPARE(page->events.at(0).stream, u"tenant-a/order-7"_s);
        QCOMPARE(page->events.at(1).metadata, QByteArray("{\"correlationId\": \"c-1\"}"));

        request = {};
        request.direction = ReadDirection::Backward;
        request.start = KeyBound { 30001, false };
        request.limit = 3;
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 3);
        QCOMPARE(page->events.at(0).position, 20004);
        QCOMPARE(page->events.at(2).position, 20002);
        QCOMPARE(page->events.at(2).stream, u"tenant-a/shopping_cart-1"_s);

        request = {};
        request.filter.category = u"order"_s;
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.at(0).position, 20003);

        QCOMPARE(*(*store)->keyAtPosition({}, 20004), 20004);
        QCOMPARE(*(*store)->keyAtPosition({}, 20005), 30001); // 20005..20007 are archived
        QCOMPARE(*(*store)->keyAtTime({}, 1706745602000), 20002);
        EventFilter tenantCart;
        tenantCart.stream = u"tenant-a/shopping_cart-1"_s;
        QCOMPARE(*(*store)->scanKeys(tenantCart, 1, [](const QList<qint64>&, qint64) { return true; }), 2);
        EventFilter nowhere;
        nowhere.stream = u"tenant-z/shopping_cart-1"_s;
        QCOMPARE(*(*store)->scanKeys(nowhere, 1, [](const QList<qint64>&, qint64) { return true; }), 0);
    }

    void postgresPagesAreIndexSeeks_data()
    {
        QTest::addColumn<EventPageRequest>("request");
        EventPageRequest global;
        QTest::newRow("global log") << global;
        EventPageRequest after;
        after.start = KeyBound { 10000, false };
        QTest::newRow("global log after a key") << after;
        EventPageRequest backward;
        backward.direction = ReadDirection::Backward;
        QTest::newRow("global log backward") << backward;
        EventPageRequest stream;
        stream.filter.stream = u"shopping_cart-12"_s;
        QTest::newRow("stream of the default partition") << stream;
        EventPageRequest tenant;
        tenant.filter.stream = u"tenant-a/invoice-3"_s;
        tenant.start = KeyBound { 500, false };
        QTest::newRow("stream of tenant-a after a key") << tenant;
    }
    void postgresPagesAreIndexSeeks()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QFETCH(EventPageRequest, request);
        auto store = openStore(m_server.uri(u"emmett"_s));
        QVERIFY(store);
        auto* mapped = dynamic_cast<MappedStore*>(store->get());
        QVERIFY(mapped);
        const auto plan = (*store)->explain(mapped->readEventsQuery(request));
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message));
        const QString text = plan->join(u'\n');
        for (const QString& line : *plan)
            QVERIFY2(!isSortOrSeqScan(line), qPrintable(text));
        QVERIFY2(text.contains(u"Index"_s), qPrintable(text));
        QVERIFY2(!text.contains(QRegularExpression(u"emt_messages_\\w+_archived"_s)), qPrintable(text)); // pruned
        if (!request.filter.stream.isEmpty())
            QVERIFY2(!text.contains(request.filter.stream.startsWith(u"tenant"_s) ? u"emt_default"_s : u"tenant_a"_s),
                qPrintable(text)); // the other partition pruned
    }

    void legacyEmtEventsTableReads()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"legacy"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"emmett"_s);
        EventPageRequest request;
        const auto page = opened->store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events),
            QStringList { u"1 room-1 room 1 RoomBooked 1685620800000 e-1 %1 %2"_s.arg(
                QString::fromLatin1(QByteArray("{\"guest\": \"ana\"}").toBase64()),
                QString::fromLatin1(QByteArray("{}").toBase64())) });
        const auto streams = opened->store->streams({});
        QVERIFY(streams);
        QCOMPARE(streams->size(), 1);
        QCOMPARE(streams->first().events, 1);
    }

    void sqliteStoreReadsExactly()
    {
        auto opened = openStore(StoreLocation::sqliteFile(sqlitePath("emmett.sqlite")));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"emmett"_s);
        QCOMPARE(opened->match.storeName, QString());
        EventStore& store = *opened->store;
        const auto info = store.describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 4); // the archived order-7 row is hidden
        QCOMPARE(info->streams, 2);
        QCOMPARE(info->categories, 2);
        QCOMPARE(*info->firstTimeMs, 1714557600000);
        QCOMPARE(*info->lastTimeMs, 1714557604000);
        // Streams come from emt_streams although its partition is Emmett's SQLite placeholder.
        const auto streams = store.streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QCOMPARE(streams->size(), 2);
        QCOMPARE(streams->at(0).stream, u"order-7"_s);
        QCOMPARE(streams->at(0).events, 2);
        QCOMPARE(streams->at(0).category, u"order"_s);
        QCOMPARE(streams->at(1).stream, u"shopping_cart-1"_s);
        QCOMPARE(streams->at(1).lastVersion, 2);
        EventPageRequest request;
        request.filter.stream = u"shopping_cart-1"_s;
        request.direction = ReadDirection::Backward;
        const auto page = store.readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList { u"3 shopping_cart-1 shopping_cart 2 Added 1714557602500 id-3 %1 %2"_s.arg(
                               QString::fromLatin1(QByteArray("{not json").toBase64()),
                               QString::fromLatin1(QByteArray("{}").toBase64())),
                u"1 shopping_cart-1 shopping_cart 1 Opened 1714557600000 id-1 %1 %2"_s.arg(
                    QString::fromLatin1(QByteArray("{\"a\":1}").toBase64()),
                    QString::fromLatin1(QByteArray("{}").toBase64())) }));
        request = {};
        request.filter.category = u"order"_s;
        const auto orders = store.readEvents(request);
        QVERIFY(orders);
        QCOMPARE(orders->events.size(), 2);
        QCOMPARE(orders->events.at(1).position, 6);
        QCOMPARE(orders->events.at(1).type, u"ShipOrder"_s);
        QCOMPARE(*store.keyAtPosition({}, 4), 6);
    }

    void sqlitePartitionsArePrefixed()
    {
        auto store = openStore(sqlitePath("partitions.sqlite"));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        const auto streams = (*store)->streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QCOMPARE(streams->size(), 2);
        QCOMPARE(streams->at(0).stream, u"cart-1"_s);
        QCOMPARE(streams->at(0).events, 1);
        QCOMPARE(streams->at(1).stream, u"tenant-b/cart-1"_s);
        QCOMPARE(streams->at(1).events, 2);
        QCOMPARE(streams->at(1).category, u"cart"_s);
        EventPageRequest request;
        request.filter.stream = u"tenant-b/cart-1"_s;
        const auto page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.at(0).position, 2);
        QCOMPARE(page->events.at(1).version, 2);
        auto* mapped = dynamic_cast<MappedStore*>(store->get());
        QVERIFY(mapped);
        const auto plan = (*store)->explain(mapped->readEventsQuery(request));
        QVERIFY(plan);
        QVERIFY2(plan->join(u'\n').contains(u"USING INDEX"_s), qPrintable(plan->join(u'\n')));
    }

    // Stream ids with several '-', spaces and non-ASCII characters, in two partitions, on both backends: the
    // category is the text before the first '-' of the id (the partition prefix is not part of it), or the whole id
    // when it has no '-'; listed streams, categories, the category filter and categoryOf all agree.
    void streamNamesWithDashesSpacesAndNonAscii_data()
    {
        QTest::addColumn<bool>("sqlite");
        QTest::newRow("sqlite") << true;
        QTest::newRow("postgresql") << false;
    }
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        QFETCH(bool, sqlite);
        QString location;
        if (sqlite) {
            location = sqlitePath("names.sqlite");
            QCOMPARE(sqliteExec(location, QString::fromLatin1(kEmmettSqliteDdl) + namedStreamRows(true)), QString());
        } else {
            if (PostgresServer::disabledByEnvironment())
                QSKIP("EVENTSCOPE_NO_POSTGRES=1");
            QCOMPARE(m_server.createDatabase(u"emmettnames"_s), QString());
            QCOMPARE(
                m_server.exec(emmettPostgresDdl({ u"emt:default"_s, u"tenant-a"_s }, true) + namedStreamRows(false),
                    u"emmettnames"_s),
                QString());
            location = m_server.uri(u"emmettnames"_s);
        }
        auto opened = openStore(location);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        EventStore& store = **opened;
        QCOMPARE(store.dialectName(), u"emmett"_s);

        QCOMPARE(TestSupport::streamLines(store),
            (QStringList { u"order-Ünïcødé 7-b|order|2|2"_s, u"tenant-a/order-x|order|1|1"_s,
                u"tenant-a/Ünïcødé Cart-7-b|Ünïcødé Cart|2|2"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|1"_s }));
        QCOMPARE(TestSupport::categoryLines(store),
            (QStringList { u"order|2|3"_s, u"Ünïcødé Cart|1|2"_s, u"Ünïcødé ördér|1|1"_s }));
        const auto info = store.describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->streams, 4);
        QCOMPARE(info->categories, 3);

        QCOMPARE(TestSupport::categoryEventLines(store, u"order"_s),
            (QStringList {
                u"1 order-Ünïcødé 7-b order 1"_s, u"3 tenant-a/order-x order 1"_s, u"5 order-Ünïcødé 7-b order 2"_s }));
        QCOMPARE(TestSupport::categoryEventLines(store, u"Ünïcødé Cart"_s),
            (QStringList {
                u"4 tenant-a/Ünïcødé Cart-7-b Ünïcødé Cart 1"_s, u"6 tenant-a/Ünïcødé Cart-7-b Ünïcødé Cart 2"_s }));

        QCOMPARE(TestSupport::categoryOfDisagreement(store), QString());
        QCOMPARE(
            TestSupport::categoryOfLines(store, { u"order-Ünïcødé 7-b"_s, u"tenant-a/order-x"_s, u"Ünïcødé ördér"_s }),
            (QStringList {
                u"order-Ünïcødé 7-b|order"_s, u"tenant-a/order-x|order"_s, u"Ünïcødé ördér|Ünïcødé ördér"_s }));
    }

    void cliNamesTheDialect()
    {
        QStringList stores { sqlitePath("emmett.sqlite") };
        if (!PostgresServer::disabledByEnvironment())
            stores.append(m_server.uri(u"emmett"_s));
        for (const QString& store : std::as_const(stores)) {
            const CliTest::CliRun run = CliTest::runCli({ u"info"_s, u"--json"_s, store });
            QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());
            QCOMPARE(QJsonDocument::fromJson(run.out).object().value(u"dialect"_s).toString(), u"emmett"_s);
        }
    }
};

QTEST_GUILESS_MAIN(TestEmmettDialect)
#include "tst_emmettdialect.moc"
