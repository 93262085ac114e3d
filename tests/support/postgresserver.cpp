#include "postgresserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace EventScope::TestSupport {

namespace {

// Servers still running, for the handlers that stop them when the test process ends without their destructor
// (exit(), abort(), a crash, ctest's SIGTERM on a timeout).
constexpr int kMaxServers = 8;
PostgresServer* g_servers[kMaxServers] = {};
volatile sig_atomic_t g_postmasters[kMaxServers] = {};
char g_directories[kMaxServers][512] = {}; // each server's temporary directory, for removal after a crash
struct sigaction g_previous[NSIG];
bool g_handlersInstalled = false;

const int kFatalSignals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };

void stopAllAtExit()
{
    for (PostgresServer*& server : g_servers) {
        if (server)
            server->stop();
    }
}

// Only async-signal-safe calls: SIGQUIT is PostgreSQL's immediate shutdown, which also ends every session. A
// child process then waits for the server to go and removes its directory.
void stopAllOnSignal(int signal)
{
    for (int i = 0; i < kMaxServers; ++i) {
        const pid_t postmaster = pid_t(g_postmasters[i]);
        if (postmaster <= 0)
            continue;
        ::kill(postmaster, SIGQUIT);
        if (g_directories[i][0] && ::fork() == 0) {
            const timespec pause = { 0, 50 * 1000 * 1000 };
            for (int wait = 0; wait < 100 && ::kill(postmaster, 0) == 0; ++wait)
                ::nanosleep(&pause, nullptr);
            ::execl("/bin/rm", "rm", "-rf", g_directories[i], static_cast<char*>(nullptr));
            ::_exit(1);
        }
    }
    sigaction(signal, &g_previous[signal], nullptr);
    ::raise(signal);
}

void installHandlers()
{
    if (g_handlersInstalled)
        return;
    g_handlersInstalled = true;
    std::atexit(stopAllAtExit);
    // Installed after QTest's own crash handler (which runs from qExec), which the saved action then calls.
    for (int signal : kFatalSignals) {
        struct sigaction action = {};
        action.sa_handler = stopAllOnSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(signal, &action, &g_previous[signal]);
    }
}

bool portIsFree(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_port = htons(quint16(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return free;
}

} // namespace

int PostgresServer::unusedPort()
{
    for (int port = 45000 + int(::getpid() % 5000); port < 65000; port += 13) {
        if (portIsFree(port))
            return port;
    }
    return 0;
}

namespace {

QString findBinDirectory()
{
    const QString configured = qEnvironmentVariable("EVENTSCOPE_PG_BINDIR");
    if (!configured.isEmpty())
        return configured;
    return u"/usr/lib/postgresql/15/bin"_s;
}

QString quoted(const QString& value)
{
    QString escaped = value;
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"'"_s, u"\\'"_s);
    return u'\'' + escaped + u'\'';
}

QString resultError(PGconn* connection, PGresult* result)
{
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return {};
    const QString message = QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(connection));
    return message.trimmed().isEmpty() ? u"query failed"_s : message.trimmed();
}

} // namespace

PostgresServer::PostgresServer()
    : m_binDirectory(findBinDirectory())
{ }

PostgresServer::~PostgresServer()
{
    stop();
    if (m_slot >= 0) {
        g_servers[m_slot] = nullptr;
        g_directories[m_slot][0] = '\0';
    }
}

bool PostgresServer::disabledByEnvironment()
{
    return qEnvironmentVariable("EVENTSCOPE_NO_POSTGRES") == u"1"_s;
}

QString PostgresServer::socketDirectory() const
{
    return m_directory ? m_directory->path() : QString();
}

QString PostgresServer::dataDirectory() const
{
    return m_directory ? m_directory->filePath(u"data"_s) : QString();
}

QString PostgresServer::noPasswordFile() const
{
    return m_directory->filePath(u"no-pgpass"_s);
}

QString PostgresServer::log() const
{
    if (!m_directory)
        return {};
    QFile file(m_directory->filePath(u"server.log"_s));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll().right(4000));
}

QString PostgresServer::run(const QString& program, const QStringList& arguments, int timeoutMs)
{
    QProcess process;
    // The server refuses to run as root: as root (CI), run its tools as the postgres user, from a directory that
    // user may enter.
    process.setWorkingDirectory(u"/"_s);
    process.setProcessChannelMode(QProcess::MergedChannels);
    const QString path = QDir(m_binDirectory).filePath(program);
    if (::geteuid() == 0)
        process.start(u"runuser"_s, QStringList { u"-u"_s, u"postgres"_s, u"--"_s, path } + arguments);
    else
        process.start(path, arguments);
    if (!process.waitForStarted(10000))
        return u"cannot run %1: %2"_s.arg(path, process.errorString());
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return u"%1 did not finish within %2 s"_s.arg(program).arg(timeoutMs / 1000);
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return u"%1 %2 failed (exit %3): %4"_s.arg(program, arguments.join(u' '))
            .arg(process.exitCode())
            .arg(QString::fromLocal8Bit(process.readAll()).trimmed());
    }
    return {};
}

