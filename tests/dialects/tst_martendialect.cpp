#include "../cli/clirunner.h"

#include <core/dialects/mappedstore.h>
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

// Marten's tables as the reference describes them (store-schemas.md §1), in three schemas of one database:
// - `events`: Guid stream ids and the 9.x columns (bdata, headers, correlation and causation ids), a tombstone
//   stream, a stream without an aggregate type;
// - `strs`: string stream ids, the 8.x layout (snapshot columns in mt_streams, no bdata, no metadata columns);
// - `bulk`: 1 000 streams of 10 events and one of 10 000, enough rows for the planner's choices to mean something.
// The aggregates are documents: public.mt_doc_order (uuid ids, bigint mt_version), strs.mt_doc_cart (varchar ids,
// integer mt_version) and public.mt_doc_user, an ordinary document table (uuid mt_version): not snapshots.
QString martenTables(const QString& schema, const QString& idType, bool v9)
{
    QString sql = uR"(
CREATE SCHEMA %1;
CREATE SEQUENCE %1.mt_events_sequence;
CREATE TABLE %1.mt_streams (
    id %2 NOT NULL PRIMARY KEY,
    type varchar NULL,
    version bigint NULL,
    timestamp timestamptz NOT NULL DEFAULT now(),
    created timestamptz NOT NULL DEFAULT now(),
    tenant_id varchar NULL DEFAULT '*DEFAULT*',
    is_archived bool NULL DEFAULT false%3);
CREATE TABLE %1.mt_events (
    seq_id bigint NOT NULL PRIMARY KEY,
    id uuid NOT NULL,
    stream_id %2 NULL REFERENCES %1.mt_streams (id) ON DELETE CASCADE,
    version bigint NOT NULL,
    data jsonb NOT NULL,
    type varchar(500) NOT NULL,
    timestamp timestamptz NOT NULL DEFAULT now(),
    tenant_id varchar NULL DEFAULT '*DEFAULT*',
    mt_dotnet_type varchar NULL,
    is_archived bool NULL DEFAULT false%4);
CREATE UNIQUE INDEX pk_mt_events_stream_and_version ON %1.mt_events (stream_id, version);
)"_s;
    return sql.arg(schema, idType, v9 ? QString() : u",\n    snapshot jsonb NULL,\n    snapshot_version integer NULL"_s,
        v9 ? u",\n    correlation_id varchar NULL,\n    causation_id varchar NULL,\n    headers jsonb NULL,\n"
             "    bdata bytea NULL"_s
           : QString());
}

constexpr char kOrder[] = "11111111-1111-4111-8111-111111111111";
constexpr char kUntyped[] = "22222222-2222-4222-8222-222222222222";
constexpr char kBinary[] = "33333333-3333-4333-8333-333333333333";
constexpr char kTombstones[] = "99999999-9999-4999-8999-999999999999";
constexpr char kGuidCart[] = "0a0a0a0a-0000-4000-8000-000000000001";
constexpr char kHot[] = "cccccccc-0000-4000-8000-000000000001";

