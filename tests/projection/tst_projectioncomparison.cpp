// ProjectionComparison on hand-built results (order, equality by value, absent states, results, the shared state)
// and ProjectionPairRunner on a real demo store: one read gives each definition exactly the states a run of its own
// gives, whether the two share a source or not.

#include <core/dialects/storeopener.h>
#include <core/projection/projectioncomparison.h>
#include <core/projection/projectionengine.h>
#include <core/projection/projectionpairrunner.h>
#include <core/projection/projectionreport.h>
#include <core/projection/projectionrunner.h>

#include <testsupport.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

ProjectionResults results(QList<ProjectionResults::Partition> partitions, bool transform = false)
{
    ProjectionResults r;
    r.definition.definesStateTransform = transform;
    r.partitions = std::move(partitions);
    return r;
}

QString builtIn(const QString& name)
{
    QFile file(u":/eventscope/demo-projections/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("no built-in projection %s", qPrintable(name));
    return QString::fromUtf8(file.readAll());
}

} // namespace

class TestProjectionComparison : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;

    // The `project --json` state lines of `script` run on its own, and the events it processed.
    QPair<QByteArray, qint64> runAlone(const QString& script)
    {
        auto store = openStore(m_store);
        ProjectionEngine engine;
        if (auto fault = engine.compile(script, u"alone.js"_s))
            qFatal("%s", qPrintable(fault->toString()));
        ProjectionEventReader reader(**store, engine.definition());
        const auto outcome = ProjectionRunner::run(reader, engine);
        return { ProjectionReport::stateLines(engine), outcome->eventsRead };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 5000);
    }

    void partitionsAreChangedAddedOrRemovedInOrder()
    {
        const ProjectionResults before = results({ { u"a"_s, "{\"n\":1}", {} }, { u"b"_s, "{\"n\":2,\"x\":[1,2]}", {} },
            { u"c"_s, "{\"n\":3}", {} }, { u"d"_s, std::nullopt, {} } });
        const ProjectionResults after = results({ { u"z"_s, "{\"n\":9}", {} }, { u"c"_s, "{\"n\":3.0}", {} },
            { u"b"_s, "{\"x\":[1,2,3],\"n\":2}", {} }, { u"d"_s, "null", {} } });
        const ProjectionComparison comparison = ProjectionComparison::of(before, after);
        QCOMPARE(comparison.partitions.size(), 3);
        QCOMPARE(comparison.partitions.at(0).name, u"a"_s);
        QCOMPARE(comparison.partitions.at(0).change, ProjectionComparison::Change::Removed);
        QCOMPARE(comparison.partitions.at(1).name, u"b"_s);
        QCOMPARE(comparison.partitions.at(1).change, ProjectionComparison::Change::Changed);
        QCOMPARE(comparison.partitions.at(1).diff.changes.size(), 1);
        QCOMPARE(comparison.partitions.at(1).diff.changes.at(0).path.toString(), u"x[2]"_s);
        QCOMPARE(comparison.partitions.at(2).name, u"z"_s);
        QCOMPARE(comparison.partitions.at(2).change, ProjectionComparison::Change::Added);
        QCOMPARE(comparison.same, 2); // c (3 equals 3.0) and d (no state is null)
        QCOMPARE(comparison.count(ProjectionComparison::Change::Added), 1);
        QVERIFY(!comparison.identical());
        QVERIFY(!comparison.sharedState);
        QCOMPARE(ProjectionReport::comparisonLines(comparison).split('\n').first(),
            QByteArray("{\"partition\":\"a\",\"change\":\"removed\",\"paths\":[{\"path\":\"$\",\"op\":\"remove\","
                       "\"old\":{\"n\":1}}]}"));
    }

    void resultsAndSharedStateAreCompared()
    {
        ProjectionResults before = results({ { QString(), "{\"n\":1}", "{\"total\":1}" } }, true);
        ProjectionResults after = results({ { QString(), "{\"n\":1}", "{\"total\":2}" } }, true);
        before.definition.biState = true;
        before.sharedState = "{\"s\":1}";
        after.sharedState = "{\"s\":1}";
        ProjectionComparison comparison = ProjectionComparison::of(before, after);
        QCOMPARE(comparison.partitions.size(), 1);
        QCOMPARE(comparison.partitions.at(0).diff.changes.at(0).path.toString(), u"result.total"_s);
        QVERIFY(comparison.sharedState && comparison.sharedState->isEqual());

        after.partitions[0].result = "{\"total\":1}";
        after.sharedState = "{\"s\":2}";
        comparison = ProjectionComparison::of(before, after);
        QVERIFY(comparison.partitions.isEmpty());
        QVERIFY(!comparison.identical());
        QCOMPARE(comparison.sharedState->changes.at(0).path.toString(), u"s"_s);
        const QByteArray summary = ProjectionReport::comparisonSummaryLine(comparison, 10, 0.5);
        QVERIFY2(summary.contains("\"shared_state\":\"changed\",\"shared_state_paths\":[{\"path\":\"s\""),
            summary.constData());
    }

    void ignoredKeysLeaveNoDifference()
    {
        JsonDiffOptions options;
        QVERIFY(options.addIgnore(u"_version"_s));
        const auto comparison = ProjectionComparison::of(results({ { u"a"_s, "{\"n\":1,\"_version\":1}", {} } }),
            results({ { u"a"_s, "{\"n\":1,\"_version\":7}", {} } }), options);
        QVERIFY(comparison.identical());
    }

    void oneReadGivesEachItsOwnRunsStates_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        // Which events one read covers: "first" (the same source), "both" (two disjoint categories: each event once)
        // or "second" (a category within the whole log).
        QTest::addColumn<QString>("read");
        QTest::newRow("same source") << builtIn(u"account.projection.js"_s) << builtIn(u"account.snapshot.js"_s)
                                     << u"first"_s;
        QTest::newRow("two categories") << builtIn(u"account.projection.js"_s) << builtIn(u"cart.projection.js"_s)
                                        << u"both"_s;
        QTest::newRow("category and all")
            << builtIn(u"customer.projection.js"_s)
            << u"fromAll().when({ $init: () => ({ n: 0 }), $any: (s, e) => { s.n += 1; } })"_s << u"second"_s;
    }

    void oneReadGivesEachItsOwnRunsStates()
    {
        QFETCH(QString, first);
        QFETCH(QString, second);
        QFETCH(QString, read);
        auto store = openStore(m_store);
        QVERIFY(store);
        ProjectionEngine a, b;
        QVERIFY(!a.compile(first, u"first.js"_s));
        QVERIFY(!b.compile(second, u"second.js"_s));
        const auto pair = ProjectionPairRunner::run(**store, a, b, {}, {});
        QVERIFY(pair);
        const auto aloneFirst = runAlone(first);
        const auto aloneSecond = runAlone(second);
        QCOMPARE(ProjectionReport::stateLines(pair->first), aloneFirst.first);
        QCOMPARE(ProjectionReport::stateLines(pair->second), aloneSecond.first);
        QCOMPARE(pair->first.outcome.eventsRead, aloneFirst.second);
        QCOMPARE(pair->second.outcome.eventsRead, aloneSecond.second);
        // Read once: the events of the union of the sources, each once.
        QVERIFY(aloneFirst.second > 100 && aloneSecond.second > 100);
        const qint64 expected = read == u"first"_s ? aloneFirst.second
            : read == u"both"_s                    ? aloneFirst.second + aloneSecond.second
                                                   : aloneSecond.second;
        QCOMPARE(pair->eventsRead, expected);
    }
};

QTEST_GUILESS_MAIN(TestProjectionComparison)
#include "tst_projectioncomparison.moc"
