#include "../cli/clirunner.h"

#include <core/dialects/eventsourcingstore.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>
#include <testsupport.h>
#include <verifylines.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <zlib.h>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

QByteArray zlibbed(const QByteArray& text)
{
    uLongf size = compressBound(uLong(text.size()));
    QByteArray out(qsizetype(size), '\0');
    compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.constData()),
        uLong(text.size()));
    out.resize(qsizetype(size));
    return out;
}

QString bytea(const QByteArray& bytes)
{
    return u"'\\x%1'::bytea"_s.arg(QString::fromLatin1(bytes.toHex()));
}

QByteArray timestamp(const char* iso)
{
    return R"("timestamp":{"_type_":"datetime_iso","_data_":")" + QByteArray(iso) + R"("})";
}

// Events as the library's JSON transcoder writes them (compact, `timestamp` first).
const QByteArray kOpenedAlice = "{" + timestamp("2024-05-01T12:00:00.250000+00:00")
    + R"(,"originator_topic":"bankaccounts.domain:BankAccount","full_name":"Alice"})";
const QByteArray kCredited
    = "{" + timestamp("2024-05-01T12:00:01+00:00") + R"(,"amount":{"_type_":"decimal_str","_data_":"10.00"}})";
const QByteArray kOpenedBob = "{" + timestamp("2024-05-01T12:00:02+00:00")
    + R"(,"originator_topic":"bankaccounts.domain:BankAccount","full_name":"Bob"})";
// AES-GCM output (nonce, tag, ciphertext) looks like this: random bytes, without the key nothing to decode.
const QByteArray kEncrypted = QByteArray::fromHex("9c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f40516273");
const QByteArray kSnapshot = "{" + timestamp("2024-05-01T12:00:05+00:00")
    + R"(,"topic":"bankaccounts.domain:BankAccount","state":{"full_name":"Alice","balance":{"_type_":"decimal_str","_data_":"10.00"}}})";

constexpr auto kAlice = "a0000000-0000-4000-8000-000000000001";
constexpr auto kBob = "b0000000-0000-4000-8000-000000000002";
constexpr qint64 kNoon = 1714564800000; // 2024-05-01T12:00:00Z

// An application's tables on PostgreSQL (store-schemas.md §4.2), named by its prefix.
QString applicationDdl(const QString& table)
{
    return uR"(
CREATE TABLE %1_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version)) WITH (autovacuum_enabled = false);
CREATE UNIQUE INDEX %2_events_notification_id_idx ON %1_events (notification_id ASC);
CREATE TABLE %1_snapshots (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    PRIMARY KEY (originator_id, originator_version)) WITH (autovacuum_enabled = false);
CREATE TABLE %1_tracking (
    application_name text NOT NULL,
    notification_id bigint NOT NULL,
    PRIMARY KEY (application_name, notification_id)) WITH (autovacuum_enabled = false);
)"_s.arg(table, table.section(u'.', -1));
}

QString line(qint64 position, const QString& stream, const QString& category, qint64 version, const QString& type,
    std::optional<qint64> time, const QByteArray& data)
{
    return u"%1 %2 %3 %4 %5 %6  %7 "_s.arg(position)
        .arg(stream, category)
        .arg(version)
        .arg(type)
        .arg(TestSupport::timeText(time))
        .arg(QString::fromLatin1(data.toBase64()));
}

// The bankaccounts application's events in notification order.
QStringList expectedLog(const QString& alice, const QString& bob, const QString& category)
{
    return {
        line(1, alice, category, 1, u"bankaccounts.domain:BankAccount.Opened"_s, kNoon + 250, kOpenedAlice),
        line(2, bob, category, 1, u"bankaccounts.domain:BankAccount.Opened"_s, kNoon + 2000, kOpenedBob),
        // Compressed: decoded for display, but its time cannot be read in SQL.
        line(3, alice, category, 2, u"bankaccounts.domain:BankAccount.Credited"_s, std::nullopt, kCredited),
        line(4, bob, category, 2, u"bankaccounts.domain:BankAccount.Credited"_s, std::nullopt, "not json"),
        line(5, alice, category, 3, u"bankaccounts.domain:BankAccount.Closed"_s, std::nullopt, kEncrypted),
    };
}

