#pragma once

#include <QString>

namespace EventScope {

// Why a store could not be opened or read, in words a user understands. core/ never shows
// or prints it: the GUI puts it in a dialog or the status bar, the CLI on stderr.
struct StoreError
{
    enum class Kind {
        NotFound, // no file at that path
        NotAFile, // a directory or a device
        NotReadable, // permissions
        Empty, // a zero-byte file
        NotSqlite, // the header is not SQLite's
        Corrupt, // SQLite says malformed or truncated
        Locked, // another process holds a lock longer than we wait
        UnknownSchema, // a SQLite file no dialect recognises
        Query, // a query failed for another reason
        Cancelled, // the user or a newer request stopped it
        InvalidArgument, // a caller passed something unusable (a bad regex, say)
        Io, // any other failure of the medium
        Connection, // the server cannot be reached, or went away
        Authentication, // the server refused the credentials (a password may be asked for)
        Permission, // the session may not read a table
        ServerFault, // the server failed a query for its own reasons (out of memory, shutting down, ...)
        Timeout, // the statement timeout or a connect timeout ran out
    };

    StoreError() = default;
    StoreError(Kind kind, QString message, QString sqlState = {})
        : kind(kind)
        , message(std::move(message))
        , sqlState(std::move(sqlState))
    { }

    Kind kind = Kind::Query;
    QString message;
    QString sqlState; // PostgreSQL's five-character SQLSTATE, when the server sent one

    static StoreError cancelled();
    // The kind as scripts read it: "not_found", "authentication", "connection", ...
    static QString kindName(Kind kind);
};

} // namespace EventScope
