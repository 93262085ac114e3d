// The snapshots window and the snapshot compare window (issue 16) on a real demo store under offscreen Qt: the
// list is the store's snapshots of the stream, and a comparison with a replay finds exactly the snapshot the
// demo generator wrote wrong on purpose, names what differs, and matches once those keys are ignored.
#include <core/dialects/storeopener.h>
#include <core/jobs/openstore.h>
#include <core/models/snapshotlistmodel.h>
#include <core/replay/aggregatestate.h>
#include <core/snapshots/snapshotcoverage.h>
#include <core/snapshots/verifyresultsmodel.h>
#include <core/workspace/workspace.h>
#include <testsupport.h>
#include <ui/snapshots/aggregatestatewindow.h>
#include <ui/snapshots/snapshotcomparewindow.h>
#include <ui/snapshots/snapshotswindow.h>
#include <ui/snapshots/verifywindow.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

// The demo's account snapshots hold {balanceCents, overdraftLimitCents, transactions, status}: the fold that
// rebuilds them (not the time-travel projection, whose state has more).
constexpr auto kAccountSnapshotProjection = R"(fromCategory('account').foreachStream().when({
  $init: function () { return { balanceCents: 0, overdraftLimitCents: 0, transactions: 0, status: 'open' }; },
  AccountOpened: function (s, e) { s.overdraftLimitCents = e.body.overdraftLimitCents; },
  FundsDeposited: function (s, e) { s.balanceCents += e.body.amountCents; s.transactions += 1; },
  FundsWithdrawn: function (s, e) { s.balanceCents -= e.body.amountCents; s.transactions += 1; },
  OverdraftLimitChanged: function (s, e) { s.overdraftLimitCents = e.body.limitCents; },
  AccountClosed: function (s, e) { s.status = 'closed'; }
}))";

} // namespace

class TestSnapshotsWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_storePath;
    QString m_projection;
    QSet<QString> m_planted; // "stream@version" of every drifted snapshot
    QString m_driftedStream; // an account stream with a snapshot written wrong
    qint64 m_driftedVersion = 0;

    std::unique_ptr<SnapshotsWindow> openList(const QString& stream)
    {
        auto window = std::make_unique<SnapshotsWindow>(OpenStore::fromText(m_storePath), stream, u"account"_s);
        window->setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy loaded(window.get(), &SnapshotsWindow::loaded);
        window->show();
        if (!loaded.wait(20000))
            return nullptr;
        return window;
    }

    // Compares `version` of the drifted stream; the verdict once the replay is in.
    QString compareVersion(SnapshotsWindow& list, qint64 version, std::unique_ptr<SnapshotCompareWindow>& out)
    {
        const QList<Snapshot>& snapshots = list.model()->snapshots();
        const auto it = std::find_if(
            snapshots.cbegin(), snapshots.cend(), [version](const Snapshot& s) { return s.version == version; });
        if (it == snapshots.cend())
            return u"no such snapshot"_s;
        out = std::make_unique<SnapshotCompareWindow>(
            OpenStore::fromText(m_storePath), m_driftedStream, u"account"_s, *it);
        out->setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy compared(out.get(), &SnapshotCompareWindow::compared);
        out->setProjection(m_projection);
        if (!QTest::qWaitFor([&] { return out->verdict() == u"match"_s || out->verdict() == u"drift"_s; }, 20000))
            return out->verdict();
        return out->verdict();
    }

    // Remembered projection choices and compare settings (the workspace's), forgotten between tests.
    static void forgetChoices()
    {
        if (Workspace* workspace = Workspace::application())
            QVERIFY(workspace->forgetSettings());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(u"config"_s)));
        QCoreApplication::setOrganizationName(u"EventScopeTest"_s);
        QCoreApplication::setApplicationName(u"tst_snapshotswindow"_s);
        Workspace::setApplicationPath(m_dir.filePath(u"workspace.sqlite"_s));
        forgetChoices();
        m_storePath = TestSupport::demoStore(m_dir.path(), 30000);
        m_projection = m_dir.filePath(u"account-snapshot.js"_s);
        QFile file(m_projection);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kAccountSnapshotProjection);
        file.close();
        // What the generator planted, from its own record in the store.
        sqlite3* db = nullptr;
        QCOMPARE(
            sqlite3_open_v2(QFile::encodeName(m_storePath).constData(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* statement = nullptr;
        QCOMPARE(sqlite3_prepare_v2(db, "SELECT value FROM eventscope_meta WHERE key = 'demo_drifted_snapshots'", -1,
                     &statement, nullptr),
            SQLITE_OK);
        QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
        const QByteArray planted(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        sqlite3_finalize(statement);
        sqlite3_close(db);
        for (const QJsonValue& entry : QJsonDocument::fromJson(planted).array())
            m_planted.insert(u"%1@%2"_s.arg(entry[u"stream"_s].toString()).arg(entry[u"version"_s].toInteger()));
        for (const QJsonValue& entry : QJsonDocument::fromJson(planted).array()) {
            if (entry[u"stream"_s].toString().startsWith(u"account-"_s)) {
                m_driftedStream = entry[u"stream"_s].toString();
                m_driftedVersion = entry[u"version"_s].toInteger();
                break;
            }
        }
        QVERIFY2(!m_driftedStream.isEmpty(), "the demo store has a drifted account snapshot");
    }

    void listsTheStreamsSnapshots()
    {
        auto window = openList(m_driftedStream);
        QVERIFY(window);
        QAbstractItemModelTester tester(window->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<Snapshot>& snapshots = window->model()->snapshots();
        QVERIFY(snapshots.size() >= 2);
        for (qsizetype i = 0; i < snapshots.size(); ++i) {
            QCOMPARE(snapshots.at(i).stream, m_driftedStream);
            QCOMPARE(snapshots.at(i).version % 10, 0); // the generator snapshots every 10 events
            if (i > 0)
                QVERIFY(snapshots.at(i).version > snapshots.at(i - 1).version);
        }
        const QModelIndex version = window->model()->index(0, SnapshotListModel::VersionColumn);
        QCOMPARE(version.data().toLongLong(), snapshots.first().version);
        QCOMPARE(version.data(SnapshotListModel::StateRole).toByteArray(), snapshots.first().state);
        // The latest is selected.
        QCOMPARE(window->view()->currentIndex().row(), int(snapshots.size() - 1));
    }

    void driftedSnapshotDriftsAndTheOneBeforeMatches()
    {
        auto list = openList(m_driftedStream);
        QVERIFY(list);
        std::unique_ptr<SnapshotCompareWindow> drifted;
        QCOMPARE(compareVersion(*list, m_driftedVersion, drifted), u"drift"_s);
        // The generator adds 100 cents to the balance of a drifted account snapshot, and nothing else.
        QCOMPARE(drifted->differences().changes.size(), 1);
        const JsonChange& change = drifted->differences().changes.first();
        QCOMPARE(change.path.toString(), u"balanceCents"_s);
        QCOMPARE(change.oldValue.toInteger() - change.newValue.toInteger(), 100);
        std::unique_ptr<SnapshotCompareWindow> good;
        QCOMPARE(compareVersion(*list, m_driftedVersion - 10, good), u"match"_s);
        QVERIFY(good->differences().isEqual());
        // The replayed state is the fold's, whatever the snapshot says.
        QVERIFY(QJsonDocument::fromJson(good->replayedState()).object().contains(u"balanceCents"_s));

        // Ignoring exactly the keys that differ turns the drift into a match.
        QStringList keys;
        for (const JsonChange& change : drifted->differences().changes)
            keys.append(change.path.toString().section(u'.', -1));
        QSignalSpy compared(drifted.get(), &SnapshotCompareWindow::compared);
        drifted->setIgnored(keys.join(u", "_s));
        QCOMPARE(drifted->verdict(), u"match"_s);
    }

    // With nothing chosen, the demo's own snapshot projection is used, and it rebuilds the demo's snapshots.
    void theDemosSnapshotProjectionIsTheDefault()
    {
        forgetChoices();
        auto list = openList(m_driftedStream);
        QVERIFY(list);
        const QList<Snapshot>& snapshots = list->model()->snapshots();
        const auto good = std::find_if(snapshots.cbegin(), snapshots.cend(),
            [this](const Snapshot& s) { return s.version == m_driftedVersion - 10; });
        QVERIFY(good != snapshots.cend());
        SnapshotCompareWindow window(OpenStore::fromText(m_storePath), m_driftedStream, u"account"_s, *good);
        window.setAttribute(Qt::WA_DeleteOnClose, false);
        QVERIFY(QTest::qWaitFor([&] { return !window.verdict().isEmpty(); }, 20000));
        QCOMPARE(window.verdict(), u"match"_s);
    }

    // Verify Snapshots over the whole store: the table fills with exactly the planted drifts; the report exports.
    void verifyWindowFindsThePlantedDrifts()
    {
        forgetChoices();
        VerifyWindow window(OpenStore::fromText(m_storePath));
        window.setAttribute(Qt::WA_DeleteOnClose, false);
        QAbstractItemModelTester tester(window.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy finished(&window, &VerifyWindow::verifyFinished);
        window.show();
        window.start();
        QVERIFY(finished.wait(60000));
        QVERIFY(finished.first().first().toBool());
        QSet<QString> found;
        for (int row = 0; row < window.model()->rowCount(); ++row) {
            const SnapshotCheck* check = window.model()->checkAt(row);
            QCOMPARE(check->status, SnapshotCheck::Status::Drift);
            found.insert(u"%1@%2"_s.arg(check->stream).arg(check->version));
        }
        QCOMPARE(found, m_planted);
        QCOMPARE(window.model()->counts().drift, m_planted.size());
        QVERIFY(window.model()->counts().match > 1000);
        const QString report = m_dir.filePath(u"report.html"_s);
        QVERIFY(window.exportTo(report));
        QFile html(report);
        QVERIFY(html.open(QIODevice::ReadOnly));
        QVERIFY(html.readAll().contains(m_driftedStream.toUtf8()));
    }

    // The stream tree's "Current State": from the latest snapshot plus newer events, through the demo's snapshot
    // projection; the drifted stream's latest snapshot is a good one, so the state is the fold from zero's.
    void currentStateComesFromTheLatestSnapshot()
    {
        forgetChoices();
        AggregateStateWindow window(OpenStore::fromText(m_storePath), m_driftedStream, u"account"_s);
        window.setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy loaded(&window, &AggregateStateWindow::loaded);
        QVERIFY(loaded.wait(20000));
        QVERIFY(loaded.first().first().toBool());
        auto store = openStore(m_storePath);
        QVERIFY(store);
        QFile file(u":/eventscope/demo-projections/account.snapshot.js"_s);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto fromZero = AggregateState::load(
            **store, m_driftedStream, QString::fromUtf8(file.readAll()), u"account.snapshot.js"_s, false);
        QVERIFY(fromZero && fromZero->state);
        const QList<Snapshot> snapshots = *(*store)->snapshots(m_driftedStream);
        const qint64 latest = snapshots.constLast().version;
        if (m_planted.contains(u"%1@%2"_s.arg(m_driftedStream).arg(latest)))
            QSKIP("the latest snapshot of this stream is a planted drift");
        QCOMPARE(QJsonDocument::fromJson(window.stateText()), QJsonDocument::fromJson(*fromZero->state));
        QVERIFY2(window.provenance().contains(u"from the snapshot at version %1"_s.arg(latest)),
            qPrintable(window.provenance()));
    }

    // Coverage per category: the demo snapshots every 10 events; the counts are the store's own.
    void coverageIsMeasuredPerCategory()
    {
        forgetChoices();
        auto store = openStore(m_storePath);
        QVERIFY(store);
        const auto measured = SnapshotCoverage::measure(**store, SnapshotProjections::demo());
        QVERIFY(measured);
        QCOMPARE(measured->size(), 3);
        for (const SnapshotCoverage::Category& category : *measured) {
            QVERIFY(category.streams > 10);
            QVERIFY(category.snapshots > 0);
            QCOMPARE(category.meanInterval, 10.0);
            QVERIFY(category.meanEventsSinceSnapshot >= 0 && category.meanEventsSinceSnapshot < 10);
            QVERIFY(category.maxEventsSinceSnapshot < 10 || category.streamsWithSnapshots < category.streams);
            QVERIFY(category.sampled > 0);
            QVERIFY(category.loadFromSnapshotMs > 0 && category.loadFromZeroMs > 0);
        }
        qint64 snapshots = 0;
        for (const SnapshotCoverage::Category& category : *measured)
            snapshots += category.snapshots;
        // Every snapshot of the store, counted once.
        VerifyWindow window(OpenStore::fromText(m_storePath));
        window.setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy measuredSpy(&window, &VerifyWindow::coverageMeasured);
        window.showCoverage();
        QVERIFY(measuredSpy.wait(60000));
        QVERIFY(measuredSpy.first().first().toBool());
        auto* table = window.findChild<QTableWidget*>(u"coverageTable"_s);
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 3);
        QSignalSpy verified(&window, &VerifyWindow::verifyFinished);
        window.start();
        QVERIFY(verified.wait(60000));
        QCOMPARE(window.model()->counts().snapshots, snapshots);
    }

    void aBadIgnoreIsAnErrorNotAMatch()
    {
        auto list = openList(m_driftedStream);
        QVERIFY(list);
        std::unique_ptr<SnapshotCompareWindow> window;
        QCOMPARE(compareVersion(*list, m_driftedVersion, window), u"drift"_s);
        window->setIgnored(u"$.[broken"_s);
        QCOMPARE(window->verdict(), u"error"_s);
    }
};

QTEST_MAIN(TestSnapshotsWindow)
#include "tst_snapshotswindow.moc"
