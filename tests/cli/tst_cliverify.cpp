// `eventscope-cli snapshots` and `verify` (issue 16) on real demo stores: the drifts the generator planted are
// found and nothing else (exit 1); a copy without them exits 0; every kind of bad snapshot is an error row while
// the others are still checked; ignored keys, the report files, and the contract of the JSON lines.
#include "clirunner.h"

#include <testsupport.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

namespace {

// Runs SQL on a test's own copy of a store (never on a store under test's read-only checks).
void execute(const QString& path, const QByteArray& sql)
{
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &error);
    const QByteArray message = error ? QByteArray(error) : QByteArray();
    sqlite3_free(error);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, message.constData());
}

QByteArray queryText(const QString& path, const QByteArray& sql)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, sql.constData(), -1, &statement, nullptr);
    QByteArray text;
    if (sqlite3_step(statement) == SQLITE_ROW)
        text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return text;
}

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

class TestCliVerify : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;
    QSet<QString> m_planted; // "stream@version" of the drifted snapshots

    QString copyOfStore(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(m_store, path))
            qFatal("cannot copy the store");
        QFile(path).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 20000);
        const QJsonArray planted = QJsonDocument::fromJson(
            queryText(m_store, "SELECT value FROM eventscope_meta WHERE key = 'demo_drifted_snapshots'"))
                                       .array();
        for (const QJsonValue& entry : planted)
            m_planted.insert(u"%1@%2"_s.arg(entry[u"stream"_s].toString()).arg(entry[u"version"_s].toInteger()));
        QVERIFY2(!m_planted.isEmpty(), "the demo store plants drifted snapshots");
    }

    void snapshotsListsEachOneInOrder()
    {
        const CliRun run = runCli({ u"snapshots"_s, m_store, u"--stream"_s, u"account-1"_s, u"--json"_s });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QVERIFY(lines.size() >= 2);
        qint64 previous = 0;
        for (const QJsonObject& line : lines) {
            QCOMPARE(line.keys(), (QStringList { u"bytes"_s, u"stream"_s, u"time"_s, u"version"_s }));
            QCOMPARE(line[u"stream"_s].toString(), u"account-1"_s);
            QVERIFY(line[u"version"_s].toInteger() > previous);
            previous = line[u"version"_s].toInteger();
            QVERIFY(line[u"bytes"_s].toInteger() > 10);
        }
        const QByteArray count = queryText(
            m_store, "SELECT count(*) FROM snapshots JOIN streams USING (stream_id) WHERE streams.name = 'account-1'");
        QCOMPARE(lines.size(), count.toInt());
    }

    void plantedDriftsAreFoundAndNothingElse()
    {
        const QString report = m_dir.filePath(u"report.html"_s);
        const CliRun run = runCli({ u"verify"_s, m_store, u"--json"_s, u"--report"_s, report }, 120000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 1);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QVERIFY(lines.size() > 100);
        QSet<QString> drifted;
        QString previousKey;
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const QJsonObject& line = lines.at(i);
            QCOMPARE(line.keys(), (QStringList { u"paths"_s, u"status"_s, u"stream"_s, u"version"_s }));
            const QString status = line[u"status"_s].toString();
            QVERIFY2(status == u"match"_s || status == u"drift"_s, qPrintable(status));
            if (status == u"drift"_s) {
                drifted.insert(u"%1@%2"_s.arg(line[u"stream"_s].toString()).arg(line[u"version"_s].toInteger()));
                const QJsonArray paths = line[u"paths"_s].toArray();
                QVERIFY(!paths.isEmpty());
                QVERIFY(paths.first().toObject().contains(u"snapshot"_s));
                QVERIFY(paths.first().toObject().contains(u"replay"_s));
            } else {
                QVERIFY(line[u"paths"_s].toArray().isEmpty());
            }
        }
        QCOMPARE(drifted, m_planted);
        const QJsonObject summary = lines.constLast()[u"summary"_s].toObject();
        QVERIFY(!lines.constLast().contains(u"status"_s));
        QCOMPARE(summary[u"drift"_s].toInteger(), m_planted.size());
        QCOMPARE(summary[u"snapshots"_s].toInteger(), lines.size() - 1);
        QCOMPARE(summary[u"match"_s].toInteger(), lines.size() - 1 - m_planted.size());
        QCOMPARE(summary[u"error"_s].toInteger(), 0);
        // A stream is folded up to its last snapshot, not beyond: the events at or before each stream's last one.
        const QByteArray upToLastSnapshots = queryText(m_store,
            "SELECT count(*) FROM events e JOIN (SELECT stream_id, max(version) AS last FROM snapshots"
            " GROUP BY stream_id) s ON s.stream_id = e.stream_id WHERE e.version <= s.last");
        QVERIFY(upToLastSnapshots.toLongLong() > 10000);
        QCOMPARE(summary[u"events_replayed"_s].toInteger(), upToLastSnapshots.toLongLong());
        QVERIFY(summary.contains(u"seconds"_s));
        // The HTML report names each drift.
        QFile html(report);
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QString page = QString::fromUtf8(html.readAll());
        QVERIFY(page.startsWith(u"<!DOCTYPE html>"_s));
        for (const QString& key : std::as_const(m_planted))
            QVERIFY2(page.contains(u"<code>%1</code>"_s.arg(key.section(u'@', 0, 0).toHtmlEscaped())), qPrintable(key));
    }

    void aCopyWithoutThePlantedDriftsExitsZero()
    {
        const QString copy = copyOfStore(u"clean.sqlite"_s);
        QByteArray sql;
        for (const QString& key : std::as_const(m_planted))
            sql += "DELETE FROM snapshots WHERE version = " + key.section(u'@', 1).toUtf8()
                + " AND stream_id = (SELECT stream_id FROM streams WHERE name = '"
                + key.section(u'@', 0, 0).replace(u"'"_s, u"''"_s).toUtf8() + "');";
        execute(copy, sql);
        const QString report = m_dir.filePath(u"clean.json"_s);
        const CliRun run = runCli({ u"verify"_s, copy, u"--json"_s, u"--report"_s, report }, 120000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        const QJsonObject summary = jsonLines(run.out).constLast()[u"summary"_s].toObject();
        QCOMPARE(summary[u"drift"_s].toInteger(), 0);
        QCOMPARE(summary[u"match"_s].toInteger(), summary[u"snapshots"_s].toInteger());
        QFile json(report);
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject document = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(document[u"summary"_s].toObject()[u"match"_s].toInteger(), summary[u"match"_s].toInteger());
        QVERIFY(document[u"snapshots"_s].toArray().isEmpty());
    }

    // Each bad snapshot is an error row with a message; every other snapshot is still checked.
    void badSnapshotsAreErrorRows()
    {
        const QString copy = copyOfStore(u"bad.sqlite"_s);
        execute(copy,
            "INSERT INTO snapshots SELECT stream_id, 99999, 0, '{}' FROM streams WHERE name = 'account-1';"
            "INSERT INTO snapshots SELECT stream_id, 0, 0, '{}' FROM streams WHERE name = 'account-2';"
            "UPDATE snapshots SET state = '{\"balanceCents\": 12,' WHERE version = 10 AND stream_id = "
            "(SELECT stream_id FROM streams WHERE name = 'account-3');"
            "UPDATE snapshots SET state = X'1F8B0800DEADBEEF' WHERE version = 20 AND stream_id = "
            "(SELECT stream_id FROM streams WHERE name = 'account-3');");
        const CliRun run = runCli({ u"verify"_s, copy, u"--json"_s, u"--category"_s, u"account"_s }, 120000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 1);
        const QList<QJsonObject> lines = jsonLines(run.out);
        QHash<QString, QString> errors;
        qint64 matches = 0;
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const QJsonObject& line = lines.at(i);
            if (line[u"status"_s] == u"error"_s)
                errors.insert(u"%1@%2"_s.arg(line[u"stream"_s].toString()).arg(line[u"version"_s].toInteger()),
                    line[u"message"_s].toString());
            else if (line[u"status"_s] == u"match"_s)
                ++matches;
            QVERIFY(line[u"stream"_s].toString().startsWith(u"account-"_s));
        }
        QCOMPARE(errors.size(), 4);
        QVERIFY2(errors.value(u"account-1@99999"_s).contains(u"ahead of its stream"_s),
            qPrintable(errors.value(u"account-1@99999"_s)));
        QVERIFY2(errors.value(u"account-2@0"_s).contains(u"before the stream's first event"_s),
            qPrintable(errors.value(u"account-2@0"_s)));
        QVERIFY2(errors.value(u"account-3@10"_s).contains(u"snapshot"_s), qPrintable(errors.value(u"account-3@10"_s)));
        QVERIFY(errors.contains(u"account-3@20"_s));
        QVERIFY(matches > 50);
        const QJsonObject summary = lines.constLast()[u"summary"_s].toObject();
        QCOMPARE(summary[u"error"_s].toInteger(), 4);
    }

    void aProjectionThatThrowsOnOneStreamIsExitFour()
    {
        const QString projection = m_dir.filePath(u"throws.js"_s);
        QFile file(projection);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"(fromCategory('account').foreachStream().when({
  $init: function () { return { balanceCents: 0, overdraftLimitCents: 0, transactions: 0, status: 'open' }; },
  $any: function (s, e) { if (e.streamId === 'account-2') throw new Error('not this one'); }
}))");
        file.close();
        const CliRun run = runCli({ u"verify"_s, m_store, u"--json"_s, u"--category"_s, u"account"_s, u"--projection"_s,
                                      u"account="_s + projection },
            120000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 4);
        const QList<QJsonObject> lines = jsonLines(run.out);
        qint64 errors = 0, others = 0;
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            if (lines.at(i)[u"stream"_s] == u"account-2"_s) {
                QCOMPARE(lines.at(i)[u"status"_s].toString(), u"error"_s);
                QVERIFY(lines.at(i)[u"message"_s].toString().contains(u"not this one"_s));
                ++errors;
            } else {
                ++others; // the other streams are still checked (they drift: this fold keeps no balance)
            }
        }
        QVERIFY(errors > 0);
        QVERIFY(others > 50);
    }

    void aCategoryWithNoProjectionIsNotChecked()
    {
        const QString projection = m_dir.filePath(u"account.js"_s);
        QFile::copy(QStringLiteral(EVENTSCOPE_PROJECTIONS_DIR) + u"/account.snapshot.js"_s, projection);
        const CliRun run
            = runCli({ u"verify"_s, m_store, u"--json"_s, u"--projection"_s, u"account="_s + projection }, 120000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 1);
        const QList<QJsonObject> lines = jsonLines(run.out);
        qint64 notChecked = 0;
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const QJsonObject& line = lines.at(i);
            if (line[u"stream"_s].toString().startsWith(u"cart-"_s)) {
                QCOMPARE(line[u"status"_s].toString(), u"error"_s);
                QVERIFY(line[u"message"_s].toString().startsWith(u"not checked"_s));
                ++notChecked;
            }
        }
        QVERIFY(notChecked > 0);
        QVERIFY(jsonLines(run.out).constLast()[u"summary"_s][u"not_checked"_s].toInteger() >= notChecked);
    }

    void ignoredKeysAreLeftOut()
    {
        // Every planted account drift is in balanceCents: ignoring it leaves the accounts matching.
        const CliRun run = runCli(
            { u"verify"_s, m_store, u"--json"_s, u"--category"_s, u"account"_s, u"--ignore"_s, u"balanceCents"_s },
            120000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        const CliRun byPath = runCli(
            { u"verify"_s, m_store, u"--json"_s, u"--category"_s, u"account"_s, u"--ignore"_s, u"$.balanceCents"_s },
            120000);
        QCOMPARE(byPath.exitCode, 0);
        const CliRun bad = runCli({ u"verify"_s, m_store, u"--ignore"_s, u"$.[oops"_s });
        QCOMPARE(bad.exitCode, 2);
        const CliRun badProjection = runCli({ u"verify"_s, m_store, u"--projection"_s, u"account"_s });
        QCOMPARE(badProjection.exitCode, 2);
        QVERIFY(badProjection.err.contains("CATEGORY=FILE"));
    }
};

QTEST_GUILESS_MAIN(TestCliVerify)
#include "tst_cliverify.moc"
