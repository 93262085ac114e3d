// The event table of a real demo store through the window: a QTableView that holds at most a window
// of rows, and a scrollbar over all rows. Scrolling, keyboard, go-to and selection must behave as in a
// plain table over the whole model, with exact rows, while the Qt view's row count stays bounded.

#include <ui/browse/eventtablepanel.h>
#include <ui/browse/windowedtableview.h>

#include <core/dialects/storeopener.h>
#include <core/models/eventtablemodel.h>
#include <core/models/windowproxymodel.h>
#include <testsupport.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

// About 50 windows of rows; 50,001 - 1,024 is odd, so the last window holds 1,023 rows (offsets are even).
constexpr int kEvents = 50001;

// The oracle: one event read directly from the store, not through any model.
Event readOne(const QString& path, ReadDirection direction, std::optional<qint64> fromPosition = {})
{
    auto store = openStore(path);
    if (!store)
        qFatal("cannot open %s", qPrintable(path));
    EventPageRequest request;
    request.direction = direction;
    request.fromPosition = fromPosition;
    request.limit = 1;
    auto page = (*store)->readEvents(request);
    if (!page || page->events.isEmpty())
        qFatal("cannot read %s", qPrintable(path));
    return page->events.constFirst();
}

// The panel as MainWindow wires it, over a model of the whole log.
struct Browser
{
    EventTableModel model;
    EventTablePanel panel;
    WindowedTableView* view = nullptr;
    QTableView* table = nullptr;
    QScrollBar* bar = nullptr;

    explicit Browser(const QString& store)
    {
        panel.setModel(&model);
        view = panel.windowedView();
        table = panel.view();
        bar = panel.findChild<QScrollBar*>(u"eventTableScrollBar"_s);
        QObject::connect(&panel, &EventTablePanel::goToPositionRequested, &model, &EventTableModel::locatePosition);
        QObject::connect(&model, &EventTableModel::rowLocated, &panel, &EventTablePanel::showLocatedRow);
        panel.resize(900, 600);
        panel.show();
        model.setStore(store);
        model.setFilter({});
    }

    // Rows a page moves: what fits in the viewport, rows being of one fixed height.
    int pageRows() const { return table->viewport()->height() / table->verticalHeader()->defaultSectionSize(); }
    // The model row painted at a height of the viewport.
    int rowAtY(int y) const { return view->windowModel()->offset() + table->rowAt(y); }
    int lastVisibleRow() const { return rowAtY(table->viewport()->height() - 1); }
    bool isLoaded(int row) const { return !model.data(model.index(row, 0), EventTableModel::LoadingRole).toBool(); }
    // The table's own selection, mapped back to model rows.
    QList<int> selectedRows() const
    {
        QList<int> rows;
        for (const QModelIndex& index : table->selectionModel()->selectedRows())
            rows.append(view->windowModel()->mapToSource(index).row());
        return rows;
    }
};

} // namespace

