#include "postgresconnection.h"

#include "postgresrows.h"

#include <QRegularExpression>

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace EventScope {

// What the threads that send cancel requests share with the connection. The PGcancel handle is replaced when
// the connection is reset (the server process changes); a thread still using the old one keeps it alive.
struct PostgresCancel
{
    std::mutex mutex;
    std::condition_variable idle;
    int pending = 0;
    std::shared_ptr<PGcancel> handle;
};

namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kByteaOid = 17;
// Strings go as "unknown" so the server types them from their use: `uuid_column = ?` works without a cast.
constexpr Oid kUnknownOid = 0;

// Rows a drain reads before it asks the server to stop instead: reading a million abandoned rows would take
// longer than cancelling them.
constexpr int kDrainRowsBeforeCancel = 1000;
// How long a Bounded wait (endRead's clean-up) waits for the server before it gives the session up.
constexpr int kBoundedWaitMs = 10000;
// How long a new query waits for cancel requests still in flight, so a late one cannot hit it.
constexpr auto kCancelWait = std::chrono::seconds(15);

QString oneLine(QString text)
{
    text.replace(u"\n\t"_s, u" "_s).replace(u'\n', u' ');
    return text.simplified();
}

// libpq's connection failure text without its "connection to server at ... failed:" and "FATAL:" prefixes.
QString connectFailureText(const QString& libpqMessage)
{
    static const QRegularExpression prefix(u"^connection to server (at|on socket) .*? failed: "_s);
    QString text = oneLine(libpqMessage);
    text.remove(prefix);
    if (text.startsWith(u"FATAL: "_s))
        text = text.mid(7);
    return text;
}

QString hostAndPort(PGconn* connection)
{
    const QString host = QString::fromUtf8(PQhost(connection));
    const QString port = QString::fromUtf8(PQport(connection));
    if (host.startsWith(u'/'))
        return u"%1 (socket in %2)"_s.arg(port.isEmpty() ? u"5432"_s : port, host);
    return u"%1:%2"_s.arg(host.isEmpty() ? u"localhost"_s : host, port.isEmpty() ? u"5432"_s : port);
}

// The options a session always gets. The user's own options go in between, so they may lengthen the statement
// timeout, but read-only comes last and always wins.
QString sessionOptions(const QString& userOptions)
{
    QString options;
    if (!userOptions.contains(u"statement_timeout"_s))
        options += u"-c statement_timeout=%1 "_s.arg(PostgresConnection::kDefaultStatementTimeoutMs);
    if (!userOptions.trimmed().isEmpty())
        options += userOptions.trimmed() + u' ';
    options += u"-c default_transaction_read_only=on"_s;
    return options;
}

// What a failed connection attempt says: the server's SQLSTATE when the server refused it, and the words. The
// connection asks libpq for verbose errors, so that it writes the code beside the server's message
// ("FATAL:  28P01: password authentication failed ..."): every word around the code may be translated (the
// client's LANGUAGE, the server's lc_messages), the code never is. No code: the server never answered (refused,
// unknown host, timed out, a TLS failure), and the words are libpq's own.
struct ConnectFailure
{
    QString sqlState;
    QString text;
};

ConnectFailure connectFailure(PGconn* connection)
{
    const QString message = QString::fromUtf8(PQerrorMessage(connection));
    static const QRegularExpression coded(u":  ([0-9A-Z]{5}): +([^\n]*)"_s);
    if (const auto match = coded.match(message); match.hasMatch())
        return { match.captured(1), match.captured(2).trimmed() };
    // Without its LOCATION line, should a verbose message carry one.
    return { {}, connectFailureText(message.section(u"\nLOCATION:"_s, 0, 0)) };
}

StoreError connectError(PGconn* connection, bool timedOut, const QString& timeoutSeconds, bool* passwordNeeded)
{
    const QString where = hostAndPort(connection);
    const ConnectFailure failure = connectFailure(connection);
    const QString& text = failure.text;
    const QString& state = failure.sqlState;
    const QString user = QString::fromUtf8(PQuser(connection));
    const QString database = QString::fromUtf8(PQdb(connection));
    using Kind = StoreError::Kind;
    if (PQconnectionNeedsPassword(connection)) {
        if (passwordNeeded)
            *passwordNeeded = true;
        return { Kind::Authentication,
            u"The PostgreSQL server at %1 asks for a password for user \"%2\", and none was given."_s.arg(where, user),
            state.isEmpty() ? u"28P01"_s : state };
    }
    if (state == u"28P01"_s) {
        return { Kind::Authentication,
            u"The PostgreSQL server at %1 refused the password for user \"%2\" (%3)."_s.arg(where, user, text), state };
    }
    if (state == u"3D000"_s) {
        return { Kind::NotFound, u"There is no database \"%1\" on the PostgreSQL server at %2."_s.arg(database, where),
            state };
    }
    if (state.startsWith(u"28"_s)) {
        return { Kind::Authentication,
            u"The PostgreSQL server at %1 does not let user \"%2\" connect to database \"%3\": %4"_s.arg(
                where, user, database, text),
            state };
    }
    if (state == u"42501"_s) {
        return { Kind::Permission,
            u"User \"%1\" may not connect to database \"%2\" on the PostgreSQL server at %3: %4"_s.arg(
                user, database, where, text),
            state };
    }
    if (state.startsWith(u"53"_s))
        return { Kind::ServerFault, u"The PostgreSQL server at %1 refused a new session: %2"_s.arg(where, text),
            state };
    if (timedOut) {
        return { Kind::Timeout,
            u"The PostgreSQL server at %1 did not answer within %2 seconds."_s.arg(where, timeoutSeconds), state };
    }
    return { Kind::Connection, u"Cannot connect to the PostgreSQL server at %1: %2"_s.arg(where, text), state };
}

// Drives a connection started with PQconnectStartParams to its end, as PQconnectdbParams would, but with the
// verbose errors set first (see connectFailure) and the timeout kept here: libpq leaves connect_timeout to the
// caller of PQconnectPoll. Returns whether the time ran out.
bool completeConnection(PGconn* connection, int timeoutSeconds)
{
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(timeoutSeconds);
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
        int waitMs = -1; // 0 seconds: no limit, as libpq reads connect_timeout=0
        if (timeoutSeconds > 0) {
            waitMs = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
            if (waitMs <= 0)
                return true;
        }
        pollfd descriptor { PQsocket(connection), short(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0 };
        const int ready = ::poll(&descriptor, 1, waitMs);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return true;
        state = PQconnectPoll(connection);
    }
    return false;
}

QByteArray bindText(const SqlValue& value)
{
    if (const auto* integer = std::get_if<qint64>(&value))
        return QByteArray::number(*integer);
    if (const auto* real = std::get_if<double>(&value)) {
        if (std::isnan(*real))
            return "NaN";
        if (std::isinf(*real))
            return *real > 0 ? "Infinity" : "-Infinity";
        return QByteArray::number(*real, 'g', 17);
    }
    if (const auto* string = std::get_if<QString>(&value))
        return string->toUtf8();
    if (const auto* bytes = std::get_if<QByteArray>(&value))
        return *bytes;
    return {};
}

Oid bindType(const SqlValue& value)
{
    switch (value.index()) {
    case 1:
        return kInt8Oid;
    case 2:
        return kFloat8Oid;
    case 4:
        return kByteaOid;
    default:
        return kUnknownOid;
    }
}

} // namespace

