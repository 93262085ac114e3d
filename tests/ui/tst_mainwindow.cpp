// MainWindow driven like a user: open a demo store, pick a category, a stream and an event, filter
// by type, go to a position, and open bad files, which must be reported while the store stays open.

#include <core/workspace/workspace.h>
#include <ui/mainwindow/mainwindow.h>
#include <ui/timetravel/timetravelwindow.h>

#include <core/dialects/storeopener.h>
#include <core/models/eventtablemodel.h>
#include <core/models/streamtreemodel.h>
#include <testsupport.h>

#include <QAbstractProxyModel>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

// The oracle: the same store read directly, not through any model.
std::unique_ptr<EventStore> openDirect(const QString& path)
{
    auto store = openStore(path);
    if (!store)
        qFatal("cannot open %s", qPrintable(path));
    return std::move(store).value();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_storePath;

    struct Ui
    {
        QTreeView* tree = nullptr;
        StreamTreeModel* treeModel = nullptr;
        QTableView* table = nullptr;
        QAbstractProxyModel* tableWindow = nullptr; // the rows the table holds: a window of tableModel
        EventTableModel* tableModel = nullptr;
    };

    static Ui findUi(MainWindow& window)
    {
        Ui ui;
        ui.tree = window.findChild<QTreeView*>(u"streamTree"_s);
        ui.table = window.findChild<QTableView*>(u"eventTable"_s);
        if (ui.tree)
            ui.treeModel = qobject_cast<StreamTreeModel*>(ui.tree->model());
        if (ui.table)
            ui.tableWindow = qobject_cast<QAbstractProxyModel*>(ui.table->model());
        if (ui.tableWindow)
            ui.tableModel = qobject_cast<EventTableModel*>(ui.tableWindow->sourceModel());
        return ui;
    }

    static QString labelText(MainWindow& window, const QString& name)
    {
        auto* label = window.findChild<QLabel*>(name);
        return label ? label->text() : u"<no label %1>"_s.arg(name);
    }

    static QModelIndex categoryRow(const Ui& ui, const QString& category)
    {
        for (int row = 0; row < ui.treeModel->rowCount(); ++row) {
            const QModelIndex index = ui.treeModel->index(row, 0);
            if (index.data(StreamTreeModel::CategoryRole).toString() == category)
                return index;
        }
        return {};
    }

    // Opens the demo store and waits until the tree shows it.
    void openDemo(MainWindow& window, const Ui& ui)
    {
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openStore(m_storePath);
        QTRY_COMPARE(opened.count(), 1);
        QTRY_COMPARE(ui.treeModel->rowCount(), 4);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"EventScopeTest"_s);
        QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
        QVERIFY(m_dir.isValid());
        m_storePath = TestSupport::demoStore(m_dir.path(), 5000);
        Workspace::setApplicationPath(m_dir.filePath(u"workspace.sqlite"_s));
    }

    void treeShowsAllEventsAndCategoriesWithCounts()
    {
        MainWindow window;
        window.show();
        const Ui ui = findUi(window);
        QVERIFY(ui.treeModel && ui.tableModel);
        openDemo(window, ui);

        QCOMPARE(window.windowTitle(), u"EventScope — demo-5000.sqlite"_s);
        QCOMPARE(ui.treeModel->index(0, 0).data().toString(), u"All events"_s);
        QTRY_COMPARE(ui.treeModel->index(0, 0).data(StreamTreeModel::EventCountRole).toLongLong(), 5000);

        const auto expected = openDirect(m_storePath)->categories({});
        QVERIFY(expected.ok());
        QCOMPARE(expected->size(), 3);
        QStringList names;
        for (int row = 1; row < 4; ++row) {
            const QModelIndex index = ui.treeModel->index(row, 0);
            names << index.data().toString();
            QCOMPARE(index.data(StreamTreeModel::EventCountRole).toLongLong(), expected->at(row - 1).events);
        }
        QCOMPARE(names, (QStringList { u"account"_s, u"cart"_s, u"customer"_s }));

        // "All events" is selected at first: the global log, no filter.
        QTRY_COMPARE(ui.tableModel->rowCount(), 5000);
        QCOMPARE(ui.tableModel->filter(), EventFilter());
        QTRY_VERIFY(labelText(window, u"statusCountsLabel"_s).startsWith(u"5,000 events"_s));
        QTRY_COMPARE(labelText(window, u"statusRowsLabel"_s), u"5,000 rows in view"_s);
    }

    void categoryThenStreamFilterTheTableAndInspectorShowsRow()
    {
        MainWindow window;
        window.show();
        const Ui ui = findUi(window);
        openDemo(window, ui);

        const QModelIndex cart = categoryRow(ui, u"cart"_s);
        QVERIFY(cart.isValid());
        ui.tree->setCurrentIndex(cart);
        EventFilter categoryFilter;
        categoryFilter.category = u"cart"_s;
        QCOMPARE(ui.tableModel->filter(), categoryFilter);
        QTRY_COMPARE(qint64(ui.tableModel->rowCount()), cart.data(StreamTreeModel::EventCountRole).toLongLong());

        ui.tree->expand(cart);
        if (ui.treeModel->canFetchMore(cart))
            ui.treeModel->fetchMore(cart);
        QTRY_VERIFY(ui.treeModel->rowCount(cart) > 1);
        const QModelIndex stream = ui.treeModel->index(1, 0, cart);
        const QString streamName = stream.data(StreamTreeModel::StreamRole).toString();
        const qint64 streamEvents = stream.data(StreamTreeModel::EventCountRole).toLongLong();
        QVERIFY(streamName.startsWith(u"cart-"_s));
        QVERIFY(streamEvents > 1);
        ui.tree->setCurrentIndex(stream);
        EventFilter streamFilter;
        streamFilter.stream = streamName;
        QCOMPARE(ui.tableModel->filter(), streamFilter);
        QTRY_COMPARE(qint64(ui.tableModel->rowCount()), streamEvents);

        // The second event of the stream, as the store has it.
        EventPageRequest request;
        request.filter = streamFilter;
        request.limit = 2;
        const auto page = openDirect(m_storePath)->readEvents(request);
        QVERIFY(page.ok());
        QCOMPARE(page->events.size(), 2);
        const Event& second = page->events.at(1);

        ui.table->setCurrentIndex(ui.tableWindow->mapFromSource(ui.tableModel->index(1, EventTableModel::TypeColumn)));
        QTRY_COMPARE(labelText(window, u"inspectorType"_s), second.type);
        QCOMPARE(labelText(window, u"inspectorPosition"_s), QString::number(second.position));
        QCOMPARE(labelText(window, u"inspectorStream"_s), streamName);
        QCOMPARE(labelText(window, u"inspectorVersion"_s), QString::number(second.version));
        QCOMPARE(labelText(window, u"inspectorEventId"_s), second.id);
        auto* payloadTree = window.findChild<QTreeView*>(u"payloadTree"_s);
        QVERIFY(payloadTree);
        QCOMPARE(payloadTree->model()->rowCount(), 1); // "$", the payload is JSON
        QVERIFY(payloadTree->model()->rowCount(payloadTree->model()->index(0, 0)) > 0);

        // A type from the filter bar narrows the stream further; the stream stays.
        auto* types = window.findChild<QComboBox*>(u"typeFilterCombo"_s);
        QVERIFY(types);
        QTRY_VERIFY(types->count() > 1);
        const int typeIndex = types->findText(second.type);
        QVERIFY(typeIndex > 0);
        types->setCurrentIndex(typeIndex);
        emit types->activated(typeIndex);
        streamFilter.type = second.type;
        QCOMPARE(ui.tableModel->filter(), streamFilter);
    }

    void goToPositionSelectsItsRow()
    {
        MainWindow window;
        window.show();
        const Ui ui = findUi(window);
        openDemo(window, ui);
        QTRY_COMPARE(ui.tableModel->rowCount(), 5000);

        // Demo positions are 1..5000 with no gaps: position 1234 is row 1233 of the global log.
        window.findChild<QLineEdit*>(u"goToPositionEdit"_s)->setText(u"1234"_s);
        window.findChild<QPushButton*>(u"goToPositionButton"_s)->click();
        QTRY_COMPARE(ui.tableWindow->mapToSource(ui.table->currentIndex()).row(), 1233);
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"1234"_s);
    }

    // Bookmarks live in the workspace per store: the selected event is bookmarked with a note, listed for this
    // store only, and a bookmark shows its event in the global log even from another stream's scope.
    void bookmarksKeepAnEventAndGoBackToIt()
    {
        QVERIFY(Workspace::application());
        MainWindow window;
        window.show();
        const Ui ui = findUi(window);
        openDemo(window, ui);
        QTRY_COMPARE(ui.tableModel->rowCount(), 5000);
        QVERIFY(!window.bookmarkCurrentEvent()); // nothing selected yet
        window.selectRowWhenLoaded(2499);
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"2500"_s);
        const Event* event = ui.tableModel->eventAt(2499);
        QVERIFY(event);
        const QString stream = event->stream;
        const qint64 version = event->version;
        QVERIFY(window.bookmarkCurrentEvent(u"looks odd"_s));
        const QList<WorkspaceBookmark> bookmarks = window.bookmarks();
        QCOMPARE(bookmarks.size(), 1);
        QCOMPARE(bookmarks.first().stream, stream);
        QCOMPARE(bookmarks.first().version, version);
        QCOMPARE(bookmarks.first().position, 2500);
        QCOMPARE(bookmarks.first().note, u"looks odd"_s);
        QCOMPARE(Workspace::application()->bookmarks(u"/some/other/store.sqlite"_s)->size(), 0);

        window.selectRowWhenLoaded(10);
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"11"_s);
        window.goToBookmark(bookmarks.first());
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"2500"_s);
        QVERIFY(Workspace::application()->removeBookmark(bookmarks.first().id));
        QVERIFY(window.bookmarks().isEmpty());
    }

    // A stream whose name does not give its category (Python eventsourcing names a stream by its aggregate's UUID;
    // the class is in the topics): time travel opens in the category the store holds, folded by the default until a
    // projection is picked for it.
    void timeTravelTakesTheCategoryFromTheStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"shop.sqlite"_s);
        {
            sqlite3* db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            const char* sql
                = "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT,"
                  " state BLOB, PRIMARY KEY (originator_id, originator_version));"
                  "INSERT INTO stored_events VALUES"
                  " ('a1000000000040008000000000000001', 1, 'shop.domain:Account.Opened', '{\"owner\":\"ana\"}'),"
                  " ('c1000000000040008000000000000003', 1, 'shop.domain:Cart.Created', '{}'),"
                  " ('a1000000000040008000000000000001', 2, 'shop.domain:Account.Deposited', '{\"amount\":5}');";
            QCOMPARE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openStore(path);
        QTRY_COMPARE(opened.count(), 1);
        qRegisterMetaType<TimeTravelWindow*>();
        QSignalSpy travelled(&window, &MainWindow::timeTravelOpened);
        window.openTimeTravelOn(u"a1000000000040008000000000000001"_s);
        QTRY_COMPARE(travelled.count(), 1);
        auto* travel = travelled.first().first().value<TimeTravelWindow*>();
        QVERIFY(travel);
        QCOMPARE(travel->category(), u"Account"_s);
        QVERIFY(travel->usesDefaultFold());
        QTRY_COMPARE(travel->eventCount(), 2); // shown at once, without a projection picked
        travel->close();
    }

    void payloadThatIsNotJsonIsMarkedAndShownAsStored()
    {
        QTemporaryDir dir;
        const QString path = TestSupport::handWrittenStore(dir.path());
        MainWindow window;
        window.show();
        const Ui ui = findUi(window);
        auto* tabs = window.findChild<QTabWidget*>(u"inspectorTabs"_s);
        auto* problem = window.findChild<QLabel*>(u"payloadProblemLabel"_s);
        auto* raw = window.findChild<QPlainTextEdit*>(u"payloadRaw"_s);
        auto* hex = window.findChild<QPlainTextEdit*>(u"payloadHex"_s);
        QVERIFY(tabs && problem && raw && hex);

        // The scripted path of --select-stream/--select-row: orders-2 v1 (position 4) is cut-off JSON.
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openStore(path);
        QTRY_COMPARE(opened.count(), 1);
        window.selectStream(u"orders-2"_s);
        window.selectRowWhenLoaded(0);
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"4"_s);
        QCOMPARE(ui.tableModel->filter().stream, u"orders-2"_s);
        QCOMPARE(ui.tree->currentIndex().data(StreamTreeModel::StreamRole).toString(), u"orders-2"_s);
        QVERIFY(problem->isVisibleTo(&window));
        QVERIFY2(problem->text().contains(u"not valid JSON"_s), qPrintable(problem->text()));
        QCOMPARE(labelText(window, u"inspectorPayload"_s), u"text, 13 bytes"_s);
        QCOMPARE(raw->toPlainText(), u"{\"orderId\":2,"_s);
        QCOMPARE(tabs->currentWidget(), raw);

        // Zoë-1 v2 (position 6) is binary: shown as hex.
        window.selectStream(u"Zoë-1"_s);
        window.selectRowWhenLoaded(1);
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"6"_s);
        QCOMPARE(labelText(window, u"inspectorPayload"_s), u"binary, 9 bytes"_s);
        QCOMPARE(hex->toPlainText(), u"00000000  ff fe 00 01 70 68 6f 74  6f                       |....photo|\n"_s);
        QCOMPARE(raw->toPlainText(), hex->toPlainText()); // binary has no text: Raw shows the dump too

        // A JSON payload after that: no marker, the raw text pretty-printed in the stored key order.
        window.selectStream(u"orders-1"_s);
        window.selectRowWhenLoaded(0);
        QTRY_COMPARE(labelText(window, u"inspectorPosition"_s), u"1"_s);
        QVERIFY(!problem->isVisibleTo(&window));
        QCOMPARE(raw->toPlainText(), u"{\n  \"orderId\": 1,\n  \"lines\": [],\n  \"note\": null\n}"_s);

        // Copy path and Copy value of a member picked in the payload tree.
        auto* payloadTree = window.findChild<QTreeView*>(u"payloadTree"_s);
        QVERIFY(payloadTree);
        const QModelIndex top = payloadTree->model()->index(0, 0);
        QCOMPARE(payloadTree->model()->rowCount(top), 3);
        payloadTree->setCurrentIndex(payloadTree->model()->index(0, 0, top));
        window.findChild<QPushButton*>(u"payloadCopyPath"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), u"$.orderId"_s);
        window.findChild<QPushButton*>(u"payloadCopyValue"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), u"1"_s);
        payloadTree->setCurrentIndex(top);
        window.findChild<QPushButton*>(u"payloadCopyValue"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), u"{\"orderId\":1,\"lines\":[],\"note\":null}"_s);
    }

    void badFileIsReportedAndStoreStaysOpen_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("missing") << int(TestSupport::BadFile::Missing);
        QTest::newRow("directory") << int(TestSupport::BadFile::Directory);
        QTest::newRow("empty") << int(TestSupport::BadFile::Empty);
        QTest::newRow("not sqlite") << int(TestSupport::BadFile::NotSqlite);
        QTest::newRow("truncated") << int(TestSupport::BadFile::Truncated);
        QTest::newRow("corrupt pages") << int(TestSupport::BadFile::CorruptPages);
        QTest::newRow("foreign sqlite") << int(TestSupport::BadFile::ForeignSqlite);
    }

    void badFileIsReportedAndStoreStaysOpen()
    {
        QFETCH(int, kind);
        QTemporaryDir badDir;
        const QString bad = TestSupport::badFile(badDir.path(), TestSupport::BadFile(kind));
        // What the store layer says about it, opened and described directly.
        QString expected;
        if (auto store = openStore(bad); !store) {
            expected = store.error().message;
        } else {
            const auto info = store.value()->describe();
            QVERIFY2(!info.ok(), "the bad file opened and described fine");
            expected = info.error().message;
        }

        MainWindow window;
        window.show();
        const Ui ui = findUi(window);
        openDemo(window, ui);
        QTRY_COMPARE(ui.tableModel->rowCount(), 5000);

        QSignalSpy errors(&window, &MainWindow::errorShown);
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openStore(bad);
        QTRY_COMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), expected);
        auto* box = window.findChild<QMessageBox*>(u"errorMessageBox"_s);
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QCOMPARE(box->text(), expected);
        box->close();

        QCOMPARE(opened.count(), 0);
        QCOMPARE(window.storePath(), m_storePath);
        QCOMPARE(window.windowTitle(), u"EventScope — demo-5000.sqlite"_s);
        QCOMPARE(ui.tableModel->store(), m_storePath);
        QCOMPARE(ui.tableModel->rowCount(), 5000);
        QCOMPARE(ui.treeModel->rowCount(), 4);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