class TestWindowedTableView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

    bool waitForAllRows(Browser& browser)
    {
        if (!QTest::qWaitForWindowExposed(&browser.panel))
            return false;
        return QTest::qWaitFor([&] { return browser.model.rowCount() == kEvents && !browser.model.isCounting(); });
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), kEvents);
    }

    void proxyPassesModelTesterWhileRowsArriveAndWindowMoves()
    {
        EventTableModel model;
        WindowProxyModel window;
        QAbstractItemModelTester tester(&window, QAbstractItemModelTester::FailureReportingMode::Fatal);
        window.setSourceModel(&model);
        model.setStore(m_store);
        model.setFilter({});
        QTRY_COMPARE(model.rowCount(), kEvents);
        QCOMPARE(window.rowCount(), WindowProxyModel::kDefaultWindowRows);
        QCOMPARE(window.sourceRowCount(), kEvents);

        // Demo positions are 1..N with no gaps: row r shows position r + 1, known without loading.
        const QPersistentModelIndex followed = window.index(600, EventTableModel::PositionColumn);
        window.setOffset(500);
        QCOMPARE(window.offset(), 500);
        QCOMPARE(window.index(0, EventTableModel::PositionColumn).data().toLongLong(), 501);
        QCOMPARE(window.mapToSource(window.index(7, 3)), model.index(507, 3));
        QCOMPARE(window.mapFromSource(model.index(507, 3)), window.index(7, 3));
        QVERIFY(!window.mapFromSource(model.index(499, 0)).isValid());
        QVERIFY(!window.mapFromSource(model.index(500 + 1024, 0)).isValid());
        QCOMPARE(followed.row(), 100); // the same model row, 600
        QCOMPARE(window.headerData(3, Qt::Vertical).toInt(), 504); // the model's row number, 1-based
        QCOMPARE(window.headerData(EventTableModel::TypeColumn, Qt::Horizontal).toString(), u"Type"_s);

        window.setOffset(5000);
        QVERIFY(!followed.isValid()); // row 600 left the window
        window.setOffset(777); // offsets are even: a row's parity (alternating colours) is the model's
        QCOMPARE(window.offset(), 776);
        window.setOffset(kEvents); // past the end: the window ends with the last row
        QCOMPARE(window.offset(), kEvents - 1023);
        QCOMPARE(window.rowCount(), 1023);
        QCOMPARE(window.index(1022, 0).data().toLongLong(), kEvents);
        window.setOffset(kEvents - 1030);
        QCOMPARE(window.offset(), kEvents - 1031);
        QCOMPARE(window.rowCount(), 1024);
        window.setOffset(-3);
        QCOMPARE(window.offset(), 0);

        // The window shows the rows the model loads, with the model's data.
        window.setOffset(20000);
        const QModelIndex shown = window.index(10, EventTableModel::TypeColumn);
        QVERIFY(shown.data(EventTableModel::LoadingRole).toBool());
        QTRY_VERIFY(!shown.data(EventTableModel::LoadingRole).toBool());
        QCOMPARE(shown.data(), model.index(20010, EventTableModel::TypeColumn).data());
        QVERIFY(!shown.data().toString().isEmpty());

        // A category's rows arrive in chunks while counting (no contiguous keys): appends into the window.
        EventFilter cart;
        cart.category = u"cart"_s;
        model.setFilter(cart);
        QCOMPARE(window.offset(), 0);
        QTRY_VERIFY(!model.isCounting());
        QVERIFY(model.rowCount() > 1024);
        QCOMPARE(window.rowCount(), 1024);
        window.setOffset(model.rowCount());
        QCOMPARE(window.offset() % 2, 0);
        QCOMPARE(window.offset() + window.rowCount(), model.rowCount());

        // A stream shorter than the window: all of it, and no window to move.
        EventFilter stream;
        stream.stream = u"cart-1"_s;
        model.setFilter(stream);
        QTRY_VERIFY(!model.isCounting());
        QVERIFY(model.rowCount() > 0 && model.rowCount() < 1024);
        QCOMPARE(window.rowCount(), model.rowCount());
        window.setOffset(10);
        QCOMPARE(window.offset(), 0);
    }

    void tableHoldsAtMostAWindowOfRows()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        QVERIFY(browser.bar && browser.bar->isVisible());
        QVERIFY(!browser.table->verticalScrollBar()->isVisible());
        QCOMPARE(browser.table->model()->rowCount(), WindowProxyModel::kDefaultWindowRows);
        QCOMPARE(browser.table->verticalHeader()->count(), WindowProxyModel::kDefaultWindowRows);
        QCOMPARE(browser.bar->pageStep(), browser.pageRows());
        QCOMPARE(browser.bar->maximum(), kEvents - browser.pageRows());

        browser.bar->setValue(31234);
        QCOMPARE(browser.table->model()->rowCount(), WindowProxyModel::kDefaultWindowRows);
        browser.table->setFocus();
        QTest::keyClick(browser.table, Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(browser.table->model()->rowCount(), WindowProxyModel::kDefaultWindowRows - 1); // the last window
        QCOMPARE(browser.table->verticalHeader()->count(), WindowProxyModel::kDefaultWindowRows - 1);

        // A category's rows are counted in chunks (its keys have gaps): the scrollbar grows with them,
        // the table does not.
        QSignalSpy counted(&browser.model, &EventTableModel::rowsCounted);
        EventFilter cart;
        cart.category = u"cart"_s;
        browser.model.setFilter(cart);
        QCOMPARE(browser.panel.currentRow(), -1);
        QTRY_VERIFY(!browser.model.isCounting());
        QVERIFY(counted.count() > 1);
        QVERIFY(browser.model.rowCount() > 1024);
        QCOMPARE(browser.bar->maximum(), browser.model.rowCount() - browser.pageRows());
        QCOMPARE(browser.table->model()->rowCount(), WindowProxyModel::kDefaultWindowRows);
    }

    void scrollingToTheEndShowsTheLastEvent()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        const Event last = readOne(m_store, ReadDirection::Backward);
        const int page = browser.pageRows();

        // Dragging the scrollbar to its end: the last row at the bottom, the rows above it in order.
        browser.bar->setValue(browser.bar->maximum());
        QCOMPARE(browser.view->topRow(), kEvents - page);
        QCOMPARE(browser.lastVisibleRow(), kEvents - 1);
        QTRY_VERIFY(browser.isLoaded(kEvents - 1));
        const QModelIndex bottom = browser.table->indexAt(QPoint(1, browser.table->viewport()->height() - 1));
        // Flush with the bottom edge, as a plain table shows its last row (the top row may be cut).
        QCOMPARE(browser.table->rowViewportPosition(bottom.row()) + browser.table->rowHeight(bottom.row()),
            browser.table->viewport()->height());
        QCOMPARE(bottom.data(EventTableModel::PositionRole).toLongLong(), last.position);
        QCOMPARE(browser.model.eventAt(kEvents - 1)->id, last.id);

        // Back to the top, then Ctrl+End from the keyboard: the last row is current and in view.
        browser.bar->setValue(0);
        QCOMPARE(browser.rowAtY(0), 0);
        browser.table->setFocus();
        QTest::keyClick(browser.table, Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(browser.panel.currentRow(), kEvents - 1);
        QCOMPARE(browser.lastVisibleRow(), kEvents - 1);
        QCOMPARE(browser.bar->value(), browser.bar->maximum());
        QCOMPARE(browser.selectedRows(), QList<int> { kEvents - 1 });
        QTest::keyClick(browser.table, Qt::Key_Home, Qt::ControlModifier);
        QCOMPARE(browser.panel.currentRow(), 0);
        QCOMPARE(browser.rowAtY(0), 0);
        QCOMPARE(browser.bar->value(), 0);
    }

    void everyScrollbarValueShowsItsRowAtTheTop()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        // Row by row across two window shifts, then back, then far jumps: the row at the top is the value.
        QList<int> values;
        for (int value = 0; value <= 2100; ++value)
            values.append(value);
        for (int value = 2100; value >= 0; value -= 7)
            values.append(value);
        values << 49000 << 12345 << 1 << 30000 << 29999 << 31024;
        for (const int value : std::as_const(values)) {
            browser.bar->setValue(value);
            QCOMPARE(browser.view->topRow(), value);
            QCOMPARE(browser.rowAtY(0), value);
            QCOMPARE(browser.view->windowModel()->offset() % 2, 0); // alternating colours on the model's rows
            QCOMPARE(browser.table->rowViewportPosition(browser.table->rowAt(0)), 0); // not cut
        }
    }

    void wheelScrollsThreeRowsPerNotchAcrossTheWindow()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        browser.bar->setValue(1000); // near the end of the first window
        const QPoint at = browser.table->viewport()->rect().center();
        for (int notch = 0; notch < 20; ++notch) {
            QWheelEvent wheel(at, browser.table->viewport()->mapToGlobal(at), {}, QPoint(0, -120), Qt::NoButton,
                Qt::NoModifier, Qt::NoScrollPhase, false);
            QCoreApplication::sendEvent(browser.table->viewport(), &wheel);
        }
        QCOMPARE(browser.bar->value(), 1000 + 20 * QApplication::wheelScrollLines());
        QCOMPARE(browser.rowAtY(0), 1000 + 20 * QApplication::wheelScrollLines());
    }

    void goToPositionSelectsTheExactRow()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        QSignalSpy current(&browser.panel, &EventTablePanel::currentRowChanged);
        const Event target = readOne(m_store, ReadDirection::Forward, 37123);
        QCOMPARE(target.position, 37123);

        browser.panel.findChild<QLineEdit*>(u"goToPositionEdit"_s)->setText(u"37123"_s);
        browser.panel.findChild<QPushButton*>(u"goToPositionButton"_s)->click();
        QTRY_COMPARE(browser.panel.currentRow(), 37122); // positions 1..N: row = position - 1
        QCOMPARE(current.count(), 1);
        QCOMPARE(current.constFirst().constFirst().toInt(), 37122);
        QCOMPARE(browser.selectedRows(), QList<int> { 37122 });
        const QModelIndex shown = browser.table->currentIndex();
        QCOMPARE(browser.view->windowModel()->mapToSource(shown).row(), 37122);
        QVERIFY(browser.table->viewport()->rect().contains(browser.table->visualRect(shown)));
        QTRY_VERIFY(browser.isLoaded(37122));
        QCOMPARE(browser.model.eventAt(37122)->id, target.id); // what the inspector is given
        QCOMPARE(shown.data(EventTableModel::PositionRole).toLongLong(), 37123);
    }

    void keyboardMovesByRowsAndPagesAcrossWindows()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        const int page = browser.pageRows();
        QVERIFY(page > 5);
        browser.panel.selectRow(100);
        browser.table->setFocus();

        QTest::keyClick(browser.table, Qt::Key_PageDown);
        QCOMPARE(browser.panel.currentRow(), 100 + page);
        QTest::keyClick(browser.table, Qt::Key_Down);
        QCOMPARE(browser.panel.currentRow(), 101 + page);
        QTest::keyClick(browser.table, Qt::Key_Up);
        QCOMPARE(browser.panel.currentRow(), 100 + page);

        // Sixty pages down crosses several window boundaries (1024 rows each); each step is exact.
        for (int step = 2; step <= 60; ++step) {
            QTest::keyClick(browser.table, Qt::Key_PageDown);
            QCOMPARE(browser.panel.currentRow(), 100 + step * page);
            const int row = browser.panel.currentRow();
            QVERIFY2(row >= browser.rowAtY(0) && row <= browser.lastVisibleRow(), "the current row is in view");
            QCOMPARE(browser.selectedRows(), QList<int> { row });
        }
        for (int step = 59; step >= 0; --step) {
            QTest::keyClick(browser.table, Qt::Key_PageUp);
            QCOMPARE(browser.panel.currentRow(), 100 + step * page);
        }
        // Down from the last row stays there, as in a plain table.
        QTest::keyClick(browser.table, Qt::Key_End, Qt::ControlModifier);
        QTest::keyClick(browser.table, Qt::Key_Down);
        QCOMPARE(browser.panel.currentRow(), kEvents - 1);
    }

    void selectionSurvivesWindowShifts()
    {
        Browser browser(m_store);
        QVERIFY(waitForAllRows(browser));
        QHeaderView* header = browser.table->horizontalHeader();
        QList<int> widths;
        for (int column = 0; column < header->count(); ++column)
            widths.append(header->sectionSize(column));

        browser.panel.selectRow(10);
        QSignalSpy current(&browser.panel, &EventTablePanel::currentRowChanged);
        browser.bar->setValue(browser.bar->maximum()); // the window leaves row 10
        QVERIFY(!browser.view->windowModel()->containsSourceRow(10));
        QCOMPARE(browser.panel.currentRow(), 10);
        QVERIFY(browser.selectedRows().isEmpty()); // not in the window: nothing to paint
        browser.bar->setValue(25000);
        browser.bar->setValue(0); // and comes back
        QCOMPARE(browser.panel.currentRow(), 10);
        QCOMPARE(browser.selectedRows(), QList<int> { 10 });
        QCOMPARE(browser.view->windowModel()->mapToSource(browser.table->currentIndex()).row(), 10);
        QCOMPARE(current.count(), 0); // scrolling is not a new selection

        // Down after scrolling away moves from the selected row, as a plain table does.
        browser.bar->setValue(40000);
        browser.table->setFocus();
        QTest::keyClick(browser.table, Qt::Key_Down);
        QCOMPARE(browser.panel.currentRow(), 11);
        QCOMPARE(current.count(), 1);
        QVERIFY(browser.rowAtY(0) <= 11 && browser.lastVisibleRow() >= 11);

        // A click picks the row under the mouse, wherever the window is.
        browser.bar->setValue(33000);
        const int rowHeight = browser.table->verticalHeader()->defaultSectionSize();
        QTest::mouseClick(browser.table->viewport(), Qt::LeftButton, {}, QPoint(20, 5 * rowHeight + rowHeight / 2));
        QCOMPARE(browser.panel.currentRow(), 33005);
        QCOMPARE(current.count(), 2);

        for (int column = 0; column < header->count(); ++column)
            QCOMPARE(header->sectionSize(column), widths.at(column));
    }
};

QTEST_MAIN(TestWindowedTableView)
#include "tst_windowedtableview.moc"
