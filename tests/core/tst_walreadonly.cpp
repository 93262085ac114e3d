#include "sqlitefile.h"

#include <core/dialects/storeopener.h>
#include <core/store/sqlite/readonlyvfs.h>
#include <core/store/sqlite/sqlitedatabase.h>
#include <core/store/sqlite/sqlitestatement.h>
#include <testsupport.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::SqliteFile;

// A read-only open of a SQLite store, in rollback and in WAL mode, while another program (a child process:
// this test binary started with --writer) writes to it: no file appears beside the store, no file the reader
// can reach changes, every committed row is read (also rows only in the -wal), a reopen (what Reload does)
// shows the writer's commits, and no read mixes two committed states.
//
// The table `t` keeps an invariant in every committed transaction: all rows have the same `gen`, and
// `meta.rows` is the number of rows. A read that mixed two transactions would see two gens or a wrong count.
namespace {

constexpr int kBaseRows = 2000; // 600-byte rows: about 330 pages, far more than one read touches at once
constexpr int kWalRows = 50; // rows committed only in a leftover -wal

// ---- The writer: another program on the same file, driven line by line over stdin. -------------------------
int runWriter(const char* path)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        return 2;
    sqlite3_busy_timeout(db, 10000);
    sqlite3_exec(db, "PRAGMA wal_autocheckpoint=40", nullptr, nullptr, nullptr); // checkpoints and log restarts
    std::string line;
    qint64 gen = 1000;
    while (std::getline(std::cin, line)) {
        int rc = SQLITE_OK;
        if (line.rfind("commit ", 0) == 0) {
            // n transactions, each moving every row to a new gen and adding one row
            const int n = std::stoi(line.substr(7));
            for (int i = 0; i < n && rc == SQLITE_OK; ++i) {
                ++gen;
                const std::string sql = "BEGIN IMMEDIATE; UPDATE t SET gen=" + std::to_string(gen)
                    + "; INSERT INTO t(gen, pad) VALUES(" + std::to_string(gen)
                    + ", randomblob(600)); UPDATE meta SET rows=rows+1, gen=" + std::to_string(gen) + "; COMMIT";
                rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
            }
        } else if (line == "native") {
            // one event appended to the first stream of a native store, its count kept in step
            rc = sqlite3_exec(db,
                "BEGIN IMMEDIATE;"
                "INSERT INTO events(position, stream_id, version, type, time, event_id, data, metadata)"
                " SELECT (SELECT max(position) FROM events) + 1, stream_id, last_version + 1, 'Appended',"
                " (SELECT max(time) FROM events), randomblob(16), '{}', NULL"
                " FROM streams ORDER BY stream_id LIMIT 1;"
                "UPDATE streams SET event_count = event_count + 1, last_version = last_version + 1"
                " WHERE stream_id = (SELECT min(stream_id) FROM streams);"
                "COMMIT",
                nullptr, nullptr, nullptr);
        } else if (line == "begin") {
            rc = sqlite3_exec(db, "BEGIN IMMEDIATE; UPDATE meta SET gen=-1", nullptr, nullptr, nullptr);
        } else if (line == "rollback") {
            rc = sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        } else if (line == "checkpoint") {
            rc = sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
        } else if (line == "quit") {
            break;
        }
        std::cout << (rc == SQLITE_OK ? "ok" : "error ") << (rc == SQLITE_OK ? "" : sqlite3_errmsg(db)) << std::endl;
    }
    sqlite3_close_v2(db);
    return 0;
}

