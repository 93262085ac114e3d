#include "../cli/clirunner.h"

#include <core/dialects/commandedstore.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>
#include <verifylines.h>

#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

// Commanded EventStore 1.x's tables (store-schemas.md §5) in `schema`, with data and metadata of `payload` type.
QString commandedSchema(const QString& schema, const QString& payload)
{
    return u"CREATE SCHEMA IF NOT EXISTS %1;"
           "CREATE TABLE %1.streams (stream_id bigserial PRIMARY KEY, stream_uuid text NOT NULL,"
           " stream_version bigint DEFAULT 0 NOT NULL, created_at timestamptz DEFAULT now() NOT NULL,"
           " deleted_at timestamptz);"
           "CREATE UNIQUE INDEX ix_streams_stream_uuid ON %1.streams (stream_uuid);"
           "CREATE TABLE %1.events (event_id uuid PRIMARY KEY, event_type text NOT NULL, causation_id uuid,"
           " correlation_id uuid, data %2 NOT NULL, metadata %2, created_at timestamptz DEFAULT now() NOT NULL);"
           "CREATE TABLE %1.stream_events (event_id uuid NOT NULL REFERENCES %1.events (event_id),"
           " stream_id bigint NOT NULL REFERENCES %1.streams (stream_id), stream_version bigint NOT NULL,"
           " original_stream_id bigint REFERENCES %1.streams (stream_id), original_stream_version bigint,"
           " PRIMARY KEY (event_id, stream_id));"
           "CREATE UNIQUE INDEX ix_stream_events ON %1.stream_events (stream_id, stream_version);"
           "CREATE TABLE %1.snapshots (source_uuid text PRIMARY KEY, source_version bigint NOT NULL,"
           " source_type text NOT NULL, data %2 NOT NULL, metadata %2, created_at timestamptz DEFAULT now() NOT NULL);"
           "CREATE TABLE %1.subscriptions (subscription_id bigserial PRIMARY KEY, stream_uuid text NOT NULL,"
           " subscription_name text NOT NULL, last_seen bigint, created_at timestamptz DEFAULT now() NOT NULL);"
           "CREATE TABLE %1.schema_migrations (major_version int NOT NULL, minor_version int NOT NULL,"
           " patch_version int NOT NULL, migrated_at timestamptz DEFAULT now() NOT NULL,"
           " PRIMARY KEY (major_version, minor_version, patch_version));"
           "INSERT INTO %1.schema_migrations (major_version, minor_version, patch_version) VALUES (1, 3, 2);"
           "INSERT INTO %1.streams (stream_id, stream_uuid, stream_version) VALUES (0, '$all', 0);"_s.arg(
               schema, payload);
}

// One event appended as EventStore does: its row, its source stream's row and its `$all` row.
QString append(const QString& schema, int event, const QString& type, const QString& data, const QString& metadata,
    const QString& time, int streamId, int version, int position)
{
    const QString id = u"00000000-0000-4000-8000-%1"_s.arg(event, 12, 10, QChar(u'0'));
    return u"INSERT INTO %1.events VALUES ('%2', '%3', NULL, NULL, %4, %5, '%6');"
           "INSERT INTO %1.stream_events VALUES ('%2', %7, %8, %7, %8), ('%2', 0, %9, %7, %8);"_s.arg(schema, id, type,
               data, metadata, time, QString::number(streamId), QString::number(version), QString::number(position));
}

QString dataOf(const QByteArray& json)
{
    return QString::fromLatin1(json.toBase64());
}

} // namespace

// The Commanded EventStore dialect on PostgreSQL: detected with no options (two schemas, two stores), every
// event read once from its source stream with its `$all` position, streams and counts from the library's
// streams table, bytea and jsonb payloads (Erlang terms kept as bytes), snapshots; page queries are index
// seeks without a sort; nothing is written.
class TestCommandedDialect : public QObject
{
    Q_OBJECT

private:
    static constexpr int kLedgerEvents = 20000;
    PostgresServer m_server;
    PostgresServer::Counters m_before;
    std::unique_ptr<EventStore> m_store;

