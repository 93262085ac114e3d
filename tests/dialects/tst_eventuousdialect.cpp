#include <clirunner.h>
#include <core/dialects/eventuousstore.h>
#include <core/dialects/mappedstore.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

// Eventuous's tables as store-schemas.md §8 describes them (1_Schema.sql), in `schema`.
QString eventuousDdl(const QString& schema)
{
    return u"CREATE SCHEMA %1;"
           "CREATE TABLE %1.streams (stream_name varchar(1000) NOT NULL,"
           " stream_id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY, version integer NOT NULL DEFAULT -1,"
           " CONSTRAINT uq_streams_name UNIQUE (stream_name), CONSTRAINT ck_version_gte_negative_one"
           " CHECK (version >= -1));"
           "CREATE TABLE %1.messages (message_id uuid NOT NULL, message_type varchar NOT NULL,"
           " stream_id integer NOT NULL REFERENCES %1.streams (stream_id), stream_position integer NOT NULL,"
           " global_position bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY, json_data jsonb NOT NULL,"
           " json_metadata jsonb NULL, created timestamp NOT NULL,"
           " CONSTRAINT uq_messages_stream_id_and_stream_position UNIQUE (stream_id, stream_position),"
           " CONSTRAINT uq_stream_id_and_message_id UNIQUE (stream_id, message_id),"
           " CONSTRAINT ck_stream_position_gte_zero CHECK (stream_position >= 0));"
           "CREATE INDEX events_stream_idx ON %1.messages (stream_id);"
           "CREATE TABLE %1.checkpoints (id varchar PRIMARY KEY, position bigint NULL);"_s.arg(schema);
}

// Schema eventuous: Booking-1..20 (stream ids 1..20), 1 000 events each (positions 0..999), global positions
// 1..20000 one second apart from 2024-01-01 00:00:01 UTC; then a subscription's tombstone at 20001 in
// __tombstones__ (hidden), Payment-1 with one event at 20002 (no metadata), and Empty-1..5000, created but
// empty (hidden).
QString eventuousData()
{
    return u"INSERT INTO eventuous.streams (stream_name, version)"
           " SELECT 'Booking-' || i, 999 FROM generate_series(1, 20) AS i;"
           "INSERT INTO eventuous.messages (message_id, message_type, stream_id, stream_position, global_position,"
           " json_data, json_metadata, created) OVERRIDING SYSTEM VALUE"
           " SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,"
           " CASE WHEN (g - 1) % 1000 = 0 THEN 'V1.RoomBooked' ELSE 'V1.PaymentRecorded' END, (g - 1) / 1000 + 1,"
           " (g - 1) % 1000, g, jsonb_build_object('n', g),"
           " jsonb_build_object('eventuous.message-id', g::text), timestamp '2024-01-01 00:00:00' + g * interval '1 "
           "second'"
           " FROM generate_series(1, 20000) AS g;"
           "INSERT INTO eventuous.streams (stream_name, version) VALUES ('__tombstones__', 0), ('Payment-1', 0),"
           " ('Empty-1', -1);"
           "INSERT INTO eventuous.messages (message_id, message_type, stream_id, stream_position, global_position,"
           " json_data, json_metadata, created) OVERRIDING SYSTEM VALUE VALUES"
           " ('10000000-0000-4000-8000-000000000001', '$tombstone', 21, 0, 20001, '{}', '{}',"
           "  '2024-02-01 00:00:00'),"
           " ('10000000-0000-4000-8000-000000000002', 'V1.PaymentRecorded', 22, 0, 20002, '{\"amount\": 12.5}',"
           "  NULL, '2024-02-01 00:00:01.250');"
           "INSERT INTO eventuous.streams (stream_name, version)"
           " SELECT 'Empty-' || i, -1 FROM generate_series(2, 5000) AS i;"
           "ANALYZE;"_s;
}

bool isSortOrSeqScan(const QString& line)
{
    const QString step = line.trimmed().remove(QRegularExpression(u"^->\\s*"_s));
    return step.contains(QRegularExpression(u"^(Incremental )?Sort\\s+\\("_s)) || step.startsWith(u"Seq Scan"_s);
}

} // namespace