QString sqliteExec(const QString& path, const QString& sql)
{
    sqlite3* db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    char* error = nullptr;
    sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &error);
    const QString message = error ? QString::fromUtf8(error) : QString();
    sqlite3_free(error);
    sqlite3_close(db);
    return message;
}

QString hexLiteral(const QByteArray& bytes)
{
    return u"X'%1'"_s.arg(QString::fromLatin1(bytes.toHex()));
}

// One event or snapshot row of the shop application: its aggregate (a UUID), version, topic and state (JSON).
struct ShopRow
{
    const char* id;
    int version;
    const char* topic;
    const char* state;
};

// A shop of accounts, carts and customers, as the library records it: each aggregate's events are classes nested in
// its class, so their topics are `module:Aggregate.Event`; one event class is nested two deep, one is not nested,
// one aggregate has a non-ASCII module and class.
const ShopRow kShopEvents[] = {
    { "a1000000-0000-4000-8000-000000000001", 1, "shop.domain:Account.Opened", R"({"owner":"ana"})" },
    { "a2000000-0000-4000-8000-000000000002", 1, "shop.domain:Account.Opened", R"({"owner":"bo"})" },
    { "a1000000-0000-4000-8000-000000000001", 2, "shop.domain:Account.Deposited", R"({"amount":10})" },
    { "c1000000-0000-4000-8000-000000000003", 1, "shop.domain:Cart.Created", "{}" },
    { "a2000000-0000-4000-8000-000000000002", 2, "shop.domain:Account.Deposited", R"({"amount":5})" },
    { "c1000000-0000-4000-8000-000000000003", 2, "shop.domain:Cart.ItemAdded", R"({"sku":"x"})" },
    { "d1000000-0000-4000-8000-000000000004", 1, "shop.domain:Customer.Registered", R"({"name":"Zoë"})" },
    { "e1000000-0000-4000-8000-000000000005", 1, "shop.domain:Outer.Inner.Happened", "{}" },
    { "f1000000-0000-4000-8000-000000000006", 1, "shop.events:Noted", "{}" },
    { "b1000000-0000-4000-8000-000000000007", 1, "shop.domäne:Bestellung.Erstellt", "{}" },
};
// The library's snapshots: the aggregate's topic and its state. The second account's balance drifted (7, not 5).
const ShopRow kShopSnapshots[] = {
    { "a1000000-0000-4000-8000-000000000001", 2, "eventsourcing.domain:Snapshot",
        R"({"topic":"shop.domain:Account","state":{"balance":10}})" },
    { "a2000000-0000-4000-8000-000000000002", 2, "eventsourcing.domain:Snapshot",
        R"({"topic":"shop.domain:Account","state":{"balance":7}})" },
    { "c1000000-0000-4000-8000-000000000003", 2, "eventsourcing.domain:Snapshot",
        R"({"topic":"shop.domain:Cart","state":{"items":["x"]}})" },
};

// SQLite's recorder keeps an id as UUID.hex: without its dashes.
QString shopId(const char* id, bool sqlite)
{
    const QString text = QString::fromLatin1(id);
    return sqlite ? QString(text).remove(u'-') : text;
}

QString shopValues(const ShopRow* rows, qsizetype count, bool sqlite)
{
    QStringList values;
    for (qsizetype i = 0; i < count; ++i) {
        const QString state = QString::fromUtf8(rows[i].state);
        values.append(u"('%1', %2, '%3', %4)"_s.arg(shopId(rows[i].id, sqlite))
                          .arg(rows[i].version)
                          .arg(QString::fromUtf8(rows[i].topic),
                              sqlite ? u"CAST('%1' AS BLOB)"_s.arg(state) : u"convert_to('%1', 'UTF8')"_s.arg(state)));
    }
    return values.join(u",\n"_s);
}

bool writeText(const QString& path, const char* text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == qint64(qstrlen(text));
}

QString sqliteScalar(const QString& path, const QString& sql)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    QString value = u"(error)"_s;
    if (sqlite3_prepare_v2(db, sql.toUtf8().constData(), -1, &statement, nullptr) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        value = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

} // namespace