    QString plan(const EventPageRequest& request)
    {
        const auto* mapped = dynamic_cast<const MappedStore*>(m_store.get());
        const auto lines = m_store->explain(mapped->readEventsQuery(request));
        return lines ? lines->join(u" | "_s) : u"explain failed: "_s + lines.error().message;
    }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"commanded"_s), QString());
        const QString p = u"public"_s;
        QString sql = commandedSchema(p, u"bytea"_s);
        sql += u"INSERT INTO public.streams (stream_id, stream_uuid, stream_version, deleted_at) VALUES"
               " (1, 'bank-account-42', 3, NULL), (2, 'bank-account-3f2504e0-4f89-11d3-9a0c-0305e82c3301', 2, NULL),"
               " (3, 'b2c6f1a0-1111-4222-8333-444455556666', 1, NULL), (4, 'linked-all', 1, NULL),"
               " (5, 'transfer', 1, '2024-01-03 00:00:00+00'), (6, 'ledger-1', %1, NULL);"
               "SELECT setval('public.streams_stream_id_seq', 6);"_s.arg(kLedgerEvents);
        const QString t0 = u"2024-01-01 10:00:0%1+00"_s;
        sql += append(p, 1, u"Elixir.Bank.AccountOpened"_s, u"'{\"balance\": 0}'"_s, u"'{\"user\": \"ana\"}'"_s,
            t0.arg(0), 1, 1, 1);
        sql += append(p, 2, u"Elixir.Bank.Deposited"_s, u"'{\"amount\": 10}'"_s, u"NULL"_s, t0.arg(1), 1, 2, 2);
        sql += append(p, 3, u"Elixir.Bank.AccountOpened"_s, u"'{\"balance\": 5}'"_s, u"NULL"_s, t0.arg(2), 2, 1, 3);
        sql += append(p, 4, u"Elixir.Bank.Deposited"_s, u"'not json{'"_s, u"NULL"_s, t0.arg(3), 2, 2, 4);
        sql += append(p, 5, u"Elixir.Bank.Withdrawn"_s, u"'{\"amount\": 3}'"_s, u"NULL"_s, t0.arg(4), 1, 3, 5);
        sql += append(p, 6, u"Elixir.Audit.Noted"_s, u"'{}'"_s, u"NULL"_s, t0.arg(5), 3, 1, 6);
        // Erlang's term_to_binary(<<"abc">>): EventStore.TermSerializer's bytes.
        sql += append(
            p, 7, u"Elixir.Bank.TransferStarted"_s, u"'\\x836d00000003616263'::bytea"_s, u"NULL"_s, t0.arg(6), 5, 1, 7);
        // Event 2 linked into another stream: it is still read once, from bank-account-42.
        sql += u"INSERT INTO public.stream_events VALUES ('00000000-0000-4000-8000-000000000002', 4, 1, 1, 2);"_s;
        sql += u"INSERT INTO public.events SELECT ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid,"
               " 'Elixir.Ledger.Posted', NULL, NULL, convert_to('{\"n\": ' || i || '}', 'UTF8'), NULL,"
               " timestamptz '2024-01-02 00:00:00+00' + i * interval '1 second' FROM generate_series(1, %1) i;"
               "INSERT INTO public.stream_events SELECT ('00000000-0000-4000-9000-' || lpad(i::text, 12, '0'))::uuid,"
               " s.stream_id, CASE WHEN s.stream_id = 0 THEN i + 7 ELSE i END, 6, i"
               " FROM generate_series(1, %1) i, (VALUES (0), (6)) AS s(stream_id);"
               "UPDATE public.streams SET stream_version = %2 WHERE stream_id = 0;"
               "INSERT INTO public.snapshots VALUES ('bank-account-42', 3, 'Elixir.Bank.Account',"
               " '{\"balance\": 7}', '{\"snapshot_module_version\": 1}', '2024-01-01 10:00:09+00');"_s
                   .arg(kLedgerEvents)
                   .arg(kLedgerEvents + 7);
        // A second store, of the jsonb column type, in its own schema.
        const QString shop = u"shop"_s;
        sql += commandedSchema(shop, u"jsonb"_s);
        sql += u"INSERT INTO shop.streams (stream_id, stream_uuid, stream_version) VALUES (1, 'cart-Ünïcødé 7-b', 2);"_s;
        sql += append(shop, 1, u"Elixir.Shop.CartOpened"_s, u"'{\"id\": 1}'"_s, u"'{\"user\": \"bo\"}'"_s,
            u"2024-02-01 00:00:00+00"_s, 1, 1, 1);
        sql += append(shop, 2, u"Elixir.Shop.ItemAdded"_s, u"'{\"sku\": \"a\"}'"_s, u"NULL"_s,
            u"2024-02-01 00:00:01+00"_s, 1, 2, 2);
        sql += u"UPDATE shop.streams SET stream_version = 2 WHERE stream_id = 0; ANALYZE;"_s;
        QCOMPARE(m_server.exec(sql, u"commanded"_s), QString());
        QTRY_COMPARE(m_server.otherSessions(u"commanded"_s), 0);
        m_before = m_server.counters(u"commanded"_s);

        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"commanded"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"commanded"_s);
        QCOMPARE(opened->match.storeName, u"public"_s);
        QCOMPARE(opened->match.confidence, 90);
        QStringList found;
        for (const DialectMatch& match : std::as_const(opened->found))
            found.append(match.dialect + u':' + match.storeName);
        QCOMPARE(found, (QStringList { u"commanded:public"_s, u"commanded:shop"_s }));
        m_store = std::move(opened->store);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        m_store.reset();
        QTRY_COMPARE(m_server.otherSessions(u"commanded"_s), 0);
        const PostgresServer::Counters after = m_server.counters(u"commanded"_s);
        QVERIFY2(after.writesEqual(m_before), qPrintable(m_before.toString() + u" / "_s + after.toString()));
    }

    void describeCountsFromTheLibrarysBookkeeping()
    {
        const auto info = m_store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->dialect, u"commanded"_s);
        QCOMPARE(info->events, kLedgerEvents + 7);
        QCOMPARE(info->streams, 6);
        QCOMPARE(info->categories, 5);
        QCOMPARE(info->snapshots, 1);
        QCOMPARE(*info->firstPosition, 1);
        QCOMPARE(*info->lastPosition, kLedgerEvents + 7);
        QCOMPARE(*info->firstTimeMs, 1704103200000);
        QCOMPARE(*info->lastTimeMs, 1704153600000 + qint64(kLedgerEvents) * 1000);
    }

    void streamsComeFromTheStreamsTable()
    {
        const auto streams = m_store->streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QStringList lines;
        for (const StreamInfo& s : *streams)
            lines.append(u"%1 %2 %3 %4 %5"_s.arg(s.stream, s.category)
                             .arg(s.events.value)
                             .arg(s.lastVersion)
                             .arg(TestSupport::timeText(s.lastTimeMs)));
        QCOMPARE(lines,
            (QStringList { u"b2c6f1a0-1111-4222-8333-444455556666 (uuid) 1 1 1704103205000"_s,
                u"bank-account-3f2504e0-4f89-11d3-9a0c-0305e82c3301 bank 2 2 1704103203000"_s,
                u"bank-account-42 bank 3 3 1704103204000"_s,
                u"ledger-1 ledger %1 %1 %2"_s.arg(kLedgerEvents).arg(1704153600000 + qint64(kLedgerEvents) * 1000),
                u"linked-all linked 1 1 1704103201000"_s, u"transfer transfer 1 1 1704103206000"_s }));
        const auto categories = m_store->categories({});
        QVERIFY(categories);
        QStringList names;
        for (const CategoryInfo& c : *categories)
            names.append(u"%1:%2:%3"_s.arg(c.category).arg(c.streams.value).arg(c.events.value));
        QCOMPARE(names,
            (QStringList { u"(uuid):1:1"_s, u"bank:2:5"_s, u"ledger:1:%1"_s.arg(kLedgerEvents), u"linked:1:1"_s,
                u"transfer:1:1"_s }));
    }

    void globalLogReadsEachEventOnceWithItsSourceStream()
    {
        EventPageRequest request;
        request.limit = 8;
        const auto page = m_store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        const QString id = u"00000000-0000-4000-8000-00000000000%1"_s;
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList { u"1 bank-account-42 bank 1 Elixir.Bank.AccountOpened 1704103200000 %1 %2 %3"_s.arg(
                               id.arg(1), dataOf("{\"balance\": 0}"), dataOf("{\"user\": \"ana\"}")),
                u"2 bank-account-42 bank 2 Elixir.Bank.Deposited 1704103201000 %1 %2 "_s.arg(
                    id.arg(2), dataOf("{\"amount\": 10}")),
                u"3 bank-account-3f2504e0-4f89-11d3-9a0c-0305e82c3301 bank 1 Elixir.Bank.AccountOpened "
                "1704103202000 %1 %2 "_s.arg(id.arg(3), dataOf("{\"balance\": 5}")),
                u"4 bank-account-3f2504e0-4f89-11d3-9a0c-0305e82c3301 bank 2 Elixir.Bank.Deposited "
                "1704103203000 %1 %2 "_s.arg(id.arg(4), dataOf("not json{")),
                u"5 bank-account-42 bank 3 Elixir.Bank.Withdrawn 1704103204000 %1 %2 "_s.arg(
                    id.arg(5), dataOf("{\"amount\": 3}")),
                u"6 b2c6f1a0-1111-4222-8333-444455556666 (uuid) 1 Elixir.Audit.Noted 1704103205000 %1 %2 "_s.arg(
                    id.arg(6), dataOf("{}")),
                u"7 transfer transfer 1 Elixir.Bank.TransferStarted 1704103206000 %1 %2 "_s.arg(
                    id.arg(7), dataOf(QByteArray::fromHex("836d00000003616263"))),
                u"8 ledger-1 ledger 1 Elixir.Ledger.Posted 1704153601000 00000000-0000-4000-9000-000000000001 %1 "_s
                    .arg(dataOf("{\"n\": 1}")) }));
        request.direction = ReadDirection::Backward;
        request.limit = 1;
        const auto last = m_store->readEvents(request);
        QVERIFY(last);
        QCOMPARE(last->events.size(), 1);
        QCOMPARE(last->events.first().position, kLedgerEvents + 7);
        QCOMPARE(last->events.first().version, kLedgerEvents);
    }

    void streamPageSeeksTheSourceStream()
    {
        EventPageRequest request;
        request.filter.stream = u"bank-account-42"_s;
        const auto page = m_store->readEvents(request);
        QVERIFY(page);
        QStringList keys;
        for (const Event& e : page->events)
            keys.append(u"%1@%2"_s.arg(e.version).arg(e.position));
        QCOMPARE(keys, (QStringList { u"1@1"_s, u"2@2"_s, u"3@5"_s }));
        // The linked stream shows no event of its own: event 2 is read in its source stream only.
        request.filter.stream = u"linked-all"_s;
        QCOMPARE(m_store->readEvents(request)->events.size(), 0);
        request.filter.stream = u"no-such-stream"_s;
        QCOMPARE(m_store->readEvents(request)->events.size(), 0);
        request.filter.stream = u"ledger-1"_s;
        request.direction = ReadDirection::Backward;
        request.start = KeyBound { 100, false };
        request.limit = 2;
        const auto back = m_store->readEvents(request);
        QVERIFY(back);
        QCOMPARE(back->events.size(), 2);
        QCOMPARE(back->events.at(0).version, 99);
        QCOMPARE(back->events.at(0).position, 106);
        QCOMPARE(back->events.at(1).version, 98);
    }

    void categoryAndTypeFiltersAndKeys()
    {
        EventPageRequest request;
        request.filter.category = u"bank"_s;
        request.limit = 100;
        const auto page = m_store->readEvents(request);
        QVERIFY(page);
        QStringList positions;
        for (const Event& e : page->events)
            positions.append(QString::number(e.position));
        QCOMPARE(positions, (QStringList { u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s }));
        request.filter.category = u"(uuid)"_s;
        QCOMPARE(m_store->readEvents(request)->events.size(), 1);
        EventFilter ledger;
        ledger.stream = u"ledger-1"_s;
        QCOMPARE(**m_store->keyAtPosition(ledger, 1000), 993);
        QCOMPARE(**m_store->keyAtTime({}, 1704103203000), 4);
        const auto dense = m_store->denseKeys(ledger);
        QVERIFY(dense && *dense);
        qint64 rows = 0;
        const auto scanned = m_store->scanKeys(ledger, 1000, [&rows](const QList<qint64>&, qint64 seen) {
            rows = seen;
            return true;
        });
        QVERIFY(scanned);
        QCOMPARE(*scanned, kLedgerEvents);
        QCOMPARE(m_store->eventTypes()->size(), 6);
    }

    // Commanded's snapshots table against its events, as `verify` checks them: one matches, one drifted, one ahead
    // of its stream.
    void verifyFindsADriftedSnapshot()
    {
        QCOMPARE(m_server.createDatabase(u"commandedverify"_s), QString());
        const QString p = u"public"_s;
        const QString t0 = u"2024-01-01 10:00:0%1+00"_s;
        QString sql = commandedSchema(p, u"jsonb"_s);
        sql += u"INSERT INTO public.streams (stream_id, stream_uuid, stream_version) VALUES (1, 'bank-account-42', 3),"
               " (2, 'bank-account-43', 2), (3, 'bank-account-44', 1); SELECT setval('public.streams_stream_id_seq', 3);"_s;
        sql += append(p, 1, u"Elixir.Bank.AccountOpened"_s, u"'{\"balance\": 0}'"_s, u"NULL"_s, t0.arg(0), 1, 1, 1);
        sql += append(p, 2, u"Elixir.Bank.Deposited"_s, u"'{\"amount\": 10}'"_s, u"NULL"_s, t0.arg(1), 1, 2, 2);
        sql += append(p, 3, u"Elixir.Bank.AccountOpened"_s, u"'{\"balance\": 0}'"_s, u"NULL"_s, t0.arg(2), 2, 1, 3);
        sql += append(p, 4, u"Elixir.Bank.Withdrawn"_s, u"'{\"amount\": 3}'"_s, u"NULL"_s, t0.arg(3), 1, 3, 4);
        sql += append(p, 5, u"Elixir.Bank.Deposited"_s, u"'{\"amount\": 5}'"_s, u"NULL"_s, t0.arg(4), 2, 2, 5);
        sql += append(p, 6, u"Elixir.Bank.AccountOpened"_s, u"'{\"balance\": 0}'"_s, u"NULL"_s, t0.arg(5), 3, 1, 6);
        sql += u"INSERT INTO public.snapshots VALUES"
               " ('bank-account-42', 3, 'Elixir.Bank.Account', '{\"balance\": 7}', '{}', '2024-01-01 10:00:09+00'),"
               " ('bank-account-43', 2, 'Elixir.Bank.Account', '{\"balance\": 6}', '{}', '2024-01-01 10:00:09+00'),"
               " ('bank-account-44', 9, 'Elixir.Bank.Account', '{\"balance\": 0}', '{}', '2024-01-01 10:00:09+00');"_s;
        QCOMPARE(m_server.exec(sql, u"commandedverify"_s), QString());
        const QStringList lines
            = TestSupport::verifyLines([this] { return openStore(m_server.uri(u"commandedverify"_s)); }, u"bank"_s,
                uR"(fromCategory('bank').foreachStream().when({
                $init: function () { return { balance: 0 }; },
                $any: function (s, e) {
                    if (e.eventType === 'Elixir.Bank.Deposited') s.balance += e.body.amount;
                    if (e.eventType === 'Elixir.Bank.Withdrawn') s.balance -= e.body.amount;
                } }))"_s);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0), u"bank-account-42 3 match"_s);
        QCOMPARE(lines.at(1), u"bank-account-43 2 drift balance:6->5"_s);
        QVERIFY2(lines.at(2).startsWith(u"bank-account-44 9 error "_s), qPrintable(lines.at(2)));
    }

    void snapshotIsTheUpsertedRow()
    {
        const auto snapshots = m_store->snapshots(u"bank-account-42"_s);
        QVERIFY2(snapshots, snapshots ? "" : qPrintable(snapshots.error().message));
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().version, 3);
        QCOMPARE(snapshots->first().timeMs, 1704103209000);
        QCOMPARE(snapshots->first().state, QByteArray("{\"balance\": 7}"));
        QCOMPARE(m_store->snapshots(u"ledger-1"_s)->size(), 0);
    }

    void categoryRuleInCodeAndSqlAgree()
    {
        // The first '-', as Message DB and KurrentDB split: never the last.
        QCOMPARE(CommandedStore::commandedCategoryOf(u"bank-account-42"), u"bank"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"order-Ünïcødé-7-b"), u"order"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"Ünïcødé ördér-7 b"), u"Ünïcødé ördér"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"bank-account-3f2504e0-4f89-11d3-9a0c-0305e82c3301"), u"bank"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"account:3F2504E0-4F89-11D3-9A0C-0305E82C3301"), u"account"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"3f2504e0-4f89-11d3-9a0c-0305e82c3301"), u"(uuid)"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"singleton"), u"singleton"_s);
        QCOMPARE(CommandedStore::commandedCategoryOf(u"-x"), QString());
        for (const QString& name : { u"bank-account-42"_s, u"account:3F2504E0-4F89-11D3-9A0C-0305E82C3301"_s,
                 u"3f2504e0-4f89-11d3-9a0c-0305e82c3301"_s, u"singleton"_s, u"a--b-"_s, u"-x"_s, u"order-Ünïcødé-7-b"_s,
                 u"Ünïcødé ördér-7 b"_s, u"-a-3f2504e0-4f89-11d3-9a0c-0305e82c3301"_s,
                 u"a b:3f2504e0-4f89-11d3-9a0c-0305e82c3301"_s }) {
            const QString sql = u"SELECT %1"_s.arg(CommandedStore::categorySql(u"'%1'::text"_s.arg(name)));
            QCOMPARE(m_server.scalar(sql, u"commanded"_s), CommandedStore::commandedCategoryOf(name));
        }
    }

    void secondSchemaIsItsOwnStoreWithJsonb()
    {
        OpenOptions options;
        options.storeName = u"shop"_s;
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"commanded"_s)), options);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        const auto info = opened->store->describe();
        QVERIFY(info);
        QCOMPARE(info->events, 2);
        QCOMPARE(info->streams, 1);
        QCOMPARE(info->snapshots, 0);
        EventPageRequest request;
        request.filter.stream = u"cart-Ünïcødé 7-b"_s;
        const auto page = opened->store->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.first().data, QByteArray("{\"id\": 1}"));
        QCOMPARE(page->events.first().metadata, QByteArray("{\"user\": \"bo\"}"));
        QCOMPARE(page->events.first().category, u"cart"_s);
    }

    void pageQueriesAreIndexSeeksWithoutASort_data()
    {
        QTest::addColumn<QString>("stream");
        QTest::addColumn<bool>("forward");
        QTest::addColumn<bool>("afterKey");
        for (const bool forward : { true, false }) {
            for (const bool after : { false, true }) {
                const QByteArray how = QByteArray(forward ? "forward" : "backward") + (after ? ", after a key" : "");
                QTest::newRow(QByteArray("global " + how).constData()) << QString() << forward << after;
                QTest::newRow(QByteArray("stream " + how).constData()) << u"ledger-1"_s << forward << after;
            }
        }
    }
    void pageQueriesAreIndexSeeksWithoutASort()
    {
        QFETCH(QString, stream);
        QFETCH(bool, forward);
        QFETCH(bool, afterKey);
        EventPageRequest request;
        request.filter.stream = stream;
        request.direction = forward ? ReadDirection::Forward : ReadDirection::Backward;
        if (afterKey)
            request.start = KeyBound { 5000, false };
        request.limit = 100;
        const QString text = plan(request);
        QVERIFY2(!text.contains(u"Seq Scan on stream_events"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"Seq Scan on events"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"Sort"_s), qPrintable(text));
        QVERIFY2(text.contains(u"Index Scan using ix_stream_events"_s)
                || text.contains(u"Index Scan Backward using ix_stream_events"_s),
            qPrintable(text));
        qInfo().noquote() << QTest::currentDataTag() << text;
    }

    void cliInfoNamesTheDialect()
    {
        const CliTest::CliRun run = CliTest::runCli({ u"info"_s, u"--json"_s, m_server.uri(u"commanded"_s) });
        QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("\"dialect\":\"commanded\""), run.out.constData());
        QVERIFY2(run.out.contains("\"events\":20007"), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCommandedDialect)
#include "tst_commandeddialect.moc"
