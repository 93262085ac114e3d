#include "../cli/clirunner.h"

#include <core/dialects/mappedstore.h>
#include <core/dialects/messagedbstore.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>
#include <verifylines.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

// Message DB 1.3.0's table, indexes and the two functions EventScope relies on (store-schemas.md §2), in our words.
constexpr char kSchema[] = R"(
CREATE SCHEMA message_store;
CREATE TABLE message_store.messages (
    global_position bigserial NOT NULL,
    position bigint NOT NULL,
    time timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    stream_name text NOT NULL,
    type text NOT NULL,
    data jsonb,
    metadata jsonb,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    PRIMARY KEY (global_position));
CREATE FUNCTION message_store.category(stream_name varchar) RETURNS varchar
    AS $$ BEGIN RETURN split_part(stream_name, '-', 1); END; $$ LANGUAGE plpgsql IMMUTABLE;
CREATE FUNCTION message_store.message_store_version() RETURNS varchar
    AS $$ BEGIN RETURN '1.3.0'; END; $$ LANGUAGE plpgsql VOLATILE;
CREATE UNIQUE INDEX messages_id ON message_store.messages (id);
CREATE UNIQUE INDEX messages_stream ON message_store.messages (stream_name, position);
CREATE INDEX messages_category ON message_store.messages (message_store.category(stream_name), global_position,
    message_store.category(metadata->>'correlationStreamName'));
)";

// Entity streams, a command stream, Eventide snapshot streams (camelCase and snake_case keys, one without the
// fields), a category-only stream with a NULL payload, a compound id, a version gap and a global-position gap.
constexpr char kMessages[] = R"(
INSERT INTO message_store.messages (global_position, position, time, stream_name, type, data, metadata, id) VALUES
 (1, 0, '2024-01-01 00:00:01', 'account-1', 'Opened', '{"customerId": "c1"}', NULL, 'a0000000-0000-4000-8000-000000000001'),
 (2, 1, '2024-01-01 00:00:02', 'account-1', 'Deposited', '{"amount": 10}',
     '{"causationMessageStreamName": "account:command-1", "causationMessagePosition": 0}',
     'a0000000-0000-4000-8000-000000000002'),
 (3, 0, '2024-01-01 00:00:03', 'account-2', 'Opened', '{"customerId": "c2"}', NULL, 'a0000000-0000-4000-8000-000000000003'),
 (4, 2, '2024-01-01 00:00:04', 'account-1', 'Withdrawn', '{"amount": 3}', NULL, 'a0000000-0000-4000-8000-000000000004'),
 (5, 0, '2024-01-01 00:00:05', 'account:command-1', 'Deposit', '{"amount": 10}', NULL, 'a0000000-0000-4000-8000-000000000005'),
 (6, 0, '2024-01-01 00:00:06', 'account:snapshot-1', 'Recorded',
     '{"entityData": {"balance": 10}, "entityVersion": 1, "time": "2024-01-01T00:00:02.500Z"}', NULL,
     'a0000000-0000-4000-8000-000000000006'),
 (7, 1, '2024-01-01 00:00:07', 'account:snapshot-1', 'Recorded',
     '{"entity_data": {"balance": 7}, "entity_version": 2, "time": "2024-01-01T00:00:04.000Z"}', NULL,
     'a0000000-0000-4000-8000-000000000007'),
 (8, 0, '2024-01-01 00:00:08', 'account:snapshot-2', 'Recorded', '{"garbage": true}', NULL,
     'a0000000-0000-4000-8000-000000000008'),
 (9, 0, '2024-01-01 00:00:09', 'account', 'Note', NULL, NULL, 'a0000000-0000-4000-8000-000000000009'),
 (11, 0, '2024-01-01 00:00:11', 'cartItem-abc+def', 'Added', '{}', NULL, 'a0000000-0000-4000-8000-000000000011'),
 (12, 0, '2024-01-01 00:00:12', 'gap-1', 'First', '{}', NULL, 'a0000000-0000-4000-8000-000000000012'),
 (13, 2, '2024-01-01 00:00:13', 'gap-1', 'Third', '{}', NULL, 'a0000000-0000-4000-8000-000000000013');
ANALYZE;
)";

