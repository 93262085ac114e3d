// Custom mappings through the CLI (issue 14): a home-grown table with a two-column stream and epoch-ms times
// opens through --mapping on SQLite and on PostgreSQL with exact values, on every command; a bad mapping is
// refused with exit 2 and a message naming the field; `dialects`, --dialect and --store-name keep their contract.
#include "clirunner.h"

#include <postgresserver.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope::CliTest;
using EventScope::TestSupport::PostgresServer;

namespace {

const char* const kMapping = R"({"events": {"table": "%1", "position": "%2",
    "stream": "domain || '/' || identifier", "category": "domain", "version": "sequence", "type": "type",
    "time": {"column": "created", "unit": "epoch-ms"}, "id": "id",
    "data": {"column": "payload", "encoding": "json"}, "metadata": "meta"},
 "snapshots": {"table": "%3", "stream": "domain || '/' || identifier", "version": "sequence",
    "time": {"column": "created", "unit": "epoch-ms"}, "data": "state"}})";

const char* const kRows = "('orders', '1', 1, 'Placed', 1700000000000, 'e1', '{\"total\": 10}', '{\"user\": \"ana\"}'),"
                          "('orders', '2', 1, 'Placed', 1700000001000, 'e2', '{\"total\": 5}', NULL),"
                          "('orders', '1', 2, 'Paid', 1700000002500, 'e3', '{\"paid\": 10}', NULL),"
                          "('refunds', '1', 1, 'Asked', 1700000003000, 'e4', '{}', NULL)";

QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        if (!line.isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace

class TestCliMapping : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_sqlite;
    PostgresServer m_server;
    bool m_postgres = false;

    QString writeFile(const QString& name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(text);
        return path;
    }

    QString mappingFor(const QString& table, const QString& position, const QString& snapshots)
    {
        return writeFile(u"mapping-%1.json"_s.arg(QString(table).replace(u'.', u'_')),
            QString::fromLatin1(kMapping).arg(table, position, snapshots).toUtf8());
    }

    // What every store in this test holds, read through the mapping: the same values on either backend.
    void checkHomeGrownStore(const QString& store, const QString& mapping)
    {
        CliRun info = runCli({ u"info"_s, store, u"--mapping"_s, mapping, u"--json"_s });
        QVERIFY2(info.finished && info.exitCode == 0, info.err.constData());
        const QJsonObject figures = jsonLines(info.out).value(0);
        QCOMPARE(figures.value(u"dialect"_s).toString(), u"mapping"_s);
        QCOMPARE(figures.value(u"events"_s).toInteger(), 4);
        QCOMPARE(figures.value(u"streams"_s).toInteger(), 3);
        QCOMPARE(figures.value(u"categories"_s).toInteger(), 2);
        QCOMPARE(figures.value(u"snapshots"_s).toInteger(), 1);
        QCOMPARE(figures.value(u"first_time"_s).toString(), u"2023-11-14T22:13:20.000Z"_s);
        QCOMPARE(figures.value(u"last_time"_s).toString(), u"2023-11-14T22:13:23.000Z"_s);

        CliRun streams = runCli({ u"streams"_s, store, u"--mapping"_s, mapping, u"--json"_s });
        QVERIFY2(streams.finished && streams.exitCode == 0, streams.err.constData());
        const QList<QJsonObject> streamLines = jsonLines(streams.out);
        QCOMPARE(streamLines.size(), 3);
        QCOMPARE(streamLines[0].value(u"stream"_s).toString(), u"orders/1"_s);
        QCOMPARE(streamLines[0].value(u"category"_s).toString(), u"orders"_s);
        QCOMPARE(streamLines[0].value(u"events"_s).toInteger(), 2);
        QCOMPARE(streamLines[0].value(u"last_version"_s).toInteger(), 2);
        QCOMPARE(streamLines[2].value(u"stream"_s).toString(), u"refunds/1"_s);

        CliRun events
            = runCli({ u"events"_s, store, u"--mapping"_s, mapping, u"--stream"_s, u"orders/1"_s, u"--json"_s });
        QVERIFY2(events.finished && events.exitCode == 0, events.err.constData());
        const QList<QJsonObject> eventLines = jsonLines(events.out);
        QCOMPARE(eventLines.size(), 2);
        QCOMPARE(eventLines[0].value(u"type"_s).toString(), u"Placed"_s);
        QCOMPARE(eventLines[0].value(u"id"_s).toString(), u"e1"_s);
        QCOMPARE(eventLines[0].value(u"time"_s).toString(), u"2023-11-14T22:13:20.000Z"_s);
        QCOMPARE(eventLines[0].value(u"data"_s).toObject().value(u"total"_s).toInt(), 10);
        QCOMPARE(eventLines[0].value(u"metadata"_s).toObject().value(u"user"_s).toString(), u"ana"_s);
        QCOMPARE(eventLines[1].value(u"type"_s).toString(), u"Paid"_s);
        QCOMPARE(eventLines[1].value(u"version"_s).toInteger(), 2);

        // The store options reach the projection commands too.
        const QString reducer = writeFile(u"reducer.js"_s,
            "({ init() { return { paid: 0 }; }, apply(s, e) { if (e.eventType === 'Paid') s.paid += e.data.paid;"
            " return s; } })");
        CliRun replay = runCli({ u"replay"_s, store, u"--projection"_s, reducer, u"--stream"_s, u"orders/1"_s,
            u"--mapping"_s, mapping, u"--json"_s });
        QVERIFY2(replay.finished && replay.exitCode == 0, QByteArray(replay.err + replay.out).constData());
        QVERIFY2(replay.out.contains("\"paid\":10"), replay.out.constData());
    }

    // A bad mapping: exit 2, the field named on stderr, nothing on stdout.
    void checkRefused(const QString& store, const QString& mapping, const QByteArray& field)
    {
        const CliRun run = runCli({ u"info"_s, store, u"--mapping"_s, mapping });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(field), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sqlite = m_dir.filePath(u"home.db"_s);
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(m_sqlite.toUtf8().constData(), &db), SQLITE_OK);
        const QByteArray sql = "CREATE TABLE event_store_entity (domain TEXT, identifier TEXT, sequence INT,"
                               " type TEXT, created INT, id TEXT, payload TEXT, meta TEXT);"
                               "INSERT INTO event_store_entity VALUES "
            + QByteArray(kRows)
            + ";CREATE TABLE event_store_entity_snapshots (domain TEXT, identifier TEXT, sequence INT, created INT,"
              " state TEXT);"
              "INSERT INTO event_store_entity_snapshots VALUES ('orders', '1', 2, 1700000002600, '{\"paid\": 10}');";
        QCOMPARE(sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);

        if (PostgresServer::disabledByEnvironment())
            return;
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"home"_s), QString());
        QCOMPARE(m_server.exec(u"CREATE SCHEMA app;"
                               "CREATE TABLE app.event_store_entity (seq bigserial PRIMARY KEY, domain text,"
                               " identifier text, sequence int, type text, created bigint, id text, payload jsonb,"
                               " meta jsonb);"
                               "INSERT INTO app.event_store_entity (domain, identifier, sequence, type, created, id,"
                               " payload, meta) VALUES "_s
                         + QString::fromLatin1(kRows)
                         + u";CREATE TABLE app.event_store_entity_snapshots (domain text, identifier text,"
                           " sequence int, created bigint, state jsonb);"
                           "INSERT INTO app.event_store_entity_snapshots VALUES"
                           " ('orders', '1', 2, 1700000002600, '{\"paid\": 10}');"_s,
                     u"home"_s),
            QString());
        m_postgres = true;
    }

    void sqliteThroughMapping()
    {
        checkHomeGrownStore(
            m_sqlite, mappingFor(u"event_store_entity"_s, u"rowid"_s, u"event_store_entity_snapshots"_s));
    }

    void postgresThroughMapping()
    {
        if (!m_postgres)
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QTRY_COMPARE(m_server.otherSessions(u"home"_s), 0);
        const auto before = m_server.counters(u"home"_s);
        checkHomeGrownStore(m_server.uri(u"home"_s),
            mappingFor(u"app.event_store_entity"_s, u"seq"_s, u"app.event_store_entity_snapshots"_s));
        QTRY_COMPARE(m_server.otherSessions(u"home"_s), 0);
        QVERIFY2(m_server.counters(u"home"_s).writesEqual(before), qPrintable(m_server.counters(u"home"_s).toString()));
    }

    void badMappingsAreRefused_data()
    {
        QTest::addColumn<QString>("mapping");
        QTest::addColumn<QByteArray>("field");
        const QByteArray good = QString::fromLatin1(kMapping)
                                    .arg(u"event_store_entity"_s, u"rowid"_s, u"event_store_entity_snapshots"_s)
                                    .toUtf8();
        const auto variant = [&good](const char* from, const char* to) {
            return QString::fromUtf8(QByteArray(good).replace(from, to));
        };
        QTest::newRow("not json") << u"{\"events\": "_s << QByteArray("mapping: not valid JSON");
        QTest::newRow("no events") << u"{\"snapshots\": {}}"_s << QByteArray("mapping.events: missing");
        QTest::newRow("unknown table") << variant("\"table\": \"event_store_entity\"", "\"table\": \"nope\"")
                                       << QByteArray("events.table: no table nope");
        QTest::newRow("unknown column") << variant("\"version\": \"sequence\"", "\"version\": \"seq_no\"")
                                        << QByteArray("events.version:");
        QTest::newRow("failing expression")
            << variant("\"type\": \"type\"", "\"type\": \"upper(type, 3)\"") << QByteArray("events.type:");
        QTest::newRow("type does not fit") << variant("\"version\": \"sequence\"", "\"version\": \"type\"")
                                           << QByteArray("events.version: 'type' gives text values");
        QTest::newRow("unknown unit") << variant("epoch-ms", "epoch-ns") << QByteArray("events.time.unit:");
        QTest::newRow("unknown encoding")
            << variant("\"encoding\": \"json\"", "\"encoding\": \"xml\"") << QByteArray("events.data.encoding:");
        QTest::newRow("unknown field") << variant("\"id\": \"id\"", "\"identity\": \"id\"")
                                       << QByteArray("events.identity: unknown field");
        QTest::newRow("second statement") << variant("\"type\": \"type\"", "\"type\": \"type; DROP TABLE x\"")
                                          << QByteArray("events.type: an expression cannot contain ';'");
        QTest::newRow("bad snapshots table") << variant("\"table\": \"event_store_entity_snapshots\"",
            "\"table\": \"snaps\"") << QByteArray("snapshots.table: no table snaps");
    }

    void badMappingsAreRefused()
    {
        QFETCH(QString, mapping);
        QFETCH(QByteArray, field);
        const QString path = writeFile(u"bad.json"_s, mapping.toUtf8());
        checkRefused(m_sqlite, path, field);
    }

    void badMappingOnPostgres()
    {
        if (!m_postgres)
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        // An expression the server rejects names its field; the session it ran on is left usable.
        const QString bad = writeFile(u"bad-pg.json"_s,
            QString::fromLatin1(kMapping)
                .arg(u"app.event_store_entity"_s, u"seq"_s, u"app.event_store_entity_snapshots"_s)
                .replace(u"\"version\": \"sequence\""_s, u"\"version\": \"seq_no\""_s)
                .toUtf8());
        checkRefused(m_server.uri(u"home"_s), bad, "events.version:");
        const QString wrongType = writeFile(u"bad-pg2.json"_s,
            QString::fromLatin1(kMapping)
                .arg(u"app.event_store_entity"_s, u"seq"_s, u"app.event_store_entity_snapshots"_s)
                .replace(u"\"data\": \"state\""_s, u"\"data\": \"state\", \"version\": \"domain\""_s)
                .replace(u"\"version\": \"sequence\",\n    \"time\""_s, u"\"time\""_s)
                .toUtf8());
        checkRefused(m_server.uri(u"home"_s), wrongType, "snapshots.version: 'domain' gives text values");
    }

    void dialectOptions()
    {
        const CliRun dialects = runCli({ u"dialects"_s, u"--json"_s });
        QCOMPARE(dialects.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(dialects.out);
        QVERIFY(lines.size() >= 2);
        QCOMPARE(lines.first().value(u"dialect"_s).toString(), u"eventscope"_s);
        QCOMPARE(lines.last().value(u"dialect"_s).toString(), u"mapping"_s);

        const CliRun unknown = runCli({ u"info"_s, m_sqlite, u"--dialect"_s, u"nosuch"_s });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("unknown dialect 'nosuch'"));
        // A dialect that does not fit the tables is the unknown-schema error, which lists the tables.
        const CliRun forced = runCli({ u"info"_s, m_sqlite, u"--dialect"_s, u"eventscope"_s });
        QCOMPARE(forced.exitCode, 3);
        QVERIFY2(forced.err.contains("event_store_entity"), forced.err.constData());
        QVERIFY(forced.err.contains("mapping"));
        const CliRun both = runCli({ u"info"_s, m_sqlite, u"--dialect"_s, u"eventscope"_s, u"--mapping"_s,
            mappingFor(u"event_store_entity"_s, u"rowid"_s, u"event_store_entity_snapshots"_s) });
        QCOMPARE(both.exitCode, 2);
        const CliRun noStore = runCli({ u"info"_s, m_sqlite, u"--store-name"_s, u"other"_s, u"--mapping"_s,
            mappingFor(u"event_store_entity"_s, u"rowid"_s, u"event_store_entity_snapshots"_s) });
        QCOMPARE(noStore.exitCode, 0); // a mapping names its one store itself
    }
};

QTEST_GUILESS_MAIN(TestCliMapping)
#include "tst_climapping.moc"
