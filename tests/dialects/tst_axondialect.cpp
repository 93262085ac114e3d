#include "../cli/clirunner.h"

#include <core/dialects/axonstore.h>
#include <core/dialects/storeopener.h>
#include <postgresserver.h>
#include <storecomparison.h>
#include <verifylines.h>

#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

// Axon 4's tables as the JPA engine makes them with Spring's naming (store-schemas.md §6), bytea payloads.
const QString kJpaSchema
    = u"CREATE TABLE public.domain_event_entry (global_index bigint PRIMARY KEY,"
      " event_identifier varchar(255) NOT NULL UNIQUE, meta_data bytea, payload bytea NOT NULL,"
      " payload_revision varchar(255), payload_type varchar(255) NOT NULL,"
      " time_stamp varchar(255) NOT NULL, aggregate_identifier varchar(255) NOT NULL,"
      " sequence_number bigint NOT NULL, type varchar(255),"
      " CONSTRAINT uk_aggregate_sequence UNIQUE (aggregate_identifier, sequence_number));"
      "CREATE TABLE public.snapshot_event_entry (aggregate_identifier varchar(255) NOT NULL,"
      " sequence_number bigint NOT NULL, type varchar(255) NOT NULL,"
      " event_identifier varchar(255) NOT NULL UNIQUE, meta_data bytea, payload bytea NOT NULL,"
      " payload_revision varchar(255), payload_type varchar(255) NOT NULL,"
      " time_stamp varchar(255) NOT NULL, PRIMARY KEY (aggregate_identifier, sequence_number, type));"_s;

// The JDBC engine's PostgreSQL tables: EventSchema's unquoted camelCase names, folded to lower case by the
// server; payloads as large objects (oid), as Hibernate's @Lob makes them.
const QString kJdbcSchema = u"CREATE SCHEMA jdbc;"
                            "CREATE TABLE jdbc.DomainEventEntry (globalIndex bigserial PRIMARY KEY,"
                            " aggregateIdentifier varchar(255) NOT NULL, sequenceNumber bigint NOT NULL,"
                            " type varchar(255), eventIdentifier varchar(255) NOT NULL UNIQUE, metaData oid,"
                            " payload oid NOT NULL, payloadRevision varchar(255), payloadType varchar(255) NOT NULL,"
                            " timeStamp varchar(255) NOT NULL, UNIQUE (aggregateIdentifier, sequenceNumber));"
                            "CREATE TABLE jdbc.SnapshotEventEntry (aggregateIdentifier varchar(255) NOT NULL,"
                            " sequenceNumber bigint NOT NULL, type varchar(255) NOT NULL,"
                            " eventIdentifier varchar(255) NOT NULL UNIQUE, metaData oid, payload oid NOT NULL,"
                            " payloadRevision varchar(255), payloadType varchar(255) NOT NULL,"
                            " timeStamp varchar(255) NOT NULL, PRIMARY KEY (aggregateIdentifier, sequenceNumber));"_s;

QString sqlBytes(const QByteArray& bytes)
{
    return u"'\\x%1'::bytea"_s.arg(QString::fromLatin1(bytes.toHex()));
}

const QByteArray kCreatedXml
    = "<com.example.account.AccountCreated><id>acc-1</id><owner>Ana &amp; Bo</owner><note> </note>"
      "</com.example.account.AccountCreated>";
const QByteArray kCreatedIndented = "<com.example.account.AccountCreated>\n"
                                    "  <id>acc-1</id>\n"
                                    "  <owner>Ana &amp; Bo</owner>\n"
                                    "  <note> </note>\n"
                                    "</com.example.account.AccountCreated>";
const QByteArray kMetaXml = "<meta-data><entry><string>traceId</string><string>t1</string></entry></meta-data>";
const QByteArray kMetaIndented = "<meta-data>\n"
                                 "  <entry>\n"
                                 "    <string>traceId</string>\n"
                                 "    <string>t1</string>\n"
                                 "  </entry>\n"
                                 "</meta-data>";

} // namespace