// The parent's handle on a writer process.
class Writer
{
public:
    explicit Writer(const QString& path)
    {
        m_process.setProgram(QCoreApplication::applicationFilePath());
        m_process.setArguments({ u"--writer"_s, path });
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
    }
    ~Writer()
    {
        if (m_process.state() == QProcess::Running) {
            m_process.write("quit\n");
            m_process.closeWriteChannel();
            if (!m_process.waitForFinished(30000))
                m_process.kill();
        }
    }
    // Sends one command and waits for its answer (the child's reply is the synchronisation, never a sleep).
    QByteArray run(const QByteArray& command)
    {
        send(command);
        return reply();
    }
    void send(const QByteArray& command) { m_process.write(command + '\n'); }
    bool replied() { return m_process.canReadLine() || (m_process.waitForReadyRead(0) && m_process.canReadLine()); }
    QByteArray reply()
    {
        while (!m_process.canReadLine())
            if (!m_process.waitForReadyRead(60000))
                return "no reply: " + m_process.errorString().toUtf8();
        return m_process.readLine().trimmed();
    }

private:
    QProcess m_process;
};

struct ReadResult
{
    qint64 rows = -1;
    qint64 gen = -1;
    bool consistent = false;
    int errorCode = SQLITE_OK;
};

// One read transaction (one statement): every row's gen, the row count, and meta, all from one snapshot.
ReadResult readSnapshot(SqliteDatabase& db)
{
    ReadResult s;
    SqliteStatement* statement
        = db.prepare(u"SELECT m.rows, m.gen, t.gen FROM (SELECT rows, gen FROM meta) AS m, t ORDER BY t.id"_s);
    if (!statement) {
        s.errorCode = sqlite3_extended_errcode(db.handle());
        return s;
    }
    qint64 count = 0;
    bool sameGen = true;
    SqliteStatement::Step step;
    while ((step = statement->step()) == SqliteStatement::Step::Row) {
        s.rows = statement->int64(0);
        s.gen = statement->int64(1);
        sameGen = sameGen && statement->int64(2) == s.gen;
        ++count;
    }
    if (step == SqliteStatement::Step::Failed)
        s.errorCode = sqlite3_extended_errcode(db.handle());
    s.consistent = step == SqliteStatement::Step::Done && sameGen && count == s.rows;
    db.finishStatements();
    return s;
}

qint64 countRows(const QString& path)
{
    auto db = SqliteDatabase::openReadOnly(path);
    if (!db) {
        qWarning("%s", qPrintable(db.error().message));
        return -1;
    }
    const ReadResult s = readSnapshot(**db);
    return s.consistent ? s.rows : -2;
}

QHash<QString, QByteArray> hashes(const QString& folder)
{
    QHash<QString, QByteArray> result;
    for (const QString& name : TestSupport::filesBeside(folder)) {
        const QString file = QDir(folder).filePath(name);
        result.insert(name,
            TestSupport::sha256OfFile(file) + '@'
                + QByteArray::number(QFileInfo(file).lastModified().toMSecsSinceEpoch()));
    }
    return result;
}

QStringList names(std::initializer_list<const char*> suffixes)
{
    QStringList list;
    for (const char* suffix : suffixes)
        list.append(u"s.db"_s + QString::fromLatin1(suffix));
    return list;
}

} // namespace

