#pragma once

#include "../connection.h"

#include <QByteArray>
#include <atomic>
#include <memory>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace EventScope {

class PostgresRows;
struct PostgresCancel;

// The PostgreSQL backend's transport (libpq): one read-only session to one database.
// - The session is read-only twice over: `default_transaction_read_only=on` in its options, and every read runs
//   in a `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY` transaction that starts lazily and ends at endRead(),
//   so the queries of one read see one snapshot, as a SQLite read transaction does.
// - Rows stream in single-row mode, in text format: memory stays flat whatever the result's size.
// - Binds: qint64 goes as int8, double as float8, QByteArray as bytea (binary), QString and NULL untyped, so the
//   server types them by their use (`uuid_column = ?` needs no cast). Where it cannot (`? IS NULL`, a function
//   taking "any"), a dialect writes the cast: `?::text IS NULL`.
// - A SqlRows knows its columns from its first row (or its end): columnCount() is 0 before next().
// - interrupt() wakes the waiting thread at once (an eventfd beside the socket) and cancels the query on the
//   server with PQcancel on a helper thread, so it never blocks its caller, even when the server is unreachable.
// - A lost server ends the running read with a Connection error; the next query reconnects once (PQreset) and
//   starts a fresh transaction. A stream that was cut is never continued.
class PostgresConnection final : public Connection
{
public:
    // Connects with the location's parameters plus `password` (when not empty); libpq adds what PG*
    // variables, ~/.pgpass and pg_service.conf say. `passwordNeeded`, when given, is set when the server asked
    // for a password that none of those supplied, so a GUI knows to ask the user for one.
    static Result<std::unique_ptr<Connection>> open(
        const StoreLocation& location, const QString& password, bool* passwordNeeded = nullptr);

    // The statement timeout a session gets unless the location's `options` set statement_timeout: long enough
    // for any count a user waits for, short enough that a forgotten query does not load a server for hours.
    static constexpr int kDefaultStatementTimeoutMs = 5 * 60 * 1000;
    static constexpr int kDefaultConnectTimeoutSeconds = 10;
    // A query whose SqlQuery::rowLimit is at most this is read as one result rather than row by row.
    static constexpr int kWholeResultRows = 10000;

    ~PostgresConnection() override;

    SqlFlavour flavour() const override { return SqlFlavour::Postgres; }
    const StoreLocation& location() const override { return m_location; }

    Result<std::unique_ptr<SqlRows>> query(const SqlQuery& query) override;
    void endRead() override;
    Result<QList<TableName>> tables() override;
    Result<QList<ColumnInfo>> columns(const TableName& table) override;
    Result<QStringList> explain(const SqlQuery& query) override;

    void interrupt() override;
    void clearInterrupt() override;
    bool isInterrupted() const override { return m_interrupted.load(); }

    // The server's version as libpq gives it (150018 for 15.18).
    int serverVersion() const;

    // `?` placeholders as $1, $2, ... outside quoted literals, quoted identifiers, dollar quotes and comments;
    // InvalidArgument when their number is not `bindCount`.
    static Result<QByteArray> rewritePlaceholders(const QString& sql, qsizetype bindCount);

private:
    friend class PostgresRows;
    enum class Transaction { None, Open, Failed };

    PostgresConnection(const StoreLocation& location, PGconn* connection);

    // Makes the session ready for a new query: discards the rows still streaming, waits for cancels in
    // flight, reconnects once when the server went away, and opens the read transaction.
    Status prepareForQuery();
    Status reconnect();
    Status beginRead();
    // Runs a statement with no rows (BEGIN, COMMIT, ROLLBACK) and waits for its end.
    Status command(const char* sql);
    // How a wait for the server ends early: on interrupt() (a query the user may stop), or after a bound
    // (the clean-up of endRead(), which must not hang on a server that stopped answering).
    enum class Wait { Interruptible, Bounded };
    // Waits until a result is ready and returns it; nullptr when the query has no more.
    Result<PGresult*> nextResult(Wait wait = Wait::Interruptible);
    // Reads and drops what is left of the running query. A long rest is cancelled on the server rather than read.
    Status drain(Wait wait = Wait::Interruptible);
    void sendCancel();
    void resetCancelHandle();
    void waitForCancels();

    // The StoreError for a failed result; also records what the failure did to the session (a lost
    // connection, an aborted transaction).
    StoreError failure(const PGresult* result);
    StoreError lostConnection(const QString& detail, const QString& sqlState = {});
    QString serverName() const;

    StoreLocation m_location;
    PGconn* m_connection = nullptr;
    PostgresRows* m_activeRows = nullptr;
    bool m_busy = false; // a query was sent whose results are not all read yet
    bool m_broken = false; // the session is unusable until reconnect()
    Transaction m_transaction = Transaction::None;
    int m_wakeFd = -1; // an eventfd that interrupt() writes, so a wait on the socket returns at once
    std::atomic<bool> m_interrupted { false };
    std::shared_ptr<PostgresCancel> m_cancel; // shared with the helper threads that send cancel requests
};

} // namespace EventScope
