#include "clirunner.h"

#include <testsupport.h>

#include <core/dialects/storeopener.h>
#include <core/model/category.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

// Protects `eventscope-cli project`: the JSON lines against an oracle that folds the store directly,
// the reducer form giving the same states, --limit-events, and exit code 4 with the line and the event.
class TestCliProject : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 3000);
    }

    void accountBalancesMatchAnOracleFold()
    {
        // The oracle: every account event of the store, summed in C++.
        auto opened = openStore(m_store);
        QVERIFY(opened.ok());
        EventPageRequest request;
        request.filter.category = u"account"_s;
        request.limit = 100000;
        const Result<EventPage> page = (*opened)->readEvents(request);
        QVERIFY(page.ok());
        QMap<QString, qint64> balances;
        QStringList order;
        for (const Event& event : page->events) {
            if (!balances.contains(event.stream))
                order.append(event.stream);
            const qint64 amount = QJsonDocument::fromJson(event.data).object().value(u"amountCents"_s).toInteger();
            balances[event.stream] += event.type == u"FundsDeposited"_s ? amount
                : event.type == u"FundsWithdrawn"_s                     ? -amount
                                                                        : 0;
        }
        QVERIFY(order.size() > 10);

        const CliRun run = runCli({ u"project"_s, m_store, projection(u"account.projection.js"_s), u"--json"_s });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.err, QByteArray());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), order.size() + 1);
        for (qsizetype i = 0; i < order.size(); ++i) {
            const QJsonObject line = QJsonDocument::fromJson(lines.at(i)).object();
            QCOMPARE(line.value(u"partition"_s).toString(), order.at(i));
            QCOMPARE(line.value(u"state"_s).toObject().value(u"balance"_s).toInteger(), balances.value(order.at(i)));
            QVERIFY(!line.contains(u"result"_s));
        }
        QCOMPARE(lines.last(), u"{\"status\":\"completed\",\"events\":%1}"_s.arg(page->events.size()).toUtf8());
    }

    void reducerGivesTheSameStatesAsTheProjection_data()
    {
        QTest::addColumn<QString>("category");
        QTest::newRow("account") << u"account"_s;
        QTest::newRow("cart") << u"cart"_s;
        QTest::newRow("customer") << u"customer"_s;
    }

    void reducerGivesTheSameStatesAsTheProjection()
    {
        QFETCH(QString, category);
        const CliRun projected
            = runCli({ u"project"_s, m_store, projection(category + u".projection.js"_s), u"--json"_s });
        const CliRun reduced = runCli(
            { u"project"_s, m_store, projection(category + u".reducer.js"_s), u"--category"_s, category, u"--json"_s });
        QCOMPARE(projected.exitCode, 0);
        QCOMPARE(reduced.exitCode, 0);
        QVERIFY(projected.out.count('\n') > 3);
        QCOMPARE(reduced.out, projected.out);
    }

    void limitEventsStopsEarly()
    {
        const CliRun run = runCli({ u"project"_s, m_store, projection(u"account.projection.js"_s), u"--limit-events"_s,
            u"25"_s, u"--json"_s });
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.endsWith("{\"status\":\"completed\",\"events\":25}\n"));
    }

    void faultExitsFourWithLineAndEvent()
    {
        const QString script = m_dir.filePath(u"fault.js"_s);
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("fromCategory('account').foreachStream().when({\n"
                   "  $init: function () { return { n: 0 }; },\n"
                   "  FundsDeposited: function (s, e) { s.n += 1; if (s.n === 2) throw new Error('second deposit'); }\n"
                   "});\n");
        file.close();
        const CliRun run = runCli({ u"project"_s, m_store, script, u"--json"_s });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 4);
        const QJsonObject status = QJsonDocument::fromJson(run.out.trimmed().split('\n').last()).object();
        QCOMPARE(status.value(u"status"_s).toString(), u"faulted"_s);
        const QJsonObject fault = status.value(u"fault"_s).toObject();
        QCOMPARE(fault.value(u"message"_s).toString(), u"Error: second deposit"_s);
        QCOMPARE(fault.value(u"line"_s).toInt(), 3);
        const QString stream = fault.value(u"event"_s).toObject().value(u"stream"_s).toString();
        const qint64 version = fault.value(u"event"_s).toObject().value(u"version"_s).toInteger();
        QVERIFY(stream.startsWith(u"account-"_s));
        QCOMPARE(QString::fromUtf8(run.err),
            u"eventscope-cli: projection faulted: %1:3: Error: second deposit (event %2@%3)\n"_s.arg(script)
                .arg(version)
                .arg(stream));
    }

    void startFaultExitsFour()
    {
        const QString script = m_dir.filePath(u"nosource.js"_s);
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("var x = ;\n");
        file.close();
        const CliRun run = runCli({ u"project"_s, m_store, script });
        QCOMPARE(run.exitCode, 4);
        QVERIFY(run.err.contains("nosource.js:1: SyntaxError"));
    }

    // --from-position/--to-position/--since/--until narrow the source: the events processed are exactly those of
    // the category inside the range, counted from `events --json`.
    void rangesNarrowTheSource_data()
    {
        QTest::addColumn<QStringList>("range");
        QTest::newRow("positions") << QStringList { u"--from-position"_s, u"400"_s, u"--to-position"_s, u"1200"_s };
        QTest::newRow("from position") << QStringList { u"--from-position"_s, u"2500"_s };
        QTest::newRow("times") << QStringList { u"--since"_s, u"2024-01-01T00:30:00Z"_s, u"--until"_s,
            u"2024-01-01T01:00:00Z"_s };
    }

    void rangesNarrowTheSource()
    {
        QFETCH(QStringList, range);
        const CliRun all
            = runCli({ u"events"_s, m_store, u"--category"_s, u"account"_s, u"--limit"_s, u"100000"_s, u"--json"_s });
        QCOMPARE(all.exitCode, 0);
        const auto value = [&](const QString& option) {
            return range.indexOf(option) >= 0 ? range.at(range.indexOf(option) + 1) : QString();
        };
        qint64 expected = 0;
        for (const QByteArray& line : all.out.trimmed().split('\n')) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            const qint64 position = event.value(u"position"_s).toInteger();
            const QString time = event.value(u"time"_s).toString();
            if (!value(u"--from-position"_s).isEmpty() && position < value(u"--from-position"_s).toLongLong())
                continue;
            if (!value(u"--to-position"_s).isEmpty() && position > value(u"--to-position"_s).toLongLong())
                continue;
            if (!value(u"--since"_s).isEmpty() && time < u"2024-01-01T00:30:00"_s)
                continue;
            if (!value(u"--until"_s).isEmpty() && time >= u"2024-01-01T01:00:00"_s)
                continue;
            ++expected;
        }
        QVERIFY(expected > 50);
        const CliRun run = runCli(
            QStringList { u"project"_s, m_store, projection(u"account.projection.js"_s), u"--json"_s } + range);
        QCOMPARE(run.exitCode, 0);
        const QJsonObject status = QJsonDocument::fromJson(run.out.trimmed().split('\n').last()).object();
        QCOMPARE(status.value(u"events"_s).toInteger(), expected);
        QVERIFY(runCli({ u"project"_s, m_store, projection(u"account.projection.js"_s), u"--to-position"_s, u"x"_s })
                    .exitCode
            == 2);
    }

    void reducerWithoutScopeIsBadUsage()
    {
        const CliRun run = runCli({ u"project"_s, m_store, projection(u"account.reducer.js"_s) });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--stream S or --category C"));
        QCOMPARE(run.out, QByteArray());
    }

private:
    static QString projection(const QString& name) { return QStringLiteral(EVENTSCOPE_PROJECTIONS_DIR) + u'/' + name; }

    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(TestCliProject)
#include "tst_cliproject.moc"