class TestWalReadOnly : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_folders = 0;

    // A store with kBaseRows rows in its own folder, closed cleanly: no -wal, no -shm, the header says WAL
    // (or DELETE with wal == false).
    QString makeStore(bool wal = true)
    {
        const QString folder = QDir(m_dir.path()).filePath(QString::number(++m_folders));
        QDir().mkpath(folder);
        const QString path = QDir(folder).filePath(u"s.db"_s);
        SqliteFile file(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (wal && file.value("PRAGMA journal_mode=WAL") != "wal")
            return {};
        const QByteArray sql = "BEGIN; CREATE TABLE t(id INTEGER PRIMARY KEY, gen INTEGER NOT NULL, pad BLOB);"
                               "CREATE TABLE meta(rows INTEGER NOT NULL, gen INTEGER NOT NULL);"
                               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
            + QByteArray::number(kBaseRows)
            + ") INSERT INTO t(gen, pad) SELECT 1, randomblob(600) FROM n;"
              "INSERT INTO meta VALUES("
            + QByteArray::number(kBaseRows) + ", 1); COMMIT";
        if (file.exec(sql.constData()) != SQLITE_OK)
            return {};
        return path;
    }

    // Leaves kWalRows more rows committed in the -wal only, and no -shm: the writer closed without a
    // checkpoint, then the -shm was lost (a crash, or a copy of the store with its -wal only).
    static bool leaveWalWithoutShm(const QString& path)
    {
        {
            SqliteFile file(path);
            sqlite3_db_config(file.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
            const QByteArray sql = "PRAGMA wal_autocheckpoint=0; BEGIN; UPDATE t SET gen=2;"
                                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                + QByteArray::number(kWalRows)
                + ") INSERT INTO t(gen, pad) SELECT 2, randomblob(600) FROM n; UPDATE meta SET rows=rows+"
                + QByteArray::number(kWalRows) + ", gen=2; COMMIT";
            if (file.exec(sql.constData()) != SQLITE_OK)
                return false;
        }
        return QFile::exists(path + u"-wal"_s) && QFile::remove(path + u"-shm"_s);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(ReadOnlyVfs::name());
        QCOMPARE(QByteArray(sqlite3_libversion()).left(2), QByteArray("3."));
        qInfo("SQLite %s", sqlite3_libversion());
    }

    // Case 1: a leftover -wal without -shm. Every committed row, the ones only in the -wal included; no -shm.
    void leftoverWalWithoutShmShowsEveryRow()
    {
        const QString path = makeStore();
        QVERIFY(!path.isEmpty());
        QVERIFY(leaveWalWithoutShm(path));
        const QString folder = QFileInfo(path).absolutePath();
        QCOMPARE(TestSupport::filesBeside(folder), names({ "", "-wal" }));
        const auto before = hashes(folder);
        {
            auto db = SqliteDatabase::openReadOnly(path);
            QVERIFY2(db, db ? "" : qPrintable(db.error().message));
            for (int i = 0; i < 3; ++i) { // later read transactions reuse the heap index
                const ReadResult s = readSnapshot(**db);
                QVERIFY(s.consistent);
                QCOMPARE(s.rows, kBaseRows + kWalRows);
                QCOMPARE(s.gen, 2);
            }
            QCOMPARE(TestSupport::filesBeside(folder), names({ "", "-wal" }));
        }
        QCOMPARE(hashes(folder), before);
    }

    // Case 1 on a native store through openStore(): the events only in the -wal are counted.
    void leftoverWalNativeStoreCountsWalEvents()
    {
        const QString folder = QDir(m_dir.path()).filePath(u"native"_s);
        QDir().mkpath(folder);
        const QString path = TestSupport::demoStore(folder, 3000, 13);
        {
            SqliteFile file(path);
            QCOMPARE(file.value("PRAGMA journal_mode=WAL"), QByteArray("wal"));
        }
        {
            SqliteFile file(path);
            sqlite3_db_config(file.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
            QCOMPARE(file.exec("PRAGMA wal_autocheckpoint=0"), SQLITE_OK);
            for (int i = 0; i < 7; ++i)
                QCOMPARE(file.exec("BEGIN;"
                                   "INSERT INTO events(position, stream_id, version, type, time, event_id, data)"
                                   " SELECT (SELECT max(position) FROM events) + 1, stream_id, last_version + 1,"
                                   " 'Appended', (SELECT max(time) FROM events), randomblob(16), '{}'"
                                   " FROM streams ORDER BY stream_id LIMIT 1;"
                                   "UPDATE streams SET event_count = event_count + 1, last_version = last_version + 1"
                                   " WHERE stream_id = (SELECT min(stream_id) FROM streams); COMMIT"),
                    SQLITE_OK);
        }
        QVERIFY(QFile::remove(path + u"-shm"_s));
        const QStringList files { QFileInfo(path).fileName(), QFileInfo(path).fileName() + u"-wal"_s };
        QCOMPARE(TestSupport::filesBeside(folder), files);
        const auto before = hashes(folder);
        {
            auto store = openStore(path);
            QVERIFY2(store, store ? "" : qPrintable(store.error().message));
            const auto info = (*store)->describe();
            QVERIFY(info);
            QCOMPARE(info->events, 3007);
            EventPageRequest request;
            request.direction = ReadDirection::Backward;
            request.limit = 10;
            const auto page = (*store)->readEvents(request);
            QVERIFY(page);
            QCOMPARE(page->events.first().type, u"Appended"_s);
            QCOMPARE(TestSupport::filesBeside(folder), files);
        }
        QCOMPARE(hashes(folder), before);
    }

    // Case 1, then a writer starts on the store while it is open: the reader switches to the writer's -shm,
    // read-only, and sees its commits; a reopen (Reload) shows the exact new count; the reader changes no file.
    void leftoverWalThenWriterStarts()
    {
        const QString path = makeStore();
        QVERIFY(leaveWalWithoutShm(path));
        const QString folder = QFileInfo(path).absolutePath();
        auto db = SqliteDatabase::openReadOnly(path);
        QVERIFY(db);
        QCOMPARE(readSnapshot(**db).rows, kBaseRows + kWalRows);

        Writer writer(path);
        QCOMPARE(writer.run("commit 3"), QByteArray("ok"));
        QCOMPARE(TestSupport::filesBeside(folder), names({ "", "-shm", "-wal" })); // the writer's
        const auto before = hashes(folder);
        const ReadResult s = readSnapshot(**db);
        // The first read after the writer came may be refused (writerArrivedCode) if it started in the old mode.
        const ReadResult again = s.consistent ? s : readSnapshot(**db);
        QVERIFY(again.consistent);
        QCOMPARE(again.rows, kBaseRows + kWalRows + 3);
        QCOMPARE(countRows(path), kBaseRows + kWalRows + 3);
        QCOMPARE(hashes(folder), before); // neither -shm read marks nor anything else written by the reader
    }

    // Case 2: a live writer has -wal and -shm open. The reader maps the -shm read-only: no byte and no mtime of
    // the store, the -wal or the -shm changes, and each reopen shows the new commits.
    void liveWriterSharedMemoryReadOnly()
    {
        const QString path = makeStore();
        const QString folder = QFileInfo(path).absolutePath();
        Writer writer(path);
        QCOMPARE(writer.run("commit 2"), QByteArray("ok"));
        QCOMPARE(TestSupport::filesBeside(folder), names({ "", "-shm", "-wal" }));
        auto before = hashes(folder);
        auto db = SqliteDatabase::openReadOnly(path);
        QVERIFY(db);
        ReadResult s = readSnapshot(**db);
        QVERIFY(s.consistent);
        QCOMPARE(s.rows, kBaseRows + 2);
        QCOMPARE(hashes(folder), before);

        QCOMPARE(writer.run("commit 5"), QByteArray("ok"));
        before = hashes(folder);
        s = readSnapshot(**db); // the open connection sees them on its next read transaction
        QVERIFY(s.consistent);
        QCOMPARE(s.rows, kBaseRows + 7);
        QCOMPARE(countRows(path), kBaseRows + 7); // Reload
        QCOMPARE(hashes(folder), before);
        QCOMPARE(TestSupport::filesBeside(folder), names({ "", "-shm", "-wal" }));
    }

    // Case 3: a rollback-journal store with a live writer. A write in progress (RESERVED lock, -journal) is not
    // seen; once committed it is, in the open connection and after a reopen. The reader adds no file.
    void rollbackStoreLiveWriter()
    {
        const QString path = makeStore(false);
        QVERIFY(!path.isEmpty());
        const QString folder = QFileInfo(path).absolutePath();
        Writer writer(path);
        QCOMPARE(writer.run("commit 1"), QByteArray("ok"));
        QCOMPARE(TestSupport::filesBeside(folder), names({ "" }));
        auto db = SqliteDatabase::openReadOnly(path);
        QVERIFY(db);
        QCOMPARE(readSnapshot(**db).rows, kBaseRows + 1);
        const auto before = hashes(folder);
        QCOMPARE(readSnapshot(**db).gen, 1001);
        QCOMPARE(hashes(folder), before);

        QCOMPARE(writer.run("begin"), QByteArray("ok")); // meta.gen = -1, not committed
        const ReadResult during = readSnapshot(**db);
        QVERIFY(during.consistent);
        QCOMPARE(during.gen, 1001);
        QCOMPARE(writer.run("rollback"), QByteArray("ok"));
        QCOMPARE(writer.run("commit 4"), QByteArray("ok"));
        QCOMPARE(readSnapshot(**db).rows, kBaseRows + 5);
        QCOMPARE(countRows(path), kBaseRows + 5);
        QCOMPARE(TestSupport::filesBeside(folder), names({ "" }));
    }

    // Case 4: a WAL store closed cleanly (no -wal, no -shm). Nothing is created; when a writer starts while it
    // is open, the open connection and a reopen both see its commits, and the reader changes none of its files.
    void cleanWalStoreThenWriterStarts()
    {
        const QString path = makeStore();
        const QString folder = QFileInfo(path).absolutePath();
        QCOMPARE(TestSupport::filesBeside(folder), names({ "" }));
        const QByteArray storeHash = TestSupport::sha256OfFile(path);
        auto db = SqliteDatabase::openReadOnly(path);
        QVERIFY(db);
        QCOMPARE(readSnapshot(**db).rows, kBaseRows);
        QCOMPARE(readSnapshot(**db).rows, kBaseRows);
        QCOMPARE(TestSupport::filesBeside(folder), names({ "" }));
        QCOMPARE(TestSupport::sha256OfFile(path), storeHash);

        Writer writer(path);
        QCOMPARE(writer.run("commit 6"), QByteArray("ok"));
        const auto before = hashes(folder);
        ReadResult s = readSnapshot(**db);
        if (!s.consistent) {
            QCOMPARE(s.errorCode, ReadOnlyVfs::writerArrivedCode());
            s = readSnapshot(**db);
        }
        QVERIFY(s.consistent);
        QCOMPARE(s.rows, kBaseRows + 6);
        QCOMPARE(countRows(path), kBaseRows + 6);
        QCOMPARE(hashes(folder), before);
    }

    // The dangerous moment of cases 1 and 4: a read transaction is under way with no -shm to lock, and a
    // writer starts, commits (every row to a new gen) and checkpoints into the database file. Without the VFS's
    // check the rest of the scan reads new pages from the file: a torn read. With it, the scan either ends
    // with rows of one gen only, or fails with writerArrivedCode(); the next read sees the new state whole.
    void writerStartingDuringReadNeverTears_data()
    {
        QTest::addColumn<bool>("leftoverWal");
        QTest::newRow("no -wal, no -shm") << false;
        QTest::newRow("-wal, no -shm") << true;
    }
    void writerStartingDuringReadNeverTears()
    {
        QFETCH(bool, leftoverWal);
        const QString path = makeStore();
        if (leftoverWal)
            QVERIFY(leaveWalWithoutShm(path));
        const qint64 rows = kBaseRows + (leftoverWal ? kWalRows : 0);
        auto db = SqliteDatabase::openReadOnly(path);
        QVERIFY(db);
        SqliteStatement* scan = (*db)->prepare(u"SELECT gen FROM t ORDER BY id"_s);
        QVERIFY(scan);
        QCOMPARE(scan->step(), SqliteStatement::Step::Row);
        const qint64 firstGen = scan->int64(0);
        QCOMPARE(firstGen, leftoverWal ? 2 : 1);

        Writer writer(path);
        QCOMPARE(writer.run("commit 3"), QByteArray("ok"));
        QCOMPARE(writer.run("checkpoint"), QByteArray("ok"));

        qint64 seen = 1;
        qint64 otherGen = 0;
        SqliteStatement::Step step;
        while ((step = scan->step()) == SqliteStatement::Step::Row) {
            ++seen;
            if (scan->int64(0) != firstGen)
                ++otherGen;
        }
        QCOMPARE(otherGen, 0);
        QCOMPARE(step, SqliteStatement::Step::Failed); // the scan needs pages it had not read yet
        QCOMPARE(sqlite3_extended_errcode((*db)->handle()), ReadOnlyVfs::writerArrivedCode());
        QCOMPARE((*db)->lastError().kind, StoreError::Kind::Locked);
        QVERIFY(seen < rows);
        (*db)->finishStatements();

        const ReadResult after = readSnapshot(**db);
        QVERIFY(after.consistent);
        QCOMPARE(after.rows, rows + 3);
        QCOMPARE(after.gen, 1003);
    }

    // A writer commits and checkpoints without pause while the reader reads whole snapshots in a loop: every
    // read is one committed state (one gen, the right count), in each starting case.
    void readsNeverTearUnderRunningWriter_data()
    {
        QTest::addColumn<int>("start"); // 0: rollback store, 1: clean WAL store, 2: leftover -wal, 3: live writer
        QTest::newRow("rollback") << 0;
        QTest::newRow("wal, no -wal") << 1;
        QTest::newRow("wal, -wal without -shm") << 2;
        QTest::newRow("wal, writer already live") << 3;
    }
    void readsNeverTearUnderRunningWriter()
    {
        QFETCH(int, start);
        const QString path = makeStore(start != 0);
        if (start == 2)
            QVERIFY(leaveWalWithoutShm(path));
        const qint64 rows = kBaseRows + (start == 2 ? kWalRows : 0);
        std::unique_ptr<Writer> writer;
        if (start == 3) {
            writer = std::make_unique<Writer>(path);
            QCOMPARE(writer->run("commit 1"), QByteArray("ok"));
        }
        auto db = SqliteDatabase::openReadOnly(path);
        QVERIFY(db);
        QVERIFY(readSnapshot(**db).consistent);
        if (!writer)
            writer = std::make_unique<Writer>(path);
        constexpr int kCommits = 150;
        writer->send("commit " + QByteArray::number(kCommits));
        int reads = 0;
        int refused = 0;
        int locked = 0;
        qint64 lastRows = 0;
        for (int i = 0; i < 100000 && !writer->replied(); ++i) {
            const ReadResult s = readSnapshot(**db);
            if (!s.consistent) {
                // A rollback store's writer that commits without pause can keep a reader out for the whole
                // busy timeout: SQLITE_BUSY ("locked"), kept on purpose. In WAL mode a reader never waits;
                // the only refusal is of a read overtaken by a writer starting, once, before the switch.
                if (start == 0) {
                    QCOMPARE(s.errorCode, SQLITE_BUSY);
                    ++locked;
                    continue;
                }
                QCOMPARE(s.errorCode, ReadOnlyVfs::writerArrivedCode());
                QVERIFY(start == 1 || start == 2);
                ++refused;
                continue;
            }
            QVERIFY(s.rows >= lastRows); // never back to an older state
            lastRows = s.rows;
            ++reads;
        }
        QCOMPARE(writer->reply(), QByteArray("ok"));
        QVERIFY(refused <= 1);
        qInfo("%d consistent reads, %d refused, %d locked out, while the writer committed %d transactions", reads,
            refused, locked, kCommits);
        const qint64 expected = rows + kCommits + (start == 3 ? 1 : 0);
        const ReadResult last = readSnapshot(**db);
        QVERIFY(last.consistent);
        QCOMPARE(last.rows, expected);
        QCOMPARE(countRows(path), expected);
    }
};

int main(int argc, char** argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--writer") == 0)
        return runWriter(argv[2]);
    QCoreApplication app(argc, argv);
    TestWalReadOnly test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_walreadonly.moc"
