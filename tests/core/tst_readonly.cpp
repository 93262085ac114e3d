#include "sqlitefile.h"

#include <core/dialects/storeopener.h>
#include <testsupport.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::SqliteFile;

// EventScope never changes a store it explores: the file's bytes are the same after every kind of read,
// no -wal/-shm/-journal file appears beside it (also for a WAL store), and an idle open store does not
// hold a lock that would stop the store's own application from writing.
class TestReadOnly : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A demo store alone in a folder of its own, so that filesBeside() sees only what reading added.
    QString storeInOwnFolder(const QString& folder)
    {
        QDir(m_dir.path()).mkpath(folder);
        return TestSupport::demoStore(QDir(m_dir.path()).filePath(folder), 3000, 13);
    }

    // Every kind of read the GUI and the CLI do.
    static void readEverything(EventStore& store)
    {
        QVERIFY(store.describe());
        QVERIFY(store.categories({}));
        QVERIFY(store.categories(CategoryQuery { u"^cart"_s, {}, {} }));
        const auto streams = store.streams({});
        QVERIFY(streams && !streams->isEmpty());
        QVERIFY(store.eventTypes());
        for (const ReadDirection direction : { ReadDirection::Forward, ReadDirection::Backward }) {
            EventPageRequest request;
            request.direction = direction;
            request.limit = 500;
            const auto page = store.readEvents(request);
            QVERIFY(page);
            request.start = KeyBound { page->events.last().position, false };
            QVERIFY(store.readEvents(request));
            request.filter.stream = streams->first().stream;
            request.start.reset();
            QVERIFY(store.readEvents(request));
        }
        QVERIFY(store.denseKeys({}));
        QVERIFY(store.scanKeys({}, 256, [](const QList<qint64>&, qint64) { return true; }));
        QVERIFY(
            store.scanKeys({ {}, {}, u"ItemAdded"_s, {}, {} }, 16, [](const QList<qint64>&, qint64) { return true; }));
        QVERIFY(store.keyAtPosition({}, 1500));
        QVERIFY(store.keyAtTime({}, 1704067200000 + 3600000));
        for (const StreamInfo& stream : *streams)
            QVERIFY(store.snapshots(stream.stream));
    }

    // Another program commits a write while EventScope has the store open and idle.
    static int writeFromAnotherConnection(const QString& path)
    {
        SqliteFile writer(path);
        sqlite3_busy_timeout(writer.handle(), 0); // a lock held by the reader would fail at once, not wait
        return writer.exec(
            "BEGIN IMMEDIATE; INSERT OR REPLACE INTO eventscope_meta VALUES ('written', 'while open'); COMMIT");
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readOnlyStoreHashUnchanged()
    {
        const QString path = storeInOwnFolder(u"rollback"_s);
        const QString folder = QFileInfo(path).absolutePath();
        const QByteArray before = TestSupport::sha256OfFile(path);
        QVERIFY(!before.isEmpty());
        {
            auto store = openStore(path);
            QVERIFY(store);
            readEverything(**store);
            QCOMPARE(TestSupport::filesBeside(folder), QStringList { QFileInfo(path).fileName() });
        }
        QCOMPARE(TestSupport::sha256OfFile(path), before);
        QCOMPARE(TestSupport::filesBeside(folder), QStringList { QFileInfo(path).fileName() });
    }

    void walStoreOpensWithoutSideFiles()
    {
        const QString path = storeInOwnFolder(u"wal"_s);
        const QString folder = QFileInfo(path).absolutePath();
        {
            SqliteFile converter(path);
            QCOMPARE(converter.value("PRAGMA journal_mode=WAL"), QByteArray("wal"));
        }
        // Closed cleanly: the WAL was checkpointed and removed, the header now says WAL (bytes 18 and 19 are 2).
        QCOMPARE(TestSupport::filesBeside(folder), QStringList { QFileInfo(path).fileName() });
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray header = file.read(20);
        QCOMPARE(int(header[18]), 2);
        QCOMPARE(int(header[19]), 2);
        file.close();

        const QByteArray before = TestSupport::sha256OfFile(path);
        {
            auto store = openStore(path);
            QVERIFY2(store, store ? "" : qPrintable(store.error().message));
            QCOMPARE(TestSupport::filesBeside(folder), QStringList { QFileInfo(path).fileName() });
            readEverything(**store);
            QCOMPARE(TestSupport::filesBeside(folder), QStringList { QFileInfo(path).fileName() });
        }
        QCOMPARE(TestSupport::sha256OfFile(path), before);
        QCOMPARE(TestSupport::filesBeside(folder), QStringList { QFileInfo(path).fileName() });
    }

    void readOnlyFileOpens()
    {
        const QString path = storeInOwnFolder(u"read-only-file"_s);
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        const QByteArray before = TestSupport::sha256OfFile(path);
        {
            auto store = openStore(path);
            QVERIFY(store);
            readEverything(**store);
        }
        QCOMPARE(TestSupport::sha256OfFile(path), before);
        QCOMPARE(TestSupport::filesBeside(QFileInfo(path).absolutePath()), QStringList { QFileInfo(path).fileName() });
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    void idleOpenStoreDoesNotBlockWriters()
    {
        // A read left part-way (a LIMIT 1 lookup, a cancelled scan) would keep a read transaction and its
        // SHARED lock; the store's own application could then not commit while EventScope is open.
        const QString path = storeInOwnFolder(u"writer"_s);
        auto store = openStore(path);
        QVERIFY(store);
        QCOMPARE(writeFromAnotherConnection(path), SQLITE_OK); // right after detecting the dialect

        readEverything(**store);
        QCOMPARE(writeFromAnotherConnection(path), SQLITE_OK);

        QVERIFY((*store)->keyAtTime({ u"no-such-stream"_s, {}, {}, {}, {} }, 0));
        QVERIFY((*store)->keyAtTime({ {}, u"cart"_s, {}, {}, {} }, 1704067200000 + 3600000));
        QVERIFY((*store)->denseKeys({ (*store)->streams({})->first().stream, {}, {}, {}, {} }));
        QCOMPARE(writeFromAnotherConnection(path), SQLITE_OK);

        auto stopped = (*store)->scanKeys({}, 1, [](const QList<qint64>&, qint64) { return false; });
        QCOMPARE(stopped.error().kind, StoreError::Kind::Cancelled);
        QCOMPARE(writeFromAnotherConnection(path), SQLITE_OK);

        // And the writes are seen by the next read.
        const auto info = (*store)->describe();
        QVERIFY(info);
        QCOMPARE(info->events, 3000);
    }
};

QTEST_GUILESS_MAIN(TestReadOnly)
#include "tst_readonly.moc"