QString PostgresServer::initialise()
{
    if (!QFileInfo(QDir(m_binDirectory).filePath(u"initdb"_s)).isExecutable()) {
        return u"PostgreSQL 15's initdb is not in %1: install postgresql-15 (packaging/install-deps.sh), or set "
               u"EVENTSCOPE_PG_BINDIR, or set EVENTSCOPE_NO_POSTGRES=1 to skip the PostgreSQL tests"_s.arg(
                   m_binDirectory);
    }
    m_directory = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/eventscope-pg-XXXXXX"_s);
    if (!m_directory->isValid())
        return u"cannot make a temporary directory: %1"_s.arg(m_directory->errorString());
    if (::geteuid() == 0) {
        const passwd* postgres = ::getpwnam("postgres");
        if (!postgres)
            return u"running as root, but there is no postgres user to run the server as"_s;
        if (::chown(QFile::encodeName(m_directory->path()).constData(), postgres->pw_uid, postgres->pw_gid) != 0)
            return u"cannot hand %1 to the postgres user"_s.arg(m_directory->path());
    }
    const QString error = run(u"initdb"_s,
        { u"-D"_s, dataDirectory(), u"-U"_s, u"postgres"_s, u"-A"_s, u"trust"_s, u"-E"_s, u"UTF8"_s,
            u"--locale=C.UTF-8"_s, u"--no-sync"_s });
    if (!error.isEmpty())
        return error;
    m_initialised = true;
    return {};
}

QString PostgresServer::start()
{
    if (m_running)
        return {};
    if (!m_initialised) {
        if (QString error = initialise(); !error.isEmpty())
            return error;
    }
    installHandlers();
    if (m_slot < 0) {
        for (int i = 0; i < kMaxServers && m_slot < 0; ++i) {
            if (!g_servers[i])
                m_slot = i;
        }
        if (m_slot < 0)
            return u"too many test servers in one process"_s;
        g_servers[m_slot] = this;
    }

    // A restart keeps its port, so connections made before it can reconnect; a first start looks for a free one.
    QList<int> candidates;
    if (m_port)
        candidates.append(m_port);
    else {
        const int base = 20000 + int(::getpid() % 20000);
        for (int i = 0; i < 40; ++i) {
            const int port = base + i * 7;
            if (port != 5432)
                candidates.append(port);
        }
    }
    QString error;
    for (int port : candidates) {
        // A restart reuses its own port, which recently closed sessions may hold in TIME_WAIT: the server binds
        // it anyway (SO_REUSEADDR), a test's bind() would not.
        if (port != m_port && !portIsFree(port))
            continue;
        const QString options = u"-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "
                                u"-c synchronous_commit=off -c autovacuum=off"_s.arg(port)
                                    .arg(socketDirectory());
        error = run(u"pg_ctl"_s,
            { u"-D"_s, dataDirectory(), u"-l"_s, m_directory->filePath(u"server.log"_s), u"-w"_s, u"-t"_s, u"30"_s,
                u"-o"_s, options, u"start"_s });
        if (error.isEmpty()) {
            m_port = port;
            m_running = true;
            QFile pidFile(QDir(dataDirectory()).filePath(u"postmaster.pid"_s));
            if (pidFile.open(QIODevice::ReadOnly))
                g_postmasters[m_slot] = sig_atomic_t(pidFile.readLine().trimmed().toInt());
            const QByteArray directory = QFile::encodeName(m_directory->path());
            if (directory.size() < qsizetype(sizeof g_directories[m_slot]))
                qstrncpy(g_directories[m_slot], directory.constData(), sizeof g_directories[m_slot]);
            return {};
        }
    }
    return error.isEmpty() ? u"no free port for the test server"_s : error + u"\n"_s + log();
}

QString PostgresServer::stop()
{
    closeAdminConnections();
    if (!m_running)
        return {};
    const QString error
        = run(u"pg_ctl"_s, { u"-D"_s, dataDirectory(), u"-m"_s, u"fast"_s, u"-w"_s, u"-t"_s, u"30"_s, u"stop"_s });
    m_running = false;
    if (m_slot >= 0)
        g_postmasters[m_slot] = 0;
    if (!error.isEmpty())
        return error;
    return {};
}

QString PostgresServer::conninfo(const QString& database, const QString& user) const
{
    return u"host=%1 port=%2 dbname=%3 user=%4"_s.arg(host()).arg(m_port).arg(quoted(database), quoted(user));
}

QString PostgresServer::uri(const QString& database, const QString& user) const
{
    return u"postgresql://%1@%2:%3/%4"_s.arg(user, host()).arg(m_port).arg(database);
}

PGconn* PostgresServer::admin(const QString& database, QString* error)
{
    PGconn*& connection = m_admin[database];
    if (connection && PQstatus(connection) != CONNECTION_OK) {
        PQfinish(connection);
        connection = nullptr;
    }
    if (!connection) {
        // A password file or service file a test sets in the environment must not change who the fixture is.
        const QByteArray info
            = (conninfo(database) + u" passfile="_s + noPasswordFile() + u" application_name=fixture"_s).toUtf8();
        connection = PQconnectdb(info.constData());
        if (PQstatus(connection) != CONNECTION_OK) {
            *error = QString::fromUtf8(PQerrorMessage(connection)).trimmed();
            PQfinish(connection);
            connection = nullptr;
        }
    }
    return connection;
}

