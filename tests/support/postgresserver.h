#pragma once

#include <QHash>
#include <QString>
#include <QTemporaryDir>
#include <memory>

typedef struct pg_conn PGconn;

namespace EventScope::TestSupport {

// A throwaway PostgreSQL 15 server for one test executable: initdb in a temporary directory, a free port on
// 127.0.0.1 (never 5432), its unix socket in that directory, trust authentication, fsync off. Made in
// initTestCase, it takes about a second to start. It is stopped by its destructor, and also when the test
// process exits or dies of a signal, so a failing test never leaves a server behind. As root (CI) it runs
// initdb and pg_ctl as the postgres user, which is how the server agrees to run.
//
// Every call that can fail returns an error message, empty on success, so a test writes
// `QCOMPARE(server.exec(...), QString());` and a failure reads as the server's own words.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // True when EVENTSCOPE_NO_POSTGRES=1: only then may a test skip for want of a server. Missing binaries
    // otherwise fail the test, since CI must run these tests.
    static bool disabledByEnvironment();

    // The first start creates the cluster; later ones restart it on the same data and port.
    QString start();
    // pg_ctl -m fast -w stop: sessions are terminated, as when an administrator stops the server.
    QString stop();
    bool isRunning() const { return m_running; }

    // A port on 127.0.0.1 that nothing listens on (never 5432), for a connection that must be refused.
    static int unusedPort();

    QString host() const { return QStringLiteral("127.0.0.1"); }
    int port() const { return m_port; }
    QString socketDirectory() const;
    QString dataDirectory() const;
    QString binDirectory() const { return m_binDirectory; }

    // "host='127.0.0.1' port='N' dbname='db' user='user'" and "postgresql://user@127.0.0.1:N/db".
    QString conninfo(
        const QString& database = QStringLiteral("postgres"), const QString& user = QStringLiteral("postgres")) const;
    QString uri(
        const QString& database = QStringLiteral("postgres"), const QString& user = QStringLiteral("postgres")) const;

    QString createDatabase(const QString& name);
    // Runs SQL (several statements allowed) as the superuser in `database`; for fixtures only.
    QString exec(const QString& sql, const QString& database = QStringLiteral("postgres"));
    // The first column of the first row of a query, as text (superuser, for checks).
    QString scalar(const QString& sql, const QString& database = QStringLiteral("postgres"));

    // Creates a login role whose sessions must give `password` (scram-sha-256) over TCP and the socket, then
    // waits until the reloaded pg_hba.conf asks it for one. Other roles keep trust authentication.
    QString createPasswordRole(const QString& role, const QString& password);

    // pg_stat_database's counters for a database, freshly read: a test compares them before and after to
    // prove no row was written.
    struct Counters
    {
        qint64 inserted = -1;
        qint64 updated = -1;
        qint64 deleted = -1;
        qint64 commits = -1;
        qint64 rollbacks = -1;
        bool writesEqual(const Counters& other) const
        {
            return inserted == other.inserted && updated == other.updated && deleted == other.deleted;
        }
        QString toString() const;
    };
    Counters counters(const QString& database);
    // Sessions on `database` other than this fixture's own, from pg_stat_activity.
    int otherSessions(const QString& database);

    // The server's log, for a failure message.
    QString log() const;

private:
    QString run(const QString& program, const QStringList& arguments, int timeoutMs = 60000);
    QString initialise();
    // A password file that does not exist, so the fixture's own sessions ignore one a test points PGPASSFILE at.
    QString noPasswordFile() const;
    PGconn* admin(const QString& database, QString* error);
    void closeAdminConnections();

    QString m_binDirectory;
    std::unique_ptr<QTemporaryDir> m_directory;
    int m_port = 0;
    bool m_initialised = false;
    bool m_running = false;
    int m_slot = -1; // this server's place in the table the exit and signal handlers read
    QHash<QString, PGconn*> m_admin;
};

} // namespace EventScope::TestSupport