// 20 000 messages: 1 000 streams of 10 in 50 categories, and one stream of 10 000.
constexpr char kBulk[] = R"(
INSERT INTO message_store.messages (position, time, stream_name, type, data, metadata)
    SELECT v - 1, '2024-03-01 00:00:00'::timestamp + (s * 10 + v) * interval '1 second',
           'thing' || (s % 50) || '-' || s, 'Ticked', '{"v": 1}', '{}'
    FROM generate_series(1, 1000) AS s, generate_series(1, 10) AS v ORDER BY s, v;
INSERT INTO message_store.messages (position, time, stream_name, type, data, metadata)
    SELECT v - 1, '2024-03-02 00:00:00', 'clock-hot', 'Ticked', '{"v": 1}', '{}' FROM generate_series(1, 10000) AS v;
ANALYZE;
)";

constexpr qint64 kJan1 = 1704067200000; // 2024-01-01 00:00:00 UTC

QStringList summary(const QList<Event>& events)
{
    QStringList lines;
    for (const Event& e : events)
        lines << u"%1 %2 %3 %4 %5 %6"_s.arg(e.position)
                     .arg(e.stream, e.category)
                     .arg(e.version)
                     .arg(e.type)
                     .arg(TestSupport::timeText(e.timeMs));
    return lines;
}

QJsonObject json(const QByteArray& bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

} // namespace

