#pragma once

#include "../store/connection.h"

#include <QString>
#include <optional>

namespace EventScope {

// How a time column counts: ISO 8601 text, seconds / milliseconds / microseconds since the Unix epoch, or
// whatever the database's own type says (a PostgreSQL timestamp, a SQLite integer of milliseconds or text).
enum class TimeUnit { Native, Iso, EpochSeconds, EpochMilliseconds, EpochMicroseconds };

// How a payload column is stored: the bytes of JSON or text as they are, raw bytes, or text/bytes wrapped in
// base64, zlib or gzip. EventScope unwraps them to show the payload; what cannot be unwrapped stays as bytes.
enum class PayloadEncoding { Json, Text, Bytes, Base64, Zlib, Gzip };

struct TimeField
{
    QString expression; // a column or SQL expression over the row; empty: the store has no time
    TimeUnit unit = TimeUnit::Native;
};

struct PayloadField
{
    QString expression; // empty: no such payload
    PayloadEncoding encoding = PayloadEncoding::Json;
};

// A table of events described field by field: each field is a column or a SQL expression over one row of
// `table` (read-only, with bound parameters only). This is what a custom mapping file says and what most
// library dialects are: "these tables, these columns".
struct EventsMapping
{
    TableName table;
    QString alias; // optional: the name expressions use for `table` ("m" in "m.stream_id")
    QString joins; // optional: tables joined to each row ("JOIN eventuous.streams s ON s.stream_id = m.stream_id")
    QString position; // the global order: a unique, ascending key ("rowid" on SQLite)
    QString stream; // may combine columns: "domain || '/' || identifier"
    // optional: the condition that picks one stream's rows, with one `?` for its name, for when `(stream) = ?`
    // cannot seek an index because the name lives in a joined table
    // ("se.stream_id = (SELECT stream_id FROM streams WHERE stream_uuid = ?)")
    QString streamMatch;
    QString category; // optional: empty means the store's category rule (defaultCategoryOf) applies
    // optional: what a category filter compares instead of `category`, when the store's index is built on another
    // spelling of the same value (Message DB's category() function, too slow to call for every row read)
    QString categoryFilter;
    QString version; // the order inside a stream
    QString type;
    TimeField time;
    QString id; // optional
    PayloadField data;
    PayloadField metadata; // optional
    QString where; // optional condition every row must meet (e.g. to hide a library's bookkeeping rows)
};

// A table with one row per stream, where the library keeps each stream's count and last version: streams are
// listed (and counted) from it with one index seek a page, instead of a grouped scan of the events.
struct StreamsMapping
{
    TableName table;
    QString alias;
    QString joins;
    QString name; // the stream as the events mapping's `stream` gives it
    QString category; // optional: empty means the category of each name, by the store's rule
    QString events; // the stream's event count
    QString lastVersion;
    TimeField lastTime; // optional
    QString where; // optional (e.g. "stream_id <> 0", "NOT is_archived")
};

struct SnapshotsMapping
{
    TableName table;
    QString alias;
    QString joins;
    QString stream;
    QString version;
    TimeField time;
    PayloadField data;
    QString where; // optional
};

struct StoreMapping
{
    QString dialect = QStringLiteral("mapping"); // the name `info` shows
    QString description;
    EventsMapping events;
    std::optional<StreamsMapping> streams;
    std::optional<SnapshotsMapping> snapshots;
};

// Unwraps a payload stored with `encoding` into the bytes EventScope shows (JSON or text as they are). A payload
// that does not unwrap (bad base64, a corrupt zlib stream) is returned as stored, so it is shown, never lost.
QByteArray unwrapPayload(const QByteArray& stored, PayloadEncoding encoding);

} // namespace EventScope