// Python eventsourcing's tables, built here from the reference DDL and filled by the test: two applications in
// one PostgreSQL database (one in its own schema), 20 000 events for the planner, and the SQLite recorder's
// tables; exact events, streams, payloads (plain, zlib, encrypted, invalid), times and snapshots, read-only.
class TestEventsourcingDialect : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    QHash<QString, PostgresServer::Counters> m_before;
    const QStringList m_databases { u"es"_s, u"esbig"_s, u"estext"_s };

    std::unique_ptr<EventStore> open(const QString& database, const QString& storeName = {})
    {
        OpenOptions options;
        options.storeName = storeName;
        auto opened = openStore(*StoreLocation::parse(m_server.uri(database)), options);
        if (!opened) {
            qWarning("%s", qPrintable(opened.error().message));
            return nullptr;
        }
        return std::move(opened->store);
    }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QCOMPARE(m_server.start(), QString());
        for (const QString& database : m_databases)
            QCOMPARE(m_server.createDatabase(database), QString());
        const QString alice = QString::fromLatin1(kAlice);
        const QString bob = QString::fromLatin1(kBob);
        QCOMPARE(m_server.exec(applicationDdl(u"bankaccounts"_s) + u"CREATE SCHEMA shop;"_s
                         + applicationDdl(u"shop.inventory"_s)
                         + uR"(
INSERT INTO bankaccounts_events (originator_id, originator_version, topic, state) VALUES
 ('%1', 1, 'bankaccounts.domain:BankAccount.Opened', %3),
 ('%2', 1, 'bankaccounts.domain:BankAccount.Opened', %4),
 ('%1', 2, 'bankaccounts.domain:BankAccount.Credited', %5),
 ('%2', 2, 'bankaccounts.domain:BankAccount.Credited', 'not json'),
 ('%1', 3, 'bankaccounts.domain:BankAccount.Closed', %6);
INSERT INTO bankaccounts_snapshots VALUES ('%1', 2, 'eventsourcing.domain:Snapshot', %7);
INSERT INTO shop.inventory_events (originator_id, originator_version, topic, state) VALUES
 ('c0000000-0000-4000-8000-000000000003', 1, 'inventory.domain:Item.Registered', '{"sku":"x"}'),
 ('c0000000-0000-4000-8000-000000000003', 2, 'inventory.domain:Item.Restocked', '{"n":4}');
)"_s.arg(alice, bob, bytea(kOpenedAlice), bytea(kOpenedBob), bytea(zlibbed(kCredited)), bytea(kEncrypted),
                             bytea(kSnapshot)),
                     u"es"_s),
            QString());
        QCOMPARE(m_server.exec(applicationDdl(u"big"_s) + uR"(
INSERT INTO big_events (originator_id, originator_version, topic, state)
SELECT (lpad(to_hex(i % 20), 8, '0') || '-0000-4000-8000-000000000000')::uuid, i / 20 + 1, 'big:Counter.Incremented',
    convert_to('{"n":' || i || '}', 'UTF8')
FROM generate_series(0, 19999) AS i;
ANALYZE big_events;
)"_s,
                     u"esbig"_s),
            QString());
        // An application without a name (prefix "stored") whose ids are text (POSTGRES_ORIGINATOR_ID_TYPE=text).
        QCOMPARE(
            m_server.exec(applicationDdl(u"stored"_s).replace(u"originator_id uuid"_s, u"originator_id text"_s) + uR"(
INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES
 ('order-1', 1, 'shop:Order.Created', '{}'),
 ('order-2', 1, 'shop:Order.Created', '{}'),
 ('order-1', 2, 'shop:Order.Paid', '{}');
)"_s,
                u"estext"_s),
            QString());
        for (const QString& database : m_databases) {
            QTRY_COMPARE(m_server.otherSessions(database), 0);
            m_before.insert(database, m_server.counters(database));
        }
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        for (const QString& database : m_databases)
            QVERIFY2(m_server.counters(database).writesEqual(m_before.value(database)), qPrintable(database));
    }

    void eachApplicationIsAStore()
    {
        const auto opened = openStore(*StoreLocation::parse(m_server.uri(u"es"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"eventsourcing"_s);
        QCOMPARE(opened->match.confidence, 90);
        QCOMPARE(opened->match.storeName, u"bankaccounts"_s);
        QStringList names;
        for (const DialectMatch& match : opened->found)
            names.append(match.dialect + u' ' + match.storeName);
        QCOMPARE(names, (QStringList { u"eventsourcing bankaccounts"_s, u"eventsourcing inventory"_s }));

        auto inventory = open(u"es"_s, u"inventory"_s);
        QVERIFY(inventory);
        const auto info = inventory->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 2);
        QCOMPARE(info->streams, 1);
        QCOMPARE(info->categories, 1);
        QCOMPARE(info->snapshots, 0);
        const auto page = inventory->readEvents({});
        QVERIFY(page);
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList { line(1, u"c0000000-0000-4000-8000-000000000003"_s, u"Item"_s, 1,
                               u"inventory.domain:Item.Registered"_s, std::nullopt, R"({"sku":"x"})"),
                line(2, u"c0000000-0000-4000-8000-000000000003"_s, u"Item"_s, 2, u"inventory.domain:Item.Restocked"_s,
                    std::nullopt, R"({"n":4})") }));
        QCOMPARE(inventory->snapshots(u"c0000000-0000-4000-8000-000000000003"_s)->size(), 0);
    }

    void textIdsAndTheUnnamedApplication()
    {
        const auto opened = openStore(*StoreLocation::parse(m_server.uri(u"estext"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.storeName, u"stored"_s);
        EventStore& store = *opened->store;
        const auto streams = store.streams({ u"-1$"_s, {}, {}, {} });
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QCOMPARE(streams->size(), 1);
        QCOMPARE(streams->first().stream, u"order-1"_s);
        QCOMPARE(streams->first().category, u"Order"_s);
        QCOMPARE(streams->first().events, 2);
        EventPageRequest request;
        request.filter.stream = u"order-1"_s;
        const auto page = store.readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.at(1).type, u"shop:Order.Paid"_s);
        QCOMPARE(page->events.at(1).position, 3);
    }

    void countsStreamsAndCategoriesAreExact()
    {
        auto store = open(u"es"_s);
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->dialect, u"eventsourcing"_s);
        QCOMPARE(info->events, 5);
        QCOMPARE(info->streams, 2);
        QCOMPARE(info->categories, 1);
        QCOMPARE(info->snapshots, 1);
        QCOMPARE(*info->firstPosition, 1);
        QCOMPARE(*info->lastPosition, 5);
        // The compressed, encrypted and invalid events have no readable time; the range is of those that do.
        QCOMPARE(*info->firstTimeMs, kNoon + 250);
        QCOMPARE(*info->lastTimeMs, kNoon + 2000);
        const auto streams = store->streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QStringList listed;
        for (const StreamInfo& s : *streams)
            listed.append(u"%1 %2 %3 %4 %5"_s.arg(s.stream, s.category)
                              .arg(s.events.value)
                              .arg(s.lastVersion)
                              .arg(TestSupport::timeText(s.lastTimeMs)));
        QCOMPARE(listed,
            (QStringList { u"%1 BankAccount 3 3 %2"_s.arg(QLatin1StringView(kAlice)).arg(kNoon + 250),
                u"%1 BankAccount 2 2 %2"_s.arg(QLatin1StringView(kBob)).arg(kNoon + 2000) }));
        const auto categories = store->categories({});
        QVERIFY(categories);
        QCOMPARE(categories->size(), 1);
        QCOMPARE(categories->first().category, u"BankAccount"_s);
        QCOMPARE(categories->first().streams, 2);
        QCOMPARE(categories->first().events, 5);
        // A pattern over uuid streams, matched in EventScope (PostgreSQL has no regex on uuid).
        const auto matched = store->streams({ u"^b0"_s, {}, {}, {} });
        QVERIFY2(matched, matched ? "" : qPrintable(matched.error().message));
        QCOMPARE(matched->size(), 1);
        QCOMPARE(matched->first().stream, QLatin1StringView(kBob));
        const auto after = store->streams({ {}, {}, QString::fromLatin1(kAlice), {} });
        QVERIFY(after);
        QCOMPARE(after->size(), 1);
        QCOMPARE(after->first().stream, QLatin1StringView(kBob));
    }

    void eventsAreDecodedAsStored()
    {
        auto store = open(u"es"_s);
        QVERIFY(store);
        const QString alice = QString::fromLatin1(kAlice);
        const QString bob = QString::fromLatin1(kBob);
        const QStringList log = expectedLog(alice, bob, u"BankAccount"_s);
        const auto page = store->readEvents({});
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events), log);

        EventPageRequest stream;
        stream.filter.stream = alice;
        stream.direction = ReadDirection::Backward;
        stream.limit = 2;
        const auto alicePage = store->readEvents(stream);
        QVERIFY2(alicePage, alicePage ? "" : qPrintable(alicePage.error().message));
        QCOMPARE(TestSupport::describeEvents(alicePage->events), (QStringList { log[4], log[2] }));
        stream.start = KeyBound { 2, false };
        QCOMPARE(TestSupport::describeEvents(store->readEvents(stream)->events), (QStringList { log[0] }));

        EventPageRequest category;
        category.filter.category = u"BankAccount"_s;
        QCOMPARE(store->readEvents(category)->events.size(), 5);
        category.filter.category = u"other"_s;
        QCOMPARE(store->readEvents(category)->events.size(), 0);

        EventPageRequest type;
        type.filter.type = u"bankaccounts.domain:BankAccount.Opened"_s;
        QCOMPARE(TestSupport::describeEvents(store->readEvents(type)->events), (QStringList { log[0], log[1] }));

        QCOMPARE(*store->keyAtTime({}, kNoon + 1000), 2);
        QCOMPARE(*store->keyAtPosition({}, 3), 3);
        QList<qint64> anchors;
        QCOMPARE(*store->scanKeys({}, 2,
                     [&anchors](const QList<qint64>& chunk, qint64) {
                         anchors.append(chunk);
                         return true;
                     }),
            5);
        QCOMPARE(anchors, (QList<qint64> { 1, 3, 5 }));
    }

    void snapshotsAreDecoded()
    {
        auto store = open(u"es"_s);
        QVERIFY(store);
        const auto snapshots = store->snapshots(QString::fromLatin1(kAlice));
        QVERIFY2(snapshots, snapshots ? "" : qPrintable(snapshots.error().message));
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().version, 2);
        QCOMPARE(snapshots->first().timeMs, kNoon + 5000);
        QCOMPARE(snapshots->first().state, kSnapshot);
        QCOMPARE(store->snapshots(QString::fromLatin1(kBob))->size(), 0);
    }

    // The snapshots table against the events, as `verify` checks it, the snapshot's timestamp ignored (the fold
    // cannot know when it was taken): the one after Opened matches, the one after Credited holds a balance no
    // event gave.
    void verifyFindsADriftedSnapshot()
    {
        QCOMPARE(m_server.createDatabase(u"esverify"_s), QString());
        const QByteArray opened = "{" + timestamp("2024-05-01T12:00:04+00:00")
            + R"(,"topic":"bankaccounts.domain:BankAccount","state":{"full_name":"Alice","balance":{"_type_":"decimal_str","_data_":"0.00"}}})";
        QByteArray drifted = kSnapshot;
        drifted.replace("10.00", "12.00");
        QCOMPARE(m_server.exec(applicationDdl(u"bankaccounts"_s) + uR"(
INSERT INTO bankaccounts_events (originator_id, originator_version, topic, state) VALUES
 ('%1', 1, 'bankaccounts.domain:BankAccount.Opened', %2),
 ('%1', 2, 'bankaccounts.domain:BankAccount.Credited', %3);
INSERT INTO bankaccounts_snapshots VALUES ('%1', 1, 'eventsourcing.domain:Snapshot', %4),
 ('%1', 2, 'eventsourcing.domain:Snapshot', %5);
)"_s.arg(QString::fromLatin1(kAlice), bytea(kOpenedAlice), bytea(zlibbed(kCredited)), bytea(opened), bytea(drifted)),
                     u"esverify"_s),
            QString());
        const QStringList lines = TestSupport::verifyLines([this] { return openStore(m_server.uri(u"esverify"_s)); },
            u"BankAccount"_s, uR"(fromCategory('BankAccount').foreachStream().when({
                $init: function () { return { topic: 'bankaccounts.domain:BankAccount', state: {} }; },
                $any: function (s, e) {
                    if (e.eventType.endsWith('.Opened')) {
                        s.state.full_name = e.body.full_name;
                        s.state.balance = { _type_: 'decimal_str', _data_: '0.00' };
                    }
                    if (e.eventType.endsWith('.Credited'))
                        s.state.balance._data_ = (parseFloat(s.state.balance._data_)
                            + parseFloat(e.body.amount._data_)).toFixed(2);
                } }))"_s,
            { u"timestamp"_s });
        const QString alice = QString::fromLatin1(kAlice);
        QCOMPARE(lines,
            (QStringList { alice + u" 1 match"_s, alice + u" 2 drift state.balance._data_:\"12.00\"->\"10.00\""_s }));
    }

    void pageQueriesAreIndexSeeks_data()
    {
        QTest::addColumn<QString>("stream");
        QTest::addColumn<int>("direction");
        QTest::addColumn<bool>("afterKey");
        const QString stream = u"00000011-0000-4000-8000-000000000000"_s; // entity 17 of 20
        QTest::newRow("global page") << QString() << int(ReadDirection::Forward) << false;
        QTest::newRow("global page backward") << QString() << int(ReadDirection::Backward) << false;
        QTest::newRow("global page after a key") << QString() << int(ReadDirection::Forward) << true;
        QTest::newRow("stream page") << stream << int(ReadDirection::Forward) << false;
        QTest::newRow("stream page backward after a key") << stream << int(ReadDirection::Backward) << true;
    }
    void pageQueriesAreIndexSeeks()
    {
        QFETCH(QString, stream);
        QFETCH(int, direction);
        QFETCH(bool, afterKey);
        auto store = open(u"esbig"_s);
        QVERIFY(store);
        auto* mapped = dynamic_cast<MappedStore*>(store.get());
        QVERIFY(mapped);
        EventPageRequest request;
        request.filter.stream = stream;
        request.direction = ReadDirection(direction);
        if (afterKey)
            request.start = KeyBound { stream.isEmpty() ? 10000 : 500, false };
        const auto plan = store->explain(mapped->readEventsQuery(request));
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message));
        const QString text = plan->join(u'\n');
        QVERIFY2(!text.contains(u"Seq Scan"_s) && !text.contains(u"Sort"_s), qPrintable(text));
        QVERIFY2(text.contains(u"Index"_s), qPrintable(text));
        const auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(page->events.size(), 100);
    }

    void sqliteRecorder()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(u"bank.sqlite"_s);
        const QString alice = u"a0000000000040008000000000000001"_s;
        const QString bob = u"b0000000000040008000000000000002"_s;
        QCOMPARE(sqliteExec(path,
                     uR"(
CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,
    PRIMARY KEY (originator_id, originator_version));
CREATE TABLE stored_snapshots (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,
    PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID;
CREATE TABLE tracking (application_name TEXT, notification_id INTEGER,
    PRIMARY KEY (application_name, notification_id)) WITHOUT ROWID;
INSERT INTO stored_events VALUES
 ('%1', 1, 'bankaccounts.domain:BankAccount.Opened', %3),
 ('%2', 1, 'bankaccounts.domain:BankAccount.Opened', %4),
 ('%1', 2, 'bankaccounts.domain:BankAccount.Credited', %5),
 ('%2', 2, 'bankaccounts.domain:BankAccount.Credited', CAST('not json' AS BLOB)),
 ('%1', 3, 'bankaccounts.domain:BankAccount.Closed', %6);
INSERT INTO stored_snapshots VALUES ('%1', 2, 'eventsourcing.domain:Snapshot', %7);
)"_s.arg(alice, bob, hexLiteral(kOpenedAlice), hexLiteral(kOpenedBob), hexLiteral(zlibbed(kCredited)),
                         hexLiteral(kEncrypted), hexLiteral(kSnapshot))),
            QString());
        const QByteArray hash = TestSupport::sha256OfFile(path);
        {
            const auto opened = openStore(StoreLocation::sqliteFile(path));
            QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
            QCOMPARE(opened->match.dialect, u"eventsourcing"_s);
            QCOMPARE(opened->match.storeName, QString());
            EventStore& store = *opened->store;
            const auto info = store.describe();
            QVERIFY2(info, info ? "" : qPrintable(info.error().message));
            QCOMPARE(info->events, 5);
            QCOMPARE(info->streams, 2);
            QCOMPARE(info->categories, 1);
            QCOMPARE(info->snapshots, 1);
            const auto page = store.readEvents({});
            QVERIFY2(page, page ? "" : qPrintable(page.error().message));
            QCOMPARE(TestSupport::describeEvents(page->events), expectedLog(alice, bob, u"BankAccount"_s));
            EventPageRequest stream;
            stream.filter.stream = bob;
            QCOMPARE(store.readEvents(stream)->events.size(), 2);
            const auto streams = store.streams({ u"^b0"_s, {}, {}, {} });
            QVERIFY(streams);
            QCOMPARE(streams->size(), 1);
            QCOMPARE(streams->first().events, 2);
            QCOMPARE(streams->first().lastVersion, 2);
            const auto snapshots = store.snapshots(alice);
            QVERIFY(snapshots);
            QCOMPARE(snapshots->size(), 1);
            QCOMPARE(snapshots->first().version, 2);
            QCOMPARE(snapshots->first().timeMs, kNoon + 5000);
            QCOMPARE(snapshots->first().state, kSnapshot);
        }
        QCOMPARE(TestSupport::sha256OfFile(path), hash);
    }

    // The category of a stream is its aggregate's class, read from the topics the library writes, the same on both
    // backends; the application remains the store's name, and verify gives each class its own projection.
    void eachAggregateClassIsACategory()
    {
        QTemporaryDir directory;
        const QString sqlitePath = directory.filePath(u"shop.sqlite"_s);
        constexpr qsizetype kEvents = std::size(kShopEvents);
        constexpr qsizetype kSnapshots = std::size(kShopSnapshots);
        QCOMPARE(sqliteExec(sqlitePath, uR"(
CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,
    PRIMARY KEY (originator_id, originator_version));
CREATE TABLE stored_snapshots (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,
    PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID;
INSERT INTO stored_events VALUES %1;
INSERT INTO stored_snapshots VALUES %2;
)"_s.arg(shopValues(kShopEvents, kEvents, true), shopValues(kShopSnapshots, kSnapshots, true))),
            QString());
        QCOMPARE(m_server.createDatabase(u"esshop"_s), QString());
        QCOMPARE(m_server.exec(applicationDdl(u"shop"_s) + uR"(
INSERT INTO shop_events (originator_id, originator_version, topic, state) VALUES %1;
INSERT INTO shop_snapshots VALUES %2;
)"_s.arg(shopValues(kShopEvents, kEvents, false), shopValues(kShopSnapshots, kSnapshots, false)),
                     u"esshop"_s),
            QString());

        // The rule in C++ and as SQL on both backends, over the topics above and the odd ones.
        QCOMPARE(EventsourcingStore::categoryOfTopic(u"shop.domain:Account.Deposited"), u"Account"_s);
        QCOMPARE(EventsourcingStore::categoryOfTopic(u"shop.domain:Outer.Inner.Happened"), u"Outer.Inner"_s);
        QCOMPARE(EventsourcingStore::categoryOfTopic(u"shop.events:Noted"), u"shop.events"_s);
        QCOMPARE(EventsourcingStore::categoryOfTopic(u"shop.domäne:Bestellung.Erstellt"), u"Bestellung"_s);
        QCOMPARE(EventsourcingStore::categoryOfTopic(u"no colon.at.all"), u"no colon.at.all"_s);
        for (const QString& topic : { u"shop.domain:Account.Deposited"_s, u"shop.domain:Outer.Inner.Happened"_s,
                 u"shop.events:Noted"_s, u"shop.domäne:Bestellung.Erstellt"_s, u"no colon.at.all"_s, u"m:A..B"_s,
                 u"m:.x"_s, u":"_s, u"a:b:c.d"_s }) {
            const QString literal = u"'%1'"_s.arg(topic);
            QCOMPARE(m_server.scalar(u"SELECT %1"_s.arg(EventsourcingStore::categorySql(literal, false)), u"esshop"_s),
                EventsourcingStore::categoryOfTopic(topic));
            QCOMPARE(sqliteScalar(sqlitePath, u"SELECT %1"_s.arg(EventsourcingStore::categorySql(literal, true))),
                EventsourcingStore::categoryOfTopic(topic));
        }

        for (const bool sqlite : { true, false }) {
            const QString where = sqlite ? sqlitePath : m_server.uri(u"esshop"_s);
            auto opened
                = sqlite ? openStore(StoreLocation::sqliteFile(sqlitePath)) : openStore(*StoreLocation::parse(where));
            QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
            QCOMPARE(opened->match.storeName, sqlite ? QString() : u"shop"_s);
            EventStore& store = *opened->store;
            const auto info = store.describe();
            QVERIFY2(info, info ? "" : qPrintable(info.error().message));
            QCOMPARE(info->streams, 7);
            QCOMPARE(info->categories, 6);
            const auto categories = store.categories({});
            QVERIFY2(categories, categories ? "" : qPrintable(categories.error().message));
            QStringList listed;
            for (const CategoryInfo& c : *categories)
                listed.append(u"%1:%2:%3"_s.arg(c.category).arg(c.streams.value).arg(c.events.value));
            QCOMPARE(listed,
                (QStringList { u"Account:2:4"_s, u"Bestellung:1:1"_s, u"Cart:1:2"_s, u"Customer:1:1"_s,
                    u"Outer.Inner:1:1"_s, u"shop.events:1:1"_s }));
            const auto streams = store.streams({});
            QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
            QStringList streamLines;
            for (const StreamInfo& s : *streams)
                streamLines.append(s.stream.left(2) + u' ' + s.category);
            QCOMPARE(streamLines,
                (QStringList { u"a1 Account"_s, u"a2 Account"_s, u"b1 Bestellung"_s, u"c1 Cart"_s, u"d1 Customer"_s,
                    u"e1 Outer.Inner"_s, u"f1 shop.events"_s }));
            EventPageRequest request;
            request.filter.category = u"Account"_s;
            const auto accounts = store.readEvents(request);
            QVERIFY2(accounts, accounts ? "" : qPrintable(accounts.error().message));
            QStringList positions;
            for (const Event& event : accounts->events)
                positions.append(u"%1 %2"_s.arg(event.position).arg(event.category));
            QCOMPARE(positions, (QStringList { u"1 Account"_s, u"2 Account"_s, u"3 Account"_s, u"5 Account"_s }));
            // What a window asks for a stream: its class, from the store (the UUID of its name says nothing).
            QCOMPARE(*store.streamCategory(shopId("c1000000-0000-4000-8000-000000000003", sqlite)), u"Cart"_s);
            QCOMPARE(*store.streamCategory(shopId("b1000000-0000-4000-8000-000000000007", sqlite)), u"Bestellung"_s);
        }

        // verify: each class its own projection, the drift and nothing else (Customer keeps no snapshots).
        const QString account = directory.filePath(u"account.js"_s);
        const QString cart = directory.filePath(u"cart.js"_s);
        QVERIFY(writeText(account, R"(fromCategory('Account').foreachStream().when({
    $init: () => ({ topic: 'shop.domain:Account', state: { balance: 0 } }),
    'shop.domain:Account.Deposited': (s, e) => ({ ...s, state: { balance: s.state.balance + e.body.amount } }),
});)"));
        QVERIFY(writeText(cart, R"(fromCategory('Cart').foreachStream().when({
    $init: () => ({ topic: 'shop.domain:Cart', state: { items: [] } }),
    'shop.domain:Cart.ItemAdded': (s, e) => { s.state.items.push(e.body.sku); },
});)"));
        for (const QString& where : { sqlitePath, m_server.uri(u"esshop"_s) }) {
            const auto run = CliTest::runCli({ u"verify"_s, where, u"--json"_s, u"--projection"_s,
                u"Account="_s + account, u"--projection"_s, u"Cart="_s + cart });
            QVERIFY(run.finished);
            QCOMPARE(run.exitCode, 1);
            QStringList checks;
            for (const QByteArray& line : run.out.trimmed().split('\n')) {
                const QJsonObject object = QJsonDocument::fromJson(line).object();
                if (object.contains(u"stream"_s))
                    checks.append(
                        object.value(u"stream"_s).toString().left(2) + u' ' + object.value(u"status"_s).toString());
            }
            QCOMPARE(checks, (QStringList { u"a1 match"_s, u"a2 drift"_s, u"c1 match"_s }));
        }
    }

    void cliInfoNamesTheDialect()
    {
        const auto run = CliTest::runCli({ u"info"_s, u"--json"_s, m_server.uri(u"es"_s) });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(R"("dialect":"eventsourcing")"), run.out.constData());
        QVERIFY2(run.out.contains(R"("events":5)"), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestEventsourcingDialect)
#include "tst_eventsourcingdialect.moc"
