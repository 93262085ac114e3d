#include "clirunner.h"

#include <testsupport.h>

#include <core/model/shard.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

namespace {

constexpr int kShards = 3;

QString projection(const QString& name)
{
    return QStringLiteral(EVENTSCOPE_PROJECTIONS_DIR) + u'/' + name;
}

// The lines of a JSON output without the summary or status line (returned apart), sorted: shards print their
// partitions or streams in their own order, so a merge is a union.
struct Lines
{
    QList<QByteArray> sorted;
    QByteArray last;
};

Lines split(const QByteArray& out)
{
    Lines lines;
    lines.sorted = out.trimmed().split('\n');
    lines.last = lines.sorted.takeLast();
    std::sort(lines.sorted.begin(), lines.sorted.end());
    return lines;
}

} // namespace

// Protects `--shard I/N` of project, verify and find: N runners of a CI fleet that each run one shard print,
// together, what one run prints; the stable hash deals every stream or partition to exactly one of them.
class TestCliShard : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

    // Runs the command once whole and once per shard; returns the merged shard lines beside the whole run's.
    void runShards(const QStringList& arguments, Lines& whole, Lines& merged, QList<QByteArray>& lastLines)
    {
        const CliRun one = runCli(arguments);
        QVERIFY2(one.finished && (one.exitCode == 0 || one.exitCode == 1), one.err.constData());
        whole = split(one.out);
        QVERIFY(whole.sorted.size() > 5);
        int worst = 0; // the fleet's exit code: 1 (a difference, a drift) when any runner found one
        for (int shard = 1; shard <= kShards; ++shard) {
            const CliRun part = runCli(arguments + QStringList { u"--shard"_s, u"%1/%2"_s.arg(shard).arg(kShards) });
            QVERIFY2(part.finished && (part.exitCode == 0 || part.exitCode == 1), part.err.constData());
            worst = std::max(worst, part.exitCode);
            const Lines lines = split(part.out);
            // Each shard has work to do: the hash spreads the streams.
            QVERIFY2(!lines.sorted.isEmpty(), qPrintable(u"shard %1 printed nothing"_s.arg(shard)));
            merged.sorted += lines.sorted;
            lastLines.append(lines.last);
        }
        QCOMPARE(worst, one.exitCode);
        std::sort(merged.sorted.begin(), merged.sorted.end());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 6000);
    }

    void theHashIsStableAndCoversEveryName()
    {
        // FNV-1a 64 of the UTF-8 bytes: a fixed value here means every machine deals the same way.
        QCOMPARE(Shard::hashOf(u"account-1"_s), Q_UINT64_C(0xde637fc248681e56));
        QCOMPARE(Shard::hashOf(u""_s), Q_UINT64_C(14695981039346656037));
        QCOMPARE(Shard::hashOf(u"a"_s), Q_UINT64_C(0xaf63dc4c8601ec8c));
        for (const QString& name : { u"account-1"_s, u"cart-Ünïcødé-7"_s, u""_s }) {
            int owners = 0;
            for (int index = 1; index <= 5; ++index)
                owners += Shard { index, 5 }.contains(name) ? 1 : 0;
            QCOMPARE(owners, 1);
        }
        QCOMPARE(Shard::parse(u"2/3"_s)->index, 2);
        QVERIFY(!Shard::parse(u"0/3"_s));
        QVERIFY(!Shard::parse(u"4/3"_s));
        QVERIFY(!Shard::parse(u"1/0"_s));
        QVERIFY(!Shard::parse(u"x"_s));
    }

    void projectShardsMergeIntoOneRun_data()
    {
        QTest::addColumn<QString>("script");
        QTest::newRow("foreachStream") << projection(u"account.projection.js"_s);
        QTest::newRow("partitionBy with logs and emits") << m_dir.filePath(u"by-reference.js"_s);
    }

    void projectShardsMergeIntoOneRun()
    {
        QFETCH(QString, script);
        if (script.endsWith(u"by-reference.js"_s)) {
            QFile file(script);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(R"(fromAll().partitionBy(function (e) {
                  if (e.body && e.body.amountCents % 5 === 0) log('key of ' + e.streamId + '@' + e.sequenceNumber);
                  return e.body && e.body.reference ? e.body.reference.split('-')[0] + '-' + e.streamId.length : null;
                }).when({
                  $init: function () { return { n: 0, total: 0 }; },
                  FundsDeposited: function (s, e) { s.n += 1; s.total += e.body.amountCents;
                    if (s.n % 4 === 0) emit('big-' + e.partition, 'Fourth', { total: s.total }); },
                  FundsWithdrawn: function (s, e) { s.n += 1; s.total -= e.body.amountCents; }
                });)");
        }
        for (const QString& threads : { u"1"_s, u"2"_s }) {
            Lines whole, merged;
            QList<QByteArray> status;
            runShards({ u"project"_s, m_store, script, u"--json"_s, u"--threads"_s, threads }, whole, merged, status);
            QCOMPARE(merged.sorted, whole.sorted);
            // Every shard reads the whole source: each reports the events a run of all partitions reads.
            for (const QByteArray& line : status)
                QCOMPARE(line, whole.last);
        }
    }

    void aProjectionWithOneStateIsFoldedByTheFirstShard()
    {
        const QString script = m_dir.filePath(u"root.js"_s);
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("fromCategory('account').when({ $init: function () { return { n: 0 }; },"
                   " $any: function (s, e) { s.n += 1; } });");
        file.close();
        const CliRun whole = runCli({ u"project"_s, m_store, script, u"--json"_s });
        const CliRun first = runCli({ u"project"_s, m_store, script, u"--json"_s, u"--shard"_s, u"1/2"_s });
        const CliRun second = runCli({ u"project"_s, m_store, script, u"--json"_s, u"--shard"_s, u"2/2"_s });
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.out, whole.out);
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(second.out,
            QByteArray(R"({"status":"completed","events":0})"
                       "\n"));
        QVERIFY(second.err.contains("shard 1/2 folds it whole"));
    }

    void verifyShardsMergeIntoOneRun()
    {
        Lines whole, merged;
        QList<QByteArray> summaries;
        runShards({ u"verify"_s, m_store, u"--json"_s }, whole, merged, summaries);
        QCOMPARE(merged.sorted, whole.sorted);
        const QJsonObject all = QJsonDocument::fromJson(whole.last).object()[u"summary"_s].toObject();
        for (const QString& key : { u"snapshots"_s, u"match"_s, u"drift"_s, u"error"_s, u"streams"_s }) {
            qint64 sum = 0;
            for (const QByteArray& line : summaries)
                sum += QJsonDocument::fromJson(line).object()[u"summary"_s].toObject()[key].toInteger();
            QCOMPARE(sum, all[key].toInteger());
        }
    }

    void findShardsMergeIntoOneRun()
    {
        const CliRun one = runCli({ u"find"_s, m_store, u"--category"_s, u"account"_s, u"--projection"_s,
            projection(u"account.projection.js"_s), u"--where"_s, u"s => s.transactions >= 3"_s, u"--json"_s });
        QCOMPARE(one.exitCode, 0);
        Lines whole = split(one.out);
        QVERIFY(whole.sorted.size() > 5);
        Lines merged;
        qint64 streams = 0, found = 0;
        for (int shard = 1; shard <= kShards; ++shard) {
            const CliRun part = runCli({ u"find"_s, m_store, u"--category"_s, u"account"_s, u"--projection"_s,
                projection(u"account.projection.js"_s), u"--where"_s, u"s => s.transactions >= 3"_s, u"--json"_s,
                u"--shard"_s, u"%1/%2"_s.arg(shard).arg(kShards) });
            QCOMPARE(part.exitCode, 0);
            const Lines lines = split(part.out);
            merged.sorted += lines.sorted;
            const QJsonObject summary = QJsonDocument::fromJson(lines.last).object();
            streams += summary[u"streams"_s].toInteger();
            found += summary[u"found"_s].toInteger();
        }
        std::sort(merged.sorted.begin(), merged.sorted.end());
        QCOMPARE(merged.sorted, whole.sorted);
        const QJsonObject all = QJsonDocument::fromJson(whole.last).object();
        QCOMPARE(streams, all[u"streams"_s].toInteger());
        QCOMPARE(found, all[u"found"_s].toInteger());
    }

    void aBadShardIsAUsageError_data()
    {
        QTest::addColumn<QString>("value");
        for (const QString& value : { u"0/2"_s, u"3/2"_s, u"1/0"_s, u"half"_s, u"1-2"_s })
            QTest::newRow(qPrintable(value)) << value;
    }

    void aBadShardIsAUsageError()
    {
        QFETCH(QString, value);
        for (const QStringList& command :
            { QStringList { u"project"_s, m_store, projection(u"account.projection.js"_s) },
                QStringList { u"verify"_s, m_store },
                QStringList { u"find"_s, m_store, u"--category"_s, u"account"_s, u"--projection"_s,
                    projection(u"account.projection.js"_s), u"--where"_s, u"s => true"_s } }) {
            const CliRun run = runCli(command + QStringList { u"--shard"_s, value });
            QCOMPARE(run.exitCode, 2);
            QVERIFY2(run.err.contains("--shard wants I/N"), run.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestCliShard)
#include "tst_clishard.moc"
