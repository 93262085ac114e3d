#pragma once

#include "result.h"

#include <QList>
#include <QPair>
#include <QString>

namespace EventScope {

// Where a store is: a SQLite file, or a PostgreSQL database named by a libpq URI or conninfo string. It never
// carries a password: parse() takes one out of what the user typed and hands it back separately, so a location
// can be shown, logged, saved and put in a recent list safely.
class StoreLocation
{
public:
    enum class Kind { SqliteFile, Postgres };

    StoreLocation() = default;
    static StoreLocation sqliteFile(const QString& path);

    // Reads what a user typed: `postgresql://` or `postgres://` URIs and `key=value` conninfo strings (host=,
    // dbname=, service=, ...) are PostgreSQL, anything else is a file path. A password in the text goes to
    // `password` (when given) and never into the location. Fails only on a PostgreSQL string libpq rejects.
    static Result<StoreLocation> parse(const QString& text, QString* password = nullptr);

    Kind kind() const { return m_kind; }
    bool isEmpty() const { return m_kind == Kind::SqliteFile && m_path.isEmpty(); }

    // The file of a SQLite store.
    QString path() const { return m_path; }

    // A PostgreSQL store's connection parameters, without a password, as libpq keyword/value pairs.
    const QList<QPair<QString, QString>>& parameters() const { return m_parameters; }
    QString parameter(const QString& keyword) const;
    // The same as a conninfo string libpq accepts ("host='h' dbname='d'"), without a password.
    QString conninfo() const;

    // What to show a user and to save: the path, or the conninfo without a password.
    QString toString() const;
    // Short and readable: the path, or "user@host:port/dbname" (service name when one is used).
    QString displayName() const;

    bool operator==(const StoreLocation&) const = default;

private:
    Kind m_kind = Kind::SqliteFile;
    QString m_path;
    QList<QPair<QString, QString>> m_parameters;
};

} // namespace EventScope