// Eventuous's tables on PostgreSQL, in its default schema and in a second one: detected with no options (one
// store per schema), exact counts from the streams table, 0-based versions, UTC times of a timestamp without
// time zone, tombstones hidden, index-seek plans through the join, and not one row written.
class TestEventuousDialect : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    PostgresServer::Counters m_before;

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"eventuous"_s), QString());
        QCOMPARE(m_server.exec(eventuousDdl(u"eventuous"_s) + eventuousData() + eventuousDdl(u"billing"_s)
                         + u"INSERT INTO billing.streams (stream_name, version) VALUES ('Invoice-1', 0);"
                           "INSERT INTO billing.messages (message_id, message_type, stream_id, stream_position,"
                           " json_data, json_metadata, created) VALUES ('20000000-0000-4000-8000-000000000001',"
                           " 'InvoiceIssued', 1, 0, '{\"total\": 3}', '{}', '2024-03-01 12:00:00');"_s,
                     u"eventuous"_s),
            QString());
        // The reader's session zone must not move a timestamp without time zone.
        QCOMPARE(m_server.exec(u"ALTER DATABASE eventuous SET timezone TO 'America/New_York';"_s), QString());
        QTRY_COMPARE(m_server.otherSessions(u"eventuous"_s), 0);
        m_before = m_server.counters(u"eventuous"_s);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        QVERIFY(m_server.counters(u"eventuous"_s).writesEqual(m_before));
    }

    void eachSchemaIsAStore()
    {
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"eventuous"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"eventuous"_s);
        QCOMPARE(opened->match.confidence, 90);
        QCOMPARE(opened->match.storeName, u"eventuous"_s);
        QCOMPARE(opened->found.size(), 2);
        QCOMPARE(opened->found.at(1).storeName, u"billing"_s);

        OpenOptions options;
        options.storeName = u"billing"_s;
        auto billing = openStore(*StoreLocation::parse(m_server.uri(u"eventuous"_s)), options);
        QVERIFY2(billing, billing ? "" : qPrintable(billing.error().message));
        const auto info = billing->store->describe();
        QVERIFY(info);
        QCOMPARE(info->events, 1);
        const auto page = billing->store->readEvents({});
        QVERIFY(page);
        QCOMPARE(TestSupport::describeEvents(page->events),
            QStringList {
                u"1 Invoice-1 Invoice 0 InvoiceIssued 1709294400000 20000000-0000-4000-8000-000000000001 %1 %2"_s.arg(
                    QString::fromLatin1(QByteArray("{\"total\": 3}").toBase64()),
                    QString::fromLatin1(QByteArray("{}").toBase64())) });
    }

    void countsStreamsAndCategoriesAreExact()
    {
        auto store = openStore(m_server.uri(u"eventuous"_s));
        QVERIFY(store);
        const auto info = (*store)->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 20001); // the tombstone is hidden
        QCOMPARE(info->streams, 21);
        QCOMPARE(info->categories, 2);
        QCOMPARE(info->snapshots, 0);
        QCOMPARE(*info->firstTimeMs, 1704067201000);
        QCOMPARE(*info->lastTimeMs, 1706745601250);
        QCOMPARE(*info->lastPosition, 20002);

        const auto streams = (*store)->streams({ {}, {}, {}, 3 });
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QCOMPARE(streams->size(), 3);
        QCOMPARE(streams->at(0).stream, u"Booking-1"_s);
        QCOMPARE(streams->at(0).category, u"Booking"_s);
        QCOMPARE(streams->at(0).events, 1000);
        QCOMPARE(streams->at(0).lastVersion, 999);
        // Eventuous keeps no time for a stream: unknown, not the epoch.
        QCOMPARE(streams->at(0).lastTimeMs, std::optional<qint64>());
        QCOMPARE(streams->at(1).stream, u"Booking-10"_s);
        const auto payments = (*store)->streams({ {}, u"Payment"_s, {}, {} });
        QVERIFY(payments);
        QCOMPARE(payments->size(), 1);
        QCOMPARE(payments->first().events, 1);
        QCOMPARE(payments->first().lastVersion, 0);
        const auto all = (*store)->streams({});
        QVERIFY(all);
        QCOMPARE(all->size(), 21); // neither __tombstones__ nor the empty Empty-*

        const auto categories = (*store)->categories({});
        QVERIFY(categories);
        QCOMPARE(categories->size(), 2);
        QCOMPARE(categories->at(0).category, u"Booking"_s);
        QCOMPARE(categories->at(0).streams, 20);
        QCOMPARE(categories->at(0).events, 20000);
        QCOMPARE(categories->at(1).category, u"Payment"_s);
        QCOMPARE((*store)->snapshots(u"Booking-1"_s)->size(), 0);
    }

    void pagesReadTheLogAndStreams()
    {
        auto store = openStore(m_server.uri(u"eventuous"_s));
        QVERIFY(store);
        EventPageRequest request;
        request.direction = ReadDirection::Backward;
        request.limit = 2;
        auto page = (*store)->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList {
                u"20002 Payment-1 Payment 0 V1.PaymentRecorded 1706745601250 10000000-0000-4000-8000-000000000002 %1 "_s
                    .arg(QString::fromLatin1(QByteArray("{\"amount\": 12.5}").toBase64())),
                u"20000 Booking-20 Booking 999 V1.PaymentRecorded 1704087200000 00000000-0000-4000-8000-000000020000 %1 %2"_s
                    .arg(QString::fromLatin1(QByteArray("{\"n\": 20000}").toBase64()),
                        QString::fromLatin1(QByteArray("{\"eventuous.message-id\": \"20000\"}").toBase64())) }));

        request = {};
        request.filter.stream = u"Booking-2"_s;
        request.start = KeyBound { 997, false };
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.at(0).version, 998);
        QCOMPARE(page->events.at(0).position, 1999);
        QCOMPARE(page->events.at(1).position, 2000);
        QVERIFY(page->reachedEnd);

        request = {};
        request.filter.category = u"Payment"_s;
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 1);
        QCOMPARE(page->events.first().position, 20002);

        request = {};
        request.filter.stream = u"__tombstones__"_s;
        page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 0);

        QCOMPARE(*(*store)->keyAtPosition({}, 20001), 20002);
        QCOMPARE(*(*store)->keyAtTime({}, 1704067201000 + 99000), 100);
        EventFilter booking;
        booking.stream = u"Booking-7"_s;
        QCOMPARE(*(*store)->denseKeys(booking), (DenseKeys { 0, 1000 }));
        QCOMPARE(*(*store)->eventTypes(), (QStringList { u"V1.PaymentRecorded"_s, u"V1.RoomBooked"_s }));
    }

    void pagesAreIndexSeeks_data()
    {
        QTest::addColumn<EventPageRequest>("request");
        QTest::newRow("global log") << EventPageRequest {};
        EventPageRequest after;
        after.start = KeyBound { 10000, false };
        QTest::newRow("global log after a key") << after;
        EventPageRequest backward;
        backward.direction = ReadDirection::Backward;
        QTest::newRow("global log backward") << backward;
        EventPageRequest stream;
        stream.filter.stream = u"Booking-12"_s;
        QTest::newRow("stream") << stream;
        EventPageRequest streamAfter;
        streamAfter.filter.stream = u"Booking-12"_s;
        streamAfter.start = KeyBound { 5, false };
        streamAfter.direction = ReadDirection::Backward;
        QTest::newRow("stream backward after a key") << streamAfter;
    }
    void pagesAreIndexSeeks()
    {
        QFETCH(EventPageRequest, request);
        auto store = openStore(m_server.uri(u"eventuous"_s));
        QVERIFY(store);
        auto* mapped = dynamic_cast<MappedStore*>(store->get());
        QVERIFY(mapped);
        const auto plan = (*store)->explain(mapped->readEventsQuery(request));
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message));
        const QString text = plan->join(u'\n');
        for (const QString& line : *plan)
            QVERIFY2(!isSortOrSeqScan(line), qPrintable(text));
        if (request.filter.stream.isEmpty()) {
            QVERIFY2(text.contains(u"Index Scan"_s) && text.contains(u"messages_pkey"_s), qPrintable(text));
        } else {
            // The stream's id by its unique name, then the messages' (stream_id, stream_position) index.
            QVERIFY2(text.contains(u"uq_streams_name"_s), qPrintable(text));
            QVERIFY2(text.contains(u"uq_messages_stream_id_and_stream_position"_s), qPrintable(text));
        }
    }

    // StreamName.For<T> names streams `<TypeName>-<id>` and the id is free text: the category is the text before
    // the first '-' (as Message DB and KurrentDB), whatever else the name holds; a filter by category runs the
    // rule in SQL (a LIKE on the prefix), case and all. A database of its own: the one above counts its writes.
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        QCOMPARE(m_server.createDatabase(u"eventuousnames"_s), QString());
        QCOMPARE(
            m_server.exec(eventuousDdl(u"eventuous"_s)
                    + u"INSERT INTO eventuous.streams (stream_name, version) VALUES ('order-Ünïcødé 7-b', 1),"
                      " ('Ünïcødé ördér', 0), ('order-x', 0), ('Order-Ünïcødé ördér-2 b', 0);"
                      "INSERT INTO eventuous.messages (message_id, message_type, stream_id, stream_position,"
                      " json_data, json_metadata, created) VALUES"
                      " ('30000000-0000-4000-8000-000000000001', 'Placed', 1, 0, '{}', NULL, '2024-03-01 12:00:01'),"
                      " ('30000000-0000-4000-8000-000000000002', 'Noted', 2, 0, '{}', NULL, '2024-03-01 12:00:02'),"
                      " ('30000000-0000-4000-8000-000000000003', 'Placed', 3, 0, '{}', NULL, '2024-03-01 12:00:03'),"
                      " ('30000000-0000-4000-8000-000000000004', 'Placed', 4, 0, '{}', NULL, '2024-03-01 12:00:04'),"
                      " ('30000000-0000-4000-8000-000000000005', 'Paid', 1, 1, '{}', NULL, '2024-03-01 12:00:05');"
                      "ANALYZE;"_s,
                u"eventuousnames"_s),
            QString());
        auto opened = openStore(m_server.uri(u"eventuousnames"_s));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        EventStore& store = **opened;
        QCOMPARE(store.dialectName(), u"eventuous"_s);

        // Ordered by code point (the server's C.UTF-8 collation): 'O' < 'o', 'x' < 'Ü'.
        QCOMPARE(TestSupport::streamLines(store),
            (QStringList { u"Order-Ünïcødé ördér-2 b|Order|1|0"_s, u"order-x|order|1|0"_s,
                u"order-Ünïcødé 7-b|order|2|1"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|0"_s }));
        QCOMPARE(TestSupport::streamLines(store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|0"_s, u"order-Ünïcødé 7-b|order|2|1"_s }));
        QCOMPARE(TestSupport::categoryLines(store),
            (QStringList { u"Order|1|1"_s, u"order|2|3"_s, u"Ünïcødé ördér|1|1"_s }));
        QCOMPARE(store.describe()->categories, 3);
        QCOMPARE(TestSupport::categoryEventLines(store, u"order"_s),
            (QStringList {
                u"1 order-Ünïcødé 7-b order 0"_s, u"3 order-x order 0"_s, u"5 order-Ünïcødé 7-b order 1"_s }));
        QCOMPARE(TestSupport::categoryEventLines(store, u"Ünïcødé ördér"_s),
            (QStringList { u"2 Ünïcødé ördér Ünïcødé ördér 0"_s }));

        QCOMPARE(TestSupport::categoryOfLines(
                     store, { u"order-Ünïcødé 7-b"_s, u"order-x"_s, u"Ünïcødé ördér"_s, u"Order-Ünïcødé ördér-2 b"_s }),
            (QStringList { u"order-Ünïcødé 7-b|order"_s, u"order-x|order"_s, u"Ünïcødé ördér|Ünïcødé ördér"_s,
                u"Order-Ünïcødé ördér-2 b|Order"_s }));
        QCOMPARE(TestSupport::categoryOfDisagreement(store), QString());
    }

    void cliNamesTheDialect()
    {
        const CliTest::CliRun run = CliTest::runCli({ u"info"_s, u"--json"_s, m_server.uri(u"eventuous"_s) });
        QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(u"dialect"_s).toString(), u"eventuous"_s);

        // What the store does not hold is absent, never a made-up 1970 (issue 24); what it holds is there.
        const CliTest::CliRun streams
            = CliTest::runCli({ u"streams"_s, m_server.uri(u"eventuous"_s), u"--json"_s, u"--limit"_s, u"2"_s });
        QVERIFY2(streams.finished && streams.exitCode == 0, streams.err.constData());
        const QList<QByteArray> lines = streams.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const QByteArray& line : lines) {
            const QJsonObject stream = QJsonDocument::fromJson(line).object();
            QVERIFY2(stream.contains(u"last_version"_s), line.constData());
            QVERIFY2(!stream.contains(u"last_time"_s), line.constData());
        }
        QVERIFY(!streams.out.contains("1970-01-01"));
    }
};

QTEST_GUILESS_MAIN(TestEventuousDialect)
#include "tst_eventuousdialect.moc"
