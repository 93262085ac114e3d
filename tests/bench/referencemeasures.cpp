#include "referencemeasures.h"

#include "timing.h"

#include <QFile>
#include <QProcess>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

Result<double> sqliteShellFirstPageMs(const QString& storePath, int rows)
{
    const QString sql = u"SELECT position, stream_id, version, type, time, event_id, data, metadata FROM events"
                        " ORDER BY position LIMIT %1"_s.arg(rows);
    QProcess shell;
    QElapsedTimer timer;
    timer.start();
    shell.start(u"sqlite3"_s, { u"-readonly"_s, storePath, sql });
    if (!shell.waitForFinished(60'000) || shell.exitStatus() != QProcess::NormalExit || shell.exitCode() != 0) {
        return StoreError { StoreError::Kind::Query,
            u"sqlite3 shell: %1 %2"_s.arg(
                shell.errorString(), QString::fromUtf8(shell.readAllStandardError()).trimmed()) };
    }
    const double ms = elapsedMs(timer);
    if (shell.readAllStandardOutput().count('\n') < rows)
        return StoreError { StoreError::Kind::Query, u"sqlite3 shell printed fewer than %1 lines"_s.arg(rows) };
    return ms;
}

Result<RawScan> rawSqliteScan(const QString& storePath, const QString& category)
{
    sqlite3* db = nullptr;
    sqlite3_stmt* statement = nullptr;
    const int opened = sqlite3_open_v2(QFile::encodeName(storePath).constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    const auto failWith = [&db, &statement](const char* what) {
        StoreError error { StoreError::Kind::Query,
            u"raw sqlite3 %1: %2"_s.arg(QLatin1StringView(what), QString::fromUtf8(sqlite3_errmsg(db))) };
        sqlite3_finalize(statement);
        sqlite3_close_v2(db);
        return error;
    };
    if (opened != SQLITE_OK)
        return failWith("open");

    QElapsedTimer timer;
    timer.start();
    const double cpuStart = threadCpuMs();
    // The same join and order NativeStore::readEvents uses, without its page boundaries; for a category, its
    // test on the joined stream row (a demo store fills streams.category).
    const QByteArray sql = "SELECT e.position, s.name, s.category, e.version, e.type, e.time, e.event_id, e.data,"
                           " e.metadata FROM events e CROSS JOIN streams s ON s.stream_id = e.stream_id"
        + QByteArray(category.isEmpty() ? "" : " WHERE s.category = ?1") + " ORDER BY e.position";
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &statement, nullptr) != SQLITE_OK)
        return failWith("prepare");
    const QByteArray categoryText = category.toUtf8();
    if (!category.isEmpty())
        sqlite3_bind_text(statement, 1, categoryText.constData(), int(categoryText.size()), SQLITE_STATIC);
    RawScan scan;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        ++scan.rows;
        quint64 sum = quint64(sqlite3_column_int64(statement, 0));
        for (int text : { 1, 2, 4 }) {
            const unsigned char* chars = sqlite3_column_text(statement, text);
            sum += quint64(sqlite3_column_bytes(statement, text)) + (chars ? chars[0] : 0);
        }
        sum += quint64(sqlite3_column_int64(statement, 3)) + quint64(sqlite3_column_int64(statement, 5));
        for (int blob : { 6, 7, 8 }) {
            const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(statement, blob));
            const int size = sqlite3_column_bytes(statement, blob);
            sum += quint64(size) + (size > 0 ? bytes[size - 1] : 0);
        }
        scan.checksum += sum;
    }
    scan.ms = elapsedMs(timer);
    scan.cpuMs = threadCpuMs() - cpuStart;
    if (rc != SQLITE_DONE)
        return failWith("step");
    sqlite3_finalize(statement);
    sqlite3_close_v2(db);
    return scan;
}

} // namespace EventScope::Bench
