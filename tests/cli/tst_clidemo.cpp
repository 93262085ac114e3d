#include "clirunner.h"

#include <testsupport.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

// Protects `eventscope-cli demo create`: it writes a readable store, never overwrites a file, and the
// same seed and size give the same bytes (so bug reports and golden tests can name a store by its seed).
class TestCliDemo : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void createsReadableStore();
    void refusesToOverwriteExistingFile();
    void sameSeedGivesIdenticalFiles();
    void failureToWriteExitsOne();

private:
    QString path(const QString& name) const { return QDir(m_dir.path()).filePath(name); }

    QTemporaryDir m_dir;
};

void TestCliDemo::createsReadableStore()
{
    const QString store = path(u"created.sqlite"_s);
    const CliRun run
        = runCli({ u"demo"_s, u"create"_s, store, u"--events"_s, u"3000"_s, u"--seed"_s, u"5"_s, u"--json"_s });
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.err, QByteArray()); // stderr is not a terminal here: no progress
    const QJsonObject summary = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(summary.value(u"store"_s).toString(), store);
    QCOMPARE(summary.value(u"events"_s).toInteger(), 3000);
    QCOMPARE(summary.value(u"seed"_s).toInteger(), 5);
    QVERIFY(!QFile::exists(store + u".part"_s));

    const CliRun info = runCli({ u"info"_s, store, u"--json"_s });
    QCOMPARE(info.exitCode, 0);
    const QJsonObject described = QJsonDocument::fromJson(info.out).object();
    QCOMPARE(described.value(u"events"_s).toInteger(), 3000);
    QCOMPARE(described.value(u"streams"_s).toInteger(), summary.value(u"streams"_s).toInteger());
    QCOMPARE(described.value(u"snapshots"_s).toInteger(), summary.value(u"snapshots"_s).toInteger());
    QCOMPARE(described.value(u"dialect"_s).toString(), u"eventscope"_s);
}

void TestCliDemo::refusesToOverwriteExistingFile()
{
    const QString existing = path(u"precious.sqlite"_s);
    {
        QFile file(existing);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("my data\n");
    }
    const QByteArray hash = TestSupport::sha256OfFile(existing);
    const CliRun run = runCli({ u"demo"_s, u"create"_s, existing, u"--events"_s, u"100"_s });
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.out, QByteArray());
    QCOMPARE(QString::fromUtf8(run.err),
        u"eventscope-cli: %1: already exists; demo create never overwrites a file\nTry 'eventscope-cli help demo'.\n"_s
            .arg(existing));
    QCOMPARE(TestSupport::sha256OfFile(existing), hash);
}

void TestCliDemo::sameSeedGivesIdenticalFiles()
{
    const auto create = [this](const QString& name, const QString& seed) {
        const QString store = path(name);
        const CliRun run = runCli({ u"demo"_s, u"create"_s, store, u"--events"_s, u"5000"_s, u"--seed"_s, seed });
        return run.exitCode == 0 ? TestSupport::sha256OfFile(store) : QByteArray();
    };
    const QByteArray first = create(u"seed-3-a.sqlite"_s, u"3"_s);
    const QByteArray second = create(u"seed-3-b.sqlite"_s, u"3"_s);
    const QByteArray other = create(u"seed-4.sqlite"_s, u"4"_s);
    QVERIFY(!first.isEmpty());
    QCOMPARE(second, first);
    QVERIFY(!other.isEmpty());
    QVERIFY(other != first);
}

void TestCliDemo::failureToWriteExitsOne()
{
    // A path below a regular file: the folder cannot be created.
    const QString blocker = path(u"a-file"_s);
    {
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const QString store = blocker + u"/store.sqlite"_s;
    const CliRun run = runCli({ u"demo"_s, u"create"_s, store, u"--events"_s, u"100"_s });
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QByteArray());
    const QByteArray expectedStart = QByteArray("eventscope-cli: ") + QFile::encodeName(blocker);
    QVERIFY2(run.err.startsWith(expectedStart), run.err.constData());
    QVERIFY(!QFile::exists(store));
}

QTEST_GUILESS_MAIN(TestCliDemo)
#include "tst_clidemo.moc"
