#include "clirunner.h"

#include <testsupport.h>

#include <core/dialects/storeopener.h>
#include <core/projection/projectionengine.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

// Protects `eventscope-cli replay` and `find`: the state line against an oracle that folds the stream from its first
// event in this process, one --diff line per event, the first matching event of each stream, and exit codes 2, 3, 4.
class TestCliReplay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 3000);
        auto opened = openStore(m_store);
        QVERIFY(opened.ok());
        m_opened = std::move(opened).value();
        StreamQuery query;
        query.category = u"account"_s;
        const Result<QList<StreamInfo>> streams = m_opened->streams(query);
        QVERIFY(streams.ok());
        qint64 longest = 0;
        for (const StreamInfo& info : *streams) {
            m_accounts.append(info.stream);
            if (info.lastVersion > longest) {
                longest = info.lastVersion;
                m_stream = info.stream;
            }
        }
        m_events = streamEvents(m_stream);
        QVERIFY(m_events.size() > 10);
        QCOMPARE(m_events.first().version, 1);
    }

    void stateLineEqualsTheOracle_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<qint64>("count"); // -1: the end, by default
        QTest::newRow("projection, end") << u"account.projection.js"_s << qint64(-1);
        QTest::newRow("projection, version 1") << u"account.projection.js"_s << qint64(1);
        QTest::newRow("projection, middle") << u"account.projection.js"_s << qint64(7);
        QTest::newRow("reducer, middle") << u"account.reducer.js"_s << qint64(9);
    }

    void stateLineEqualsTheOracle()
    {
        QFETCH(QString, file);
        QFETCH(qint64, count);
        QStringList arguments { u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s, projection(file),
            u"--json"_s };
        if (count >= 0)
            arguments << u"--to-version"_s << QString::number(m_events.at(count - 1).version);
        else
            count = m_events.size();
        const CliRun run = runCli(arguments);
        QVERIFY(run.finished);
        QCOMPARE(run.err, QByteArray());
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QByteArray& line = lines.last();
        QVERIFY2(QRegularExpression(u"^\\{\"stream\":\"[^\"]+\",\"version\":\\d+,\"position\":\\d+,\"state\":\\{"_s)
                     .match(QString::fromUtf8(line))
                     .hasMatch(),
            line.constData());
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        QCOMPARE(object.value(u"stream"_s).toString(), m_stream);
        QCOMPARE(object.value(u"version"_s).toInteger(), m_events.at(count - 1).version);
        QCOMPARE(object.value(u"position"_s).toInteger(), m_events.at(count - 1).position);
        QCOMPARE(object.value(u"state"_s).toObject(), oracleState(file, count));
        QCOMPARE(object.value(u"state"_s).toObject(), oracleState(u"account.projection.js"_s, count));
    }

    void positionAndTimeSelectThePrefix()
    {
        const Event& event = m_events.at(5);
        const CliRun byPosition = runCli({ u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s,
            projection(u"account.projection.js"_s), u"--to-position"_s, QString::number(event.position), u"--json"_s });
        QCOMPARE(byPosition.exitCode, 0);
        const QJsonObject atPosition = QJsonDocument::fromJson(byPosition.out.trimmed()).object();
        QCOMPARE(atPosition.value(u"version"_s).toInteger(), event.version);
        QCOMPARE(atPosition.value(u"state"_s).toObject(), oracleState(u"account.projection.js"_s, 6));

        qint64 expected = 0;
        while (expected < m_events.size() && m_events.at(expected).timeMs <= event.timeMs)
            ++expected;
        const CliRun byTime = runCli({ u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s,
            projection(u"account.projection.js"_s), u"--at"_s, QString::number(*event.timeMs), u"--json"_s });
        QCOMPARE(byTime.exitCode, 0);
        const QJsonObject atTime = QJsonDocument::fromJson(byTime.out.trimmed()).object();
        QCOMPARE(atTime.value(u"version"_s).toInteger(), m_events.at(expected - 1).version);
        QCOMPARE(atTime.value(u"state"_s).toObject(), oracleState(u"account.projection.js"_s, expected));

        // Before the first event: no version, no state.
        const CliRun before = runCli({ u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s,
            projection(u"account.projection.js"_s), u"--to-version"_s, u"0"_s, u"--json"_s });
        QCOMPARE(before.exitCode, 0);
        QCOMPARE(before.out,
            u"{\"stream\":\"%1\",\"version\":null,\"position\":null,\"state\":null}\n"_s.arg(m_stream).toUtf8());
    }

    // Without --stream, --to-position folds the projection's whole source up to that point: each partition's state
    // is what replaying its own stream to that position gives.
    void wholeSourceToAPositionMatchesEachStreamsReplay()
    {
        const QString p = projection(u"account.projection.js"_s);
        const CliRun run
            = runCli({ u"replay"_s, m_store, u"--projection"_s, p, u"--to-position"_s, u"1500"_s, u"--json"_s });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        QList<QByteArray> lines = run.out.trimmed().split('\n');
        const QJsonObject last = QJsonDocument::fromJson(lines.takeLast()).object();
        QVERIFY(last[u"position"_s].toInteger() <= 1500);
        QVERIFY(last[u"events"_s].toInteger() > 100);
        QVERIFY(lines.size() > 5);
        for (const QByteArray& line : lines.mid(0, 4)) {
            const QJsonObject partition = QJsonDocument::fromJson(line).object();
            const QString stream = partition[u"partition"_s].toString();
            QVERIFY(stream.startsWith(u"account-"_s));
            const CliRun own = runCli({ u"replay"_s, m_store, u"--stream"_s, stream, u"--projection"_s, p,
                u"--to-position"_s, u"1500"_s, u"--json"_s });
            QCOMPARE(own.exitCode, 0);
            QCOMPARE(QJsonDocument::fromJson(own.out.trimmed()).object()[u"state"_s], partition[u"state"_s]);
        }
        const CliRun atTime
            = runCli({ u"replay"_s, m_store, u"--projection"_s, p, u"--at"_s, u"1970-01-01"_s, u"--json"_s });
        QCOMPARE(atTime.exitCode, 0);
        QCOMPARE(atTime.out, QByteArray("{\"position\":null,\"events\":0}\n"));
    }

    void diffHasOneLinePerEvent()
    {
        const qint64 version = m_events.size() - 2;
        const CliRun run = runCli(
            { u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s, projection(u"account.projection.js"_s),
                u"--to-version"_s, QString::number(version), u"--diff"_s, u"--json"_s });
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), version + 1);
        qint64 balanceChanges = 0;
        for (qint64 i = 0; i < version; ++i) {
            QVERIFY2(lines.at(i).startsWith("{\"version\":"), lines.at(i).constData());
            const QJsonObject line = QJsonDocument::fromJson(lines.at(i)).object();
            QCOMPARE(line.value(u"version"_s).toInteger(), m_events.at(i).version);
            QCOMPARE(line.value(u"type"_s).toString(), m_events.at(i).type);
            const qint64 before = oracleState(u"account.projection.js"_s, i).value(u"balance"_s).toInteger();
            const qint64 after = oracleState(u"account.projection.js"_s, i + 1).value(u"balance"_s).toInteger();
            bool reported = false;
            for (const QJsonValue& change : line.value(u"changes"_s).toArray()) {
                if (change.toObject().value(u"path"_s).toString() != u"balance"_s)
                    continue;
                reported = true;
                QCOMPARE(change.toObject().value(u"op"_s).toString(), u"change"_s);
                QCOMPARE(change.toObject().value(u"old"_s).toInteger(), before);
                QCOMPARE(change.toObject().value(u"new"_s).toInteger(), after);
            }
            QCOMPARE(reported, i > 0 && before != after);
            balanceChanges += reported ? 1 : 0;
        }
        QVERIFY(balanceChanges > 0);
        QVERIFY(lines.last().startsWith("{\"stream\":"));
    }

    void findListsTheFirstNegativeBalance()
    {
        const CliRun run = runCli({ u"find"_s, m_store, u"--category"_s, u"account"_s, u"--projection"_s,
            projection(u"account.projection.js"_s), u"--where"_s, u"s => s.balance < 0"_s, u"--json"_s });
        QCOMPARE(run.err, QByteArray());
        QCOMPARE(run.exitCode, 0);
        QByteArray expected;
        qint64 found = 0;
        for (const QString& stream : std::as_const(m_accounts)) {
            const QList<Event> events = streamEvents(stream);
            ProjectionEngine engine;
            QVERIFY(!engine.compile(readText(projection(u"account.projection.js"_s)), u"a.js"_s));
            for (const Event& event : events) {
                QVERIFY(!engine.process(event));
                if (QJsonDocument::fromJson(engine.stateJson(stream).value_or("{}"))
                        .object()
                        .value(u"balance"_s)
                        .toInteger()
                    < 0) {
                    expected += u"{\"stream\":\"%1\",\"version\":%2,\"position\":%3,\"type\":\"%4\"}\n"_s.arg(stream)
                                    .arg(event.version)
                                    .arg(event.position)
                                    .arg(event.type)
                                    .toUtf8();
                    ++found;
                    break;
                }
            }
        }
        QVERIFY(found > 0);
        QVERIFY(found < m_accounts.size());
        expected += u"{\"streams\":%1,\"found\":%2}\n"_s.arg(m_accounts.size()).arg(found).toUtf8();
        QCOMPARE(run.out, expected);
    }

    void badUsageExitsTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        const QString p = projection(u"account.projection.js"_s);
        QTest::newRow("no stream") << QStringList { u"replay"_s, u"STORE"_s, u"--projection"_s, p }
                                   << QByteArray("--stream S is required, unless --to-position or --at");
        QTest::newRow("no projection") << QStringList { u"replay"_s, u"STORE"_s, u"--stream"_s, u"account-1"_s }
                                       << QByteArray("--projection FILE");
        QTest::newRow("two targets") << QStringList { u"replay"_s, u"STORE"_s, u"--stream"_s, u"account-1"_s,
            u"--projection"_s, p, u"--to-version"_s, u"3"_s, u"--to-position"_s, u"9"_s }
                                     << QByteArray("cannot be combined");
        QTest::newRow("bad version") << QStringList { u"replay"_s, u"STORE"_s, u"--stream"_s, u"account-1"_s,
            u"--projection"_s, p, u"--to-version"_s, u"three"_s }
                                     << QByteArray("--to-version needs");
        QTest::newRow("bad time") << QStringList { u"replay"_s, u"STORE"_s, u"--stream"_s, u"account-1"_s,
            u"--projection"_s, p, u"--at"_s, u"yesterday"_s }
                                  << QByteArray("--at needs");
        QTest::newRow("missing projection file") << QStringList { u"replay"_s, u"STORE"_s, u"--stream"_s,
            u"account-1"_s, u"--projection"_s, u"/nonexistent/x.js"_s }
                                                 << QByteArray("cannot read the projection");
        QTest::newRow("unknown stream") << QStringList { u"replay"_s, u"STORE"_s, u"--stream"_s, u"account-0000"_s,
            u"--projection"_s, p } << QByteArray("has no events");
        QTest::newRow("find without where") << QStringList { u"find"_s, u"STORE"_s, u"--category"_s, u"account"_s,
            u"--projection"_s, p } << QByteArray("--where is required");
        QTest::newRow("find, predicate not JS") << QStringList { u"find"_s, u"STORE"_s, u"--category"_s, u"account"_s,
            u"--projection"_s, p, u"--where"_s, u"s =>"_s }
                                                << QByteArray("--where: SyntaxError");
    }

    void badUsageExitsTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        arguments.replace(1, m_store);
        const CliRun run = runCli(arguments);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), run.err.constData());
        QCOMPARE(run.out, QByteArray());
    }

    void missingStoreExitsThree()
    {
        const CliRun run = runCli({ u"replay"_s, m_dir.filePath(u"nothere.sqlite"_s), u"--stream"_s, u"account-1"_s,
            u"--projection"_s, projection(u"account.projection.js"_s) });
        QCOMPARE(run.exitCode, 3);
    }

    void faultExitsFourWithLineAndEvent()
    {
        const QString script = m_dir.filePath(u"fault.js"_s);
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("fromCategory('account').foreachStream().when({\n"
                   "  $init: function () { return { n: 0 }; },\n"
                   "  $any: function (s, e) { s.n += 1; if (s.n === 4) throw new Error('fourth'); }\n"
                   "});\n");
        file.close();
        const QString expectedError
            = u"eventscope-cli: projection faulted: %1:3: Error: fourth (event %2@%3)\n"_s.arg(script)
                  .arg(m_events.at(3).version)
                  .arg(m_stream);
        const CliRun run = runCli(
            { u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s, script, u"--diff"_s, u"--json"_s });
        QCOMPARE(run.exitCode, 4);
        QCOMPARE(QString::fromUtf8(run.err), expectedError);
        QCOMPARE(run.out.count('\n'), 3); // the diffs of the three events before the fault, no state
        // Before the fault the state is there.
        const CliRun early = runCli({ u"replay"_s, m_store, u"--stream"_s, m_stream, u"--projection"_s, script,
            u"--to-version"_s, u"3"_s, u"--json"_s });
        QCOMPARE(early.exitCode, 0);
        QVERIFY(early.out.endsWith(",\"state\":{\"n\":3}}\n"));
        // find stops at the first stream whose projection faults before the predicate holds.
        const CliRun find = runCli({ u"find"_s, m_store, u"--category"_s, u"account"_s, u"--projection"_s, script,
            u"--where"_s, u"s => s.n > 10"_s, u"--json"_s });
        QCOMPARE(find.exitCode, 4);
        QVERIFY2(find.err.contains("Error: fourth (event 4@account-"), find.err.constData());
        // A predicate that throws is a fault too.
        const CliRun throws = runCli({ u"find"_s, m_store, u"--category"_s, u"account"_s, u"--projection"_s,
            projection(u"account.projection.js"_s), u"--where"_s, u"s => s.no.such"_s });
        QCOMPARE(throws.exitCode, 4);
        QVERIFY2(throws.err.contains("TypeError"), throws.err.constData());
    }

private:
    static QString projection(const QString& name) { return QStringLiteral(EVENTSCOPE_PROJECTIONS_DIR) + u'/' + name; }

    static QString readText(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    QList<Event> streamEvents(const QString& stream)
    {
        EventPageRequest request;
        request.filter.stream = stream;
        request.limit = 100000;
        const Result<EventPage> page = m_opened->readEvents(request);
        return page ? page->events : QList<Event>();
    }

    // A fresh engine folding the first `count` events of the stream.
    QJsonObject oracleState(const QString& file, qint64 count)
    {
        ProjectionEngine engine;
        if (engine.compile(readText(projection(file)), file))
            return {};
        for (qint64 i = 0; i < count; ++i) {
            if (engine.process(m_events.at(i)))
                return {};
        }
        return QJsonDocument::fromJson(engine.stateJson(m_stream).value_or("{}")).object();
    }

    QTemporaryDir m_dir;
    QString m_store;
    std::unique_ptr<EventStore> m_opened;
    QStringList m_accounts;
    QString m_stream;
    QList<Event> m_events;
};

QTEST_GUILESS_MAIN(TestCliReplay)
#include "tst_clireplay.moc"
