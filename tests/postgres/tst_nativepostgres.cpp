#include <core/demo/postgresdemo.h>
#include <core/dialects/nativestore.h>
#include <core/dialects/sqlrowreader.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>
#include <testsupport.h>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

constexpr qint64 kEvents = 100000;
constexpr quint64 kSeed = 5;

} // namespace

// EventScope's native schema on PostgreSQL: the demo store written there by `demo create` reads exactly like
// the same demo store in a SQLite file, through the same NativeStore, with every page on an index and not one
// row written.
class TestNativePostgres : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PostgresServer m_server;
    QString m_sqlitePath;
    std::unique_ptr<EventStore> m_sqlite;
    std::unique_ptr<EventStore> m_postgres;
    PostgresServer::Counters m_countersBefore;
    QString m_stream;

    static EventPageRequest page(
        const EventFilter& filter, ReadDirection direction, std::optional<KeyBound> start = {}, int limit = 100)
    {
        EventPageRequest request;
        request.filter = filter;
        request.direction = direction;
        request.start = start;
        request.limit = limit;
        return request;
    }

    QString plan(const SqlQuery& query)
    {
        const auto lines = m_postgres->explain(query);
        return lines ? lines->join(u" | "_s) : u"explain failed: "_s + lines.error().message;
    }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QVERIFY(m_dir.isValid());
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"demo"_s), QString());
        const auto location = StoreLocation::parse(m_server.uri(u"demo"_s));
        QVERIFY(location);
        const auto written = createDemoStoreInPostgres(*location, {}, DemoOptions { kEvents, kSeed });
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        QCOMPARE(written->events, kEvents);
        // The writer's session reports its statistics (ANALYZE's rows in pg_statistic) as it ends: wait for
        // that before taking the counters every later read must leave alone.
        QTRY_COMPARE(m_server.otherSessions(u"demo"_s), 0);
        m_countersBefore = m_server.counters(u"demo"_s);

        m_sqlitePath = TestSupport::demoStore(m_dir.path(), kEvents, kSeed);
        auto sqlite = openStore(m_sqlitePath);
        QVERIFY(sqlite);
        m_sqlite = std::move(sqlite).value();
        auto postgres = openStore(m_server.uri(u"demo"_s));
        QVERIFY2(postgres, postgres ? "" : qPrintable(postgres.error().message));
        m_postgres = std::move(postgres).value();
        QCOMPARE(m_postgres->dialectName(), u"eventscope"_s);
        m_stream = m_sqlite->streams({ {}, u"account"_s, {}, 1 })->first().stream;
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        m_postgres.reset();
        const auto after = m_server.counters(u"demo"_s);
        QVERIFY2(after.writesEqual(m_countersBefore),
            qPrintable(u"before %1, after %2"_s.arg(m_countersBefore.toString(), after.toString())));
    }

    void opensThroughUriConninfoAndService()
    {
        QVERIFY(openStore(m_server.uri(u"demo"_s)));
        QVERIFY(openStore(m_server.conninfo(u"demo"_s)));
        QFile services(m_dir.filePath(u"pg_service.conf"_s));
        QVERIFY(services.open(QIODevice::WriteOnly));
        services.write(u"[eventscope-demo]\nhost=%1\nport=%2\ndbname=demo\nuser=postgres\n"_s.arg(m_server.host())
                           .arg(m_server.port())
                           .toUtf8());
        services.close();
        qputenv("PGSERVICEFILE", QFile::encodeName(services.fileName()));
        auto viaService = openStore(u"service=eventscope-demo"_s);
        qunsetenv("PGSERVICEFILE");
        QVERIFY2(viaService, viaService ? "" : qPrintable(viaService.error().message));
        QCOMPARE((*viaService)->describe()->events, kEvents);
    }

    void describesLikeSqlite()
    {
        auto expected = m_sqlite->describe();
        auto actual = m_postgres->describe();
        QVERIFY(expected && actual);
        QCOMPARE(actual->dialect, expected->dialect);
        QCOMPARE(actual->events, expected->events);
        QCOMPARE(actual->streams, expected->streams);
        QCOMPARE(actual->categories, expected->categories);
        QCOMPARE(actual->snapshots, expected->snapshots);
        QCOMPARE(actual->firstTimeMs, expected->firstTimeMs);
        QCOMPARE(actual->lastTimeMs, expected->lastTimeMs);
        QCOMPARE(actual->firstPosition, expected->firstPosition);
        QCOMPARE(actual->lastPosition, expected->lastPosition);
        QCOMPARE(*m_postgres->eventTypes(), *m_sqlite->eventTypes());
    }

    void listsLikeSqlite_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("all") << QString();
        QTest::newRow("anchored") << u"^account-1[0-9]$"_s;
        QTest::newRow("lazy quantifier (matched in C++ on PostgreSQL)") << u"^cart-1.*?7$"_s;
        QTest::newRow("non-ASCII") << u"[^\\x00-\\x7f]"_s;
    }
    void listsLikeSqlite()
    {
        QFETCH(QString, pattern);
        for (const bool withCounts : { true, false }) {
            const CategoryQuery query { pattern, {}, {}, withCounts };
            const auto expected = m_sqlite->categories(query);
            const auto actual = m_postgres->categories(query);
            QVERIFY2(actual, actual ? "" : qPrintable(actual.error().message));
            QCOMPARE(actual->size(), expected->size());
            for (qsizetype i = 0; i < expected->size(); ++i) {
                QCOMPARE(actual->at(i).category, expected->at(i).category);
                QCOMPARE(actual->at(i).streams, expected->at(i).streams);
                QCOMPARE(actual->at(i).events, expected->at(i).events);
            }
        }
        const auto expected = m_sqlite->streams({ pattern, {}, {}, {} });
        const auto actual = m_postgres->streams({ pattern, {}, {}, {} });
        QVERIFY2(actual, actual ? "" : qPrintable(actual.error().message));
        QCOMPARE(actual->size(), expected->size());
        for (qsizetype i = 0; i < expected->size(); ++i) {
            QCOMPARE(actual->at(i).stream, expected->at(i).stream);
            QCOMPARE(actual->at(i).category, expected->at(i).category);
            QCOMPARE(actual->at(i).events, expected->at(i).events);
            QCOMPARE(actual->at(i).lastTimeMs, expected->at(i).lastTimeMs);
        }
    }

    void pagesLikeSqlite_data()
    {
        QTest::addColumn<EventFilter>("filter");
        QTest::newRow("all") << EventFilter {};
        QTest::newRow("stream") << EventFilter { m_stream, {}, {}, {}, {} };
        QTest::newRow("category") << EventFilter { {}, u"cart"_s, {}, {}, {} };
        QTest::newRow("type") << EventFilter { {}, {}, u"ItemAdded"_s, {}, {} };
        QTest::newRow("time") << EventFilter { {}, {}, {}, 1704067200000 + 3600000, 1704067200000 + 7200000 };
        QTest::newRow("unknown stream") << EventFilter { u"no-such-stream"_s, {}, {}, {}, {} };
    }
    void pagesLikeSqlite()
    {
        QFETCH(EventFilter, filter);
        for (const ReadDirection direction : { ReadDirection::Forward, ReadDirection::Backward }) {
            std::optional<KeyBound> start;
            for (int pageNumber = 0; pageNumber < 5; ++pageNumber) {
                const auto expected = m_sqlite->readEvents(page(filter, direction, start, 97));
                const auto actual = m_postgres->readEvents(page(filter, direction, start, 97));
                QVERIFY2(actual, actual ? "" : qPrintable(actual.error().message));
                QCOMPARE(TestSupport::describeEvents(actual->events), TestSupport::describeEvents(expected->events));
                QCOMPARE(actual->reachedEnd, expected->reachedEnd);
                if (expected->events.isEmpty())
                    break;
                start = KeyBound { orderKeyOf(expected->events.constLast(), filter.orderKey()), false };
            }
        }
        QCOMPARE(*m_postgres->denseKeys(filter), *m_sqlite->denseKeys(filter));
        const auto anchors = [](EventStore& store, const EventFilter& f) {
            QList<qint64> all;
            const auto rows = store.scanKeys(f, 256, [&all](const QList<qint64>& chunk, qint64) {
                all.append(chunk);
                return true;
            });
            return std::make_pair(rows ? *rows : -1, all);
        };
        QCOMPARE(anchors(*m_postgres, filter), anchors(*m_sqlite, filter));
        QCOMPARE(*m_postgres->keyAtPosition(filter, 5000), *m_sqlite->keyAtPosition(filter, 5000));
        QCOMPARE(*m_postgres->keyAtTime(filter, 1704067200000 + 5400000),
            *m_sqlite->keyAtTime(filter, 1704067200000 + 5400000));
    }

    void snapshotsLikeSqlite()
    {
        const auto expected = m_sqlite->snapshots(m_stream);
        const auto actual = m_postgres->snapshots(m_stream);
        QVERIFY(actual && !actual->isEmpty());
        QCOMPARE(actual->size(), expected->size());
        for (qsizetype i = 0; i < expected->size(); ++i) {
            QCOMPARE(actual->at(i).version, expected->at(i).version);
            QCOMPARE(actual->at(i).timeMs, expected->at(i).timeMs);
            QCOMPARE(actual->at(i).state, expected->at(i).state);
        }
    }

    // EXPLAIN on the exact SQL NativeStore runs: every page walks an index in key order, never sorts the events.
    void pagesUseTheirIndex_data()
    {
        QTest::addColumn<EventPageRequest>("request");
        QTest::addColumn<QString>("index");
        // PostgreSQL may sort the few rows an index bounds (a rare type, a short time range) when its
        // statistics say that is cheaper; it never sorts a whole table or a long list.
        QTest::addColumn<bool>("fewRows");
        const KeyBound key { 5000, false };
        QTest::newRow("global first page") << page({}, ReadDirection::Forward) << u"events_pkey"_s << false;
        QTest::newRow("global last page") << page({}, ReadDirection::Backward) << u"events_pkey"_s << false;
        QTest::newRow("global from a key") << page({}, ReadDirection::Forward, key) << u"events_pkey"_s << false;
        QTest::newRow("stream page") << page(
            { m_stream, {}, {}, {}, {} }, ReadDirection::Forward, KeyBound { 3, false })
                                     << u"events_by_stream"_s << false;
        QTest::newRow("stream backward") << page({ m_stream, {}, {}, {}, {} }, ReadDirection::Backward)
                                         << u"events_by_stream"_s << false;
        // A common type is read along the table, a rare one through its index: both in position order.
        QTest::newRow("common type page") << page({ {}, {}, u"ItemAdded"_s, {}, {} }, ReadDirection::Forward, key)
                                          << u"events_by_type|events_pkey"_s << false;
        QTest::newRow("rare type page") << page({ {}, {}, u"AccountClosed"_s, {}, {} }, ReadDirection::Forward, key)
                                        << u"events_by_type"_s << true;
        QTest::newRow("category page") << page({ {}, u"cart"_s, {}, {}, {} }, ReadDirection::Forward, key)
                                       << u"events_pkey"_s << false;
        QTest::newRow("time range") << page(
            { {}, {}, {}, 1704067200000 + 3600000, 1704067200000 + 7200000 }, ReadDirection::Forward)
                                    << u"events_pkey"_s << true;
    }
    void pagesUseTheirIndex()
    {
        QFETCH(EventPageRequest, request);
        QFETCH(QString, index);
        QFETCH(bool, fewRows);
        auto* native = dynamic_cast<NativeStore*>(m_postgres.get());
        QVERIFY(native);
        const auto query = native->readEventsQuery(request);
        QVERIFY(query && query->has_value());
        const QString text = plan(**query);
        QVERIFY2(text.contains(u"Index Scan"_s) || text.contains(u"Index Only Scan"_s), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(index)), qPrintable(u"expected %1 in: %2"_s.arg(index, text)));
        QVERIFY2(!text.contains(u"Seq Scan on events"_s), qPrintable(text));
        if (!fewRows)
            QVERIFY2(!text.contains(u"Sort"_s), qPrintable(text));
    }

    void keyAnchorsComeFromTheServerWithoutASort()
    {
        // The anchors of a scan are picked by the server (row_number() over the keys), in key order: what
        // scanKeys sends over the wire is one row per stride, and nothing is sorted.
        auto* native = dynamic_cast<NativeStore*>(m_postgres.get());
        const auto keys = native->scanKeysQuery({ {}, {}, u"ItemAdded"_s, {}, {} });
        QVERIFY(keys && keys->has_value());
        const QString text = plan(serverKeyAnchors(**keys, 256));
        QVERIFY2(text.contains(u"WindowAgg"_s) && text.contains(u"Index"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"Sort"_s), qPrintable(text));
    }

    void timeSeeksTheTimeIndex()
    {
        auto* native = dynamic_cast<NativeStore*>(m_postgres.get());
        const QString text = plan(native->positionAtTimeQuery(1704067200000 + 3600000));
        QVERIFY2(text.contains(u"events_by_time"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"Sort"_s), qPrintable(text));
    }

    // Streams whose category column is NULL take the default rule: the text before the first '-' (as Message DB
    // and KurrentDB), whatever else the name holds; in SQL (the coalesce of lists and filters) as in C++. A database
    // of its own, in the native schema's PostgreSQL DDL (docs/native-schema.md): the demo one counts its writes.
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        QCOMPARE(m_server.createDatabase(u"names"_s), QString());
        QCOMPARE(
            m_server.exec(u"CREATE TABLE eventscope_meta (key text PRIMARY KEY, value text NOT NULL);"
                          "CREATE TABLE streams (stream_id bigint PRIMARY KEY, name text NOT NULL UNIQUE,"
                          " category text, event_count bigint NOT NULL, last_version bigint NOT NULL,"
                          " last_time bigint NOT NULL);"
                          "CREATE TABLE events (position bigint PRIMARY KEY, stream_id bigint NOT NULL"
                          " REFERENCES streams (stream_id), version bigint NOT NULL, type text NOT NULL,"
                          " time bigint NOT NULL, event_id uuid NOT NULL, data bytea, metadata bytea);"
                          "CREATE TABLE snapshots (stream_id bigint NOT NULL, version bigint NOT NULL,"
                          " time bigint NOT NULL, state text NOT NULL, PRIMARY KEY (stream_id, version));"
                          "CREATE UNIQUE INDEX events_by_stream ON events (stream_id, version);"
                          "CREATE INDEX events_by_type ON events (type, position);"
                          "CREATE INDEX events_by_time ON events (time, position);"
                          "CREATE INDEX streams_by_category ON streams (category, name);"
                          "INSERT INTO eventscope_meta VALUES ('schema', 'eventscope-native');"
                          "INSERT INTO streams VALUES (1, 'order-Ünïcødé 7-b', NULL, 2, 2, 1700000005000),"
                          " (2, 'Ünïcødé ördér', NULL, 1, 1, 1700000002000),"
                          " (3, 'order-x', NULL, 1, 1, 1700000003000),"
                          " (4, 'Order-Ünïcødé ördér-2 b', NULL, 1, 1, 1700000004000);"
                          "INSERT INTO events VALUES"
                          " (1, 1, 1, 'Placed', 1700000001000, '40000000-0000-4000-8000-000000000001', '{}', NULL),"
                          " (2, 2, 1, 'Noted', 1700000002000, '40000000-0000-4000-8000-000000000002', '{}', NULL),"
                          " (3, 3, 1, 'Placed', 1700000003000, '40000000-0000-4000-8000-000000000003', '{}', NULL),"
                          " (4, 4, 1, 'Placed', 1700000004000, '40000000-0000-4000-8000-000000000004', '{}', NULL),"
                          " (5, 1, 2, 'Paid', 1700000005000, '40000000-0000-4000-8000-000000000005', '{}', NULL);"
                          "ANALYZE;"_s,
                u"names"_s),
            QString());
        auto opened = openStore(m_server.uri(u"names"_s));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        EventStore& store = **opened;
        QCOMPARE(store.dialectName(), u"eventscope"_s);

        // Ordered by code point (the server's C.UTF-8 collation): 'O' < 'o', 'x' < 'Ü'.
        QCOMPARE(TestSupport::streamLines(store),
            (QStringList { u"Order-Ünïcødé ördér-2 b|Order|1|1"_s, u"order-x|order|1|1"_s,
                u"order-Ünïcødé 7-b|order|2|2"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|1"_s }));
        QCOMPARE(TestSupport::streamLines(store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|1"_s, u"order-Ünïcødé 7-b|order|2|2"_s }));
        QCOMPARE(TestSupport::categoryLines(store),
            (QStringList { u"Order|1|1"_s, u"order|2|3"_s, u"Ünïcødé ördér|1|1"_s }));
        // Names only (the derived ones from the streams whose column is NULL).
        QCOMPARE(TestSupport::categoryLines(store, CategoryQuery { {}, {}, {}, false }),
            (QStringList { u"Order|?|?"_s, u"order|?|?"_s, u"Ünïcødé ördér|?|?"_s }));
        QCOMPARE(store.describe()->categories, 3);
        QCOMPARE(TestSupport::categoryEventLines(store, u"order"_s),
            (QStringList {
                u"1 order-Ünïcødé 7-b order 1"_s, u"3 order-x order 1"_s, u"5 order-Ünïcødé 7-b order 2"_s }));
        QCOMPARE(TestSupport::categoryEventLines(store, u"Ünïcødé ördér"_s),
            (QStringList { u"2 Ünïcødé ördér Ünïcødé ördér 1"_s }));

        QCOMPARE(TestSupport::categoryOfLines(
                     store, { u"order-Ünïcødé 7-b"_s, u"order-x"_s, u"Ünïcødé ördér"_s, u"Order-Ünïcødé ördér-2 b"_s }),
            (QStringList { u"order-Ünïcødé 7-b|order"_s, u"order-x|order"_s, u"Ünïcødé ördér|Ünïcødé ördér"_s,
                u"Order-Ünïcødé ördér-2 b|Order"_s }));
        QCOMPARE(TestSupport::categoryOfDisagreement(store), QString());
    }

    void cliReadsThePostgresStore()
    {
        const QString cli = qEnvironmentVariable("EVENTSCOPE_CLI");
        QVERIFY(!cli.isEmpty());
        const auto run = [&cli](const QStringList& arguments) {
            QProcess process;
            process.start(cli, arguments);
            process.waitForFinished(60000);
            return std::make_tuple(process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError());
        };
        const auto [sqliteCode, sqliteOut, sqliteErr] = run({ u"info"_s, m_sqlitePath, u"--json"_s });
        const auto [pgCode, pgOut, pgErr] = run({ u"info"_s, m_server.uri(u"demo"_s), u"--json"_s });
        QCOMPARE(pgCode, 0);
        QCOMPARE(sqliteCode, 0);
        // Everything but the store's own location is the same.
        QCOMPARE(pgOut.left(pgOut.indexOf("\"store\"")), sqliteOut.left(sqliteOut.indexOf("\"store\"")));
        const auto [eventsCode, eventsOut, eventsErr] = run(
            { u"events"_s, m_server.conninfo(u"demo"_s), u"--stream"_s, m_stream, u"--limit"_s, u"0"_s, u"--json"_s });
        const auto [expectedCode, expectedOut, expectedErr]
            = run({ u"events"_s, m_sqlitePath, u"--stream"_s, m_stream, u"--limit"_s, u"0"_s, u"--json"_s });
        QCOMPARE(eventsCode, 0);
        QCOMPARE(eventsOut, expectedOut);

        const auto [refusedCode, refusedOut, refusedErr]
            = run({ u"info"_s, u"postgresql://postgres@127.0.0.1:1/demo"_s });
        QCOMPARE(refusedCode, 3);
        QVERIFY2(refusedErr.contains("127.0.0.1"), refusedErr.constData());
        const auto [missingCode, missingOut, missingErr] = run({ u"info"_s, m_server.uri(u"no_such_db"_s) });
        QCOMPARE(missingCode, 3);
        QVERIFY2(missingErr.contains("no_such_db"), missingErr.constData());
    }
};

QTEST_GUILESS_MAIN(TestNativePostgres)
#include "tst_nativepostgres.moc"