PostgresConnection::PostgresConnection(const StoreLocation& location, PGconn* connection)
    : m_location(location)
    , m_connection(connection)
    , m_wakeFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    , m_cancel(std::make_shared<PostgresCancel>())
{
    resetCancelHandle();
    // libpq prints the server's notices and warnings to stderr by default; core never prints.
    PQsetNoticeProcessor(
        connection, [](void*, const char*) {}, nullptr);
}

PostgresConnection::~PostgresConnection()
{
    if (m_activeRows)
        m_activeRows->detach({ StoreError::Kind::Connection, u"the connection was closed"_s, {} });
    PQfinish(m_connection);
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

Result<std::unique_ptr<Connection>> PostgresConnection::open(
    const StoreLocation& location, const QString& password, bool* passwordNeeded)
{
    if (passwordNeeded)
        *passwordNeeded = false;
    if (location.kind() != StoreLocation::Kind::Postgres)
        return StoreError { StoreError::Kind::InvalidArgument, u"not a PostgreSQL location"_s, {} };

    // Keywords and values as UTF-8, kept alive until PQconnectdbParams returns.
    std::vector<QByteArray> storage;
    auto add = [&storage](const QString& keyword, const QString& value) {
        storage.push_back(keyword.toUtf8());
        storage.push_back(value.toUtf8());
    };
    QString userOptions = qEnvironmentVariable("PGOPTIONS");
    for (const auto& [keyword, value] : location.parameters()) {
        if (keyword == u"options"_s)
            userOptions = value;
        else if (keyword != u"password"_s && keyword != u"client_encoding"_s)
            add(keyword, value);
    }
    if (!password.isEmpty())
        add(u"password"_s, password);
    if (location.parameter(u"application_name"_s).isEmpty())
        add(u"application_name"_s, u"EventScope"_s);
    if (location.parameter(u"connect_timeout"_s).isEmpty() && !qEnvironmentVariableIsSet("PGCONNECT_TIMEOUT"))
        add(u"connect_timeout"_s, QString::number(kDefaultConnectTimeoutSeconds));
    // Rows are read as UTF-8 whatever the database's encoding.
    add(u"client_encoding"_s, u"UTF8"_s);
    add(u"options"_s, sessionOptions(userOptions));

    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (size_t i = 0; i < storage.size(); i += 2) {
        keywords.push_back(storage[i].constData());
        values.push_back(storage[i + 1].constData());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);

    PGconn* connection = PQconnectStartParams(keywords.data(), values.data(), 0);
    if (!connection)
        return StoreError { StoreError::Kind::Connection, u"libpq could not allocate a connection"_s, {} };
    QString timeout = location.parameter(u"connect_timeout"_s);
    if (timeout.isEmpty())
        timeout = qEnvironmentVariable("PGCONNECT_TIMEOUT", QString::number(kDefaultConnectTimeoutSeconds));
    // As libpq reads it: a value under 2 seconds but 0 means 2.
    const int timeoutSeconds = timeout.toInt() > 0 ? qMax(2, timeout.toInt()) : 0;
    bool timedOut = false;
    if (PQstatus(connection) != CONNECTION_BAD) {
        PQsetErrorVerbosity(connection, PQERRORS_VERBOSE);
        timedOut = completeConnection(connection, timeoutSeconds);
    }
    // The password was only for this connection; do not leave it in freed memory longer than needed.
    for (QByteArray& bytes : storage)
        bytes.fill('\0');
    if (timedOut || PQstatus(connection) != CONNECTION_OK) {
        StoreError error = connectError(connection, timedOut, QString::number(timeoutSeconds), passwordNeeded);
        PQfinish(connection);
        return error;
    }
    PQsetErrorVerbosity(connection, PQERRORS_DEFAULT);
    return std::unique_ptr<Connection>(new PostgresConnection(location, connection));
}

int PostgresConnection::serverVersion() const
{
    return PQserverVersion(m_connection);
}

QString PostgresConnection::serverName() const
{
    return hostAndPort(m_connection);
}

Result<QByteArray> PostgresConnection::rewritePlaceholders(const QString& sql, qsizetype bindCount)
{
    const QByteArray in = sql.toUtf8();
    QByteArray out;
    out.reserve(in.size() + 16);
    qsizetype count = 0;
    const qsizetype n = in.size();
    auto isIdentChar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || (static_cast<unsigned char>(c) >= 0x80);
    };
    qsizetype i = 0;
    while (i < n) {
        const char c = in[i];
        if (c == '\'' || c == '"') {
            // A literal or quoted identifier; a doubled quote is an escaped one. E'...' also escapes with
            // backslashes.
            const bool backslashes
                = c == '\'' && i > 0 && (in[i - 1] == 'E' || in[i - 1] == 'e') && (i < 2 || !isIdentChar(in[i - 2]));
            qsizetype j = i + 1;
            while (j < n) {
                if (backslashes && in[j] == '\\') {
                    j += 2;
                    continue;
                }
                if (in[j] == c) {
                    if (j + 1 < n && in[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            j = std::min(j + 1, n);
            out.append(in.constData() + i, j - i);
            i = j;
        } else if (c == '-' && i + 1 < n && in[i + 1] == '-') {
            qsizetype j = in.indexOf('\n', i);
            j = j < 0 ? n : j;
            out.append(in.constData() + i, j - i);
            i = j;
        } else if (c == '/' && i + 1 < n && in[i + 1] == '*') {
            int depth = 0;
            qsizetype j = i;
            while (j < n) {
                if (in[j] == '/' && j + 1 < n && in[j + 1] == '*') {
                    ++depth;
                    j += 2;
                } else if (in[j] == '*' && j + 1 < n && in[j + 1] == '/') {
                    j += 2;
                    if (--depth == 0)
                        break;
                } else {
                    ++j;
                }
            }
            out.append(in.constData() + i, j - i);
            i = j;
        } else if (c == '$' && (i == 0 || !isIdentChar(in[i - 1]))) {
            // A dollar quote: $tag$ ... $tag$ (the tag may be empty). $1 and friends are not tags.
            qsizetype j = i + 1;
            while (j < n && isIdentChar(in[j]) && !(in[j] >= '0' && in[j] <= '9' && j == i + 1))
                ++j;
            if (j < n && in[j] == '$') {
                const QByteArray tag = in.mid(i, j - i + 1);
                const qsizetype end = in.indexOf(tag, j + 1);
                const qsizetype stop = end < 0 ? n : end + tag.size();
                out.append(in.constData() + i, stop - i);
                i = stop;
            } else {
                out.append(c);
                ++i;
            }
        } else if (c == '?') {
            ++count;
            out.append('$');
            out.append(QByteArray::number(count));
            ++i;
        } else {
            out.append(c);
            ++i;
        }
    }
    if (count != bindCount) {
        return StoreError { StoreError::Kind::InvalidArgument,
            u"the query has %1 placeholders but %2 values"_s.arg(count).arg(bindCount), {} };
    }
    return out;
}

void PostgresConnection::resetCancelHandle()
{
    std::shared_ptr<PGcancel> handle(PQgetCancel(m_connection), [](PGcancel* cancel) {
        if (cancel)
            PQfreeCancel(cancel);
    });
    std::lock_guard lock(m_cancel->mutex);
    m_cancel->handle = std::move(handle);
}

void PostgresConnection::sendCancel()
{
    std::shared_ptr<PostgresCancel> cancel = m_cancel;
    {
        std::lock_guard lock(cancel->mutex);
        if (!cancel->handle)
            return;
        ++cancel->pending;
    }
    // PQcancel opens a new connection to the server: it may take as long as the network does, so it never runs
    // on the caller's thread (the GUI's).
    std::thread([cancel] {
        std::shared_ptr<PGcancel> handle;
        {
            std::lock_guard lock(cancel->mutex);
            handle = cancel->handle;
        }
        char error[256];
        PQcancel(handle.get(), error, sizeof error);
        std::lock_guard lock(cancel->mutex);
        --cancel->pending;
        cancel->idle.notify_all();
    }).detach();
}

void PostgresConnection::waitForCancels()
{
    std::unique_lock lock(m_cancel->mutex);
    m_cancel->idle.wait_for(lock, kCancelWait, [this] { return m_cancel->pending == 0; });
}

void PostgresConnection::interrupt()
{
    m_interrupted.store(true);
    const quint64 one = 1;
    if (m_wakeFd >= 0) [[maybe_unused]]
        auto written = ::write(m_wakeFd, &one, sizeof one);
    sendCancel();
}

void PostgresConnection::clearInterrupt()
{
    m_interrupted.store(false);
    quint64 count = 0;
    if (m_wakeFd >= 0) [[maybe_unused]]
        auto read = ::read(m_wakeFd, &count, sizeof count);
}

StoreError PostgresConnection::lostConnection(const QString& detail, const QString& sqlState)
{
    m_broken = true;
    m_busy = false;
    m_transaction = Transaction::None;
    QString message = u"The connection to the PostgreSQL server at %1 was lost"_s.arg(serverName());
    if (!detail.isEmpty())
        message += u" (%1)"_s.arg(detail);
    message += u". What was being read is incomplete; the next read reconnects."_s;
    return { StoreError::Kind::Connection, message, sqlState };
}

StoreError PostgresConnection::failure(const PGresult* result)
{
    using Kind = StoreError::Kind;
    const QString state = QString::fromUtf8(PQresultErrorField(result, PG_DIAG_SQLSTATE));
    QString primary = QString::fromUtf8(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
    if (primary.isEmpty())
        primary = oneLine(QString::fromUtf8(PQresultErrorMessage(result)));
    if (primary.isEmpty())
        primary = oneLine(QString::fromUtf8(PQerrorMessage(m_connection)));
    const QString detail = QString::fromUtf8(PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL));

    if (PQstatus(m_connection) == CONNECTION_BAD || state.startsWith(u"08"_s) || state.startsWith(u"57P0"_s))
        return lostConnection(primary, state);
    if (m_transaction == Transaction::Open)
        m_transaction = Transaction::Failed;

    if (state == u"57014"_s) {
        if (m_interrupted.load())
            return { Kind::Cancelled, u"cancelled"_s, state };
        if (primary.contains(u"statement timeout"_s)) {
            return { Kind::Timeout,
                u"The query ran longer than the session's statement timeout, and the server stopped it (%1)."_s.arg(
                    primary),
                state };
        }
        return { Kind::Cancelled, u"The server cancelled the query: %1"_s.arg(primary), state };
    }
    if (state == u"42501"_s) {
        return { Kind::Permission,
            u"No permission to read this: %1. Ask the database's owner for SELECT on it."_s.arg(primary), state };
    }
    if (state == u"25006"_s) {
        return { Kind::Query,
            u"EventScope never writes to a store: its session is read-only, so the server refused this statement "
            u"(%1)."_s.arg(primary),
            state };
    }
    if (state == u"3D000"_s)
        return { Kind::NotFound, primary, state };
    if (state.startsWith(u"28"_s))
        return { Kind::Authentication, primary, state };
    if (state.startsWith(u"53"_s))
        return { Kind::ServerFault, u"The PostgreSQL server ran out of resources: %1"_s.arg(primary), state };
    if (state.startsWith(u"58"_s) || state.startsWith(u"XX"_s))
        return { Kind::ServerFault, u"The PostgreSQL server failed: %1"_s.arg(primary), state };
    QString message = primary;
    if (!detail.isEmpty())
        message += u" (%1)"_s.arg(detail);
    return { Kind::Query, message, state };
}

Result<PGresult*> PostgresConnection::nextResult(Wait wait)
{
    while (PQisBusy(m_connection)) {
        if (wait == Wait::Interruptible && m_interrupted.load())
            return StoreError::cancelled();
        pollfd fds[2] = { { PQsocket(m_connection), POLLIN, 0 }, { m_wakeFd, POLLIN, 0 } };
        const int ready = ::poll(fds, 2, wait == Wait::Bounded ? kBoundedWaitMs : -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return lostConnection(QString::fromLocal8Bit(strerror(errno)));
        }
        if (ready == 0)
            return lostConnection(u"no answer within %1 s"_s.arg(kBoundedWaitMs / 1000));
        if (fds[1].revents) {
            // The flag is what counts; the eventfd only wakes this wait, and is emptied so it does not wake the
            // next one (a Bounded wait would spin on it).
            quint64 count = 0;
            [[maybe_unused]] auto read = ::read(m_wakeFd, &count, sizeof count);
            continue;
        }
        if (fds[0].revents && !PQconsumeInput(m_connection))
            break; // the connection is gone: PQgetResult reports it
    }
    return PQgetResult(m_connection);
}

Status PostgresConnection::drain(Wait wait)
{
    int rows = 0;
    bool cancelled = false;
    while (m_busy) {
        Result<PGresult*> result = nextResult(wait);
        if (!result)
            return result.error();
        PGresult* row = *result;
        if (!row) {
            m_busy = false;
            break;
        }
        const ExecStatusType status = PQresultStatus(row);
        if (status == PGRES_FATAL_ERROR)
            failure(row);
        PQclear(row);
        if (status == PGRES_SINGLE_TUPLE && ++rows > kDrainRowsBeforeCancel && !cancelled) {
            sendCancel();
            cancelled = true;
        }
        if (PQstatus(m_connection) == CONNECTION_BAD) {
            lostConnection({});
            break;
        }
    }
    if (cancelled)
        waitForCancels();
    return Done {};
}

Status PostgresConnection::command(const char* sql)
{
    if (!PQsendQuery(m_connection, sql))
        return lostConnection(oneLine(QString::fromUtf8(PQerrorMessage(m_connection))));
    m_busy = true;
    std::optional<StoreError> error;
    while (true) {
        Result<PGresult*> result = nextResult();
        if (!result)
            return result.error();
        PGresult* step = *result;
        if (!step)
            break;
        if (PQresultStatus(step) == PGRES_FATAL_ERROR && !error)
            error = failure(step);
        PQclear(step);
        if (m_broken)
            break;
    }
    m_busy = false;
    if (error)
        return *error;
    return Done {};
}

Status PostgresConnection::reconnect()
{
    PQsetErrorVerbosity(m_connection, PQERRORS_VERBOSE); // the SQLSTATE of a refusal, as when it was opened
    PQreset(m_connection);
    PQsetErrorVerbosity(m_connection, PQERRORS_DEFAULT);
    if (PQstatus(m_connection) != CONNECTION_OK) {
        StoreError error = connectError(m_connection, false, {}, nullptr);
        error.message
            = u"The connection to the PostgreSQL server was lost and could not be made again. "_s + error.message;
        return error;
    }
    m_broken = false;
    m_busy = false;
    m_transaction = Transaction::None;
    resetCancelHandle();
    return Done {};
}

Status PostgresConnection::beginRead()
{
    Status begun = command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (begun)
        m_transaction = Transaction::Open;
    return begun;
}

Status PostgresConnection::prepareForQuery()
{
    if (m_activeRows) {
        m_activeRows->detach(
            { StoreError::Kind::Query, u"a newer query on the same connection stopped this one"_s, {} });
        m_activeRows = nullptr;
    }
    waitForCancels();
    if (m_busy) {
        if (Status drained = drain(); !drained)
            return drained;
    }
    bool reconnected = false;
    if (m_broken || PQstatus(m_connection) == CONNECTION_BAD) {
        if (Status again = reconnect(); !again)
            return again;
        reconnected = true;
    }
    if (m_transaction == Transaction::Failed) {
        if (Status rolledBack = command("ROLLBACK"); !rolledBack && !m_broken)
            return rolledBack;
        m_transaction = Transaction::None;
    }
    if (m_transaction == Transaction::None) {
        Status begun = m_broken ? Status(lostConnection({})) : beginRead();
        // No read was open, so nothing already read can mix with what a new session reads: the server may
        // simply have restarted since the last read. Reconnect once and carry on.
        if (!begun && m_broken && !reconnected) {
            if (Status again = reconnect(); !again)
                return again;
            begun = beginRead();
        }
        if (!begun)
            return begun;
    }
    return Done {};
}

Result<std::unique_ptr<SqlRows>> PostgresConnection::query(const SqlQuery& query)
{
    if (m_interrupted.load())
        return StoreError::cancelled();
    Result<QByteArray> sql = rewritePlaceholders(query.sql, query.binds.size());
    if (!sql)
        return sql.error();
    if (Status ready = prepareForQuery(); !ready)
        return ready.error();

    const int count = int(query.binds.size());
    std::vector<QByteArray> texts(count);
    std::vector<const char*> values(count);
    std::vector<int> lengths(count);
    std::vector<int> formats(count);
    std::vector<Oid> types(count);
    for (int i = 0; i < count; ++i) {
        const SqlValue& value = query.binds[i];
        texts[i] = bindText(value);
        values[i] = std::holds_alternative<std::monostate>(value) ? nullptr : texts[i].constData();
        lengths[i] = int(texts[i].size());
        formats[i] = std::holds_alternative<QByteArray>(value) ? 1 : 0; // bytea goes as its bytes
        types[i] = bindType(value);
    }
    if (!PQsendQueryParams(
            m_connection, sql->constData(), count, types.data(), values.data(), lengths.data(), formats.data(), 0)) {
        if (PQstatus(m_connection) == CONNECTION_BAD)
            return lostConnection(oneLine(QString::fromUtf8(PQerrorMessage(m_connection))));
        return StoreError { StoreError::Kind::Query, oneLine(QString::fromUtf8(PQerrorMessage(m_connection))), {} };
    }
    m_busy = true;
    // Streaming keeps memory flat for reads of any length; a page of a known small size is cheaper in one go.
    if (query.rowLimit <= 0 || query.rowLimit > kWholeResultRows)
        PQsetSingleRowMode(m_connection);
    auto rows = std::make_unique<PostgresRows>(this);
    m_activeRows = rows.get();
    return std::unique_ptr<SqlRows>(std::move(rows));
}

void PostgresConnection::endRead()
{
    if (m_activeRows) {
        m_activeRows->detach({ StoreError::Kind::Query, u"the read ended before this query's rows were read"_s, {} });
        m_activeRows = nullptr;
    }
    waitForCancels();
    if (m_busy)
        drain(Wait::Bounded);
    if (m_broken || PQstatus(m_connection) == CONNECTION_BAD) {
        m_transaction = Transaction::None;
        return;
    }
    if (m_transaction != Transaction::None) {
        const char* end = m_transaction == Transaction::Failed ? "ROLLBACK" : "COMMIT";
        if (PQsendQuery(m_connection, end)) {
            m_busy = true;
            drain(Wait::Bounded);
        }
        m_transaction = Transaction::None;
    }
}

Result<QList<TableName>> PostgresConnection::tables()
{
    // Every relation a query can read from (tables, partitioned tables, views, materialized views, foreign
    // tables), but not the partitions of a partitioned table: one reads them through their parent.
    auto rows = query({ u"SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                        u"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        u"WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition "
                        u"AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        u"AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
                        u"ORDER BY n.nspname, c.relname"_s,
        {} });
    if (!rows)
        return rows.error();
    QList<TableName> names;
    while (true) {
        Result<bool> next = (*rows)->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        names.append({ (*rows)->text(0), (*rows)->text(1) });
    }
    return names;
}

Result<QList<ColumnInfo>> PostgresConnection::columns(const TableName& table)
{
    // A name without a schema is looked up as a query would find it, on the search path.
    const QString relation = table.schema.isEmpty() ? u"c.relname = ? AND pg_catalog.pg_table_is_visible(c.oid)"_s
                                                    : u"c.relname = ? AND n.nspname = ?"_s;
    SqlQuery sql { u"SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) "
                   u"FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                   u"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                   u"WHERE a.attnum > 0 AND NOT a.attisdropped AND "_s
            + relation + u" ORDER BY a.attnum"_s,
        { table.name } };
    if (!table.schema.isEmpty())
        sql.binds.append(table.schema);
    auto rows = query(sql);
    if (!rows)
        return rows.error();
    QList<ColumnInfo> columns;
    while (true) {
        Result<bool> next = (*rows)->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        columns.append({ (*rows)->text(0), (*rows)->text(1) });
    }
    if (columns.isEmpty())
        return StoreError { StoreError::Kind::NotFound, u"There is no table %1."_s.arg(table.qualified()), {} };
    return columns;
}

Result<QStringList> PostgresConnection::explain(const SqlQuery& query)
{
    auto rows = this->query({ u"EXPLAIN (FORMAT TEXT) "_s + query.sql, query.binds });
    if (!rows)
        return rows.error();
    QStringList lines;
    while (true) {
        Result<bool> next = (*rows)->next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        lines.append((*rows)->text(0));
    }
    return lines;
}

} // namespace EventScope
