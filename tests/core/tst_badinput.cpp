#include "sqlitefile.h"

#include <core/dialects/storeopener.h>
#include <core/model/payload.h>
#include <testsupport.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::SqliteFile;

// The files users really point EventScope at: each gets its own error kind and a message that names
// the file; a locked store fails within seconds instead of hanging; corrupt pages fail a read, not the process.
class TestBadInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString copyOfDemo(const QString& name, qint64 events = 3000)
    {
        const QString source = TestSupport::demoStore(m_dir.path(), events, 11);
        const QString path = QDir(m_dir.path()).filePath(name);
        QFile::remove(path);
        QFile::rename(source, path);
        return path;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void badFilesGiveTheirOwnError_data()
    {
        QTest::addColumn<TestSupport::BadFile>("file");
        QTest::addColumn<StoreError::Kind>("kind");
        QTest::addColumn<QString>("words"); // part of the message a user reads
        QTest::newRow("missing") << TestSupport::BadFile::Missing << StoreError::Kind::NotFound << u"no such file"_s;
        QTest::newRow("directory") << TestSupport::BadFile::Directory << StoreError::Kind::NotAFile
                                   << u"is a directory"_s;
        QTest::newRow("empty") << TestSupport::BadFile::Empty << StoreError::Kind::Empty << u"is empty"_s;
        QTest::newRow("not sqlite") << TestSupport::BadFile::NotSqlite << StoreError::Kind::NotSqlite
                                    << u"not a SQLite database"_s;
        QTest::newRow("truncated") << TestSupport::BadFile::Truncated << StoreError::Kind::Corrupt << u"truncated"_s;
        QTest::newRow("corrupt pages") << TestSupport::BadFile::CorruptPages << StoreError::Kind::Corrupt
                                       << u"corrupt"_s;
        QTest::newRow("foreign sqlite") << TestSupport::BadFile::ForeignSqlite << StoreError::Kind::UnknownSchema
                                        << u"orders, products"_s;
    }
    void badFilesGiveTheirOwnError()
    {
        QFETCH(TestSupport::BadFile, file);
        QFETCH(StoreError::Kind, kind);
        QFETCH(QString, words);
        const QString path = TestSupport::badFile(m_dir.path(), file);
        const auto store = openStore(path);
        QVERIFY(!store);
        QCOMPARE(store.error().kind, kind);
        QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
        QVERIFY2(store.error().message.contains(words), qPrintable(store.error().message));
    }

    void unreadableFileSaysSo()
    {
        if (::geteuid() == 0)
            QSKIP("root reads every file");
        const QString path = copyOfDemo(u"unreadable.sqlite"_s);
        QFile::setPermissions(path, QFileDevice::WriteOwner);
        const auto store = openStore(path);
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(!store);
        QCOMPARE(store.error().kind, StoreError::Kind::NotReadable);
        QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
    }

    void lockedStoreFailsWithinSeconds()
    {
        // Another program holds an EXCLUSIVE lock on a rollback-journal store (it is mid-commit).
        const QString path = copyOfDemo(u"locked.sqlite"_s);
        SqliteFile writer(path);
        QVERIFY(writer.isOpen());
        QCOMPARE(writer.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
        QCOMPARE(writer.exec("INSERT INTO eventscope_meta VALUES ('note', 'being written')"), SQLITE_OK);

        QElapsedTimer timer;
        timer.start();
        const auto store = openStore(path);
        const qint64 elapsed = timer.elapsed();
        QVERIFY(!store);
        QCOMPARE(store.error().kind, StoreError::Kind::Locked);
        QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
        QVERIFY2(store.error().message.contains(u"locked"_s), qPrintable(store.error().message));
        QVERIFY2(elapsed < 5000, qPrintable(u"took %1 ms"_s.arg(elapsed)));
        qInfo("a locked store was reported after %lld ms", elapsed);

        // Once the writer is done, the store opens.
        QCOMPARE(writer.exec("COMMIT"), SQLITE_OK);
        QVERIFY(openStore(path));
    }

    void storeLockedAfterOpeningFailsOnRead()
    {
        const QString path = copyOfDemo(u"locked-later.sqlite"_s);
        auto store = openStore(path);
        QVERIFY(store);
        SqliteFile writer(path);
        QCOMPARE(writer.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
        QCOMPARE(writer.exec("INSERT INTO eventscope_meta VALUES ('note', 'being written')"), SQLITE_OK);

        QElapsedTimer timer;
        timer.start();
        EventPageRequest request;
        request.direction = ReadDirection::Backward;
        const auto page = (*store)->readEvents(request);
        QVERIFY(!page);
        QCOMPARE(page.error().kind, StoreError::Kind::Locked);
        QVERIFY(timer.elapsed() < 5000);

        QCOMPARE(writer.exec("ROLLBACK"), SQLITE_OK);
        const auto again = (*store)->readEvents(request);
        QVERIFY2(again, again ? "" : qPrintable(again.error().message));
        QCOMPARE(again->events.first().position, 3000);
    }

    void walStoreWithExclusiveWriterIsLocked()
    {
        // A WAL store whose writer uses locking_mode=EXCLUSIVE (no -shm): readers cannot get in.
        const QString path = copyOfDemo(u"wal-exclusive.sqlite"_s);
        {
            SqliteFile converter(path);
            QCOMPARE(converter.value("PRAGMA journal_mode=WAL"), QByteArray("wal"));
        }
        SqliteFile writer(path);
        QCOMPARE(writer.value("PRAGMA locking_mode=EXCLUSIVE"), QByteArray("exclusive"));
        QCOMPARE(writer.exec("INSERT INTO eventscope_meta VALUES ('note', 'being written')"), SQLITE_OK);
        QVERIFY(QFileInfo::exists(path + u"-wal"_s));

        QElapsedTimer timer;
        timer.start();
        const auto store = openStore(path);
        QVERIFY(!store);
        QCOMPARE(store.error().kind, StoreError::Kind::Locked);
        QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
        QVERIFY(timer.elapsed() < 5000);
    }

    void corruptPagesFailOnRead()
    {
        // The schema is intact but the events table's root page is garbage: the store opens, and reading
        // its events fails with Corrupt instead of crashing or returning wrong rows.
        const QString path = copyOfDemo(u"corrupt-events.sqlite"_s);
        int rootPage = 0;
        int pageSize = 0;
        {
            SqliteFile file(path, SQLITE_OPEN_READONLY);
            rootPage = file.value("SELECT rootpage FROM sqlite_schema WHERE name = 'events'").toInt();
            pageSize = file.value("PRAGMA page_size").toInt();
        }
        QVERIFY(rootPage > 1);
        QVERIFY(pageSize >= 512);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            file.seek(qint64(rootPage - 1) * pageSize);
            file.write(QByteArray(pageSize, '\x5a'));
        }
        auto store = openStore(path);
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        // Streams live in another table: still readable.
        QVERIFY((*store)->streams({}));

        EventPageRequest request;
        const auto page = (*store)->readEvents(request);
        QVERIFY(!page);
        QCOMPARE(page.error().kind, StoreError::Kind::Corrupt);
        QVERIFY2(page.error().message.contains(path), qPrintable(page.error().message));

        const auto scan = (*store)->scanKeys({}, 256, [](const QList<qint64>&, qint64) { return true; });
        QVERIFY(!scan);
        QCOMPARE(scan.error().kind, StoreError::Kind::Corrupt);
        // The connection is still usable after the error.
        QVERIFY((*store)->streams({}));
    }

    void corruptIndexFailsOnRead()
    {
        // Garbage in the last pages of the file (indexes are built last): whatever a read touches
        // either works or says Corrupt; nothing crashes.
        const QString path = copyOfDemo(u"corrupt-tail.sqlite"_s);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            const qint64 size = file.size();
            file.seek(size - size / 4);
            file.write(QByteArray(size / 4, '\x5a'));
        }
        auto store = openStore(path);
        if (!store) {
            QCOMPARE(store.error().kind, StoreError::Kind::Corrupt);
            return;
        }
        int corrupt = 0;
        const auto count = [&](StoreError::Kind kind) {
            QCOMPARE(kind, StoreError::Kind::Corrupt);
            ++corrupt;
        };
        if (auto info = (*store)->describe(); !info)
            count(info.error().kind);
        if (auto types = (*store)->eventTypes(); !types)
            count(types.error().kind);
        for (const QString& type : { u"ItemAdded"_s, u"FundsDeposited"_s }) {
            EventPageRequest request;
            request.filter.type = type;
            request.limit = 5000;
            if (auto page = (*store)->readEvents(request); !page)
                count(page.error().kind);
        }
        EventPageRequest byTime;
        byTime.filter.sinceMs = 1704067200000 + 3600000;
        if (auto page = (*store)->readEvents(byTime); !page)
            count(page.error().kind);
        QVERIFY2(corrupt > 0, "garbage over a quarter of the file went unnoticed");
    }

    void badPayloadsAreReturnedAsBytes()
    {
        auto store = openStore(TestSupport::handWrittenStore(m_dir.path()));
        QVERIFY(store);
        EventPageRequest request;
        const auto page = (*store)->readEvents(request);
        QVERIFY(page);
        QCOMPARE(page->events.size(), 8);
        QCOMPARE(page->events[3].data, QByteArray(R"({"orderId":2,)"));
        QCOMPARE(classifyPayload(page->events[3].data), PayloadKind::Text);
        QCOMPARE(page->events[5].data, QByteArray("\xff\xfe\x00\x01photo", 9));
        QCOMPARE(classifyPayload(page->events[5].data), PayloadKind::Binary);
        QCOMPARE(payloadPreview(page->events[5].data), u"<binary, 9 bytes>"_s);
        QCOMPARE(payloadJsonText(page->events[5].data), QByteArray("{\"$base64\":\"//4AAXBob3Rv\"}"));
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