// The Axon dialect on PostgreSQL: JPA naming (snake_case) and JDBC naming (folded camelCase) read from the
// catalog, XStream XML shown indented and Jackson JSON as it is, large-object (oid) payloads read with lo_get()
// or named when the session may not read them, the newest snapshot per aggregate; page queries are index seeks
// without a sort; nothing is written.
class TestAxonDialect : public QObject
{
    Q_OBJECT

private:
    static constexpr int kBigEvents = 20000;
    PostgresServer m_server;
    PostgresServer::Counters m_before;
    std::unique_ptr<EventStore> m_store;

    std::unique_ptr<EventStore> open(const QString& storeName, const QString& user = u"postgres"_s)
    {
        OpenOptions options;
        options.storeName = storeName;
        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"axon"_s, user)), options);
        if (!opened) {
            qWarning() << opened.error().message;
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
        QCOMPARE(m_server.createDatabase(u"axon"_s), QString());
        QString sql = kJpaSchema;
        sql += u"INSERT INTO public.domain_event_entry VALUES"
               " (1, 'e-1', %1, %2, NULL, 'com.example.account.AccountCreated', '2024-01-01T10:00:00.123Z',"
               "  'acc-1', 0, 'Account'),"
               " (2, 'e-2', NULL, %3, NULL, 'com.example.account.Deposited', '2024-01-01T10:00:01Z', 'acc-1', 1,"
               "  'Account'),"
               // An event published outside an aggregate: its own id as the aggregate, no type. Hibernate's
               // sequence allocates in fifties, so the global index has gaps.
               " (51, 'e-3', NULL, %4, NULL, 'com.example.Notifications$Sent', 'not a time', 'e-3', 0, NULL);"_s.arg(
                   sqlBytes(kMetaXml), sqlBytes(kCreatedXml), sqlBytes("{\"amount\":10}"),
                   sqlBytes("<com.example.Notifications_-Sent><to>ana</to></broken>"));
        sql += u"INSERT INTO public.domain_event_entry SELECT 100 + i, 'big-' || i, NULL,"
               " convert_to('{\"n\":' || i || '}', 'UTF8'), NULL, 'com.example.account.Deposited',"
               " to_char((timestamptz '2024-01-02 00:00:00+00' + i * interval '1 second') AT TIME ZONE 'UTC',"
               " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'acc-2', i - 1, 'Account' FROM generate_series(1, %1) i;"_s.arg(
                   kBigEvents);
        sql += u"INSERT INTO public.snapshot_event_entry VALUES ('acc-1', 1, 'Account', 's-1', NULL, %1, NULL,"
               " 'com.example.account.Account', '2024-01-01T10:00:02Z');"_s.arg(
                   sqlBytes("<com.example.account.Account><balance>10</balance></com.example.account.Account>"));
        sql += kJdbcSchema;
        sql += u"INSERT INTO jdbc.DomainEventEntry (aggregateIdentifier, sequenceNumber, type, eventIdentifier,"
               " metaData, payload, payloadType, timeStamp) VALUES"
               " ('order-1', 0, 'Order', 'j-1', NULL, lo_from_bytea(0, %1), 'com.example.order.OrderPlaced',"
               "  '2024-03-01T00:00:00Z'),"
               " ('order-1', 1, 'Order', 'j-2', NULL, 4000000000, 'com.example.order.OrderShipped',"
               "  '2024-03-01T00:00:01Z');"
               "INSERT INTO jdbc.SnapshotEventEntry VALUES ('order-1', 0, 'Order', 'js-1', NULL,"
               " lo_from_bytea(0, %2), NULL, 'com.example.order.Order', '2024-03-01T00:00:02Z');"
               // Axon 5's aggregate-based entity, in a schema of its own.
               "CREATE SCHEMA five; CREATE TABLE five.aggregate_event_entry (global_index bigint PRIMARY KEY,"
               " aggregate_type varchar(255), aggregate_identifier varchar(255) NOT NULL,"
               " aggregate_sequence_number bigint NOT NULL, type varchar(255) NOT NULL, version varchar(255),"
               " timestamp varchar(255) NOT NULL, payload bytea, metadata bytea,"
               " identifier varchar(255) NOT NULL UNIQUE, UNIQUE (aggregate_identifier, aggregate_sequence_number));"
               "INSERT INTO five.aggregate_event_entry VALUES (1, 'Course', 'c-1', 0, 'university.CourseCreated',"
               " '0.0.1', '2024-04-01T00:00:00Z', '{\"name\":\"x\"}', '{}', 'i-1');"
               "CREATE ROLE reader LOGIN; GRANT USAGE ON SCHEMA jdbc TO reader;"
               "GRANT SELECT ON ALL TABLES IN SCHEMA jdbc TO reader; ANALYZE;"_s.arg(
                   sqlBytes("<com.example.order.OrderPlaced><id>order-1</id></com.example.order.OrderPlaced>"),
                   sqlBytes("{\"status\":\"placed\"}"));
        QCOMPARE(m_server.exec(sql, u"axon"_s), QString());
        QTRY_COMPARE(m_server.otherSessions(u"axon"_s), 0);
        m_before = m_server.counters(u"axon"_s);

        auto opened = openStore(*StoreLocation::parse(m_server.uri(u"axon"_s)));
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QCOMPARE(opened->match.dialect, u"axon"_s);
        QCOMPARE(opened->match.confidence, 90);
        QStringList found;
        for (const DialectMatch& match : std::as_const(opened->found))
            found.append(match.dialect + u':' + match.storeName);
        QCOMPARE(found, (QStringList { u"axon:public"_s, u"axon:jdbc"_s, u"axon:five"_s }));
        m_store = std::move(opened->store);
    }

    void cleanupTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            return;
        m_store.reset();
        QTRY_COMPARE(m_server.otherSessions(u"axon"_s), 0);
        const PostgresServer::Counters after = m_server.counters(u"axon"_s);
        QVERIFY2(after.writesEqual(m_before), qPrintable(m_before.toString() + u" / "_s + after.toString()));
    }

    void describeCountsExactly()
    {
        const auto info = m_store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->dialect, u"axon"_s);
        QCOMPARE(info->events, kBigEvents + 3);
        QCOMPARE(info->streams, 3);
        QCOMPARE(info->categories, 2);
        QCOMPARE(info->snapshots, 1);
        QCOMPARE(*info->firstPosition, 1);
        QCOMPARE(*info->lastPosition, 100 + kBigEvents);
    }

    void streamsAreAggregatesInTheirTypesCategory()
    {
        const auto streams = m_store->streams({});
        QVERIFY2(streams, streams ? "" : qPrintable(streams.error().message));
        QStringList lines;
        for (const StreamInfo& s : *streams)
            lines.append(u"%1 %2 %3 %4"_s.arg(s.stream, s.category).arg(s.events.value).arg(s.lastVersion));
        QCOMPARE(lines,
            (QStringList { u"acc-1 Account 2 1"_s, u"acc-2 Account %1 %2"_s.arg(kBigEvents).arg(kBigEvents - 1),
                u"e-3 (no aggregate) 1 0"_s }));
        const auto categories = m_store->categories({});
        QVERIFY(categories);
        QCOMPARE(categories->size(), 2);
        QCOMPARE(categories->first().category, u"(no aggregate)"_s);
        QCOMPARE(categories->last().events.value, kBigEvents + 2);
    }

    void eventsShowXmlIndentedJsonAsStoredAndBadRowsAsTheyAre()
    {
        EventPageRequest request;
        request.limit = 4;
        const auto page = m_store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(page->events.size(), 4);
        const Event& created = page->events.at(0);
        QCOMPARE(created.position, 1);
        QCOMPARE(created.stream, u"acc-1"_s);
        QCOMPARE(created.category, u"Account"_s);
        QCOMPARE(created.version, 0);
        QCOMPARE(created.type, u"AccountCreated"_s);
        QCOMPARE(created.timeMs, 1704103200123);
        QCOMPARE(created.id, u"e-1"_s);
        QCOMPARE(created.data, kCreatedIndented);
        QCOMPARE(created.metadata, kMetaIndented);
        QCOMPARE(page->events.at(1).data, QByteArray("{\"amount\":10}"));
        QCOMPARE(page->events.at(1).timeMs, 1704103201000);
        // Not well-formed XML and a time that is not ISO text: shown as stored, the time as none.
        const Event& odd = page->events.at(2);
        QCOMPARE(odd.position, 51);
        QCOMPARE(odd.type, u"Notifications$Sent"_s);
        QCOMPARE(odd.category, u"(no aggregate)"_s);
        QVERIFY(!odd.timeMs); // not the epoch: unknown
        QCOMPARE(odd.data, QByteArray("<com.example.Notifications_-Sent><to>ana</to></broken>"));
        QCOMPARE(page->events.at(3).position, 101);
        QCOMPARE(page->events.at(3).timeMs, 1704153601000);

        request.filter.stream = u"acc-2"_s;
        request.direction = ReadDirection::Backward;
        request.limit = 2;
        const auto back = m_store->readEvents(request);
        QVERIFY(back);
        QCOMPARE(back->events.size(), 2);
        QCOMPARE(back->events.at(0).version, kBigEvents - 1);
        QCOMPARE(back->events.at(0).position, 100 + kBigEvents);
        QCOMPARE(back->events.at(1).version, kBigEvents - 2);

        EventFilter types;
        types.type = u"AccountCreated"_s;
        QCOMPARE(**m_store->keyAtPosition(types, 0), 1);
        EventFilter category;
        category.category = u"(no aggregate)"_s;
        QCOMPARE(**m_store->keyAtPosition(category, 0), 51);
        QCOMPARE(**m_store->keyAtTime({}, 1704153601500), 102);
        QCOMPARE(
            *m_store->eventTypes(), (QStringList { u"AccountCreated"_s, u"Deposited"_s, u"Notifications$Sent"_s }));
    }

    void snapshotIsTheNewestRow()
    {
        const auto snapshots = m_store->snapshots(u"acc-1"_s);
        QVERIFY2(snapshots, snapshots ? "" : qPrintable(snapshots.error().message));
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().version, 1);
        QCOMPARE(snapshots->first().timeMs, 1704103202000);
        // Stored as XStream XML, read as JSON so that verify can compare it (xstreamToJson).
        QCOMPARE(snapshots->first().state, R"({"@class":"com.example.account.Account","balance":10})"_ba);
    }

    // Axon keeps snapshots as XStream XML. verify reads them as JSON and leaves out "@class", the Java classes they
    // name, so they compare like any other snapshot: acc-1's (indented, with a nested collection that has a class
    // hint) matches the fold of its events, acc-2's (compact, as Axon's XStreamSerializer writes) holds a balance no
    // event gave it, and acc-3's is not well-formed XML: still an error, saying so.
    void verifyReadsXStreamSnapshotsAsJson()
    {
        QCOMPARE(m_server.createDatabase(u"axonxml"_s), QString());
        int position = 0;
        const auto event = [&](const QString& aggregate, int sequence, const QString& type, const QByteArray& json) {
            ++position;
            return u"(%1, 'x-%1', NULL, %2, NULL, 'com.example.account.%3', '2024-05-01T00:00:00Z', '%4', %5,"
                   " 'Account')"_s.arg(position)
                       .arg(sqlBytes(json), type, aggregate)
                       .arg(sequence);
        };
        const auto snapshot = [](const QString& aggregate, int sequence, const QByteArray& xml) {
            return u"('%1', %2, 'Account', 's-%1', NULL, %3, NULL, 'com.example.account.Account',"
                   " '2024-05-01T00:00:01Z')"_s.arg(aggregate)
                       .arg(sequence)
                       .arg(sqlBytes(xml));
        };
        const QByteArray opened = u"{\"owner\":\"Zoë & Bo\",\"currency\":\"EUR\"}"_s.toUtf8();
        const QByteArray matching = u"<com.example.account.Account>\n"
                                    "  <owner>Zoë &amp; Bo</owner>\n"
                                    "  <currency>EUR</currency>\n"
                                    "  <balance>15</balance>\n"
                                    "  <open>true</open>\n"
                                    "  <moves class=\"linked-list\">\n"
                                    "    <com.example.account.Move>\n"
                                    "      <amount>10</amount>\n"
                                    "    </com.example.account.Move>\n"
                                    "    <com.example.account.Move>\n"
                                    "      <amount>5</amount>\n"
                                    "    </com.example.account.Move>\n"
                                    "  </moves>\n"
                                    "</com.example.account.Account>"_s.toUtf8();
        const QByteArray drifted = u"<com.example.account.Account><owner>Zoë &amp; Bo</owner><currency>EUR</currency>"
                                   "<balance>20</balance><open>true</open><moves class=\"linked-list\">"
                                   "<com.example.account.Move><amount>10</amount></com.example.account.Move>"
                                   "<com.example.account.Move><amount>5</amount></com.example.account.Move>"
                                   "</moves></com.example.account.Account>"_s.toUtf8();
        const QByteArray broken = "<com.example.account.Account><balance>10</balance></broken>";
        QStringList events;
        for (const QString& aggregate : { u"acc-1"_s, u"acc-2"_s }) {
            events << event(aggregate, 0, u"AccountOpened"_s, opened)
                   << event(aggregate, 1, u"Deposited"_s, "{\"amount\":10}")
                   << event(aggregate, 2, u"Deposited"_s, "{\"amount\":5}");
        }
        events << event(u"acc-3"_s, 0, u"AccountOpened"_s, opened);
        const QString sql = kJpaSchema + u"INSERT INTO public.domain_event_entry VALUES "_s + events.join(u", "_s)
            + u"; INSERT INTO public.snapshot_event_entry VALUES %1, %2, %3;"_s.arg(
                snapshot(u"acc-1"_s, 2, matching), snapshot(u"acc-2"_s, 2, drifted), snapshot(u"acc-3"_s, 0, broken));
        QCOMPARE(m_server.exec(sql, u"axonxml"_s), QString());

        // The projection builds what the converted snapshot holds, "@class" aside: the two moves are one array under
        // their elements' name (XStream names a collection's members by their class).
        const QStringList lines = TestSupport::verifyLines([this] { return openStore(m_server.uri(u"axonxml"_s)); },
            u"Account"_s, uR"(fromCategory('Account').foreachStream().when({
                $init: function () {
                    return { owner: null, currency: null, balance: 0, open: false,
                        moves: { 'com.example.account.Move': [] } };
                },
                AccountOpened: function (s, e) { s.owner = e.body.owner; s.currency = e.body.currency; s.open = true; },
                Deposited: function (s, e) {
                    s.balance += e.body.amount;
                    s.moves['com.example.account.Move'].push({ amount: e.body.amount });
                } }))"_s);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0), u"acc-1 2 match"_s);
        QCOMPARE(lines.at(1), u"acc-2 2 drift balance:20->15"_s);
        QVERIFY2(lines.at(2).startsWith(u"acc-3 0 error The snapshot's state is not valid JSON: "_s),
            qPrintable(lines.at(2)));
        QVERIFY2(
            lines.at(2).endsWith(u"(it is XML: only well-formed XStream XML, as Axon stores it, is read as JSON)"_s),
            qPrintable(lines.at(2)));

        // The snapshot as the store lists it: JSON in document order, the indentation gone, the text decoded.
        auto store = openStore(m_server.uri(u"axonxml"_s));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        const auto snapshots = (*store)->snapshots(u"acc-1"_s);
        QVERIFY2(snapshots, snapshots ? "" : qPrintable(snapshots.error().message));
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().state,
            uR"({"@class":"com.example.account.Account","owner":"Zoë & Bo","currency":"EUR","balance":15,"open":true,)"
            uR"("moves":{"@class":"linked-list","com.example.account.Move":[{"amount":10},{"amount":5}]}})"_s.toUtf8());
    }

    void jdbcNamesAndLargeObjectsAreRead()
    {
        auto store = open(u"jdbc"_s);
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 2);
        QCOMPARE(info->streams, 1);
        QCOMPARE(info->snapshots, 1);
        EventPageRequest request;
        request.filter.stream = u"order-1"_s;
        const auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events.at(0).category, u"Order"_s);
        QCOMPARE(page->events.at(0).type, u"OrderPlaced"_s);
        QCOMPARE(page->events.at(0).timeMs, 1709251200000);
        QCOMPARE(page->events.at(0).data,
            QByteArray("<com.example.order.OrderPlaced>\n  <id>order-1</id>\n</com.example.order.OrderPlaced>"));
        QCOMPARE(page->events.at(1).data, QByteArray("large object #4000000000 (missing)"));
        const auto snapshots = store->snapshots(u"order-1"_s);
        QVERIFY(snapshots);
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().state, QByteArray("{\"status\":\"placed\"}"));
    }

    void largeObjectsTheSessionMayNotReadAreNamed()
    {
        auto store = open(u"jdbc"_s, u"reader"_s);
        QVERIFY(store);
        EventPageRequest request;
        const auto page = store->readEvents(request);
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(page->events.size(), 2);
        const QString oid
            = m_server.scalar(u"SELECT payload FROM jdbc.domainevententry WHERE sequencenumber = 0"_s, u"axon"_s);
        QCOMPARE(page->events.at(0).data, (u"large object #"_s + oid).toUtf8());
        QCOMPARE(page->events.at(1).data, QByteArray("large object #4000000000 (missing)"));
    }

    void axon5AggregateTableIsRead()
    {
        auto store = open(u"five"_s);
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 1);
        const auto page = store->readEvents({});
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(TestSupport::describeEvents(page->events),
            QStringList { u"1 c-1 Course 0 university.CourseCreated 1711929600000 i-1 %1 %2"_s.arg(
                QString::fromLatin1(QByteArray("{\"name\":\"x\"}").toBase64()),
                QString::fromLatin1(QByteArray("{}").toBase64())) });
    }

    void indentedXmlKeepsWhatIsNotXml()
    {
        QCOMPARE(AxonStore::indentedXml("<a><b>1</b></a>"), QByteArray("<a>\n  <b>1</b>\n</a>"));
        QCOMPARE(AxonStore::indentedXml("<a><b>1</a>"), QByteArray("<a><b>1</a>"));
        QCOMPARE(AxonStore::indentedXml("<?xml version=\"1.0\"?><a/>"),
            QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>"));
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
                QTest::newRow(QByteArray("stream " + how).constData()) << u"acc-2"_s << forward << after;
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
        const auto* mapped = dynamic_cast<const MappedStore*>(m_store.get());
        const auto lines = m_store->explain(mapped->readEventsQuery(request));
        QVERIFY2(lines, lines ? "" : qPrintable(lines.error().message));
        const QString text = lines->join(u" | "_s);
        QVERIFY2(!text.contains(u"Seq Scan"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"Sort"_s), qPrintable(text));
        QVERIFY2(text.contains(stream.isEmpty() ? u"domain_event_entry_pkey"_s : u"uk_aggregate_sequence"_s),
            qPrintable(text));
    }

    void cliInfoNamesTheDialect()
    {
        const CliTest::CliRun run = CliTest::runCli({ u"info"_s, u"--json"_s, m_server.uri(u"axon"_s) });
        QVERIFY2(run.finished && run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("\"dialect\":\"axon\""), run.out.constData());
        QVERIFY2(run.out.contains("\"events\":20003"), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestAxonDialect)
#include "tst_axondialect.moc"