QString fixture()
{
    QString sql = martenTables(u"events"_s, u"uuid"_s, true) + martenTables(u"strs"_s, u"varchar"_s, false)
        + martenTables(u"bulk"_s, u"uuid"_s, true);
    sql += uR"(
INSERT INTO events.mt_streams (id, type, version, timestamp) VALUES
    ('%1', 'order', 3, '2024-01-01 00:00:08+00'),
    ('%2', NULL, 2, '2024-01-01 00:00:07+00'),
    ('%3', 'order', 1, '2024-01-01 00:00:05+00'),
    ('%4', NULL, 0, '2024-01-01 00:00:00+00');
INSERT INTO events.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type, correlation_id,
                              causation_id, headers, bdata) VALUES
    (1, 'e0000000-0000-4000-8000-000000000001', '%1', 1, '{"total": 10}', 'order_placed', '2024-01-01 00:00:01+00',
     'Shop.OrderPlaced, Shop', 'corr-1', 'cause-1', '{"user": "ana"}', NULL),
    (2, 'e0000000-0000-4000-8000-000000000002', '%2', 1, '{"n": 1}', 'noted', '2024-01-01 00:00:02+00',
     'Shop.Noted, Shop', NULL, NULL, NULL, NULL),
    (3, 'e0000000-0000-4000-8000-000000000003', '%4', 3, '{}', 'tombstone', '2024-01-01 00:00:03+00',
     'Marten.Events.Operations.Tombstone, Marten', NULL, NULL, NULL, NULL),
    (4, 'e0000000-0000-4000-8000-000000000004', '%1', 2, '{"sku": "x"}', 'item_added', '2024-01-01 00:00:04+00',
     'Shop.ItemAdded, Shop', NULL, NULL, NULL, NULL),
    (5, 'e0000000-0000-4000-8000-000000000005', '%3', 1, '{}', 'order_placed', '2024-01-01 00:00:05+00',
     'Shop.OrderPlaced, Shop', NULL, NULL, NULL, '\x0102ff'),
    (6, 'e0000000-0000-4000-8000-000000000006', '%4', 6, '{}', 'tombstone', '2024-01-01 00:00:06+00',
     'Marten.Events.Operations.Tombstone, Marten', NULL, NULL, NULL, NULL),
    (7, 'e0000000-0000-4000-8000-000000000007', '%2', 2, '{"n": 2}', 'noted', '2024-01-01 00:00:07+00',
     'Shop.Noted, Shop', NULL, NULL, NULL, NULL),
    (8, 'e0000000-0000-4000-8000-000000000008', '%1', 3, '{}', 'order_shipped', '2024-01-01 00:00:08+00',
     'Shop.OrderShipped, Shop', NULL, NULL, NULL, NULL);
INSERT INTO strs.mt_streams (id, type, version, timestamp) VALUES
    ('cart-7', 'cart', 2, '2024-02-01 00:00:03+00'),
    ('misc', NULL, 1, '2024-02-01 00:00:01+00'),
    ('user-abc-1', NULL, 1, '2024-02-01 00:00:04+00'),
    ('%5', 'cart', 1, '2024-02-01 00:00:05+00'),
    ('mt_tombstone', NULL, 0, '2024-02-01 00:00:00+00');
INSERT INTO strs.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type) VALUES
    (10, 'f0000000-0000-4000-8000-000000000001', 'misc', 1, '{"a": 1}', 'noted', '2024-02-01 00:00:01+00', NULL),
    (11, 'f0000000-0000-4000-8000-000000000002', 'cart-7', 1, '{"b": 1}', 'cart_opened', '2024-02-01 00:00:02+00', NULL),
    (12, 'f0000000-0000-4000-8000-000000000003', 'mt_tombstone', 12, '{}', 'tombstone', '2024-02-01 00:00:02+00', NULL),
    (13, 'f0000000-0000-4000-8000-000000000004', 'cart-7', 2, '{"b": 2}', 'item_added', '2024-02-01 00:00:03+00', NULL),
    (14, 'f0000000-0000-4000-8000-000000000005', 'user-abc-1', 1, '"just text"', 'renamed', '2024-02-01 00:00:04+00', NULL),
    (15, 'f0000000-0000-4000-8000-000000000006', '%5', 1, '{"c": 1}', 'cart_opened', '2024-02-01 00:00:05+00', NULL);
CREATE TABLE public.mt_doc_order (id uuid NOT NULL PRIMARY KEY, data jsonb NOT NULL,
    mt_last_modified timestamptz NULL DEFAULT transaction_timestamp(), mt_version bigint NOT NULL DEFAULT 0,
    mt_dotnet_type varchar NULL);
INSERT INTO public.mt_doc_order (id, data, mt_last_modified, mt_version) VALUES
    ('%1', '{"status": "shipped"}', '2024-01-01 00:00:09+00', 3),
    ('aaaaaaaa-0000-4000-8000-000000000000', '{"status": "orphan"}', '2024-01-01 00:00:09+00', 1);
CREATE TABLE strs.mt_doc_cart (id varchar NOT NULL PRIMARY KEY, data jsonb NOT NULL,
    mt_last_modified timestamptz NULL DEFAULT transaction_timestamp(), mt_version integer NOT NULL DEFAULT 0);
INSERT INTO strs.mt_doc_cart VALUES ('cart-7', '{"items": 1}', '2024-02-01 00:00:09+00', 2);
CREATE TABLE public.mt_doc_user (id uuid NOT NULL PRIMARY KEY, data jsonb NOT NULL,
    mt_last_modified timestamptz NULL DEFAULT transaction_timestamp(), mt_version uuid NOT NULL DEFAULT (md5(random()::text)::uuid));
