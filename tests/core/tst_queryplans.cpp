#include <core/dialects/nativestore.h>
#include <core/dialects/storeopener.h>
#include <testsupport.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

// The queries NativeStore builds really walk the schema's indexes in key order: EXPLAIN QUERY PLAN on
// the exact SQL, asked of SQLite on a separate read-only connection to an analysed demo store.
class TestQueryPlans : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<EventStore> m_store;
    NativeStore* m_native = nullptr;
    sqlite3* m_db = nullptr;
    QString m_stream; // a stream of the demo store

    // The plan's lines, each "detail", joined with " | ".
    QString planOf(const SqlQuery& query) { return planIn(*m_store, query); }
    static QString planIn(EventStore& store, const SqlQuery& query)
    {
        const auto plan = store.explain(query);
        return plan ? plan->join(u" | "_s) : u"explain failed: "_s + plan.error().message + u" in "_s + query.sql;
    }

    static EventPageRequest page(const EventFilter& filter, ReadDirection direction, std::optional<KeyBound> start = {})
    {
        EventPageRequest request;
        request.filter = filter;
        request.direction = direction;
        request.start = start;
        request.limit = 100;
        return request;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = TestSupport::demoStore(m_dir.path(), 20000, 5);
        auto store = openStore(m_path);
        QVERIFY(store);
        m_store = std::move(store).value();
        m_native = dynamic_cast<NativeStore*>(m_store.get());
        QVERIFY(m_native);
        QCOMPARE(
            sqlite3_open_v2(QFile::encodeName(m_path).constData(), &m_db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        // The demo generator runs ANALYZE; the planner's choices below depend on those statistics.
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(m_db, "SELECT count(*) FROM sqlite_stat1", -1, &statement, nullptr);
        QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
        QVERIFY(sqlite3_column_int(statement, 0) > 0);
        sqlite3_finalize(statement);
        m_stream = m_store->streams({ {}, u"account"_s, {}, 1 })->first().stream;
    }

    void cleanupTestCase() { sqlite3_close(m_db); }

    void pagesUseTheirIndex_data()
    {
        QTest::addColumn<EventPageRequest>("request");
        QTest::addColumn<QStringList>("expected"); // fragments that must all be in the plan
        const EventFilter all;
        const EventFilter stream { m_stream, {}, {}, {}, {} };
        const EventFilter category { {}, u"cart"_s, {}, {}, {} };
        const EventFilter type { {}, {}, u"ItemAdded"_s, {}, {} };
        const EventFilter time { {}, {}, {}, 1704067200000 + 3600000, 1704067200000 + 7200000 };
        const KeyBound key { 5000, false };
        const QString primaryKey = u"SEARCH e USING INTEGER PRIMARY KEY (rowid>?)"_s;
        const QString primaryKeyBack = u"SEARCH e USING INTEGER PRIMARY KEY (rowid<?)"_s;
        const QString joinStream = u"SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"_s;

        QTest::newRow("global first page")
            << page(all, ReadDirection::Forward) << QStringList { u"SCAN e"_s, joinStream };
        QTest::newRow("global last page")
            << page(all, ReadDirection::Backward) << QStringList { u"SCAN e"_s, joinStream };
        QTest::newRow("global forward from a key")
            << page(all, ReadDirection::Forward, key) << QStringList { primaryKey, joinStream };
        QTest::newRow("global backward from a key")
            << page(all, ReadDirection::Backward, key) << QStringList { primaryKeyBack, joinStream };
        QTest::newRow("stream page")
            << page(stream, ReadDirection::Forward, KeyBound { 3, false })
            << QStringList { u"SEARCH e USING INDEX events_by_stream (stream_id=? AND version>?)"_s, joinStream };
        QTest::newRow("stream page backward")
            << page(stream, ReadDirection::Backward, KeyBound { 3, false })
            << QStringList { u"SEARCH e USING INDEX events_by_stream (stream_id=? AND version<?)"_s };
        QTest::newRow("stream first page") << page(stream, ReadDirection::Forward)
                                           << QStringList { u"SEARCH e USING INDEX events_by_stream (stream_id=?)"_s };
        QTest::newRow("type page") << page(type, ReadDirection::Forward,
            key) << QStringList { u"SEARCH e USING INDEX events_by_type (type=? AND rowid>?)"_s, joinStream };
        QTest::newRow("type page backward") << page(type, ReadDirection::Backward,
            key) << QStringList { u"SEARCH e USING INDEX events_by_type (type=? AND rowid<?)"_s };
        QTest::newRow("category page") << page(category, ReadDirection::Forward, key)
                                       << QStringList { primaryKey, joinStream };
        QTest::newRow("category page backward")
            << page(category, ReadDirection::Backward, key) << QStringList { primaryKeyBack };
        // A time range is a position range found by one seek on the time index.
        QTest::newRow("time range page") << page(time,
            ReadDirection::Forward) << QStringList { u"SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"_s };
        QTest::newRow("time range from a key") << page(time, ReadDirection::Backward,
            key) << QStringList { u"SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"_s };
        QTest::newRow("type and time")
            << page({ {}, {}, u"ItemAdded"_s, time.sinceMs, time.untilMs }, ReadDirection::Forward)
            << QStringList { u"SEARCH e USING INDEX events_by_type (type=? AND rowid>? AND rowid<?)"_s };
        QTest::newRow("stream and type") << page({ m_stream, {}, u"FundsDeposited"_s, {}, {} }, ReadDirection::Forward)
                                         << QStringList { u"SEARCH e USING INDEX events_by_stream (stream_id=?)"_s };
    }
    void pagesUseTheirIndex()
    {
        QFETCH(EventPageRequest, request);
        QFETCH(QStringList, expected);
        const auto query = m_native->readEventsQuery(request);
        QVERIFY(query);
        QVERIFY(query->has_value());
        const QString plan = planOf(**query);
        for (const QString& fragment : expected)
            QVERIFY2(plan.contains(fragment), qPrintable(u"expected '%1' in: %2"_s.arg(fragment, plan)));
        QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(plan));
        // streams is a lookup per event, never a scan in the loop (a category's IN list scans it once).
        QVERIFY2(!plan.split(u" | "_s).contains(u"SCAN s"_s), qPrintable(plan));
        // The query is what readEvents runs: it gives a page.
        const auto events = m_store->readEvents(request);
        QVERIFY(events);
    }

    void sparseCategoryReadsThroughItsStreams()
    {
        // 3 of the hand-written store's 8 events are in "orders": sorting them beats walking the table.
        QTemporaryDir dir;
        auto opened = openStore(TestSupport::handWrittenStore(dir.path()));
        QVERIFY(opened);
        auto* native = dynamic_cast<NativeStore*>(opened->get());
        QVERIFY(native);
        EventPageRequest request;
        request.filter.category = u"Zoë"_s;
        request.start = KeyBound { 3, false };
        const auto query = native->readEventsQuery(request);
        QVERIFY(query && query->has_value());
        const QString plan = planIn(*native, **query);
        QVERIFY2(plan.contains(u"SEARCH e USING INDEX events_by_stream (stream_id=?)"_s), qPrintable(plan));
        const auto page = native->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 2);
        QCOMPARE(page->events[0].position, 6);
        QCOMPARE(page->events[1].position, 8);
    }

    void scansUseCoveringIndexes_data()
    {
        QTest::addColumn<EventFilter>("filter");
        QTest::addColumn<QString>("expected");
        QTest::newRow("whole log") << EventFilter {} << u"SCAN e"_s;
        QTest::newRow("type") << EventFilter { {}, {}, u"ItemAdded"_s, {}, {} }
                              << u"SEARCH e USING COVERING INDEX events_by_type (type=?)"_s;
        QTest::newRow("stream") << EventFilter { m_stream, {}, {}, {}, {} }
                                << u"SEARCH e USING COVERING INDEX events_by_stream (stream_id=?)"_s;
        QTest::newRow("time") << EventFilter { {}, {}, {}, 1704067200000 + 3600000, {} }
                              << u"SEARCH e USING INTEGER PRIMARY KEY (rowid>?)"_s;
    }
    void scansUseCoveringIndexes()
    {
        QFETCH(EventFilter, filter);
        QFETCH(QString, expected);
        const auto query = m_native->scanKeysQuery(filter);
        QVERIFY(query && query->has_value());
        const QString plan = planOf(**query);
        QVERIFY2(plan.contains(expected), qPrintable(u"expected '%1' in: %2"_s.arg(expected, plan)));
        QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(plan));
    }

    void keyAtTimeSeeksTheTimeIndex()
    {
        const QString plan = planOf(m_native->positionAtTimeQuery(1704067200000 + 3600000));
        QCOMPARE(plan, u"SEARCH events USING COVERING INDEX events_by_time (time>?)"_s);

        const auto atPosition = m_native->keyAtPositionQuery({ m_stream, {}, {}, {}, {} }, 5000);
        QVERIFY(atPosition && atPosition->has_value());
        const QString streamPlan = planOf(**atPosition);
        QVERIFY2(streamPlan.contains(u"USING COVERING INDEX events_by_stream (stream_id=?)"_s), qPrintable(streamPlan));
        QVERIFY2(!streamPlan.contains(u"TEMP B-TREE"_s), qPrintable(streamPlan));

        const auto global = m_native->keyAtPositionQuery({}, 5000);
        QVERIFY(global && global->has_value());
        QCOMPARE(planOf(**global), u"SEARCH e USING INTEGER PRIMARY KEY (rowid>?)"_s);
    }

    void unknownStreamNeedsNoQuery()
    {
        const auto query
            = m_native->readEventsQuery(page({ u"no-such-stream"_s, {}, {}, {}, {} }, ReadDirection::Forward));
        QVERIFY(query);
        QVERIFY(!query->has_value());
    }
};

QTEST_GUILESS_MAIN(TestQueryPlans)
#include "tst_queryplans.moc"
