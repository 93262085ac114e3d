#include "sqlitefile.h"

#include <core/demo/demogenerator.h>
#include <core/dialects/nativeschema.h>
#include <testsupport.h>

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::SqliteFile;

// The demo generator: the same bytes for the same seed and size, exact counts, a consistent streams table,
// the awkward events the explorer must show (100 KB, binary, unicode names, nulls), snapshots with known
// drift, and no file left behind when it is cancelled or refuses to overwrite.
class TestDemoGenerator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store; // 50,000 events, seed 4
    DemoSummary m_summary;

    QString pathFor(const QString& name) const { return QDir(m_dir.path()).filePath(name); }

    static qint64 number(SqliteFile& db, const char* sql) { return db.value(sql).toLongLong(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = pathFor(u"demo-50000.sqlite"_s);
        const auto created = createDemoStore(m_store, DemoOptions { 50000, 4 });
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        m_summary = *created;
    }

    void sameSeedSameBytes()
    {
        const auto a = createDemoStore(pathFor(u"a.sqlite"_s), DemoOptions { 5000, 9 });
        const auto b = createDemoStore(pathFor(u"b.sqlite"_s), DemoOptions { 5000, 9 });
        const auto c = createDemoStore(pathFor(u"c.sqlite"_s), DemoOptions { 5000, 10 });
        QVERIFY(a && b && c);
        const QByteArray hashA = TestSupport::sha256OfFile(pathFor(u"a.sqlite"_s));
        QCOMPARE(hashA.size(), 64);
        QCOMPARE(TestSupport::sha256OfFile(pathFor(u"b.sqlite"_s)), hashA);
        QVERIFY(TestSupport::sha256OfFile(pathFor(u"c.sqlite"_s)) != hashA);
        QCOMPARE(a->streams, b->streams);
        QCOMPARE(a->snapshots, b->snapshots);
    }

    void countsAreExact()
    {
        SqliteFile db(m_store, SQLITE_OPEN_READONLY);
        QVERIFY(db.isOpen());
        QCOMPARE(m_summary.events, 50000);
        QCOMPARE(number(db, "SELECT count(*) FROM events"), 50000);
        QCOMPARE(number(db, "SELECT min(position) FROM events"), 1);
        QCOMPARE(number(db, "SELECT max(position) FROM events"), 50000);
        QCOMPARE(number(db, "SELECT count(*) FROM streams"), m_summary.streams);
        QCOMPARE(number(db, "SELECT sum(event_count) FROM streams"), 50000);
        QCOMPARE(number(db, "SELECT count(*) FROM snapshots"), m_summary.snapshots);
        // Every stream has events; the streams table says exactly what the events table holds.
        QCOMPARE(number(db,
                     "SELECT count(*) FROM streams s WHERE event_count != (SELECT count(*) FROM events e WHERE "
                     "e.stream_id = s.stream_id)"
                     " OR last_version != (SELECT max(version) FROM events e WHERE e.stream_id = s.stream_id)"
                     " OR last_time != (SELECT max(time) FROM events e WHERE e.stream_id = s.stream_id)"),
            0);
        QCOMPARE(number(db, "SELECT count(*) FROM events WHERE stream_id NOT IN (SELECT stream_id FROM streams)"), 0);
        QCOMPARE(
            db.value("SELECT value FROM eventscope_meta WHERE key = 'schema'"), QByteArray(NativeSchema::kSchemaName));
        QCOMPARE(db.value("SELECT value FROM eventscope_meta WHERE key = 'demo_seed'"), QByteArray("4"));
        QCOMPARE(db.value("SELECT value FROM eventscope_meta WHERE key = 'demo_events'"), QByteArray("50000"));
        QCOMPARE(db.value("PRAGMA integrity_check"), QByteArray("ok"));
        // Every kind of stream is there.
        QVERIFY(number(db, "SELECT count(*) FROM streams WHERE name LIKE 'account-%'") > 0);
        QVERIFY(number(db, "SELECT count(*) FROM streams WHERE name LIKE 'cart-%'") > 0);
        QVERIFY(number(db, "SELECT count(*) FROM streams WHERE name LIKE 'customer-%'") > 0);
    }

    void tinyStoresAreExactToo()
    {
        for (const qint64 events : { 1, 2, 3, 10, 101 }) {
            const QString path = pathFor(u"tiny-%1.sqlite"_s.arg(events));
            const auto created = createDemoStore(path, DemoOptions { events, 1 });
            QVERIFY2(created, created ? "" : qPrintable(created.error().message));
            SqliteFile db(path, SQLITE_OPEN_READONLY);
            QCOMPARE(created->events, events);
            QCOMPARE(number(db, "SELECT count(*) FROM events"), events);
            QCOMPARE(number(db, "SELECT sum(event_count) FROM streams"), events);
            QCOMPARE(number(db, "SELECT count(*) FROM streams"), created->streams);
        }
    }

    void versionsAndPositionsHaveNoGaps()
    {
        SqliteFile db(m_store, SQLITE_OPEN_READONLY);
        QCOMPARE(number(db,
                     "SELECT count(*) FROM (SELECT min(version) AS low, max(version) AS high, count(*) AS n FROM "
                     "events GROUP BY stream_id)"
                     " WHERE low != 1 OR high != n"),
            0);
        QCOMPARE(
            number(
                db, "SELECT count(*) FROM events a JOIN events b ON b.position = a.position + 1 WHERE b.time < a.time"),
            0);
        QCOMPARE(number(db, "SELECT count(DISTINCT event_id) FROM events"), 50000);
        QCOMPARE(number(db, "SELECT count(*) FROM events WHERE length(event_id) != 16"), 0);
    }

    void metadataCarriesCorrelation()
    {
        SqliteFile db(m_store, SQLITE_OPEN_READONLY);
        QCOMPARE(number(db,
                     "SELECT count(*) FROM events WHERE json_valid(CAST(metadata AS TEXT)) = 0"
                     " OR json_extract(CAST(metadata AS TEXT), '$.correlationId') IS NULL"
                     " OR json_extract(CAST(metadata AS TEXT), '$.causationId') IS NULL"),
            0);
        // A payment continues a cart's correlation in an account's stream.
        QVERIFY(number(db,
                    "SELECT count(*) FROM events WHERE type = 'FundsWithdrawn' AND CAST(data AS TEXT) LIKE "
                    "'%\"reference\":\"cart-%'")
            > 0);
    }

    void awkwardEventsExist()
    {
        SqliteFile db(m_store, SQLITE_OPEN_READONLY);
        const qint64 documentSize = number(db, "SELECT length(data) FROM events WHERE type = 'DocumentAttached'");
        QVERIFY2(documentSize >= 100000 && documentSize < 110000, qPrintable(QString::number(documentSize)));
        QCOMPARE(number(db, "SELECT json_valid(CAST(data AS TEXT)) FROM events WHERE type = 'DocumentAttached'"), 1);
        QCOMPARE(db.value("SELECT hex(substr(data, 1, 8)) FROM events WHERE type = 'SignatureCaptured'"),
            QByteArray("89504E470D0A1A0A"));
        QCOMPARE(number(db, "SELECT length(data) FROM events WHERE type = 'SignatureCaptured'"), 600);
        // Stream names that are not ASCII: more bytes than characters.
        QVERIFY(number(db, "SELECT count(*) FROM streams WHERE length(CAST(name AS BLOB)) > length(name)") > 0);
        QVERIFY(number(db, "SELECT count(*) FROM streams WHERE name LIKE 'cart-🛒%'") > 0);
        // JSON nulls and empty arrays.
        QVERIFY(number(db, "SELECT count(*) FROM events WHERE instr(CAST(data AS TEXT), ':null') > 0") > 0);
        QVERIFY(number(db, "SELECT count(*) FROM events WHERE instr(CAST(data AS TEXT), ':[]') > 0") > 0);
        // Everything but the signature is valid JSON.
        QCOMPARE(
            number(db,
                "SELECT count(*) FROM events WHERE type != 'SignatureCaptured' AND json_valid(CAST(data AS TEXT)) = 0"),
            0);
    }

    void snapshotsEveryTenVersionsWithKnownDrift()
    {
        SqliteFile db(m_store, SQLITE_OPEN_READONLY);
        QCOMPARE(number(db, "SELECT count(*) FROM snapshots WHERE version % 10 != 0"), 0);
        QCOMPARE(number(db, "SELECT sum(last_version / 10) FROM streams"), m_summary.snapshots);
        QVERIFY(m_summary.snapshots > 1000);
        // A snapshot is taken right after its event: same stream, version and time.
        QCOMPARE(number(db,
                     "SELECT count(*) FROM snapshots sn LEFT JOIN events e ON e.stream_id = sn.stream_id AND e.version "
                     "= sn.version"
                     " WHERE e.time IS NULL OR e.time != sn.time"),
            0);
        QCOMPARE(number(db, "SELECT count(*) FROM snapshots WHERE json_valid(state) = 0"), 0);

        const QByteArray drifted = db.value("SELECT value FROM eventscope_meta WHERE key = 'demo_drifted_snapshots'");
        QJsonParseError error;
        const QJsonArray list = QJsonDocument::fromJson(drifted, &error).array();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(list.size(), m_summary.driftedSnapshots);
        QVERIFY(m_summary.driftedSnapshots > 0);
        for (const QJsonValue& entry : list) {
            const QByteArray stream = entry.toObject().value(u"stream"_s).toString().toUtf8();
            const qint64 version = entry.toObject().value(u"version"_s).toInteger();
            QVERIFY(version > 0 && version % 10 == 0);
            sqlite3_stmt* statement = nullptr;
            sqlite3_prepare_v2(db.handle(),
                "SELECT count(*) FROM snapshots sn JOIN streams s USING (stream_id) WHERE s.name = ?1 AND sn.version = "
                "?2",
                -1, &statement, nullptr);
            sqlite3_bind_text(statement, 1, stream.constData(), int(stream.size()), SQLITE_STATIC);
            sqlite3_bind_int64(statement, 2, version);
            QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
            QVERIFY2(sqlite3_column_int(statement, 0) == 1, stream.constData());
            sqlite3_finalize(statement);
        }
    }

    void refusesToOverwrite()
    {
        const QString path = pathFor(u"precious.sqlite"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("my own data");
        file.close();
        const auto created = createDemoStore(path, DemoOptions { 100, 1 });
        QVERIFY(!created);
        QCOMPARE(created.error().kind, StoreError::Kind::InvalidArgument);
        QVERIFY2(created.error().message.contains(path), qPrintable(created.error().message));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("my own data"));
        QVERIFY(!QFile::exists(path + u".part"_s));
    }

    void rejectsNoEvents()
    {
        const auto created = createDemoStore(pathFor(u"none.sqlite"_s), DemoOptions { 0, 1 });
        QVERIFY(!created);
        QCOMPARE(created.error().kind, StoreError::Kind::InvalidArgument);
        QVERIFY(!QFile::exists(pathFor(u"none.sqlite"_s)));
    }

    void cancelLeavesNothing()
    {
        QDir(m_dir.path()).mkpath(u"cancel"_s);
        const QString path = QDir(m_dir.path()).filePath(u"cancel/cancelled.sqlite"_s);
        QList<std::pair<qint64, qint64>> calls;
        const auto created = createDemoStore(path, DemoOptions { 200000, 1 }, [&](qint64 written, qint64 total) {
            calls.append({ written, total });
            return written < 131072;
        });
        QVERIFY(!created);
        QCOMPARE(created.error().kind, StoreError::Kind::Cancelled);
        QCOMPARE(calls, (QList<std::pair<qint64, qint64>> { { 65536, 200000 }, { 131072, 200000 } }));
        QCOMPARE(TestSupport::filesBeside(QFileInfo(path).absolutePath()), QStringList());
    }

    void measuresOneMillionEvents()
    {
        // Measured, not asserted: eventscope-bench owns speed. Opt-in, since it writes 330 MB on every run.
        if (!qEnvironmentVariableIsSet("EVENTSCOPE_TEST_MILLION"))
            QSKIP("set EVENTSCOPE_TEST_MILLION=1 to generate and time a 1,000,000-event store");
        const QString path = pathFor(u"million.sqlite"_s);
        QElapsedTimer timer;
        timer.start();
        qint64 lastProgress = 0;
        const auto created = createDemoStore(path, DemoOptions { 1'000'000, 1 }, [&](qint64 written, qint64) {
            lastProgress = written;
            return true;
        });
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        QCOMPARE(created->events, 1'000'000);
        QCOMPARE(lastProgress, 983040); // the last multiple of 65536
        qInfo("1,000,000 demo events: %lld ms, %lld streams, %lld snapshots, %.1f MB", elapsed, created->streams,
            created->snapshots, QFileInfo(path).size() / 1e6);
        QFile::remove(path);
    }
};

QTEST_GUILESS_MAIN(TestDemoGenerator)
#include "tst_demogenerator.moc"