INSERT INTO public.mt_doc_user (id, data) VALUES ('%1', '{"name": "not a snapshot"}');
INSERT INTO bulk.mt_streams (id, type, version, timestamp)
    SELECT md5('s' || s)::uuid, 'counter', 10, '2024-03-01 00:00:00+00' FROM generate_series(1, 1000) AS s;
INSERT INTO bulk.mt_streams (id, type, version, timestamp) VALUES ('%6', 'clock', 10000, '2024-03-01 00:00:00+00');
INSERT INTO bulk.mt_events (seq_id, id, stream_id, version, data, type, timestamp)
    SELECT (s - 1) * 10 + v, md5('e' || s || '-' || v)::uuid, md5('s' || s)::uuid, v, '{"v": 1}', 'ticked',
           '2024-03-01 00:00:00+00'::timestamptz + ((s - 1) * 10 + v) * interval '1 second'
    FROM generate_series(1, 1000) AS s, generate_series(1, 10) AS v;
INSERT INTO bulk.mt_events (seq_id, id, stream_id, version, data, type, timestamp)
    SELECT 10000 + v, md5('hot' || v)::uuid, '%6', v, '{"v": 1}', 'ticked', '2024-03-02 00:00:00+00'
    FROM generate_series(1, 10000) AS v;
ANALYZE;
)"_s;
    return sql.arg(QLatin1StringView(kOrder), QLatin1StringView(kUntyped), QLatin1StringView(kBinary),
        QLatin1StringView(kTombstones), QLatin1StringView(kGuidCart), QLatin1StringView(kHot));
}

// "position stream category version type timeMs id": every field but the payloads, which are checked as JSON.
QStringList summary(const QList<Event>& events)
{
    QStringList lines;
    for (const Event& e : events)
        lines << u"%1 %2 %3 %4 %5 %6 %7"_s.arg(e.position)
                     .arg(e.stream, e.category)
                     .arg(e.version)
                     .arg(e.type)
                     .arg(TestSupport::timeText(e.timeMs))
                     .arg(e.id);
    return lines;
}

QJsonObject json(const QByteArray& bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

constexpr qint64 kJan1 = 1704067200000; // 2024-01-01 00:00:00 UTC
constexpr qint64 kFeb1 = 1706745600000; // 2024-02-01 00:00:00 UTC

} // namespace

