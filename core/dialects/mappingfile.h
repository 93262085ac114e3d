#pragma once

#include "../store/connection.h"
#include "storemapping.h"

#include <QByteArray>
#include <QString>

namespace EventScope {

// A custom mapping as a JSON file: the "events" section names the events table and, for each field, a column or
// SQL expression over the row; "snapshots" and "streams" are optional sections of the same kind. A field given
// as a plain string is a column or an expression with the defaults (native time, json payload); an object says
// more: {"column": "created", "unit": "epoch-ms"}, {"column": "payload", "encoding": "zlib"}.
//
// Every error is StoreError::Kind::InvalidArgument (exit 2 in the CLI) and starts with the field it came from:
// "events.time.unit: 'epoch-ns' is not a time unit; use iso, epoch-s, epoch-ms, epoch-us or native".
namespace MappingFile {

Result<StoreMapping> fromJson(const QByteArray& json);
Result<StoreMapping> load(const QString& path);
QByteArray toJson(const StoreMapping& mapping);

// The mapping with each table name as the database resolves it, as a query that names the table would: a name
// written with its schema ("shop.orders") as written; on PostgreSQL, a bare name through the session's
// search_path, otherwise the one schema that has it (an error names every candidate when several do, and every
// table when none does); on SQLite, "main.orders" and "orders" alike. Errors name the field ("events.table").
Result<StoreMapping> resolveTables(Connection& connection, StoreMapping mapping);

// Checks a mapping against the database it will read, before any page is read: every table exists, every
// expression runs (on the read-only session, with nothing bound but what EventScope binds), and the values fit
// (an integer position and version, a number for an epoch time). The message names the field.
Status check(Connection& connection, const StoreMapping& mapping);

} // namespace MappingFile

} // namespace EventScope