// The Message DB dialect on the suite's PostgreSQL server: the table and functions of Message DB 1.3.0, detected
// with no options, read with exact values (Eventide's snapshot streams as snapshots), and not one row written.
class TestMessageDbDialect : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    PostgresServer::Counters m_before;
    PostgresServer::Counters m_bulkBefore;

    std::unique_ptr<EventStore> open(const QString& database)
    {
        auto opened = openStore(m_server.uri(database));
        if (!opened) {
            qWarning() << opened.error().message;
            return nullptr;
        }
        return std::move(opened).value();
    }

    static QString plan(EventStore& store, const EventPageRequest& request)
    {
        const auto lines = store.explain(static_cast<MappedStore&>(store).readEventsQuery(request));
        return lines ? lines->join(u" | "_s) : u"explain failed: "_s + lines.error().message;
    }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"mdb"_s), QString());
        QCOMPARE(m_server.exec(QString::fromUtf8(kSchema) + QString::fromUtf8(kMessages), u"mdb"_s), QString());
        QCOMPARE(m_server.createDatabase(u"bulk"_s), QString());
        QCOMPARE(m_server.exec(QString::fromUtf8(kSchema) + QString::fromUtf8(kBulk), u"bulk"_s), QString());
        QTRY_COMPARE(m_server.otherSessions(u"mdb"_s), 0);
        QTRY_COMPARE(m_server.otherSessions(u"bulk"_s), 0);
        m_before = m_server.counters(u"mdb"_s);
        m_bulkBefore = m_server.counters(u"bulk"_s);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        QVERIFY(m_server.counters(u"mdb"_s).writesEqual(m_before));
        QVERIFY(m_server.counters(u"bulk"_s).writesEqual(m_bulkBefore));
    }

    void detectedByItsMarkerFunction()
    {
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"mdb"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"message-db"_s);
        QCOMPARE(opened->match.confidence, 90);
        QCOMPARE(opened->match.storeName, QString());
        QCOMPARE(opened->found.size(), 1);
    }

    void snapshotStreamNames()
    {
        QCOMPARE(MessageDbStore::snapshotStreamOf(u"account-42"_s), u"account:snapshot-42"_s);
        QCOMPARE(MessageDbStore::snapshotStreamOf(u"account-4-2"_s), u"account:snapshot-4-2"_s);
        QCOMPARE(MessageDbStore::snapshotStreamOf(u"account:command-42"_s), u"account:command+snapshot-42"_s);
        QCOMPARE(MessageDbStore::snapshotStreamOf(u"account"_s), QString());
        QCOMPARE(MessageDbStore::snapshotStreamOf(u"account:snapshot-42"_s), QString());
    }

    void countsExactly()
    {
        auto store = open(u"mdb"_s);
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->dialect, u"message-db"_s);
        QCOMPARE(info->events, 12);
        QCOMPARE(info->streams, 8);
        QCOMPARE(info->categories, 5); // account, account:command, account:snapshot, cartItem, gap
        QCOMPARE(info->snapshots, 3);
        QCOMPARE(*info->firstPosition, 1);
        QCOMPARE(*info->lastPosition, 13);
        QCOMPARE(*info->firstTimeMs, kJan1 + 1000);
        QCOMPARE(*info->lastTimeMs, kJan1 + 13000);

        const auto streams = store->streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QStringList listed;
        for (const StreamInfo& s : *streams)
            listed << u"%1 %2 %3 %4 %5"_s.arg(s.stream, s.category)
                          .arg(s.events.value)
                          .arg(s.lastVersion)
                          .arg(*s.lastTimeMs - kJan1);
        QCOMPARE(listed,
            (QStringList { u"account account 1 0 9000"_s, u"account-1 account 3 2 4000"_s,
                u"account-2 account 1 0 3000"_s, u"account:command-1 account:command 1 0 5000"_s,
                u"account:snapshot-1 account:snapshot 2 1 7000"_s, u"account:snapshot-2 account:snapshot 1 0 8000"_s,
                u"cartItem-abc+def cartItem 1 0 11000"_s, u"gap-1 gap 2 2 13000"_s }));
        const auto categories = store->categories({});
        QVERIFY(categories);
        QStringList names;
        for (const CategoryInfo& c : *categories)
            names << u"%1 %2 %3"_s.arg(c.category).arg(c.streams.value).arg(c.events.value);
        QCOMPARE(names,
            (QStringList { u"account 3 5"_s, u"account:command 1 1"_s, u"account:snapshot 2 3"_s, u"cartItem 1 1"_s,
                u"gap 1 2"_s }));
        const auto matched = store->streams({ u"^account-"_s, {}, {}, {} });
        QVERIFY(matched);
        QCOMPARE(matched->size(), 2);
        const auto inCategory = store->streams({ {}, u"account"_s, {}, {} });
        QVERIFY(inCategory);
        QCOMPARE(inCategory->size(), 3);
    }

    void readsPagesAsStored()
    {
        auto store = open(u"mdb"_s);
        QVERIFY(store);
        EventPageRequest request;
        request.limit = 3;
        auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(summary(page->events),
            (QStringList { u"1 account-1 account 0 Opened %1"_s.arg(kJan1 + 1000),
                u"2 account-1 account 1 Deposited %1"_s.arg(kJan1 + 2000),
                u"3 account-2 account 0 Opened %1"_s.arg(kJan1 + 3000) }));
        QCOMPARE(page->events[0].id, u"a0000000-0000-4000-8000-000000000001"_s);
        QCOMPARE(json(page->events[1].data), (QJsonObject { { u"amount"_s, 10 } }));
        QCOMPARE(json(page->events[1].metadata),
            (QJsonObject {
                { u"causationMessageStreamName"_s, u"account:command-1"_s }, { u"causationMessagePosition"_s, 0 } }));
        QVERIFY(page->events[0].metadata.isEmpty());

        request.start = KeyBound { 8, false };
        request.limit = 10;
        page = store->readEvents(request);
        QVERIFY(page);
        QCOMPARE(summary(page->events),
            (QStringList { u"9 account account 0 Note %1"_s.arg(kJan1 + 9000),
                u"11 cartItem-abc+def cartItem 0 Added %1"_s.arg(kJan1 + 11000),
                u"12 gap-1 gap 0 First %1"_s.arg(kJan1 + 12000), u"13 gap-1 gap 2 Third %1"_s.arg(kJan1 + 13000) }));
        QVERIFY(page->events[0].data.isNull()); // a NULL payload stays NULL
        QVERIFY(page->reachedEnd);

        EventPageRequest stream;
        stream.filter.stream = u"account-1"_s;
        stream.direction = ReadDirection::Backward;
        page = store->readEvents(stream);
        QVERIFY(page);
        QCOMPARE(summary(page->events),
            (QStringList { u"4 account-1 account 2 Withdrawn %1"_s.arg(kJan1 + 4000),
                u"2 account-1 account 1 Deposited %1"_s.arg(kJan1 + 2000),
                u"1 account-1 account 0 Opened %1"_s.arg(kJan1 + 1000) }));

        EventPageRequest category;
        category.filter.category = u"account"_s;
        page = store->readEvents(category);
        QVERIFY(page);
        QList<qint64> positions;
        for (const Event& e : std::as_const(page->events))
            positions << e.position;
        QCOMPARE(positions, (QList<qint64> { 1, 2, 3, 4, 9 })); // not the command or snapshot streams

        QCOMPARE(*store->keyAtPosition({}, 10), 11);
        QCOMPARE(*store->keyAtTime({ u"gap-1"_s, {}, {}, {}, {} }, kJan1 + 12500), 2);
        const auto dense = store->denseKeys({ u"gap-1"_s, {}, {}, {}, {} });
        QVERIFY(dense);
        QVERIFY(!dense->has_value()); // the version gap is seen, not papered over
        qint64 rows = 0;
        const auto scanned = store->scanKeys({}, 5, [&rows](const QList<qint64>&, qint64 soFar) {
            rows = soFar;
            return true;
        });
        QVERIFY(scanned);
        QCOMPARE(*scanned, 12);
    }

    // Snapshot verification (issue 16) over Eventide snapshot streams: the two good snapshots of account-1 match,
    // a third written wrong drifts on `balance`, and the snapshot without a version is an error row.
    void verifyFindsADriftedSnapshotStream()
    {
        QCOMPARE(m_server.createDatabase(u"mdbverify"_s), QString());
        QCOMPARE(m_server.exec(QString::fromUtf8(kSchema) + QString::fromUtf8(kMessages)
                         + u"INSERT INTO message_store.messages (global_position, position, time, stream_name, type, "
                           "data) VALUES (14, 2, '2024-01-01 00:00:14', 'account:snapshot-1', 'Recorded', "
                           "'{\"entityData\": {\"balance\": 99}, \"entityVersion\": 2}');"_s,
                     u"mdbverify"_s),
            QString());
        const QStringList lines = TestSupport::verifyLines([this] { return openStore(m_server.uri(u"mdbverify"_s)); },
            u"account"_s, uR"(fromCategory('account').foreachStream().when({
                $init: function () { return { balance: 0 }; },
                Deposited: function (s, e) { s.balance += e.body.amount; },
                Withdrawn: function (s, e) { s.balance -= e.body.amount; } }))"_s);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.mid(0, 3),
            (QStringList { u"account-1 1 match"_s, u"account-1 2 match"_s, u"account-1 2 drift balance:99->7"_s }));
        QVERIFY2(lines.at(3).startsWith(u"account-2 -1 error "_s), qPrintable(lines.at(3)));
    }

    // Issue 24: the category is the text before the FIRST '-', whatever follows it (more '-', spaces, non-ASCII);
    // a category type after ':' stays in the category, and a name without '-' is its own category.
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        QCOMPARE(m_server.createDatabase(u"mdbnames"_s), QString());
        QCOMPARE(m_server.exec(QString::fromUtf8(kSchema) + uR"(
INSERT INTO message_store.messages (global_position, position, time, stream_name, type, data, metadata, id) VALUES
 (21, 0, '2024-01-01 00:00:21', 'order-Ünïcødé 7-b', 'Placed', '{}', NULL, 'b0000000-0000-4000-8000-000000000021'),
 (22, 0, '2024-01-01 00:00:22', 'Ünïcødé ördér', 'Noted', '{}', NULL, 'b0000000-0000-4000-8000-000000000022'),
 (23, 0, '2024-01-01 00:00:23', 'order:command-Ünï cødé-7', 'Place', '{}', NULL,
     'b0000000-0000-4000-8000-000000000023'),
 (24, 0, '2024-01-01 00:00:24', 'order-x', 'Placed', '{}', NULL, 'b0000000-0000-4000-8000-000000000024'),
 (25, 1, '2024-01-01 00:00:25', 'order-Ünïcødé 7-b', 'Shipped', '{}', NULL, 'b0000000-0000-4000-8000-000000000025');
ANALYZE;
)"_s,
                     u"mdbnames"_s),
            QString());
        auto store = open(u"mdbnames"_s);
        QVERIFY(store);

        QCOMPARE(TestSupport::streamLines(*store),
            (QStringList { u"order-x|order|1|0"_s, u"order-Ünïcødé 7-b|order|2|1"_s,
                u"order:command-Ünï cødé-7|order:command|1|0"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|0"_s }));
        // The store's rule in code agrees with the category the SQL listed, stream by stream.
        QCOMPARE(TestSupport::categoryOfDisagreement(*store), QString());
        QCOMPARE(TestSupport::streamLines(*store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|0"_s, u"order-Ünïcødé 7-b|order|2|1"_s }));

        QCOMPARE(TestSupport::categoryLines(*store),
            (QStringList { u"order|2|3"_s, u"order:command|1|1"_s, u"Ünïcødé ördér|1|1"_s }));
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->categories, 3);

        // The category filter (Message DB's category() function, the index's expression) splits the same way.
        QCOMPARE(TestSupport::categoryEventLines(*store, u"order"_s, summary),
            (QStringList { u"21 order-Ünïcødé 7-b order 0 Placed %1"_s.arg(kJan1 + 21000),
                u"24 order-x order 0 Placed %1"_s.arg(kJan1 + 24000),
                u"25 order-Ünïcødé 7-b order 1 Shipped %1"_s.arg(kJan1 + 25000) }));
        QCOMPARE(TestSupport::categoryEventLines(*store, u"order:command"_s, summary),
            (QStringList { u"23 order:command-Ünï cødé-7 order:command 0 Place %1"_s.arg(kJan1 + 23000) }));
        QCOMPARE(TestSupport::categoryEventLines(*store, u"Ünïcødé ördér"_s, summary),
            (QStringList { u"22 Ünïcødé ördér Ünïcødé ördér 0 Noted %1"_s.arg(kJan1 + 22000) }));
    }

    void snapshotStreamsAreSnapshots()
    {
        auto store = open(u"mdb"_s);
        QVERIFY(store);
        const auto snapshots = store->snapshots(u"account-1"_s);
        QVERIFY2(snapshots, snapshots ? "" : qPrintable(snapshots.error().message));
        QCOMPARE(snapshots->size(), 2);
        QCOMPARE(snapshots->at(0).stream, u"account-1"_s);
        QCOMPARE(snapshots->at(0).version, 1);
        QCOMPARE(snapshots->at(0).timeMs, kJan1 + 2500);
        QCOMPARE(json(snapshots->at(0).state), (QJsonObject { { u"balance"_s, 10 } }));
        QCOMPARE(snapshots->at(1).version, 2); // snake_case keys, as non-Ruby writers store them
        QCOMPARE(snapshots->at(1).timeMs, kJan1 + 4000);
        QCOMPARE(json(snapshots->at(1).state), (QJsonObject { { u"balance"_s, 7 } }));
        // A snapshot message without the fields is kept whole, its version unknown.
        const auto odd = store->snapshots(u"account-2"_s);
        QVERIFY(odd);
        QCOMPARE(odd->size(), 1);
        QCOMPARE(odd->first().version, -1);
        QCOMPARE(odd->first().timeMs, kJan1 + 8000);
        QCOMPARE(json(odd->first().state), (QJsonObject { { u"garbage"_s, true } }));
        QVERIFY(store->snapshots(u"account"_s)->isEmpty());
        QVERIFY(store->snapshots(u"gap-1"_s)->isEmpty());
    }

    void pageQueriesAreIndexSeeks()
    {
        auto store = open(u"bulk"_s);
        QVERIFY(store);
        QCOMPARE(store->describe()->events, 20000);
        EventPageRequest global;
        EventPageRequest after;
        after.start = KeyBound { 10000, false };
        EventPageRequest backward;
        backward.direction = ReadDirection::Backward;
        EventPageRequest inStream;
        inStream.filter.stream = u"clock-hot"_s;
        EventPageRequest inStreamAfter = inStream;
        inStreamAfter.start = KeyBound { 5000, false };
        EventPageRequest category;
        category.filter.category = u"thing7"_s;
        for (const EventPageRequest& request : { global, after, backward, inStream, inStreamAfter, category }) {
            const QString text = plan(*store, request);
            QVERIFY2(!text.contains(u"Seq Scan"_s) && !text.contains(u"Sort"_s), qPrintable(text));
            QVERIFY2(text.contains(u"Index"_s), qPrintable(text));
        }
        QVERIFY2(plan(*store, inStream).contains(u"messages_stream"_s), qPrintable(plan(*store, inStream)));
        QVERIFY2(plan(*store, category).contains(u"messages_category"_s), qPrintable(plan(*store, category)));
        const auto first = store->streams({ {}, {}, {}, 3 });
        QVERIFY(first);
        QCOMPARE(first->size(), 3);
        QCOMPARE(first->first().stream, u"clock-hot"_s);
        QCOMPARE(first->first().events, 10000);
    }

    void cliNamesTheDialect()
    {
        const CliTest::CliRun run = CliTest::runCli({ u"info"_s, u"--json"_s, m_server.uri(u"mdb"_s) });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("\"dialect\":\"message-db\""), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestMessageDbDialect)
#include "tst_messagedbdialect.moc"
