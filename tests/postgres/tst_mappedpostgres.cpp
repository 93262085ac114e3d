#include <core/demo/postgresdemo.h>
#include <core/dialects/mappedstore.h>
#include <core/dialects/mappingfile.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>
#include <testsupport.h>

#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

// The declarative dialect on PostgreSQL: the native schema as a mapping reads like NativeStore, and a
// home-grown table (a two-column stream, a bigserial order, epoch-ms and timestamptz times, jsonb payloads)
// reads with exact values; not one row is written.
class TestMappedPostgres : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    PostgresServer::Counters m_demoBefore;
    PostgresServer::Counters m_homeBefore;
    bool m_tablesCreated = false;

    std::unique_ptr<EventStore> openMapped(const QString& database, const StoreMapping& mapping)
    {
        auto connection = openConnection(*StoreLocation::parse(m_server.uri(database)));
        if (!connection)
            return nullptr;
        return std::make_unique<MappedStore>(std::move(connection).value(), mapping);
    }

    static StoreMapping homeGrownMapping(TimeField time)
    {
        StoreMapping mapping;
        mapping.events.table = TableName { u"app"_s, u"event_store_entity"_s };
        mapping.events.position = u"seq"_s;
        mapping.events.stream = u"domain || '/' || identifier"_s;
        mapping.events.category = u"domain"_s;
        mapping.events.version = u"sequence"_s;
        mapping.events.type = u"type"_s;
        mapping.events.time = time;
        mapping.events.id = u"id"_s;
        mapping.events.data = PayloadField { u"payload"_s, PayloadEncoding::Json };
        mapping.events.metadata = PayloadField { u"meta"_s, PayloadEncoding::Json };
        return mapping;
    }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"demo"_s), QString());
        const auto written
            = createDemoStoreInPostgres(*StoreLocation::parse(m_server.uri(u"demo"_s)), {}, DemoOptions { 20000, 4 });
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        QCOMPARE(m_server.createDatabase(u"home"_s), QString());
        QCOMPARE(
            m_server.exec(u"CREATE SCHEMA app;"
                          "CREATE TABLE app.event_store_entity (seq bigserial PRIMARY KEY, domain text,"
                          " identifier text, sequence int, type text, created bigint, at timestamptz, id uuid,"
                          " payload jsonb, meta jsonb);"
                          "INSERT INTO app.event_store_entity (domain, identifier, sequence, type, created, at, id,"
                          " payload, meta) VALUES"
                          " ('orders', '1', 1, 'Placed', 1700000000000, '2023-11-14 22:13:20+00',"
                          "  '6f1c0c2e-0000-4000-8000-000000000001', '{\"total\": 10}', '{\"user\": \"ana\"}'),"
                          " ('orders', '2', 1, 'Placed', 1700000001000, '2023-11-14 22:13:21+00',"
                          "  '6f1c0c2e-0000-4000-8000-000000000002', '{\"total\": 5}', NULL),"
                          " ('orders', '1', 2, 'Paid', 1700000002500, '2023-11-14 22:13:22.5+00',"
                          "  '6f1c0c2e-0000-4000-8000-000000000003', '{\"paid\": 10}', NULL);"
                          "ANALYZE app.event_store_entity;"_s,
                u"home"_s),
            QString());
        QTRY_COMPARE(m_server.otherSessions(u"demo"_s), 0);
        QTRY_COMPARE(m_server.otherSessions(u"home"_s), 0);
        m_demoBefore = m_server.counters(u"demo"_s);
        m_homeBefore = m_server.counters(u"home"_s);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        QVERIFY(m_server.counters(u"demo"_s).writesEqual(m_demoBefore));
        QVERIFY(m_server.counters(u"home"_s).writesEqual(m_homeBefore));
    }

    void nativeSchemaAsMappingReadsLikeNativeStore()
    {
        auto native = openStore(m_server.uri(u"demo"_s));
        QVERIFY(native);
        auto mapped = openMapped(u"demo"_s, TestSupport::nativeSchemaMapping());
        QVERIFY(mapped);
        const QString stream = (*native)->streams({ {}, u"account"_s, {}, 1 })->first().stream;
        const QList<EventFilter> filters {
            {},
            { stream, {}, {}, {}, {} },
            { {}, u"cart"_s, {}, {}, {} },
            { {}, {}, u"FundsDeposited"_s, {}, {} },
            { {}, {}, {}, 1704067200000 + 3600000, 1704067200000 + 7200000 },
        };
        const QString difference = TestSupport::compareStores(**native, *mapped, filters, stream);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void homeGrownTableReadsExactly_data()
    {
        QTest::addColumn<TimeField>("time");
        QTest::newRow("epoch-ms column") << TimeField { u"created"_s, TimeUnit::EpochMilliseconds };
        QTest::newRow("timestamptz, native") << TimeField { u"at"_s, TimeUnit::Native };
        QTest::newRow("bigint, native") << TimeField { u"created"_s, TimeUnit::Native };
    }
    void homeGrownTableReadsExactly()
    {
        QFETCH(TimeField, time);
        auto store = openMapped(u"home"_s, homeGrownMapping(time));
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 3);
        QCOMPARE(info->streams, 2);
        QCOMPARE(info->categories, 1);
        QCOMPARE(*info->lastTimeMs, 1700000002500);
        const auto streams = store->streams({ u"/1$"_s, {}, {}, {} });
        QVERIFY(streams);
        QCOMPARE(streams->size(), 1);
        QCOMPARE(streams->first().stream, u"orders/1"_s);
        QCOMPARE(streams->first().events, 2);
        EventPageRequest request;
        request.filter.stream = u"orders/1"_s;
        request.direction = ReadDirection::Backward;
        const auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList { u"3 orders/1 orders 2 Paid 1700000002500 6f1c0c2e-0000-4000-8000-000000000003 %1 "_s.arg(
                               QString::fromLatin1(QByteArray("{\"paid\": 10}").toBase64())),
                u"1 orders/1 orders 1 Placed 1700000000000 6f1c0c2e-0000-4000-8000-000000000001 %1 %2"_s.arg(
                    QString::fromLatin1(QByteArray("{\"total\": 10}").toBase64()),
                    QString::fromLatin1(QByteArray("{\"user\": \"ana\"}").toBase64())) }));
        QCOMPARE(*store->keyAtTime({}, 1700000001000), 2);
        QCOMPARE(*store->eventTypes(), (QStringList { u"Paid"_s, u"Placed"_s }));
    }

    // A table name in a mapping resolves as the server resolves it in a query: as written with a schema, otherwise
    // through the session's search_path, otherwise the one schema that has it; several schemas off the path are an
    // error that names each. Snapshot tables the same.
    void tableNamesResolveAsTheServerWould_data()
    {
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("snapshots");
        QTest::addColumn<QString>("resolved"); // the events table read, or the start of the error
        QTest::newRow("bare, on the search_path")
            << u"order_events"_s << u"order_snapshots"_s << u"public.order_events"_s;
        QTest::newRow("schema as written")
            << u"sales.order_events"_s << u"sales.order_snapshots"_s << u"sales.order_events"_s;
        QTest::newRow("bare, one schema off the path") << u"refund_events"_s << QString() << u"sales.refund_events"_s;
        QTest::newRow("unquoted case folds") << u"ORDER_EVENTS"_s << QString() << u"public.order_events"_s;
        QTest::newRow("several schemas off the path")
            << u"audit_events"_s << QString()
            << u"events.table: audit_events is in several schemas, none of them on the search_path: "
               "a1.audit_events, a2.audit_events"_s;
        QTest::newRow("no such table") << u"nothing_here"_s << QString() << u"events.table: no table nothing_here"_s;
        QTest::newRow("no such snapshot table")
            << u"order_events"_s << u"sales.nothing"_s << u"snapshots.table: no table sales.nothing"_s;
    }
    void tableNamesResolveAsTheServerWould()
    {
        QFETCH(QString, events);
        QFETCH(QString, snapshots);
        QFETCH(QString, resolved);
        if (!m_tablesCreated) {
            m_tablesCreated = true;
            QCOMPARE(m_server.createDatabase(u"tables"_s), QString());
            QString sql = u"CREATE SCHEMA sales; CREATE SCHEMA a1; CREATE SCHEMA a2;"_s;
            for (const QString& table : { u"public.order_events"_s, u"sales.order_events"_s, u"sales.refund_events"_s,
                     u"a1.audit_events"_s, u"a2.audit_events"_s })
                sql += u"CREATE TABLE %1 (seq bigserial PRIMARY KEY, stream text, version int, type text);"
                       "INSERT INTO %1 (stream, version, type) VALUES ('%1-1', 1, 'Happened');"_s.arg(table);
            for (const QString& table : { u"public.order_snapshots"_s, u"sales.order_snapshots"_s })
                sql += u"CREATE TABLE %1 (stream text, version int, state jsonb);"
                       "INSERT INTO %1 VALUES ('%1', 1, '{}');"_s.arg(table);
            QCOMPARE(m_server.exec(sql, u"tables"_s), QString());
        }
        const QString text = u"{\"events\": {\"table\": \"%1\", \"position\": \"seq\", \"stream\": \"stream\","
                             " \"version\": \"version\", \"type\": \"type\"}%2}"_s.arg(events,
                                 snapshots.isEmpty() ? QString()
                                                     : u", \"snapshots\": {\"table\": \"%1\", \"stream\":"
                                                       " \"stream\", \"version\": \"version\", \"data\":"
                                                       " \"state\"}"_s.arg(snapshots));
        const auto mapping = MappingFile::fromJson(text.toUtf8());
        QVERIFY2(mapping, mapping ? "" : qPrintable(mapping.error().message));
        OpenOptions options;
        options.mapping = *mapping;
        const auto opened = openStore(*StoreLocation::parse(m_server.uri(u"tables"_s)), options);
        if (resolved.contains(u':')) {
            QVERIFY(!opened);
            QCOMPARE(opened.error().kind, StoreError::Kind::InvalidArgument);
            QVERIFY2(opened.error().message.startsWith(resolved), qPrintable(opened.error().message));
            return;
        }
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        // Each table's one row says where it was read from.
        const auto page = opened->store->readEvents({});
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(page->events.size(), 1);
        QCOMPARE(page->events.first().stream, resolved + u"-1"_s);
        if (!snapshots.isEmpty()) {
            const QString stream = resolved.section(u'.', 0, 0) + u".order_snapshots"_s;
            const auto found = opened->store->snapshots(stream);
            QVERIFY2(found, found ? "" : qPrintable(found.error().message));
            QCOMPARE(found->size(), 1);
        }
    }

    // No category mapped: the default rule splits at the first '-' (as Message DB and KurrentDB), whatever
    // else the name holds; a filter by category runs it in SQL (a LIKE on the prefix), case and all.
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        QCOMPARE(m_server.createDatabase(u"names"_s), QString());
        QCOMPARE(m_server.exec(u"CREATE TABLE journal (seq bigserial PRIMARY KEY, stream text NOT NULL,"
                               " v int NOT NULL, kind text NOT NULL, at timestamptz NOT NULL, body jsonb);"
                               "INSERT INTO journal (stream, v, kind, at, body) VALUES"
                               " ('order-Ünïcødé 7-b', 1, 'Placed', '2023-11-14 22:13:21+00', '{}'),"
                               " ('Ünïcødé ördér', 1, 'Noted', '2023-11-14 22:13:22+00', '{}'),"
                               " ('order-x', 1, 'Placed', '2023-11-14 22:13:23+00', '{}'),"
                               " ('Order-Ünïcødé ördér-2 b', 1, 'Placed', '2023-11-14 22:13:24+00', '{}'),"
                               " ('order-Ünïcødé 7-b', 2, 'Paid', '2023-11-14 22:13:25+00', '{}');"_s,
                     u"names"_s),
            QString());
        StoreMapping mapping;
        mapping.events.table = TableName { u"public"_s, u"journal"_s };
        mapping.events.position = u"seq"_s;
        mapping.events.stream = u"stream"_s;
        mapping.events.version = u"v"_s;
        mapping.events.type = u"kind"_s;
        mapping.events.time = TimeField { u"at"_s, TimeUnit::Native };
        mapping.events.data = PayloadField { u"body"_s, PayloadEncoding::Json };
        auto store = openMapped(u"names"_s, mapping);
        QVERIFY(store);

        // Ordered by code point (the server's C.UTF-8 collation): 'O' < 'o', 'x' < 'Ü'.
        QCOMPARE(TestSupport::streamLines(*store),
            (QStringList { u"Order-Ünïcødé ördér-2 b|Order|1|1"_s, u"order-x|order|1|1"_s,
                u"order-Ünïcødé 7-b|order|2|2"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|1"_s }));
        QCOMPARE(TestSupport::streamLines(*store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|1"_s, u"order-Ünïcødé 7-b|order|2|2"_s }));
        QCOMPARE(TestSupport::categoryLines(*store),
            (QStringList { u"Order|1|1"_s, u"order|2|3"_s, u"Ünïcødé ördér|1|1"_s }));
        QCOMPARE(store->describe()->categories, 3);
        QCOMPARE(TestSupport::categoryEventLines(*store, u"order"_s),
            (QStringList {
                u"1 order-Ünïcødé 7-b order 1"_s, u"3 order-x order 1"_s, u"5 order-Ünïcødé 7-b order 2"_s }));
        QCOMPARE(TestSupport::categoryEventLines(*store, u"Ünïcødé ördér"_s),
            (QStringList { u"2 Ünïcødé ördér Ünïcødé ördér 1"_s }));

        QCOMPARE(TestSupport::categoryOfLines(*store,
                     { u"order-Ünïcødé 7-b"_s, u"order-x"_s, u"Ünïcødé ördér"_s, u"Order-Ünïcødé ördér-2 b"_s }),
            (QStringList { u"order-Ünïcødé 7-b|order"_s, u"order-x|order"_s, u"Ünïcødé ördér|Ünïcødé ördér"_s,
                u"Order-Ünïcødé ördér-2 b|Order"_s }));
        QCOMPARE(TestSupport::categoryOfDisagreement(*store), QString());
    }
};

QTEST_GUILESS_MAIN(TestMappedPostgres)
#include "tst_mappedpostgres.moc"