// The Marten dialect on the suite's PostgreSQL server: tables written from the reference DDL, detected with no
// options (every schema a store), read with exact values, and not one row written.
class TestMartenDialect : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    PostgresServer::Counters m_before;

    std::unique_ptr<EventStore> open(const QString& schema)
    {
        OpenOptions options;
        options.storeName = schema;
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"marten"_s)), options);
        if (!opened) {
            qWarning() << opened.error().message;
            return nullptr;
        }
        return std::move(opened->store);
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
        QCOMPARE(m_server.createDatabase(u"marten"_s), QString());
        QCOMPARE(m_server.exec(fixture(), u"marten"_s), QString());
        QTRY_COMPARE(m_server.otherSessions(u"marten"_s), 0);
        m_before = m_server.counters(u"marten"_s);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        QVERIFY2(m_server.counters(u"marten"_s).writesEqual(m_before),
            qPrintable(m_server.counters(u"marten"_s).toString()));
    }

    void everySchemaIsAStore()
    {
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"marten"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"marten"_s);
        QCOMPARE(opened->match.confidence, 90);
        QStringList names;
        for (const DialectMatch& match : std::as_const(opened->found))
            names << match.dialect + u':' + match.storeName;
        QCOMPARE(names, (QStringList { u"marten:bulk"_s, u"marten:events"_s, u"marten:strs"_s }));
        QCOMPARE(opened->store->dialectName(), u"marten"_s);
    }

    void guidStoreCountsExactly()
    {
        auto store = open(u"events"_s);
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->dialect, u"marten"_s);
        QCOMPARE(info->events, 6); // the two tombstones hidden
        QCOMPARE(info->streams, 3);
        QCOMPARE(info->categories, 2); // order (by aggregate type), 22222222 (no type: the dash rule)
        QCOMPARE(info->snapshots, 1); // mt_doc_order's row of the order stream; not the orphan, not mt_doc_user
        QCOMPARE(*info->firstPosition, 1);
        QCOMPARE(*info->lastPosition, 8);
        QCOMPARE(*info->firstTimeMs, kJan1 + 1000);
        QCOMPARE(*info->lastTimeMs, kJan1 + 8000);

        const auto streams = store->streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QStringList listed;
        for (const StreamInfo& s : *streams)
            listed << u"%1 %2 %3 %4 %5"_s.arg(s.stream, s.category)
                          .arg(s.events.value)
                          .arg(s.lastVersion)
                          .arg(TestSupport::timeText(s.lastTimeMs));
        QCOMPARE(listed,
            (QStringList { u"%1 order 3 3 %2"_s.arg(QLatin1StringView(kOrder)).arg(kJan1 + 8000),
                u"%1 22222222 2 2 %2"_s.arg(QLatin1StringView(kUntyped)).arg(kJan1 + 7000),
                u"%1 order 1 1 %2"_s.arg(QLatin1StringView(kBinary)).arg(kJan1 + 5000) }));
        const auto categories = store->categories({});
        QVERIFY(categories);
        QCOMPARE(categories->size(), 2);
        QCOMPARE(categories->at(0).category, u"22222222"_s);
        QCOMPARE(categories->at(1).category, u"order"_s);
        QCOMPARE(categories->at(1).streams, 2);
        QCOMPARE(categories->at(1).events, 4);
        const auto matched = store->streams({ u"^1111"_s, {}, {}, {} });
        QVERIFY2(matched, matched ? "" : qPrintable(matched.error().message));
        QCOMPARE(matched->size(), 1);
        QCOMPARE(matched->first().stream, QLatin1StringView(kOrder));
    }

    // A GUID stream's category is its aggregate type, which its name does not say: windows and verify ask the store.
    void streamCategoryComesFromTheStore()
    {
        auto store = open(u"events"_s);
        QVERIFY(store);
        QCOMPARE(store->categoryOf(QLatin1StringView(kOrder)), u"11111111"_s); // what the name alone would give
        QCOMPARE(*store->streamCategory(QLatin1StringView(kOrder)), u"order"_s);
        QCOMPARE(*store->streamCategory(QLatin1StringView(kUntyped)), u"22222222"_s); // no type: the dash rule
        // A stream without events: the name's category.
        QCOMPARE(*store->streamCategory(u"44444444-4444-4444-8444-444444444444"_s), u"44444444"_s);
    }

    void guidStoreReadsPagesAndPayloads()
    {
        auto store = open(u"events"_s);
        QVERIFY(store);
        const QString order = QLatin1StringView(kOrder), untyped = QLatin1StringView(kUntyped),
                      binary = QLatin1StringView(kBinary);
        EventPageRequest request;
        request.limit = 4;
        auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(summary(page->events),
            (QStringList {
                u"1 %1 order 1 order_placed %2 e0000000-0000-4000-8000-000000000001"_s.arg(order).arg(kJan1 + 1000),
                u"2 %1 22222222 1 noted %2 e0000000-0000-4000-8000-000000000002"_s.arg(untyped).arg(kJan1 + 2000),
                u"4 %1 order 2 item_added %2 e0000000-0000-4000-8000-000000000004"_s.arg(order).arg(kJan1 + 4000),
                u"5 %1 order 1 order_placed %2 e0000000-0000-4000-8000-000000000005"_s.arg(binary).arg(
                    kJan1 + 5000) }));
        QVERIFY(!page->reachedEnd);
        // Metadata: the opt-in columns that are set, the .NET type; the default tenant left out.
        QCOMPARE(json(page->events[0].data), (QJsonObject { { u"total"_s, 10 } }));
        QCOMPARE(json(page->events[0].metadata),
            (QJsonObject { { u"correlation_id"_s, u"corr-1"_s }, { u"causation_id"_s, u"cause-1"_s },
                { u"headers"_s, QJsonObject { { u"user"_s, u"ana"_s } } },
                { u"dotnet_type"_s, u"Shop.OrderPlaced, Shop"_s } }));
        QCOMPARE(json(page->events[1].metadata), (QJsonObject { { u"dotnet_type"_s, u"Shop.Noted, Shop"_s } }));
        // 9.x binary body: bdata, not the '{}' placeholder in data.
        QCOMPARE(page->events[3].data, QByteArray::fromHex("0102ff"));

        request.start = KeyBound { 5, false };
        page = store->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events[0].position, 7);
        QCOMPARE(page->events[1].position, 8);
        QVERIFY(page->reachedEnd);

        EventPageRequest backward;
        backward.filter.stream = order;
        backward.direction = ReadDirection::Backward;
        page = store->readEvents(backward);
        QVERIFY(page);
        QCOMPARE(summary(page->events),
            (QStringList {
                u"8 %1 order 3 order_shipped %2 e0000000-0000-4000-8000-000000000008"_s.arg(order).arg(kJan1 + 8000),
                u"4 %1 order 2 item_added %2 e0000000-0000-4000-8000-000000000004"_s.arg(order).arg(kJan1 + 4000),
                u"1 %1 order 1 order_placed %2 e0000000-0000-4000-8000-000000000001"_s.arg(order).arg(kJan1 + 1000) }));

        EventPageRequest category;
        category.filter.category = u"order"_s;
        page = store->readEvents(category);
        QVERIFY(page);
        QList<qint64> positions;
        for (const Event& e : std::as_const(page->events))
            positions << e.position;
        QCOMPARE(positions, (QList<qint64> { 1, 4, 5, 8 }));

        QCOMPARE(*store->keyAtPosition({}, 3), 4); // the tombstone at 3 is skipped
        QCOMPARE(*store->keyAtTime({ order, {}, {}, {}, {} }, kJan1 + 2000), 2);
        QCOMPARE(
            *store->eventTypes(), (QStringList { u"item_added"_s, u"noted"_s, u"order_placed"_s, u"order_shipped"_s }));
        QList<qint64> anchors;
        const auto scanned = store->scanKeys({}, 2, [&anchors](const QList<qint64>& chunk, qint64) {
            anchors << chunk;
            return true;
        });
        QVERIFY(scanned);
        QCOMPARE(*scanned, 6);
        QCOMPARE(anchors, (QList<qint64> { 1, 4, 7 }));
    }

    void aggregateDocumentsAreSnapshots()
    {
        auto store = open(u"events"_s);
        QVERIFY(store);
        const auto snapshots = store->snapshots(QLatin1StringView(kOrder));
        QVERIFY2(snapshots, snapshots ? "" : qPrintable(snapshots.error().message));
        QCOMPARE(snapshots->size(), 1); // mt_doc_user's row has the same id, but a uuid mt_version
        QCOMPARE(snapshots->first().version, 3);
        QCOMPARE(snapshots->first().timeMs, kJan1 + 9000);
        QCOMPARE(json(snapshots->first().state), (QJsonObject { { u"status"_s, u"shipped"_s } }));
        QVERIFY(store->snapshots(QLatin1StringView(kUntyped))->isEmpty());

        auto strings = open(u"strs"_s);
        QVERIFY(strings);
        const auto cart = strings->snapshots(u"cart-7"_s);
        QVERIFY2(cart, cart ? "" : qPrintable(cart.error().message));
        QCOMPARE(cart->size(), 1);
        QCOMPARE(cart->first().version, 2);
        QCOMPARE(json(cart->first().state), (QJsonObject { { u"items"_s, 1 } }));
        QVERIFY(strings->snapshots(u"misc"_s)->isEmpty());
    }

    // Snapshot verification (issue 16) over aggregate documents: the order document is what its events give; the
    // cart document counts items one way and the projection another, so it drifts, path and values named.
    void verifyComparesAggregateDocuments()
    {
        const auto verify = [this](const QString& schema, const QString& category, const QString& script) {
            return TestSupport::verifyLines(
                [this, schema]() -> Result<std::unique_ptr<EventStore>> {
                    auto opened = open(schema);
                    if (!opened)
                        return StoreError { StoreError::Kind::Connection, u"cannot open"_s };
                    return opened;
                },
                category, script);
        };
        QCOMPARE(verify(u"events"_s, u"order"_s, uR"(fromCategory('order').foreachStream().when({
                $init: function () { return { status: 'new' }; },
                order_placed: function (s) { s.status = 'placed'; },
                order_shipped: function (s) { s.status = 'shipped'; } }))"_s),
            (QStringList { u"%1 3 match"_s.arg(QLatin1StringView(kOrder)) }));
        QCOMPARE(verify(u"strs"_s, u"cart"_s, uR"(fromCategory('cart').foreachStream().when({
                $init: function () { return { items: 0 }; },
                $any: function (s) { s.items += 1; } }))"_s),
            (QStringList { u"cart-7 2 drift items:1->2"_s }));
    }

    void stringStoreFollowsAggregateTypes()
    {
        auto store = open(u"strs"_s);
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 5);
        QCOMPARE(info->streams, 4);
        QCOMPARE(info->categories, 3); // cart (cart-7 and the GUID-named cart), misc, user
        QCOMPARE(info->snapshots, 1);
        const auto streams = store->streams({});
        QVERIFY(streams);
        QStringList listed;
        for (const StreamInfo& s : *streams)
            listed << s.stream + u' ' + s.category + u' ' + QString::number(s.events.value);
        QCOMPARE(listed,
            (QStringList { u"%1 cart 1"_s.arg(QLatin1StringView(kGuidCart)), u"cart-7 cart 2"_s, u"misc misc 1"_s,
                u"user-abc-1 user 1"_s }));
        const auto carts = store->streams({ {}, u"cart"_s, {}, {} });
        QVERIFY(carts);
        QCOMPARE(carts->size(), 2);
        EventPageRequest request;
        request.direction = ReadDirection::Backward;
        const auto page = store->readEvents(request);
        QVERIFY(page);
        QCOMPARE(summary(page->events),
            (QStringList {
                u"15 %1 cart 1 cart_opened %2 f0000000-0000-4000-8000-000000000006"_s.arg(QLatin1StringView(kGuidCart))
                    .arg(kFeb1 + 5000),
                u"14 user-abc-1 user 1 renamed %1 f0000000-0000-4000-8000-000000000005"_s.arg(kFeb1 + 4000),
                u"13 cart-7 cart 2 item_added %1 f0000000-0000-4000-8000-000000000004"_s.arg(kFeb1 + 3000),
                u"11 cart-7 cart 1 cart_opened %1 f0000000-0000-4000-8000-000000000002"_s.arg(kFeb1 + 2000),
                u"10 misc misc 1 noted %1 f0000000-0000-4000-8000-000000000001"_s.arg(kFeb1 + 1000) }));
        QCOMPARE(page->events[1].data, QByteArray("\"just text\""));
        QVERIFY(page->events[1].metadata.isEmpty()); // no metadata columns, no .NET type: nothing to show
    }

    // Issue 24: a string stream without an aggregate type (NULL or empty) is in the category before its FIRST '-',
    // whatever follows it (more '-', spaces, non-ASCII); a name without '-' is its own category.
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        QCOMPARE(m_server.createDatabase(u"martennames"_s), QString());
        QCOMPARE(m_server.exec(martenTables(u"names"_s, u"varchar"_s, true) + uR"(
INSERT INTO names.mt_streams (id, type, version, timestamp) VALUES
    ('order-Ünïcødé 7-b', NULL, 2, '2024-01-01 00:00:05+00'),
    ('Ünïcødé ördér', NULL, 1, '2024-01-01 00:00:02+00'),
    ('ördér-Ünï-3', NULL, 1, '2024-01-01 00:00:03+00'),
    ('order-x', '', 1, '2024-01-01 00:00:04+00');
INSERT INTO names.mt_events (seq_id, id, stream_id, version, data, type, timestamp) VALUES
    (1, 'd0000000-0000-4000-8000-000000000001', 'order-Ünïcødé 7-b', 1, '{}', 'order_placed', '2024-01-01 00:00:01+00'),
    (2, 'd0000000-0000-4000-8000-000000000002', 'Ünïcødé ördér', 1, '{}', 'noted', '2024-01-01 00:00:02+00'),
    (3, 'd0000000-0000-4000-8000-000000000003', 'ördér-Ünï-3', 1, '{}', 'noted', '2024-01-01 00:00:03+00'),
    (4, 'd0000000-0000-4000-8000-000000000004', 'order-x', 1, '{}', 'order_placed', '2024-01-01 00:00:04+00'),
    (5, 'd0000000-0000-4000-8000-000000000005', 'order-Ünïcødé 7-b', 2, '{}', 'order_shipped', '2024-01-01 00:00:05+00');
ANALYZE;
)"_s,
                     u"martennames"_s),
            QString());
        OpenOptions options;
        options.storeName = u"names"_s;
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"martennames"_s)), options);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"marten"_s);
        const std::unique_ptr<EventStore> store = std::move(opened->store);

        QCOMPARE(TestSupport::streamLines(*store),
            (QStringList { u"order-x|order|1|1"_s, u"order-Ünïcødé 7-b|order|2|2"_s,
                u"Ünïcødé ördér|Ünïcødé ördér|1|1"_s, u"ördér-Ünï-3|ördér|1|1"_s }));
        // Without an aggregate type the store's rule in code agrees with the category the SQL listed.
        QCOMPARE(TestSupport::categoryOfDisagreement(*store), QString());
        QCOMPARE(TestSupport::streamLines(*store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|1"_s, u"order-Ünïcødé 7-b|order|2|2"_s }));

        QCOMPARE(TestSupport::categoryLines(*store),
            (QStringList { u"order|2|3"_s, u"Ünïcødé ördér|1|1"_s, u"ördér|1|1"_s }));
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 5);
        QCOMPARE(info->streams, 4);
        QCOMPARE(info->categories, 3);

        QCOMPARE(TestSupport::categoryEventLines(*store, u"order"_s, summary),
            (QStringList {
                u"1 order-Ünïcødé 7-b order 1 order_placed %1 d0000000-0000-4000-8000-000000000001"_s.arg(kJan1 + 1000),
                u"4 order-x order 1 order_placed %1 d0000000-0000-4000-8000-000000000004"_s.arg(kJan1 + 4000),
                u"5 order-Ünïcødé 7-b order 2 order_shipped %1 d0000000-0000-4000-8000-000000000005"_s.arg(
                    kJan1 + 5000) }));
        QCOMPARE(TestSupport::categoryEventLines(*store, u"ördér"_s, summary),
            (QStringList {
                u"3 ördér-Ünï-3 ördér 1 noted %1 d0000000-0000-4000-8000-000000000003"_s.arg(kJan1 + 3000) }));
        QCOMPARE(TestSupport::categoryEventLines(*store, u"Ünïcødé ördér"_s, summary),
            (QStringList { u"2 Ünïcødé ördér Ünïcødé ördér 1 noted %1 d0000000-0000-4000-8000-000000000002"_s.arg(
                kJan1 + 2000) }));
    }

    void pageQueriesAreIndexSeeks()
    {
        auto store = open(u"bulk"_s);
        QVERIFY(store);
        QCOMPARE(store->describe()->events, 20000);
        const QString stream = QLatin1StringView(kHot);
        EventPageRequest global;
        EventPageRequest after;
        after.start = KeyBound { 10000, false };
        EventPageRequest backward;
        backward.direction = ReadDirection::Backward;
        EventPageRequest inStream;
        inStream.filter.stream = stream;
        EventPageRequest inStreamAfter = inStream;
        inStreamAfter.start = KeyBound { 5000, false };
        for (const EventPageRequest& request : { global, after, backward, inStream, inStreamAfter }) {
            const QString text = plan(*store, request);
            QVERIFY2(!text.contains(u"Seq Scan on mt_events"_s) && !text.contains(u"Sort"_s), qPrintable(text));
            QVERIFY2(text.contains(u"Index"_s), qPrintable(text));
        }
        QVERIFY2(
            plan(*store, inStream).contains(u"pk_mt_events_stream_and_version"_s), qPrintable(plan(*store, inStream)));
    }

    void aStreamNameThatIsNotAUuidMatchesNothing()
    {
        // A user may type any name in a filter; with uuid stream ids the server would refuse the cast.
        auto store = open(u"events"_s);
        QVERIFY(store);
        EventPageRequest request;
        request.limit = 10;
        request.filter.stream = u"order-42"_s;
        const auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QVERIFY(page->events.isEmpty());
        QVERIFY(page->reachedEnd);
    }

    void cliNamesTheDialect()
    {
        const CliTest::CliRun run = CliTest::runCli({ u"info"_s, u"--json"_s, m_server.uri(u"marten"_s) });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("\"dialect\":\"marten\""), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestMartenDialect)
#include "tst_martendialect.moc"
