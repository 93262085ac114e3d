#include "clirunner.h"

#include <testsupport.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

// Protects the output format of eventscope-cli, which scripts parse: each command's output on two
// known stores, compared byte for byte with tests/cli/golden/. EVENTSCOPE_UPDATE_GOLDEN=1 rewrites them.
class TestCliGolden : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void outputMatchesGolden_data();
    void outputMatchesGolden();
    void unlimitedReadCrossesPagesInOrder_data();
    void unlimitedReadCrossesPagesInOrder();
    void categoryReadMatchesStreamCounts();
    void closedPipeEndsQuietly();

private:
    QString storeFor(const QString& kind) const { return kind == u"demo"_s ? m_demoStore : m_handStore; }

    QTemporaryDir m_dir;
    QString m_demoStore;
    QString m_handStore;
};

void TestCliGolden::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(!qEnvironmentVariable("EVENTSCOPE_CLI").isEmpty());
    m_demoStore = TestSupport::demoStore(m_dir.path(), 2000, 7);
    m_handStore = TestSupport::handWrittenStore(m_dir.path());
}

void TestCliGolden::outputMatchesGolden_data()
{
    QTest::addColumn<QString>("store"); // "demo" (2000 events, seed 7) or "hand" (TestSupport::handWrittenStore)
    QTest::addColumn<QStringList>("arguments"); // the command, then its options; STORE is inserted after the command
    QTest::addColumn<QString>("golden"); // file name in tests/cli/golden/

    const auto add = [](const char* name, const QString& store, const QStringList& arguments,
                         const QString& extension = u"jsonl"_s) {
        QStringList withJson = arguments;
        if (extension == u"jsonl"_s)
            withJson.append(u"--json"_s);
        QTest::newRow(name) << store << withJson << QString::fromLatin1(name) + u'.' + extension;
    };
    const QString demo = u"demo"_s, hand = u"hand"_s;

    add("demo-info", demo, { u"info"_s });
    add("demo-streams", demo, { u"streams"_s });
    add("demo-streams-filter", demo, { u"streams"_s, u"--filter"_s, u"^cart-[1-3]$"_s });
    add("demo-streams-category", demo, { u"streams"_s, u"--category"_s, u"customer"_s });
    add("demo-streams-limit", demo, { u"streams"_s, u"--limit"_s, u"5"_s });
    add("demo-streams-filter-category-limit", demo,
        { u"streams"_s, u"--filter=-[2-6]"_s, u"--category"_s, u"cart"_s, u"--limit"_s, u"3"_s });
    add("demo-events", demo, { u"events"_s });
    add("demo-events-stream", demo, { u"events"_s, u"--stream"_s, u"account-3"_s, u"--limit"_s, u"0"_s });
    add("demo-events-stream-from-position", demo,
        { u"events"_s, u"--stream"_s, u"customer-Zoë_Ångström-1"_s, u"--from-position"_s, u"92"_s, u"--limit"_s,
            u"5"_s });
    add("demo-events-category", demo, { u"events"_s, u"--category"_s, u"customer"_s, u"--limit"_s, u"10"_s });
    add("demo-events-type", demo, { u"events"_s, u"--type"_s, u"FundsDeposited"_s, u"--limit"_s, u"10"_s });
    add("demo-events-from-position", demo, { u"events"_s, u"--from-position"_s, u"1500"_s, u"--limit"_s, u"10"_s });
    add("demo-events-since-until", demo,
        { u"events"_s, u"--since"_s, u"2024-01-01T00:30:00Z"_s, u"--until"_s, u"2024-01-01 00:31:00.000"_s,
            u"--limit"_s, u"0"_s });
    add("demo-events-backward", demo, { u"events"_s, u"--backward"_s, u"--limit"_s, u"10"_s });
    add("demo-events-backward-stream", demo,
        { u"events"_s, u"--stream"_s, u"cart-3"_s, u"--backward"_s, u"--limit"_s, u"5"_s });
    add("demo-events-backward-from-position", demo,
        { u"events"_s, u"--backward"_s, u"--from-position"_s, u"1000"_s, u"--limit"_s, u"5"_s });
    add("demo-events-category-type-since", demo,
        { u"events"_s, u"--category"_s, u"account"_s, u"--type"_s, u"FundsWithdrawn"_s, u"--since"_s,
            u"2024-01-01T01:00Z"_s, u"--limit"_s, u"5"_s });

    add("hand-info", hand, { u"info"_s });
    add("hand-streams", hand, { u"streams"_s });
    add("hand-streams-filter", hand, { u"streams"_s, u"--filter"_s, u"ë"_s });
    add("hand-events", hand, { u"events"_s });
    add("hand-events-backward", hand, { u"events"_s, u"--backward"_s });
    add("hand-events-stream", hand, { u"events"_s, u"--stream"_s, u"Zoë-1"_s });
    add("hand-events-category", hand, { u"events"_s, u"--category"_s, u"orders"_s });
    add("hand-events-type", hand, { u"events"_s, u"--type"_s, u"OrderPlaced"_s });
    add("hand-events-since-until", hand,
        { u"events"_s, u"--since"_s, u"2024-03-14T12:00:03.000Z"_s, u"--until"_s, u"2024-03-14T13:00:06+01:00"_s });
    add("hand-events-from-position", hand, { u"events"_s, u"--from-position"_s, u"4"_s, u"--limit"_s, u"2"_s });
    add("hand-events-unknown-stream", hand, { u"events"_s, u"--stream"_s, u"no-such-stream"_s });

    // The tables for people: column alignment and the payload preview.
    add("hand-info-table", hand, { u"info"_s }, u"txt"_s);
    add("hand-streams-table", hand, { u"streams"_s }, u"txt"_s);
    add("hand-events-table", hand, { u"events"_s }, u"txt"_s);
    add("demo-events-table", demo, { u"events"_s, u"--stream"_s, u"customer-Zoë_Ångström-1"_s, u"--limit"_s, u"6"_s },
        u"txt"_s);
}