void PostgresServer::closeAdminConnections()
{
    for (PGconn* connection : std::as_const(m_admin))
        PQfinish(connection);
    m_admin.clear();
}

QString PostgresServer::exec(const QString& sql, const QString& database)
{
    QString error;
    PGconn* connection = admin(database, &error);
    if (!connection)
        return error;
    PGresult* result = PQexec(connection, sql.toUtf8().constData());
    error = resultError(connection, result);
    PQclear(result);
    // The fixture's own writes reach pg_stat_database now, not up to a second later, so a test's baseline
    // of the counters includes them.
    PQclear(PQexec(connection, "SELECT pg_catalog.pg_stat_force_next_flush()"));
    return error;
}

QString PostgresServer::scalar(const QString& sql, const QString& database)
{
    QString error;
    PGconn* connection = admin(database, &error);
    if (!connection)
        return u"error: "_s + error;
    PGresult* result = PQexec(connection, sql.toUtf8().constData());
    error = resultError(connection, result);
    QString value
        = error.isEmpty() && PQntuples(result) > 0 ? QString::fromUtf8(PQgetvalue(result, 0, 0)) : u"error: "_s + error;
    PQclear(result);
    return value;
}

QString PostgresServer::createDatabase(const QString& name)
{
    return exec(u"CREATE DATABASE \"%1\""_s.arg(name));
}

QString PostgresServer::createPasswordRole(const QString& role, const QString& password)
{
    QString escaped = password;
    escaped.replace(u"'"_s, u"''"_s);
    if (QString error = exec(
            u"SET password_encryption = 'scram-sha-256'; CREATE ROLE \"%1\" LOGIN PASSWORD '%2'"_s.arg(role, escaped));
        !error.isEmpty())
        return error;
    QFile hba(QDir(dataDirectory()).filePath(u"pg_hba.conf"_s));
    if (!hba.open(QIODevice::ReadOnly))
        return u"cannot read pg_hba.conf"_s;
    const QByteArray rules = hba.readAll();
    hba.close();
    // The first matching line wins: the role's lines go before the trust lines initdb wrote.
    const QByteArray mine
        = u"local all \"%1\" scram-sha-256\nhost all \"%1\" 127.0.0.1/32 scram-sha-256\n"_s.arg(role).toUtf8();
    if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return u"cannot write pg_hba.conf"_s;
    hba.write(mine + rules);
    hba.close();
    if (QString error = exec(u"SELECT pg_reload_conf()"_s); !error.isEmpty())
        return error;
    // The postmaster reloads asynchronously: wait until a session of the role is asked for its password.
    const QByteArray info = (conninfo(u"postgres"_s, role) + u" passfile="_s + noPasswordFile()).toUtf8();
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        PGconn* probe = PQconnectdb(info.constData());
        const bool asks = PQstatus(probe) != CONNECTION_OK && PQconnectionNeedsPassword(probe);
        PQfinish(probe);
        if (asks)
            return {};
        QThread::msleep(20);
    }
    return u"the server did not start asking role %1 for a password"_s.arg(role);
}

QString PostgresServer::Counters::toString() const
{
    return u"inserted %1, updated %2, deleted %3, commits %4, rollbacks %5"_s.arg(inserted)
        .arg(updated)
        .arg(deleted)
        .arg(commits)
        .arg(rollbacks);
}

PostgresServer::Counters PostgresServer::counters(const QString& database)
{
    Counters counters;
    QString error;
    PGconn* connection = admin(u"postgres"_s, &error);
    if (!connection)
        return counters;
    PQclear(PQexec(connection, "SELECT pg_catalog.pg_stat_clear_snapshot()"));
    const QByteArray name = database.toUtf8();
    const char* values[] = { name.constData() };
    PGresult* result = PQexecParams(connection,
        "SELECT tup_inserted, tup_updated, tup_deleted, xact_commit, xact_rollback FROM pg_catalog.pg_stat_database "
        "WHERE datname = $1",
        1, nullptr, values, nullptr, nullptr, 0);
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1) {
        counters.inserted = QByteArray(PQgetvalue(result, 0, 0)).toLongLong();
        counters.updated = QByteArray(PQgetvalue(result, 0, 1)).toLongLong();
        counters.deleted = QByteArray(PQgetvalue(result, 0, 2)).toLongLong();
        counters.commits = QByteArray(PQgetvalue(result, 0, 3)).toLongLong();
        counters.rollbacks = QByteArray(PQgetvalue(result, 0, 4)).toLongLong();
    }
    PQclear(result);
    return counters;
}

int PostgresServer::otherSessions(const QString& database)
{
    return scalar(u"SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = %1 "
                  u"AND application_name <> 'fixture' AND backend_type = 'client backend'"_s.arg(quoted(database)))
        .toInt();
}

} // namespace EventScope::TestSupport
