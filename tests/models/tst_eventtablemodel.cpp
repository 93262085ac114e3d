#include <core/dialects/storeopener.h>
#include <core/models/eventtablemodel.h>
#include <testsupport.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// The lazy event table against real demo stores: rows, order, filters, locating, bounded memory.
class TestEventTableModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString m_store;

    // Every position of `filter` in order, read by keyset through the core: what the rows must show.
    QList<qint64> positionsOf(const EventFilter& filter)
    {
        auto store = openStore(m_store);
        QList<qint64> positions;
        EventPageRequest request;
        request.filter = filter;
        request.limit = 1000;
        for (;;) {
            auto page = (*store)->readEvents(request);
            for (const Event& event : page->events)
                positions.append(event.position);
            if (page->reachedEnd)
                return positions;
            request.start = KeyBound { orderKeyOf(page->events.constLast(), filter.orderKey()), false };
        }
    }

    // Asks for every row in turn, a screenful at a time as a view would, and collects the loaded positions.
    QList<qint64> scrollThrough(EventTableModel& model)
    {
        QList<qint64> positions;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row, EventTableModel::PositionColumn);
            if (model.data(index, EventTableModel::LoadingRole).toBool()) {
                if (!QTest::qWaitFor([&] { return !model.data(index, EventTableModel::LoadingRole).toBool(); }, 10000))
                    return {};
            }
            positions.append(model.data(index, EventTableModel::PositionRole).toLongLong());
        }
        return positions;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 20000, 3);
    }

    void globalLogIsCountedWithoutScanning()
    {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy counted(&model, &EventTableModel::rowsCounted);
        QSignalSpy ready(&model, &EventTableModel::firstRowsReady);
        model.setStore(m_store);
        QTRY_COMPARE(model.rowCount(), 20000);
        // Contiguous positions: one "finished" count, no chunks from a scan.
        QCOMPARE(counted.size(), 1);
        QCOMPARE(counted.first().at(0).toLongLong(), 20000);
        QCOMPARE(counted.first().at(1).toBool(), true);
        QTRY_COMPARE(ready.size(), 1);
        QCOMPARE(model.data(model.index(0, EventTableModel::PositionColumn)).toLongLong(), 1);
        QCOMPARE(model.data(model.index(0, EventTableModel::VersionColumn)).toLongLong(), 1);
        QCOMPARE(model.data(model.index(0, EventTableModel::TimeColumn)).toString().size(), 24);
        QVERIFY(model.eventAt(0));
        QCOMPARE(model.eventAt(0)->position, 1);
    }

    void firstRowsReadyOncePerFilterWithRowsShown()
    {
        EventTableModel model;
        QList<std::pair<int, bool>> announced; // rowCount and whether row 0 was loaded, at each signal
        connect(&model, &EventTableModel::firstRowsReady, this, [&] {
            announced.append({ model.rowCount(), model.eventAt(0) != nullptr });
        });
        model.setStore(m_store);
        QTRY_VERIFY(!model.isCounting() && announced.size() == 1);
        QVERIFY(announced[0].first > 0);
        QCOMPARE(announced[0].second, true);

        EventFilter filter;
        filter.type = u"CartCreated"_s; // counted by a scan: rows and the first window come from two workers
        model.setFilter(filter);
        QTRY_VERIFY(!model.isCounting() && announced.size() == 2);
        QVERIFY(announced[1].first > 0);
        QCOMPARE(announced[1].second, true);
        QCOMPARE(model.eventAt(0)->type, u"CartCreated"_s);

        filter.type = u"NoSuchType"_s;
        model.setFilter(filter);
        QTRY_VERIFY(!model.isCounting() && announced.size() == 3);
        QCOMPARE(announced[2], std::make_pair(0, false));
        QTest::qWait(50);
        QCOMPARE(announced.size(), 3);
    }

    void rowsAppearBeforeCountingEnds()
    {
        // A category is counted by a scan; its rows must show chunk by chunk, not after the full count.
        const QString path = TestSupport::demoStore(m_dir.path(), 200000, 4);
        EventTableModel model;
        QList<std::pair<qint64, bool>> counts;
        connect(&model, &EventTableModel::rowsCounted, this, [&](qint64 rows, bool finished) {
            counts.append({ rows, finished });
        });
        model.setStore(path);
        EventFilter filter;
        filter.category = u"account"_s;
        model.setFilter(filter);
        counts.clear();
        QTRY_VERIFY(!counts.isEmpty() && counts.constLast().second);
        QVERIFY2(counts.size() >= 2, "the count came in one piece");
        QCOMPARE(counts.first(), std::make_pair(qint64(65536), false));
        QVERIFY(counts.constLast().first > 65536);
    }

    void windowsStayBoundedWhileScrolling()
    {
        // However many windows were read on the way through the store, at most kMaxWindows stay in memory.
        // (The resident set itself is measured by eventscope-bench, row rss.model, beside its reference.)
        const QString path = TestSupport::demoStore(m_dir.path(), 300000, 1);
        EventTableModel model;
        model.setStore(path);
        QTRY_VERIFY(!model.isCounting() && model.rowCount() == 300000);
        const auto showScreenAt = [&](int top) {
            for (int row = top; row < std::min(top + 40, model.rowCount()); ++row)
                model.data(model.index(row, EventTableModel::DataColumn));
            const QModelIndex last = model.index(std::min(top + 39, model.rowCount() - 1), 0);
            return QTest::qWaitFor([&] { return !model.data(last, EventTableModel::LoadingRole).toBool(); }, 10000);
        };
        constexpr int kSteps = 1000;
        for (int step = 0; step <= kSteps; ++step)
            QVERIFY(showScreenAt(int(qint64(step) * (model.rowCount() - 40) / kSteps)));
        int loaded = 0;
        for (int row = 0; row < model.rowCount(); row += EventTableModel::kWindowRows)
            loaded += model.eventAt(row) ? 1 : 0;
        QVERIFY(loaded <= EventTableModel::kMaxWindows);
    }

    void placeholderUntilWindowArrives()
    {
        EventTableModel model;
        model.setStore(m_store);
        QTRY_COMPARE(model.rowCount(), 20000);
        const QModelIndex last = model.index(19999, EventTableModel::TypeColumn);
        QCOMPARE(model.data(last, EventTableModel::LoadingRole).toBool(), true);
        QCOMPARE(model.data(last).toString(), QString());
        QTRY_COMPARE(model.data(last, EventTableModel::LoadingRole).toBool(), false);
        QCOMPARE(model.data(last, EventTableModel::PositionRole).toLongLong(), 20000);
        QVERIFY(!model.data(last).toString().isEmpty());
    }

    void rowsFollowKeysetOrder_data()
    {
        QTest::addColumn<QString>("stream");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("type");
        QTest::addColumn<qint64>("since");
        QTest::newRow("global log") << QString() << QString() << QString() << qint64(0);
        QTest::newRow("one stream") << u"account-1"_s << QString() << QString() << qint64(0);
        QTest::newRow("category") << QString() << u"cart"_s << QString() << qint64(0);
        QTest::newRow("type") << QString() << QString() << u"FundsDeposited"_s << qint64(0);
        QTest::newRow("category and type") << QString() << u"customer"_s << u"EmailChanged"_s << qint64(0);
        QTest::newRow("since") << QString() << QString() << QString() << qint64(1704067200000 + 20'000'000);
    }

    void rowsFollowKeysetOrder()
    {
        QFETCH(QString, stream);
        QFETCH(QString, category);
        QFETCH(QString, type);
        QFETCH(qint64, since);
        EventFilter filter;
        filter.stream = stream;
        filter.category = category;
        filter.type = type;
        if (since)
            filter.sinceMs = since;
        const QList<qint64> expected = positionsOf(filter);
        QVERIFY(expected.size() > 10);

        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(m_store);
        model.setFilter(filter);
        QTRY_VERIFY(!model.isCounting());
        QCOMPARE(model.rowCount(), int(expected.size()));
        QCOMPARE(scrollThrough(model), expected);
    }

    void memoryStaysBoundedWhileScrolling()
    {
        EventTableModel model;
        model.setStore(m_store);
        QTRY_COMPARE(model.rowCount(), 20000);
        QCOMPARE(scrollThrough(model).size(), 20000);
        int loaded = 0;
        for (int row = 0; row < model.rowCount(); ++row)
            loaded += model.eventAt(row) ? 1 : 0;
        QVERIFY2(
            loaded <= EventTableModel::kMaxWindows * EventTableModel::kWindowRows, qPrintable(QString::number(loaded)));
        QVERIFY(loaded >= EventTableModel::kWindowRows);
        // The last rows are the ones kept.
        QVERIFY(model.eventAt(19999));
        QVERIFY(!model.eventAt(0));
    }

    void locatesPositionAndTime()
    {
        EventTableModel model;
        model.setStore(m_store);
        EventFilter filter;
        filter.type = u"ItemAdded"_s;
        model.setFilter(filter);
        QTRY_VERIFY(!model.isCounting());
        const QList<qint64> expected = positionsOf(filter);

        QSignalSpy located(&model, &EventTableModel::rowLocated);
        // A position between two matches lands on the next match.
        const int targetRow = int(expected.size()) - 5;
        model.locatePosition(expected[targetRow - 1] + 1);
        QTRY_COMPARE(located.size(), 1);
        QCOMPARE(located.first().at(0).toInt(), targetRow);

        // After the last event: no row.
        model.locatePosition(30000);
        QTRY_COMPARE(located.size(), 2);
        QCOMPARE(located.at(1).at(0).toInt(), -1);

        // A time: the row of the first event at or after it.
        auto store = openStore(m_store);
        EventPageRequest request;
        request.filter = filter;
        request.fromPosition = expected[1000];
        request.limit = 1;
        const qint64 time = *(*store)->readEvents(request)->events.first().timeMs;
        model.locateTime(time);
        QTRY_COMPARE(located.size(), 3);
        const int row = located.at(2).at(0).toInt();
        QVERIFY(row <= 1000 && row >= 990); // equal times may precede it
        QTRY_VERIFY(model.eventAt(row));
        QVERIFY(model.eventAt(row)->timeMs >= time);
        QVERIFY(row == 0 || !model.eventAt(row - 1) || model.eventAt(row - 1)->timeMs < time);
    }

    void unknownStreamIsEmpty()
    {
        EventTableModel model;
        QSignalSpy counted(&model, &EventTableModel::rowsCounted);
        model.setStore(m_store);
        EventFilter filter;
        filter.stream = u"no-such-stream"_s;
        model.setFilter(filter);
        QTRY_VERIFY(!model.isCounting());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(counted.constLast().at(1).toBool(), true);
    }

    void badStoreReportsError()
    {
        EventTableModel model;
        QSignalSpy errors(&model, &EventTableModel::errorOccurred);
        const QString path = TestSupport::badFile(m_dir.path(), TestSupport::BadFile::NotSqlite);
        model.setStore(path);
        QTRY_COMPARE(errors.size(), 1);
        const auto error = errors.first().at(0).value<StoreError>();
        QCOMPARE(error.kind, StoreError::Kind::NotSqlite);
        QVERIFY2(error.message.contains(path), qPrintable(error.message));
        QCOMPARE(model.rowCount(), 0);
        QTRY_VERIFY(!model.isCounting()); // the count fails on its own lane, maybe after the page
    }

    void browsingLeavesStoreUnchanged()
    {
        const QString path = TestSupport::demoStore(m_dir.path(), 5000, 9);
        const QByteArray before = TestSupport::sha256OfFile(path);
        const QStringList filesBefore = TestSupport::filesBeside(m_dir.path());
        {
            EventTableModel model;
            model.setStore(path);
            QTRY_COMPARE(model.rowCount(), 5000);
            QCOMPARE(scrollThrough(model).size(), 5000);
            EventFilter filter;
            filter.category = u"account"_s;
            model.setFilter(filter);
            QTRY_VERIFY(!model.isCounting());
            QVERIFY(!scrollThrough(model).isEmpty());
        }
        QCOMPARE(TestSupport::sha256OfFile(path), before);
        QCOMPARE(TestSupport::filesBeside(m_dir.path()), filesBefore);
    }
};

QTEST_GUILESS_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