void TestCliGolden::outputMatchesGolden()
{
    QFETCH(QString, store);
    QFETCH(QStringList, arguments);
    QFETCH(QString, golden);

    const QString path = storeFor(store);
    arguments.insert(1, path);
    const CliRun run = runCli(arguments);
    QVERIFY(run.finished);
    QCOMPARE(run.err, QByteArray());
    QCOMPARE(run.exitCode, 0);
    // The temporary path differs from run to run; the golden files say STORE.
    QByteArray actual = run.out;
    actual.replace(path.toUtf8(), "STORE");

    const QString goldenPath = QDir(QStringLiteral(EVENTSCOPE_CLI_GOLDEN_DIR)).filePath(golden);
    if (qEnvironmentVariable("EVENTSCOPE_UPDATE_GOLDEN") == u"1"_s) {
        QFile file(goldenPath);
        QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
        file.write(actual);
        qInfo("updated %s", qPrintable(goldenPath));
        return;
    }
    QFile file(goldenPath);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(goldenPath + u": "_s + file.errorString()));
    const QByteArray expected = file.readAll();
    if (actual == expected)
        return;
    // Point at the first line that differs: a whole-file comparison would print two truncated blobs.
    const QList<QByteArray> actualLines = actual.split('\n');
    const QList<QByteArray> expectedLines = expected.split('\n');
    for (qsizetype i = 0; i < qMax(actualLines.size(), expectedLines.size()); ++i) {
        const QByteArray a = actualLines.value(i), e = expectedLines.value(i);
        if (a != e) {
            QFAIL(qPrintable(u"%1 differs at line %2:\n  actual:   %3\n  expected: %4"_s.arg(golden).arg(i + 1).arg(
                QString::fromUtf8(a), QString::fromUtf8(e))));
        }
    }
    QFAIL("output differs from the golden file");
}

void TestCliGolden::unlimitedReadCrossesPagesInOrder_data()
{
    QTest::addColumn<bool>("backward");
    QTest::newRow("forward") << false;
    QTest::newRow("backward") << true;
}

// 2000 events are two pages of the CLI's keyset reads: every position once, in order, across the seam.
void TestCliGolden::unlimitedReadCrossesPagesInOrder()
{
    QFETCH(bool, backward);
    QStringList arguments { u"events"_s, m_demoStore, u"--limit"_s, u"0"_s, u"--json"_s };
    if (backward)
        arguments.append(u"--backward"_s);
    const CliRun run = runCli(arguments);
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.endsWith('\n'));
    const QList<QByteArray> lines = run.out.chopped(1).split('\n');
    QCOMPARE(lines.size(), 2000);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QJsonObject event = QJsonDocument::fromJson(lines.at(i)).object();
        QCOMPARE(event.value(u"position"_s).toInteger(), backward ? 2000 - i : i + 1);
    }
}

// A category read (events by global position over a subquery) sees exactly the events its streams hold.
void TestCliGolden::categoryReadMatchesStreamCounts()
{
    const CliRun streams = runCli({ u"streams"_s, m_demoStore, u"--category"_s, u"cart"_s, u"--json"_s });
    QCOMPARE(streams.exitCode, 0);
    qint64 expected = 0;
    for (const QByteArray& line : streams.out.trimmed().split('\n'))
        expected += QJsonDocument::fromJson(line).object().value(u"events"_s).toInteger();
    QCOMPARE(expected, 672); // the carts of the seed-7 store

    const CliRun events
        = runCli({ u"events"_s, m_demoStore, u"--category"_s, u"cart"_s, u"--limit"_s, u"0"_s, u"--json"_s });
    QCOMPARE(events.exitCode, 0);
    qint64 previous = 0;
    const QList<QByteArray> lines = events.out.trimmed().split('\n');
    QCOMPARE(lines.size(), expected);
    for (const QByteArray& line : lines) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        QVERIFY(event.value(u"stream"_s).toString().startsWith(u"cart-"_s));
        QVERIFY(event.value(u"position"_s).toInteger() > previous);
        previous = event.value(u"position"_s).toInteger();
    }
}

// `eventscope-cli events STORE --limit 0 | head -n 1`: the first line, no error text, exit 0, no crash.
void TestCliGolden::closedPipeEndsQuietly()
{
    QProcess shell;
    shell.start(u"bash"_s,
        { u"-c"_s, u"\"$0\" events \"$1\" --limit 0 --json | head -n 1; echo \"exit=${PIPESTATUS[0]}\""_s,
            qEnvironmentVariable("EVENTSCOPE_CLI"), m_demoStore });
    QVERIFY(shell.waitForFinished(30000));
    const QList<QByteArray> lines = shell.readAllStandardOutput().split('\n');
    QCOMPARE(lines.size(), 3); // the event, the exit code, the empty rest after the last newline
    QVERIFY(lines.at(0).startsWith(R"({"position":1,"stream":"cart-1","version":1,)"));
    QCOMPARE(lines.at(1), QByteArray("exit=0"));
    QCOMPARE(shell.readAllStandardError(), QByteArray());
}

QTEST_GUILESS_MAIN(TestCliGolden)
#include "tst_cligolden.moc"
