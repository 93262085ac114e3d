#include <core/store/postgres/postgresconnection.h>
#include <postgresserver.h>

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace EventScope;
using TestSupport::PostgresServer;

namespace {

using Rows = QList<QStringList>;

#if defined(__SANITIZE_ADDRESS__)
// From <sanitizer/allocator_interface.h>, which Debian's GCC does not install.
extern "C" size_t __sanitizer_get_current_allocated_bytes();

// Under AddressSanitizer freed memory waits in a quarantine (up to 256 MB) that the resident set counts; the
// live heap is what single-row mode keeps flat.
qint64 memoryInUseKb()
{
    return qint64(__sanitizer_get_current_allocated_bytes() / 1024);
}
#else
qint64 residentKb()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    // /proc files report size 0, so read them whole rather than line by line until atEnd().
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

qint64 memoryInUseKb()
{
    return residentKb();
}
#endif

// A port with nothing listening on it (checked by binding it, then letting it go).
Result<std::unique_ptr<Connection>> openText(
    const QString& text, const QString& password = {}, bool* passwordNeeded = nullptr)
{
    QString typed;
    Result<StoreLocation> location = StoreLocation::parse(text, &typed);
    if (!location)
        return location.error();
    return PostgresConnection::open(*location, password.isEmpty() ? typed : password, passwordNeeded);
}

// Every row of a query, each value as text ("NULL" for a null).
Result<Rows> readAll(Connection& connection, const SqlQuery& query)
{
    auto rows = connection.query(query);
    if (!rows)
        return rows.error();
    Rows all;
    while (true) {
        Result<bool> next = (*rows)->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        QStringList row;
        for (int column = 0; column < (*rows)->columnCount(); ++column)
            row.append((*rows)->isNull(column) ? u"NULL"_s : (*rows)->text(column));
        all.append(row);
    }
    return all;
}

// The kind by name, so that a failed comparison reads as words.
QString kindName(StoreError::Kind kind)
{
    return StoreError::kindName(kind);
}

} // namespace

