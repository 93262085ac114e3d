// ParallelProjectionRunner against the one-thread run on a real demo store: the same partitions in the same order
// with the same states, the same emitted events and log lines in the same order, the same fault, whatever the
// number of threads.
#include <core/dialects/storeopener.h>
#include <core/projection/parallelprojectionrunner.h>
#include <core/projection/projectionreport.h>

#include <testsupport.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

struct Run
{
    QByteArray states; // the `project --json` partition lines
    QList<QByteArray> output; // emitted events, in the order the sink got them
    QList<QByteArray> log; // log lines, likewise
    std::optional<ProjectionFault> fault;
    qint64 events = 0;
    int threads = 0;
    int restarts = 0;
    bool cancelled = false;
};

QString builtIn(const QString& name)
{
    QFile file(u":/eventscope/demo-projections/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("no built-in projection %s", qPrintable(name));
    return QString::fromUtf8(file.readAll());
}

} // namespace

class ParallelProjectionTest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

    Run run(const QString& script, int threads, const ProjectionScope& scope = {}, qint64 limit = 0,
        const std::atomic<bool>* cancel = nullptr)
    {
        auto opened = openStore(m_store);
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        ProjectionEngine engine;
        if (auto fault = engine.compile(script, u"test.js"_s))
            qFatal("%s", qPrintable(fault->toString()));
        Run run;
        ParallelProjectionRunner::Sink sink;
        sink.emitted = [&](const EmittedEvent& event) { run.output.append(ProjectionReport::emitLine(event)); };
        sink.logged = [&](const QString& line) { run.log.append(ProjectionReport::logLine(line)); };
        sink.restart = [&] {
            run.output.clear();
            run.log.clear();
            ++run.restarts;
        };
        ParallelProjectionRunner::Settings settings;
        settings.threads = threads;
        settings.limitEvents = limit;
        settings.cancel = cancel;
        const auto results
            = ParallelProjectionRunner::run(**opened, engine, script, u"test.js"_s, scope, settings, sink);
        if (!results)
            qFatal("%s", qPrintable(results.error().message));
        run.states = ProjectionReport::stateLines(*results);
        run.fault = results->outcome.fault;
        run.events = results->outcome.eventsRead;
        run.threads = results->threads;
        run.cancelled = results->outcome.cancelled;
        return run;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 30'000);
    }

    void sameStatesOnAnyNumberOfThreads_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("category");
        QTest::newRow("account projection") << builtIn(u"account.projection.js"_s) << QString();
        QTest::newRow("cart projection") << builtIn(u"cart.projection.js"_s) << QString();
        QTest::newRow("customer projection") << builtIn(u"customer.projection.js"_s) << QString();
        QTest::newRow("cart reducer") << builtIn(u"cart.reducer.js"_s) << u"cart"_s;
        QTest::newRow("account reducer") << builtIn(u"account.reducer.js"_s) << u"account"_s;
    }

    void sameStatesOnAnyNumberOfThreads()
    {
        QFETCH(QString, script);
        QFETCH(QString, category);
        const Run one = run(script, 1, { {}, category });
        QCOMPARE(one.threads, 1);
        QVERIFY(!one.fault);
        QVERIFY(one.events > 1000);
        QVERIFY(one.states.count('\n') > 10);
        for (const int threads : { 2, 3, 5 }) {
            const Run many = run(script, threads, { {}, category });
            QCOMPARE(many.threads, threads);
            QCOMPARE(many.events, one.events);
            QCOMPARE(many.states, one.states);
            QCOMPARE(many.restarts, 0);
        }
    }

    void emitsAndLogsKeepEventOrder()
    {
        const QString script = uR"(fromCategory('account').foreachStream().when({
            $init: function () { return { n: 0 }; },
            $any: function (s, e) {
                s.n += 1;
                if (e.eventType === 'FundsDeposited') emit('deposits', 'Deposit', { stream: e.streamId, n: s.n });
                if (s.n % 3 === 0) log(e.streamId + ' reached ' + s.n);
                if (e.eventType === 'AccountClosed') linkTo('closed', e);
            }
        }))"_s;
        const Run one = run(script, 1);
        QVERIFY(one.output.size() > 100);
        QVERIFY(one.log.size() > 100);
        const Run many = run(script, 3);
        QCOMPARE(many.output, one.output);
        QCOMPARE(many.log, one.log);
        QCOMPARE(many.states, one.states);
    }

    // A fault on one engine: the others may be past it, so the run starts again on one thread and ends as the
    // one-thread run does (the states before the faulting event, its emits dropped).
    void faultGivesTheOneThreadOutcome()
    {
        const QString script = uR"(fromCategory('account').foreachStream().when({
            $init: function () { return { n: 0 }; },
            $any: function (s, e) {
                s.n += 1;
                emit('seen', 'Seen', { stream: e.streamId });
                if (s.n === 20) throw new Error('twenty in ' + e.streamId);
            }
        }))"_s;
        const Run one = run(script, 1);
        QVERIFY(one.fault);
        QVERIFY(one.fault->message.contains(u"twenty in"_s));
        const Run many = run(script, 3);
        QCOMPARE(many.restarts, 1);
        QVERIFY(many.fault);
        QCOMPARE(many.fault->message, one.fault->message);
        QCOMPARE(many.fault->event->stream, one.fault->event->stream);
        QCOMPARE(many.fault->event->version, one.fault->event->version);
        QCOMPARE(many.events, one.events);
        QCOMPARE(many.states, one.states);
        QCOMPARE(many.output, one.output);
        QCOMPARE(many.log, one.log);
    }

    // partitionBy keys are computed on the reader's thread and dealt like streams; its log lines keep their place
    // before the handler's.
    void partitionByFoldsOnEveryCore_data()
    {
        QTest::addColumn<QString>("script");
        QTest::newRow("by event type") << uR"(fromCategory('account').partitionBy(function (e) { return e.eventType; })
            .when({ $init: function () { return { n: 0 }; }, $any: function (s) { s.n += 1; } }))"_s;
        QTest::newRow("by reference kind, some skipped, logging") << uR"(fromAll().partitionBy(function (e) {
                if (e.body && e.body.amountCents % 7 === 0) log('key of ' + e.streamId + '@' + e.sequenceNumber);
                if (e.body && e.body.reference) return e.body.reference.split('-')[0];
                return e.body && e.body.currency ? e.body.currency : null; })
            .when({ $init: function () { return { opened: 0, owners: [] }; },
                AccountOpened: function (s, e) { s.opened += 1; if (s.owners.length < 5) s.owners.push(e.body.owner); },
                FundsDeposited: function (s, e) { log('deposit ' + e.partition); } }))"_s;
    }

    void partitionByFoldsOnEveryCore()
    {
        QFETCH(QString, script);
        const Run one = run(script, 1);
        QVERIFY(!one.fault);
        QVERIFY(one.states.count('\n') > 2);
        for (const int threads : { 2, 3 }) {
            const Run many = run(script, threads);
            QCOMPARE(many.threads, threads);
            QCOMPARE(many.events, one.events);
            QCOMPARE(many.states, one.states);
            QCOMPARE(many.log, one.log);
            QCOMPARE(many.restarts, 0);
        }
    }

    void sharedOrRootPartitionsRunOnOneThread_data()
    {
        QTest::addColumn<QString>("script");
        QTest::newRow("bi-state") << uR"(fromCategory('account').foreachStream().when({
            $initShared: function () { return { total: 0 }; },
            $any: function (s, e) { s[1].total += 1; return s; } }))"_s;
        QTest::newRow("root state") << uR"(fromCategory('account').when({
            $init: function () { return { n: 0 }; }, $any: function (s) { s.n += 1; } }))"_s;
    }

    void sharedOrRootPartitionsRunOnOneThread()
    {
        QFETCH(QString, script);
        const Run many = run(script, 4);
        QCOMPARE(many.threads, 1);
        QVERIFY(!many.fault);
        QCOMPARE(many.states, run(script, 1).states);
    }

    void limitAndCancelStopTheRun()
    {
        const QString script = builtIn(u"account.projection.js"_s);
        const Run limited = run(script, 3, {}, 5000);
        QCOMPARE(limited.events, 5000);
        QCOMPARE(limited.states, run(script, 1, {}, 5000).states);
        const std::atomic<bool> cancel { true };
        const Run cancelled = run(script, 3, {}, 0, &cancel);
        QVERIFY(cancelled.cancelled);
        QCOMPARE(cancelled.events, 0);
    }
};

QTEST_GUILESS_MAIN(ParallelProjectionTest)
#include "tst_parallelprojection.moc"
