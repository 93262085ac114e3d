#include <core/demo/postgresdemo.h>
#include <core/models/eventtablemodel.h>
#include <core/models/streamtreemodel.h>
#include <postgresserver.h>
#include <testsupport.h>
#include <ui/mainwindow/mainwindow.h>

#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

// The main window on a PostgreSQL store, as a user meets it: it asks for the password the server wants, shows
// the store, and stays usable when the server goes away and comes back; nothing is ever written.
class TestPostgresWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PostgresServer m_server;
    static constexpr qint64 kEvents = 20000;

    StoreLocation readerLocation() const { return *StoreLocation::parse(m_server.uri(u"demo"_s, u"reader"_s)); }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"EventScopeTest"_s);
        // No keyring here: the password lives in the session, as on a machine without one.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(m_dir.filePath(u"no-bus"_s)));
        qputenv("PGPASSFILE", QFile::encodeName(m_dir.filePath(u"no-pgpass"_s)));
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"demo"_s), QString());
        const auto written
            = createDemoStoreInPostgres(*StoreLocation::parse(m_server.uri(u"demo"_s)), {}, DemoOptions { kEvents, 3 });
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        QCOMPARE(m_server.createPasswordRole(u"reader"_s, u"s3cret"_s), QString());
        QCOMPARE(m_server.exec(u"GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"_s, u"demo"_s), QString());
    }

    void asksForThePasswordThenShowsTheStore()
    {
        QTRY_COMPARE(m_server.otherSessions(u"demo"_s), 0); // the writer's statistics are in
        const auto before = m_server.counters(u"demo"_s);
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openLocation(readerLocation(), {});
        // The server wants a password: the prompt comes up, names the store and takes it.
        QDialog* prompt = nullptr;
        QTRY_VERIFY((prompt = window.findChild<QDialog*>(u"passwordPrompt"_s)) && prompt->isVisible());
        prompt->findChild<QLineEdit*>(u"passwordEdit"_s)->setText(u"s3cret"_s);
        prompt->accept();
        QTRY_COMPARE(opened.count(), 1);

        auto* tree = window.findChild<StreamTreeModel*>();
        auto* table = window.findChild<EventTableModel*>();
        QVERIFY(tree && table);
        QTRY_COMPARE(tree->rowCount(), 4);
        QTRY_VERIFY(!table->isCounting());
        QCOMPARE(table->rowCount(), int(kEvents));
        QTRY_COMPARE(window.storeInfo().events, kEvents);
        QVERIFY(window.windowTitle().contains(u"127.0.0.1"_s));
        QVERIFY(!window.windowTitle().contains(u"s3cret"_s));

        // Reload reuses the password of this session: no second prompt.
        QSignalSpy reopened(&window, &MainWindow::storeOpened);
        window.findChild<QAction*>(u"reloadAction"_s)->trigger();
        QTRY_COMPARE(reopened.count(), 1);
        QVERIFY(!window.findChild<QDialog*>(u"passwordPrompt"_s));
        QVERIFY(m_server.counters(u"demo"_s).writesEqual(before));
    }

    // A refusal's kind and SQLSTATE are under the error box's Details.
    void missingDatabaseShowsItsSqlStateUnderDetails()
    {
        MainWindow window;
        window.show();
        QSignalSpy failed(&window, &MainWindow::openFailed);
        window.openLocation(*StoreLocation::parse(m_server.uri(u"nosuchdb"_s)), {});
        QTRY_COMPARE(failed.count(), 1);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(u"errorMessageBox"_s)));
        QVERIFY2(box->text().contains(u"nosuchdb"_s), qPrintable(box->text()));
        QCOMPARE(box->detailedText(), u"Kind: not_found\nSQLSTATE: 3D000"_s);
        box->close();
    }

    void wrongPasswordAsksAgain()
    {
        MainWindow window;
        QSignalSpy failed(&window, &MainWindow::openFailed);
        window.openLocation(readerLocation(), OpenOptions::withPassword(u"wrong"_s));
        QDialog* prompt = nullptr;
        QTRY_VERIFY((prompt = window.findChild<QDialog*>(u"passwordPrompt"_s)) && prompt->isVisible());
        prompt->reject();
        QCOMPARE(failed.count(), 0); // cancelling the prompt is the user's choice, not an error to show
    }

    void serverGoneThenBackKeepsTheWindowUsable()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openStore(m_server.uri(u"demo"_s));
        QTRY_COMPARE(opened.count(), 1);
        auto* table = window.findChild<EventTableModel*>();
        QTRY_VERIFY(!table->isCounting() && table->rowCount() == int(kEvents));

        QCOMPARE(m_server.stop(), QString());
        QSignalSpy errors(table, &EventTableModel::errorOccurred);
        EventFilter filter;
        filter.type = u"CartConfirmed"_s;
        table->setFilter(filter);
        QTRY_COMPARE(errors.count(), 1);
        const auto error = errors.first().at(0).value<StoreError>();
        QCOMPARE(error.kind, StoreError::Kind::Connection);
        QTRY_VERIFY(!table->isLoading());
        QVERIFY(window.isEnabled());
        // A lasting "disconnected" state with Retry, not a status message that goes away.
        auto* banner = window.findChild<QWidget*>(u"disconnectedBanner"_s);
        QVERIFY(banner);
        QTRY_VERIFY(banner->isVisible());
        QVERIFY(window.findChild<QLabel*>(u"disconnectedText"_s)->text().startsWith(u"Disconnected: "_s));
        QCOMPARE(window.statusBar()->currentMessage(), QString());

        // Back again: the same filter reads again, on a reconnect, with the right rows.
        QCOMPARE(m_server.start(), QString());
        table->setFilter(EventFilter {});
        table->setFilter(filter);
        QTRY_VERIFY(!table->isCounting());
        QTRY_VERIFY(table->rowCount() > 0);
        QTRY_VERIFY(!table->data(table->index(0, 0), EventTableModel::LoadingRole).toBool());
        QCOMPARE(table->data(table->index(0, EventTableModel::TypeColumn)).toString(), u"CartConfirmed"_s);
        // Reading again clears it; so does Retry, which opens the store anew.
        QTRY_VERIFY(!banner->isVisible());
        QCOMPARE(m_server.stop(), QString());
        table->setFilter(EventFilter {});
        QTRY_VERIFY(banner->isVisible());
        QCOMPARE(m_server.start(), QString());
        QSignalSpy reopened(&window, &MainWindow::storeOpened);
        window.findChild<QPushButton*>(u"disconnectedRetry"_s)->click();
        QTRY_COMPARE(reopened.count(), 1);
        QVERIFY(!banner->isVisible());
    }
};

QTEST_MAIN(TestPostgresWindow)
#include "tst_postgreswindow.moc"