// The PostgreSQL transport against a real PostgreSQL 15 that the test starts: every type read through the
// accessors, placeholders and binds, a million rows streamed with flat memory, the read-only promise proven
// with the server's own counters, and every fault a user meets, each with its error kind and words.
class TestPostgresConnection : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    PostgresServer::Counters m_before;
    QTemporaryDir m_dir;

    QString events() const { return m_server.conninfo(u"events"_s); }

    std::unique_ptr<Connection> connectOrFail(const QString& text)
    {
        auto connection = openText(text);
        if (!connection) {
            qWarning("cannot connect to %s: %s", qPrintable(text), qPrintable(connection.error().message));
            return nullptr;
        }
        return std::move(connection).value();
    }

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        QCOMPARE(m_server.start(), QString());
        QCOMPARE(m_server.createDatabase(u"events"_s), QString());
        QCOMPARE(m_server.createDatabase(u"scratch"_s), QString());
        QCOMPARE(m_server.exec(u"CREATE TABLE kinds (id int PRIMARY KEY, big int8, small int4, flag bool, "
                               u"label text, ident uuid, doc jsonb, payload bytea, ratio float8, amount numeric);"
                               u"INSERT INTO kinds VALUES (1, 9007199254740993, -42, true, 'héllo', "
                               u"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"name\": \"Zoë 🎉\", \"n\": 1}', "
                               u"'\\x00ff0041'::bytea, 2.5, 12),"
                               u"(2, NULL, NULL, false, NULL, NULL, NULL, '\\x'::bytea, -0.125, 3.75);"
                               u"CREATE SCHEMA audit; CREATE TABLE audit.log (id bigint, note text);"
                               u"CREATE TABLE measurements (at date NOT NULL, value int) PARTITION BY RANGE (at);"
                               u"CREATE TABLE measurements_2026 PARTITION OF measurements "
                               u"FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
                               u"CREATE TABLE indexed (key int8 PRIMARY KEY, value text);"
                               u"INSERT INTO indexed SELECT g, 'v' || g FROM generate_series(1, 20000) g;"
                               u"ANALYZE;"
                               u"CREATE TABLE secret (id int);"
                               u"CREATE ROLE reader LOGIN; GRANT SELECT ON kinds TO reader;"_s,
                     u"events"_s),
            QString());
        QCOMPARE(m_server.createPasswordRole(u"alice"_s, u"s3cret pass"_s), QString());
        m_before = m_server.counters(u"events"_s);
        QVERIFY(m_before.inserted >= 20002);
    }

    void cleanupTestCase()
    {
        if (!m_server.isRunning())
            return;
        // Every EventScope session has ended (each test closes its own); their statistics reach the counters
        // when they exit.
        QTRY_COMPARE(m_server.otherSessions(u"events"_s), 0);
        const PostgresServer::Counters after = m_server.counters(u"events"_s);
        QVERIFY2(after.writesEqual(m_before),
            qPrintable(u"before: %1; after: %2"_s.arg(m_before.toString(), after.toString())));
        QVERIFY(after.commits > m_before.commits); // the counters did see this class's reads
        QCOMPARE(m_server.stop(), QString());
    }

    // The counters that cleanupTestCase compares do see a write: proven on another database.
    void statisticsCountersSeeAWrite()
    {
        QCOMPARE(m_server.exec(u"CREATE TABLE t (i int)"_s, u"scratch"_s), QString());
        const PostgresServer::Counters before = m_server.counters(u"scratch"_s);
        QCOMPARE(m_server.exec(u"INSERT INTO t VALUES (1), (2)"_s, u"scratch"_s), QString());
        QCOMPARE(m_server.counters(u"scratch"_s).inserted, before.inserted + 2);
    }

    void typesRoundTripThroughAccessors()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        QCOMPARE(connection->flavour(), SqlFlavour::Postgres);
        auto rows = connection->query({ u"SELECT id, big, small, flag, label, ident, doc, payload, ratio, amount, "
                                        u"amount::float8 FROM kinds ORDER BY id"_s,
            {} });
        QVERIFY(rows);
        SqlRows& row = **rows;
        QCOMPARE(row.next().value(), true);
        QCOMPARE(row.columnCount(), 11);
        QCOMPARE(row.int64(0), 1);
        QCOMPARE(row.int64(1), Q_INT64_C(9007199254740993));
        QCOMPARE(row.int64(2), -42);
        QCOMPARE(row.int64(3), 1);
        QCOMPARE(row.text(4), u"héllo"_s);
        QCOMPARE(row.bytes(4), "h\xc3\xa9llo");
        QCOMPARE(row.text(5), u"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"_s);
        QCOMPARE(row.text(6), u"{\"n\": 1, \"name\": \"Zoë 🎉\"}"_s);
        QCOMPARE(row.bytes(6), u"{\"n\": 1, \"name\": \"Zoë 🎉\"}"_s.toUtf8());
        QCOMPARE(row.bytes(7), QByteArray("\x00\xff\x00\x41", 4));
        QCOMPARE(row.real(8), 2.5);
        QCOMPARE(row.int64(9), 12);
        QCOMPARE(row.real(9), 12.0);
        QCOMPARE(row.real(10), 12.0);
        QVERIFY(!row.isNull(7));

        QCOMPARE(row.next().value(), true);
        QCOMPARE(row.int64(0), 2);
        for (int column : { 1, 2, 4, 5, 6 }) {
            QVERIFY2(row.isNull(column), qPrintable(QString::number(column)));
            QCOMPARE(row.int64(column), 0);
            QCOMPARE(row.text(column), QString());
        }
        QCOMPARE(row.int64(3), 0);
        QVERIFY(!row.isNull(7));
        QCOMPARE(row.bytes(7), QByteArray());
        QCOMPARE(row.real(8), -0.125);
        QCOMPARE(row.real(9), 3.75);
        QCOMPARE(row.int64(9), 3);
        QCOMPARE(row.next().value(), false);
        QCOMPARE(row.next().value(), false);
    }

    void placeholdersOutsideQuotesOnly_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("binds");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << u"a = ? AND b = ?"_s << 2 << u"a = $1 AND b = $2"_s;
        QTest::newRow("literal") << u"'?' || ?"_s << 1 << u"'?' || $1"_s;
        QTest::newRow("doubled quote") << u"'it''s ?' = ?"_s << 1 << u"'it''s ?' = $1"_s;
        QTest::newRow("escape string") << u"E'\\'?' = ?"_s << 1 << u"E'\\'?' = $1"_s;
        QTest::newRow("identifier") << u"\"col?\" = ?"_s << 1 << u"\"col?\" = $1"_s;
        QTest::newRow("dollar quote") << u"$$?$$ || $tag$ ? $tag$ || ?"_s << 1 << u"$$?$$ || $tag$ ? $tag$ || $1"_s;
        QTest::newRow("comments") << u"? -- ?\n/* ? /* ? */ */ ?"_s << 2 << u"$1 -- ?\n/* ? /* ? */ */ $2"_s;
        QTest::newRow("unicode") << u"'é?' = ?"_s << 1 << u"'é?' = $1"_s;
        QTest::newRow("ten") << u"(?,?,?,?,?,?,?,?,?,?)"_s << 10 << u"($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"_s;
    }

    void placeholdersOutsideQuotesOnly()
    {
        QFETCH(QString, sql);
        QFETCH(int, binds);
        QFETCH(QString, expected);
        const auto rewritten = PostgresConnection::rewritePlaceholders(sql, binds);
        QVERIFY2(rewritten, qPrintable(rewritten ? QString() : rewritten.error().message));
        QCOMPARE(QString::fromUtf8(*rewritten), expected);
    }

    void placeholderCountMustMatchBinds()
    {
        const auto rewritten = PostgresConnection::rewritePlaceholders(u"SELECT ?, '?'"_s, 2);
        QVERIFY(!rewritten);
        QCOMPARE(rewritten.error().kind, StoreError::Kind::InvalidArgument);
        QCOMPARE(rewritten.error().message, u"the query has 1 placeholders but 2 values"_s);
    }

    void bindsOfEverySqlValue()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        const QByteArray zeros("\x00\x01\x00\xfe", 4);
        const auto rows = readAll(*connection,
            { u"SELECT '?' AS q, ? + 1, ? * 2, ? || '!'::text, encode(?, 'hex'), ?::text IS NULL, \"?x\" "
              u"FROM (SELECT 1 AS \"?x\") AS t"_s,
                { qint64(9007199254740000), 1.25, u"Zoë"_s, zeros, std::monostate {} } });
        QVERIFY2(rows, qPrintable(rows ? QString() : rows.error().message));
        QCOMPARE(
            *rows, (Rows { { u"?"_s, u"9007199254740001"_s, u"2.5"_s, u"Zoë!"_s, u"000100fe"_s, u"t"_s, u"1"_s } }));
        // A string is typed by its use: it compares with a uuid column without a cast; an int8 with an int4.
        const auto matched = readAll(*connection,
            { u"SELECT label FROM kinds WHERE ident = ? AND small = ?"_s,
                { u"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"_s, qint64(-42) } });
        QVERIFY2(matched, qPrintable(matched ? QString() : matched.error().message));
        QCOMPARE(*matched, (Rows { { u"héllo"_s } }));
        // With nothing else to type it by, a string is text. Where the server cannot tell (`? IS NULL`, a function
        // taking "any" such as pg_typeof()), a dialect writes the cast: `?::text IS NULL`.
        const auto untyped = readAll(
            *connection, { u"SELECT ?, ? || 'x', ?::text IS NULL"_s, { u"plain"_s, u"y"_s, std::monostate {} } });
        QVERIFY2(untyped, qPrintable(untyped ? QString() : untyped.error().message));
        QCOMPARE(*untyped, (Rows { { u"plain"_s, u"yx"_s, u"t"_s } }));
        // bytea binds go in binary: zero bytes survive.
        const auto bytes = readAll(*connection, { u"SELECT length(?), ? = '\\x000100fe'::bytea"_s, { zeros, zeros } });
        QVERIFY(bytes);
        QCOMPARE(*bytes, (Rows { { u"4"_s, u"t"_s } }));
    }

    void millionRowsStreamWithFlatMemory()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        // Wide enough rows that reading the whole result into memory (no single-row mode) would take ~150 MB.
        // generate_series() in the select list streams; in FROM, the server would first materialise it all.
        auto rows = connection->query({ u"SELECT generate_series(1, ?), repeat('x', 100)"_s, { qint64(1000000) } });
        QVERIFY(rows);
        const qint64 before = memoryInUseKb();
        qint64 peak = before;
        qint64 count = 0;
        qint64 sum = 0;
        qint64 width = 0;
        while (true) {
            const Result<bool> next = (*rows)->next();
            QVERIFY(next);
            if (!*next)
                break;
            ++count;
            sum += (*rows)->int64(0);
            width += (*rows)->bytes(1).size();
            if (count % 50000 == 0)
                peak = std::max(peak, memoryInUseKb());
        }
        qInfo("memory in use: %lld kB before, at most %lld kB while reading 1 M rows", before, peak);
        QCOMPARE(count, 1000000);
        QCOMPARE(sum, Q_INT64_C(500000500000));
        QCOMPARE(width, Q_INT64_C(100000000));
        QVERIFY(before > 0);
        QVERIFY2(peak - before < 50 * 1024, qPrintable(u"grew by %1 kB"_s.arg(peak - before)));
    }

    // The queries of one read see one snapshot; endRead() ends it, so the session is not left idle in a
    // transaction and the next read sees what was committed meanwhile. (On "scratch": a write on "events"
    // would spoil the read-only proof.)
    void endReadEndsTheSnapshot()
    {
        QCOMPARE(m_server.exec(u"CREATE TABLE snap (i int); INSERT INTO snap VALUES (1)"_s, u"scratch"_s), QString());
        auto connection = connectOrFail(m_server.conninfo(u"scratch"_s) + u" application_name=snapshot-test"_s);
        QVERIFY(connection);
        const SqlQuery count { u"SELECT count(*) FROM snap"_s, {} };
        const QString state = u"SELECT state FROM pg_stat_activity WHERE application_name = 'snapshot-test'"_s;
        QCOMPARE(readAll(*connection, count).value(), (Rows { { u"1"_s } }));
        QCOMPARE(m_server.scalar(state), u"idle in transaction"_s);
        QCOMPARE(m_server.exec(u"INSERT INTO snap VALUES (2)"_s, u"scratch"_s), QString());
        QCOMPARE(readAll(*connection, count).value(), (Rows { { u"1"_s } }));
        connection->endRead();
        QCOMPARE(m_server.scalar(state), u"idle"_s);
        QCOMPARE(readAll(*connection, count).value(), (Rows { { u"2"_s } }));
    }

    void newQueryWhileStreamingEndsTheOldOne()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        auto first = connection->query({ u"SELECT generate_series(1, 5000000)"_s, {} });
        QVERIFY(first);
        for (int i = 1; i <= 10; ++i) {
            QCOMPARE((*first)->next().value(), true);
            QCOMPARE((*first)->int64(0), i);
        }
        const auto second = readAll(*connection, { u"SELECT label FROM kinds WHERE id = ?"_s, { qint64(1) } });
        QVERIFY2(second, qPrintable(second ? QString() : second.error().message));
        QCOMPARE(*second, (Rows { { u"héllo"_s } }));
        const Result<bool> stale = (*first)->next();
        QVERIFY(!stale);
        QCOMPARE(stale.error().kind, StoreError::Kind::Query);
        // A stream abandoned without a newer query: endRead() cleans up, and the next read works.
        auto third = connection->query({ u"SELECT generate_series(1, 5000000)"_s, {} });
        QVERIFY(third);
        QCOMPARE((*third)->next().value(), true);
        third->reset();
        connection->endRead();
        const auto fourth = readAll(*connection, { u"SELECT count(*) FROM indexed"_s, {} });
        QVERIFY(fourth);
        QCOMPARE(*fourth, (Rows { { u"20000"_s } }));
    }

    void writesAreRefusedAsReadOnly_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("insert") << u"INSERT INTO audit.log VALUES (1, 'x')"_s;
        QTest::newRow("update") << u"UPDATE kinds SET label = 'y'"_s;
        QTest::newRow("delete") << u"DELETE FROM kinds"_s;
        QTest::newRow("create") << u"CREATE TABLE mine (i int)"_s;
        QTest::newRow("escape the transaction")
            << u"COMMIT; SET default_transaction_read_only = off; INSERT INTO audit.log VALUES (2, 'z')"_s;
    }

    void writesAreRefusedAsReadOnly()
    {
        QFETCH(QString, sql);
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        const auto written = readAll(*connection, { sql, {} });
        QVERIFY(!written);
        QCOMPARE(kindName(written.error().kind), kindName(StoreError::Kind::Query));
        // Several statements in one are refused outright by the extended protocol; a single write by the
        // read-only transaction.
        if (!sql.contains(u';'))
            QCOMPARE(written.error().sqlState, u"25006"_s);
        if (written.error().sqlState == u"25006"_s)
            QVERIFY2(
                written.error().message.contains(u"EventScope never writes"_s), qPrintable(written.error().message));
        // The failed statement rolled back its transaction; the next read works.
        const auto after = readAll(*connection, { u"SELECT count(*) FROM kinds"_s, {} });
        QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
        QCOMPARE(*after, (Rows { { u"2"_s } }));
        QCOMPARE(m_server.scalar(u"SELECT count(*) FROM audit.log"_s, u"events"_s), u"0"_s);
    }

    void connectionRefusedNamesHostAndPort()
    {
        const int port = PostgresServer::unusedPort();
        QVERIFY(port > 0);
        const auto connection = openText(u"host=127.0.0.1 port=%1 dbname=events"_s.arg(port));
        QVERIFY(!connection);
        QCOMPARE(kindName(connection.error().kind), kindName(StoreError::Kind::Connection));
        QVERIFY2(
            connection.error().message.contains(u"127.0.0.1:%1"_s.arg(port)), qPrintable(connection.error().message));
        QVERIFY2(connection.error().message.contains(u"refused"_s), qPrintable(connection.error().message));
    }

    void unknownHostIsConnection()
    {
        // .invalid is reserved (RFC 2606): it never resolves.
        const auto connection = openText(u"host=no-such-host.invalid port=5999 dbname=events"_s);
        QVERIFY(!connection);
        QCOMPARE(kindName(connection.error().kind), kindName(StoreError::Kind::Connection));
        QVERIFY2(connection.error().message.contains(u"no-such-host.invalid:5999"_s),
            qPrintable(connection.error().message));
        QCOMPARE(connection.error().sqlState, QString()); // the server never answered
    }

    void wrongPasswordIsAuthentication()
    {
        bool passwordNeeded = true;
        const auto connection
            = openText(m_server.conninfo(u"events"_s, u"alice"_s), u"not the password"_s, &passwordNeeded);
        QVERIFY(!connection);
        QCOMPARE(kindName(connection.error().kind), kindName(StoreError::Kind::Authentication));
        QCOMPARE(connection.error().sqlState, u"28P01"_s);
        QVERIFY2(connection.error().message.contains(u"refused the password for user \"alice\""_s),
            qPrintable(connection.error().message));
        QCOMPARE(passwordNeeded, false);
    }

    void missingPasswordAsksForOne()
    {
        qputenv("PGPASSFILE", QFile::encodeName(m_dir.filePath(u"no-such-pgpass"_s)));
        const auto unset = qScopeGuard([] { qunsetenv("PGPASSFILE"); });
        bool passwordNeeded = false;
        const auto connection = openText(m_server.conninfo(u"events"_s, u"alice"_s), {}, &passwordNeeded);
        QVERIFY(!connection);
        QCOMPARE(kindName(connection.error().kind), kindName(StoreError::Kind::Authentication));
        QVERIFY2(connection.error().message.contains(u"asks for a password"_s), qPrintable(connection.error().message));
        QCOMPARE(passwordNeeded, true);
    }

    void rightPasswordConnects()
    {
        const auto connection = openText(m_server.conninfo(u"events"_s, u"alice"_s), u"s3cret pass"_s);
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error().message));
        const auto who = readAll(**connection, { u"SELECT current_user"_s, {} });
        QVERIFY(who);
        QCOMPARE(*who, (Rows { { u"alice"_s } }));
        // The password never went into the location.
        QVERIFY(!(*connection)->location().toString().contains(u"s3cret"_s));
    }

    void missingDatabaseIsNotFound()
    {
        const auto connection = openText(m_server.conninfo(u"nosuchdb"_s));
        QVERIFY(!connection);
        QCOMPARE(kindName(connection.error().kind), kindName(StoreError::Kind::NotFound));
        QCOMPARE(connection.error().sqlState, u"3D000"_s);
        QCOMPARE(connection.error().message,
            u"There is no database \"nosuchdb\" on the PostgreSQL server at 127.0.0.1:%1."_s.arg(m_server.port()));
    }

    void tableWithoutSelectIsPermission()
    {
        auto connection = connectOrFail(m_server.conninfo(u"events"_s, u"reader"_s));
        QVERIFY(connection);
        const auto allowed = readAll(*connection, { u"SELECT count(*) FROM kinds"_s, {} });
        QVERIFY(allowed);
        const auto refused = readAll(*connection, { u"SELECT * FROM secret"_s, {} });
        QVERIFY(!refused);
        QCOMPARE(kindName(refused.error().kind), kindName(StoreError::Kind::Permission));
        QCOMPARE(refused.error().sqlState, u"42501"_s);
        QVERIFY2(refused.error().message.contains(u"permission denied for table secret"_s),
            qPrintable(refused.error().message));
    }

    void statementTimeoutIsTimeout()
    {
        auto connection = connectOrFail(events() + u" options='-c statement_timeout=300'"_s);
        QVERIFY(connection);
        const auto slow = readAll(*connection, { u"SELECT pg_sleep(5)"_s, {} });
        QVERIFY(!slow);
        QCOMPARE(kindName(slow.error().kind), kindName(StoreError::Kind::Timeout));
        QCOMPARE(slow.error().sqlState, u"57014"_s);
        QVERIFY2(slow.error().message.contains(u"statement timeout"_s), qPrintable(slow.error().message));
        const auto after = readAll(*connection, { u"SELECT 7"_s, {} });
        QVERIFY(after);
        QCOMPARE(*after, (Rows { { u"7"_s } }));
        // The user's options may change the timeout, never the read-only default.
        const auto readOnly = readAll(*connection, { u"SHOW default_transaction_read_only"_s, {} });
        QVERIFY(readOnly);
        QCOMPARE(*readOnly, (Rows { { u"on"_s } }));
    }

    void interruptStopsASleepingQuery()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        auto rows = connection->query({ u"SELECT pg_sleep(30)"_s, {} });
        QVERIFY(rows);
        // Interrupt from another thread once the server has been running the sleep for a moment, so next() is
        // waiting on the socket by then.
        std::thread canceller([this, &connection] {
            QDeadlineTimer deadline(10000);
            while (!deadline.hasExpired()
                && m_server.scalar(u"SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' "
                                   u"AND state = 'active' AND now() - query_start > interval '200 ms'"_s)
                    != u"1"_s)
                QThread::msleep(10);
            connection->interrupt();
        });
        QElapsedTimer timer;
        timer.start();
        const Result<bool> next = (*rows)->next();
        canceller.join();
        qInfo("next() returned %lld ms after it started", timer.elapsed());
        QVERIFY(!next);
        QCOMPARE(kindName(next.error().kind), kindName(StoreError::Kind::Cancelled));
        QVERIFY(connection->isInterrupted());
        // A job's next query fails fast while the flag is set.
        const auto blocked = connection->query({ u"SELECT 1"_s, {} });
        QVERIFY(!blocked);
        QCOMPARE(kindName(blocked.error().kind), kindName(StoreError::Kind::Cancelled));
        // The server stopped the sleep too: it is not still running.
        QTRY_COMPARE(m_server.scalar(u"SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' "
                                     u"AND state = 'active'"_s),
            u"0"_s);
        connection->clearInterrupt();
        const auto after = readAll(*connection, { u"SELECT 8"_s, {} });
        QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
        QCOMPARE(*after, (Rows { { u"8"_s } }));
    }

    void interruptStopsAStreamingRead()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        auto rows = connection->query({ u"SELECT generate_series(1, 50000000)"_s, {} });
        QVERIFY(rows);
        std::atomic<qint64> read { 0 };
        std::thread canceller([&read, &connection] {
            while (read.load() < 10000)
                std::this_thread::yield();
            connection->interrupt();
        });
        Result<bool> next = true;
        qint64 expected = 0;
        while (true) {
            next = (*rows)->next();
            if (!next || !*next)
                break;
            QCOMPARE((*rows)->int64(0), ++expected);
            read.store(expected);
        }
        canceller.join();
        QVERIFY(!next);
        QCOMPARE(kindName(next.error().kind), kindName(StoreError::Kind::Cancelled));
        QVERIFY(expected < 50000000);
        connection->clearInterrupt();
        const auto after = readAll(*connection, { u"SELECT count(*) FROM kinds"_s, {} });
        QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
        QCOMPARE(*after, (Rows { { u"2"_s } }));
    }

    void uriConninfoServiceAndPassfileConnect()
    {
        for (const QString& text : { m_server.uri(u"events"_s), m_server.conninfo(u"events"_s) }) {
            auto connection = connectOrFail(text);
            QVERIFY2(connection, qPrintable(text));
            const auto database = readAll(*connection, { u"SELECT current_database()"_s, {} });
            QVERIFY(database);
            QCOMPARE(*database, (Rows { { u"events"_s } }));
        }

        QFile services(m_dir.filePath(u"pg_service.conf"_s));
        QVERIFY(services.open(QIODevice::WriteOnly));
        services.write(
            u"[eventstore]\nhost=127.0.0.1\nport=%1\ndbname=events\nuser=alice\n"_s.arg(m_server.port()).toUtf8());
        services.close();
        QFile passwords(m_dir.filePath(u"pgpass"_s));
        QVERIFY(passwords.open(QIODevice::WriteOnly));
        passwords.write(u"127.0.0.1:%1:events:alice:s3cret pass\n"_s.arg(m_server.port()).toUtf8());
        passwords.close();
        QVERIFY(passwords.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        qputenv("PGSERVICEFILE", QFile::encodeName(services.fileName()));
        qputenv("PGPASSFILE", QFile::encodeName(passwords.fileName()));
        const auto unset = qScopeGuard([] {
            qunsetenv("PGSERVICEFILE");
            qunsetenv("PGPASSFILE");
        });
        // The service names alice, whose password only the password file knows.
        auto connection = connectOrFail(u"service=eventstore"_s);
        QVERIFY(connection);
        const auto who = readAll(*connection, { u"SELECT current_user, current_database()"_s, {} });
        QVERIFY(who);
        QCOMPARE(*who, (Rows { { u"alice"_s, u"events"_s } }));
        const auto uri = openText(m_server.uri(u"events"_s, u"alice"_s));
        QVERIFY2(uri, qPrintable(uri ? QString() : uri.error().message));
    }

    void tablesAndColumnsSeeEverySchema()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        const auto tables = connection->tables();
        QVERIFY(tables);
        QCOMPARE(*tables,
            (QList<TableName> { { u"audit"_s, u"log"_s }, { u"public"_s, u"indexed"_s }, { u"public"_s, u"kinds"_s },
                { u"public"_s, u"measurements"_s }, { u"public"_s, u"secret"_s } }));
        const auto columns = connection->columns({ u"audit"_s, u"log"_s });
        QVERIFY(columns);
        QCOMPARE(columns->size(), 2);
        QCOMPARE(columns->at(0).name, u"id"_s);
        QCOMPARE(columns->at(0).type, u"bigint"_s);
        QCOMPARE(columns->at(1).name, u"note"_s);
        QCOMPARE(columns->at(1).type, u"text"_s);
        const auto partitioned = connection->columns({ {}, u"measurements"_s });
        QVERIFY(partitioned);
        QCOMPARE(partitioned->size(), 2);
        QCOMPARE(partitioned->at(0).type, u"date"_s);
        const auto missing = connection->columns({ u"audit"_s, u"nothing"_s });
        QVERIFY(!missing);
        QCOMPARE(kindName(missing.error().kind), kindName(StoreError::Kind::NotFound));
    }

    void explainShowsTheIndex()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        const auto plan = connection->explain({ u"SELECT value FROM indexed WHERE key = ?"_s, { qint64(500) } });
        QVERIFY2(plan, qPrintable(plan ? QString() : plan.error().message));
        QVERIFY2(
            plan->join(u'\n').contains(u"Index Scan using indexed_pkey on indexed"_s), qPrintable(plan->join(u'\n')));
    }

    // Stops and restarts the suite's server: keep these last.
    void serverStoppedWhileStreamingIsConnectionError()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        auto rows = connection->query({ u"SELECT generate_series(1, 50000000)"_s, {} });
        QVERIFY(rows);
        QCOMPARE((*rows)->next().value(), true);
        QCOMPARE(m_server.stop(), QString());
        Result<bool> next = true;
        while (next && *next)
            next = (*rows)->next();
        QVERIFY(!next);
        QCOMPARE(kindName(next.error().kind), kindName(StoreError::Kind::Connection));
        QVERIFY2(next.error().message.contains(u"was lost"_s), qPrintable(next.error().message));
        // Still down: the reconnect fails with a clear message.
        const auto down = connection->query({ u"SELECT 1"_s, {} });
        QVERIFY(!down);
        QCOMPARE(kindName(down.error().kind), kindName(StoreError::Kind::Connection));
        QVERIFY2(down.error().message.contains(u"refused"_s), qPrintable(down.error().message));
        // Back up: the next query reconnects and reads correct rows.
        QCOMPARE(m_server.start(), QString());
        const auto after = readAll(*connection, { u"SELECT id, label FROM kinds ORDER BY id"_s, {} });
        QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
        QCOMPARE(*after, (Rows { { u"1"_s, u"héllo"_s }, { u"2"_s, u"NULL"_s } }));
    }

    void serverStoppedWhileAPageLoadsIsConnectionError()
    {
        auto connection = connectOrFail(events() + u" application_name=page-test"_s);
        QVERIFY(connection);
        auto rows = connection->query({ u"SELECT pg_sleep(20), id FROM kinds"_s, {} });
        QVERIFY(rows);
        // Stop the server from another thread while next() waits for the page's first row.
        QString stopped = u"not run"_s;
        std::thread stopper([this, &stopped] {
            QDeadlineTimer deadline(10000);
            while (!deadline.hasExpired()
                && m_server.scalar(u"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'page-test' "
                                   u"AND state = 'active' AND now() - query_start > interval '200 ms'"_s)
                    != u"1"_s)
                QThread::msleep(10);
            stopped = m_server.stop();
        });
        const Result<bool> next = (*rows)->next();
        stopper.join();
        QCOMPARE(stopped, QString());
        QVERIFY(!next);
        QCOMPARE(kindName(next.error().kind), kindName(StoreError::Kind::Connection));
        QVERIFY2(next.error().message.contains(u"was lost"_s), qPrintable(next.error().message));
        QVERIFY2(
            next.error().message.contains(u"127.0.0.1:%1"_s.arg(m_server.port())), qPrintable(next.error().message));
        QCOMPARE(m_server.start(), QString());
        const auto after = readAll(*connection, { u"SELECT count(*) FROM kinds"_s, {} });
        QVERIFY2(after, qPrintable(after ? QString() : after.error().message));
        QCOMPARE(*after, (Rows { { u"2"_s } }));
    }

    void serverRestartedThenRetryReconnects()
    {
        auto connection = connectOrFail(events());
        QVERIFY(connection);
        QVERIFY(readAll(*connection, { u"SELECT 1"_s, {} }));
        connection->endRead();
        // Between reads: the next read simply runs on a new session.
        QCOMPARE(m_server.stop(), QString());
        QCOMPARE(m_server.start(), QString());
        const auto fresh = readAll(*connection, { u"SELECT count(*) FROM indexed"_s, {} });
        QVERIFY2(fresh, qPrintable(fresh ? QString() : fresh.error().message));
        QCOMPARE(*fresh, (Rows { { u"20000"_s } }));
        // Inside a read: that read is reported lost (its snapshot is gone), and the retry reconnects.
        QCOMPARE(m_server.stop(), QString());
        QCOMPARE(m_server.start(), QString());
        const auto lost = readAll(*connection, { u"SELECT count(*) FROM indexed"_s, {} });
        QVERIFY(!lost);
        QCOMPARE(kindName(lost.error().kind), kindName(StoreError::Kind::Connection));
        const auto retried
            = readAll(*connection, { u"SELECT key, value FROM indexed WHERE key <= 2 ORDER BY key"_s, {} });
        QVERIFY2(retried, qPrintable(retried ? QString() : retried.error().message));
        QCOMPARE(*retried, (Rows { { u"1"_s, u"v1"_s }, { u"2"_s, u"v2"_s } }));
    }
};

QTEST_GUILESS_MAIN(TestPostgresConnection)
#include "tst_postgresconnection.moc"
