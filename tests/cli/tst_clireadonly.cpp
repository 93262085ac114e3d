#include "clirunner.h"

#include <testsupport.h>

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

// Protects the promise that eventscope-cli never writes to a store: after every command the store's
// bytes are the same and no -wal, -shm or -journal file has appeared beside it, in rollback and WAL mode.
class TestCliReadOnly : public QObject
{
    Q_OBJECT

private slots:
    void readOnlyStoreHashUnchanged_data();
    void readOnlyStoreHashUnchanged();
};

namespace {

// Every read command with each of its filters; `stream`, `category` and `type` exist in the store.
QList<QStringList> everyCommand(
    const QString& store, const QString& stream, const QString& category, const QString& type)
{
    return {
        { u"info"_s, store },
        { u"info"_s, store, u"--json"_s },
        { u"streams"_s, store },
        { u"streams"_s, store, u"--filter"_s, u"-"_s, u"--category"_s, category, u"--limit"_s, u"1"_s, u"--json"_s },
        { u"events"_s, store, u"--limit"_s, u"0"_s },
        { u"events"_s, store, u"--json"_s, u"--backward"_s },
        { u"events"_s, store, u"--json"_s, u"--stream"_s, stream },
        { u"events"_s, store, u"--json"_s, u"--category"_s, category, u"--type"_s, type },
        { u"events"_s, store, u"--json"_s, u"--since"_s, u"2024-01-01"_s, u"--until"_s, u"2030-01-01"_s,
            u"--from-position"_s, u"2"_s },
    };
}

void switchToWal(const QString& path)
{
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), SQLITE_OK);
    QCOMPARE(sqlite3_close(db), SQLITE_OK); // the last connection checkpoints and removes -wal and -shm
}

} // namespace

void TestCliReadOnly::readOnlyStoreHashUnchanged_data()
{
    QTest::addColumn<QString>("store");
    QTest::addColumn<bool>("wal");
    QTest::newRow("hand-written") << u"hand"_s << false;
    QTest::newRow("hand-written, WAL mode") << u"hand"_s << true;
    QTest::newRow("demo") << u"demo"_s << false;
    QTest::newRow("demo, WAL mode") << u"demo"_s << true;
}

void TestCliReadOnly::readOnlyStoreHashUnchanged()
{
    QFETCH(QString, store);
    QFETCH(bool, wal);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path
        = store == u"hand"_s ? TestSupport::handWrittenStore(dir.path()) : TestSupport::demoStore(dir.path(), 2000, 7);
    if (wal)
        switchToWal(path);
    const QStringList filesBefore = TestSupport::filesBeside(dir.path());
    QCOMPARE(filesBefore, QStringList { QFileInfo(path).fileName() });
    const QByteArray hashBefore = TestSupport::sha256OfFile(path);
    QVERIFY(!hashBefore.isEmpty());

    const bool hand = store == u"hand"_s;
    const QList<QStringList> commands = hand ? everyCommand(path, u"orders-1"_s, u"orders"_s, u"OrderPlaced"_s)
                                             : everyCommand(path, u"cart-3"_s, u"cart"_s, u"CartCreated"_s);
    for (const QStringList& arguments : commands) {
        const CliRun run = runCli(arguments);
        QVERIFY(run.finished);
        QVERIFY2(run.exitCode == 0, qPrintable(arguments.join(u' ') + u": "_s + QString::fromUtf8(run.err)));
        QVERIFY(!run.out.isEmpty());
        QCOMPARE(TestSupport::filesBeside(dir.path()), filesBefore);
        QCOMPARE(TestSupport::sha256OfFile(path), hashBefore);
    }
}

QTEST_GUILESS_MAIN(TestCliReadOnly)
#include "tst_clireadonly.moc"
