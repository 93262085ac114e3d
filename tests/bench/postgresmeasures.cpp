#include "postgresmeasures.h"

#include "targets.h"
#include "timing.h"

#include "core/demo/postgresdemo.h"
#include "core/dialects/messagedbstore.h"
#include "core/dialects/nativestore.h"
#include "core/dialects/storeopener.h"

#include <postgresserver.h>

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryFile>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

using namespace Targets;
using TestSupport::PostgresServer;

namespace {

constexpr qint64 kHotStreamEvents = 100'000;
constexpr char kHotStream[] = "hot-1";
// The columns NativeStore reads, in psql's words: what a user would type to see the same rows.
constexpr char kEventColumns[]
    = "e.position, s.name, s.category, e.version, e.type, e.time, e.event_id, e.data, e.metadata";

// One store layout measured beside psql: where its rows are, and the SQL a user would type in psql to see what
// EventScope shows. Every measure runs the same way on each layout, so their rows compare with each other.
struct Layout
{
    QString key; // the rows' key prefix: "pg" or "pg.messagedb"
    QString label; // "PostgreSQL" or "PostgreSQL, Message DB"
    QString dialect; // what detection must find
    QString database; // the 1 M-event store
    QString hotDatabase; // the store with the 100 k-event stream
    QString hotStream;
    QString firstPageSql; // %1: rows
    QString keyAtPositionSql; // %1: the position
    QString windowSql; // %1: the key, %2: rows
    QString streamsSql; // %1: rows
    QString streamSql; // %1: the stream
};

Layout nativeLayout()
{
    const QString columns = QLatin1StringView(kEventColumns);
    return Layout { u"pg"_s, u"PostgreSQL"_s, QString::fromLatin1(NativeStore::kName), u"bench"_s, u"hot"_s,
        QString::fromLatin1(kHotStream),
        u"SELECT %1 FROM events e JOIN streams s ON s.stream_id = e.stream_id ORDER BY e.position LIMIT %2"_s.arg(
            columns, u"%1"_s),
        u"SELECT position FROM events WHERE position >= %1 ORDER BY position LIMIT 1;"_s,
        u"SELECT %1 FROM events e JOIN streams s ON s.stream_id = e.stream_id WHERE e.position >= %2"
        " ORDER BY e.position LIMIT %3;"_s.arg(columns, u"%1"_s, u"%2"_s),
        u"SELECT name, category, event_count, last_version, last_time FROM streams ORDER BY name LIMIT %1"_s,
        u"SELECT %1 FROM events e JOIN streams s ON s.stream_id = e.stream_id WHERE s.name = '%2'"
        " ORDER BY e.version"_s.arg(columns, u"%1"_s) };
}

// Message DB keeps no per-stream counts: its stream list is the grouped scan EventScope runs too (the
// messages_stream index gives it in name order, so the first page stops early).
Layout messageDbLayout()
{
    const QString columns = u"global_position, stream_name, message_store.category(stream_name), position, type,"
                            " time, id, data, metadata"_s;
    return Layout { u"pg.messagedb"_s, u"PostgreSQL, Message DB"_s, QString::fromLatin1(MessageDbStore::kName),
        u"messagedb"_s, u"messagedb_hot"_s, u"hotClock-1"_s,
        u"SELECT %1 FROM message_store.messages ORDER BY global_position LIMIT %2"_s.arg(columns, u"%1"_s),
        u"SELECT global_position FROM message_store.messages WHERE global_position >= %1"
        " ORDER BY global_position LIMIT 1;"_s,
        u"SELECT %1 FROM message_store.messages WHERE global_position >= %2 ORDER BY global_position LIMIT %3;"_s.arg(
            columns, u"%1"_s, u"%2"_s),
        u"SELECT stream_name, min(message_store.category(stream_name)), count(*), max(position), max(time)"
        " FROM message_store.messages GROUP BY stream_name ORDER BY stream_name LIMIT %1"_s,
        u"SELECT %1 FROM message_store.messages WHERE stream_name = '%2' ORDER BY position"_s.arg(columns, u"%1"_s) };
}

// psql run as a process, timed from start to exit (what a user waits for), output thrown away.
Result<double> psqlMs(const PostgresServer& server, const QString& database, const QStringList& arguments)
{
    QProcess psql;
    psql.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    psql.start(u"psql"_s,
        QStringList { u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-d"_s, server.conninfo(database) }
            + arguments);
    if (!psql.waitForFinished(300'000) || psql.exitStatus() != QProcess::NormalExit || psql.exitCode() != 0)
        return StoreError { StoreError::Kind::Query,
            u"psql: %1 %2"_s.arg(psql.errorString(), QString::fromUtf8(psql.readAllStandardError()).trimmed()) };
    return elapsedMs(timer);
}

Measurement withReference(Measurement row, const Stats& ours, const Stats& reference, const QString& what)
{
    row.value = ours.median;
    row.figure = formatMs(ours.median);
    row.reference = reference.median;
    row.referenceFigure = formatMs(reference.median) + u" ("_s + what + u")"_s;
    row.ratio = ours.median / reference.median;
    return row;
}

EventPageRequest page(const EventFilter& filter, std::optional<KeyBound> start, int limit)
{
    EventPageRequest request;
    request.filter = filter;
    request.start = start;
    request.limit = limit;
    return request;
}

// A second store in EventScope's own bench database: a small demo plus one stream of 100 k events, the size of
// a long-lived aggregate's history.
QString writeHotStreamStore(PostgresServer& server)
{
    if (QString error = server.createDatabase(u"hot"_s); !error.isEmpty())
        return error;
    const auto written
        = createDemoStoreInPostgres(*StoreLocation::parse(server.uri(u"hot"_s)), {}, DemoOptions { 2000, 2 });
    if (!written)
        return written.error().message;
    return server.exec(
        u"INSERT INTO streams SELECT max(stream_id) + 1, '%1', 'hot', %2, %2, 1704067200000 + %2 FROM streams;"
        "INSERT INTO events SELECT p.max + g, (SELECT stream_id FROM streams WHERE name = '%1'), g, 'Ticked',"
        " 1704153600000 + g, md5(g::text)::uuid,"
        " convert_to('{\"tick\":' || g || ',\"note\":\"' || repeat('x', 80) || '\"}', 'UTF8'),"
        " convert_to('{\"correlationId\":\"' || md5(g::text) || '\"}', 'UTF8')"
        " FROM generate_series(1, %2) AS g, (SELECT max(position) AS max FROM events) AS p;"
        "ANALYZE streams, events;"_s.arg(QLatin1StringView(kHotStream))
            .arg(kHotStreamEvents),
        u"hot"_s);
}

// Message DB 1.3.0's table and the functions EventScope reads (store-schemas.md §2); the indexes are made after
// the rows are written, as a restore would.
constexpr char kMessageDbSchema[] = R"(
CREATE SCHEMA message_store;
CREATE TABLE message_store.messages (global_position bigserial NOT NULL, position bigint NOT NULL,
    time timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'utc'), stream_name text NOT NULL,
    type text NOT NULL, data jsonb, metadata jsonb, id uuid NOT NULL DEFAULT gen_random_uuid());
CREATE FUNCTION message_store.category(stream_name varchar) RETURNS varchar
    AS $$ BEGIN RETURN split_part(stream_name, '-', 1); END; $$ LANGUAGE plpgsql IMMUTABLE;
CREATE FUNCTION message_store.message_store_version() RETURNS varchar
    AS $$ BEGIN RETURN '1.3.0'; END; $$ LANGUAGE plpgsql VOLATILE;
)";
constexpr char kMessageDbIndexes[] = R"(
ALTER TABLE message_store.messages ADD PRIMARY KEY (global_position);
CREATE UNIQUE INDEX messages_id ON message_store.messages (id);
CREATE UNIQUE INDEX messages_stream ON message_store.messages (stream_name, position);
CREATE INDEX messages_category ON message_store.messages (message_store.category(stream_name), global_position,
    message_store.category(metadata->>'correlationStreamName'));
ANALYZE message_store.messages;
)";

// A Message DB store of `messages` messages written by SQL: 20 000 entity streams in five categories, their
// messages interleaved in global order as concurrent writers leave them, with payloads the size of the demo's;
// with `hotStream`, one more stream of 100 k messages after them.
QString writeMessageDbStore(PostgresServer& server, const QString& database, qint64 messages, const QString& hotStream)
{
    if (QString error = server.createDatabase(database); !error.isEmpty())
        return error;
    QString sql = QString::fromUtf8(kMessageDbSchema);
    sql += u"INSERT INTO message_store.messages (global_position, position, time, stream_name, type, data, metadata,"
           " id) SELECT g, row_number() OVER (PARTITION BY stream ORDER BY g) - 1,"
           " '2024-01-01'::timestamp + g * interval '100 milliseconds', stream,"
           " (ARRAY['Opened', 'Deposited', 'Withdrawn', 'Noted'])[1 + g % 4],"
           " jsonb_build_object('amount', g % 1000, 'note', repeat('x', 60)),"
           " jsonb_build_object('correlationStreamName', 'web-' || g % 100), md5(g::text)::uuid"
           " FROM (SELECT g, (ARRAY['account', 'cart', 'order', 'customer', 'shipment'])[1 + g % 5] || '-'"
           " || (g * 7919) % 20000 AS stream FROM generate_series(1::bigint, %1::bigint) AS g) AS x;"_s.arg(messages);
    if (!hotStream.isEmpty())
        sql += u"INSERT INTO message_store.messages (global_position, position, time, stream_name, type, data,"
               " metadata, id) SELECT %1 + v, v - 1, '2024-02-01'::timestamp + v * interval '1 millisecond', '%2',"
               " 'Ticked', jsonb_build_object('tick', v, 'note', repeat('x', 80)),"
               " jsonb_build_object('correlationId', md5(v::text)), md5('hot' || v)::uuid"
               " FROM generate_series(1, %3) AS v;"_s.arg(messages)
                   .arg(hotStream)
                   .arg(kHotStreamEvents);
    return server.exec(sql + QString::fromUtf8(kMessageDbIndexes), database);
}

Measurement firstPage(PostgresServer& server, const Layout& layout, qint64 events, const RunSettings& settings)
{
    Measurement row(
        layout.key + u".open.core"_s, layout.label + u": connect, detect -> first page (core)"_s, events, u"ms"_s);
    row.target = u"≤ %1 ms"_s.arg(kPostgresFirstPageMs);
    const auto ours = warmThenTime(settings.timedRuns(), [&]() -> Result<double> {
        QElapsedTimer timer;
        timer.start();
        auto opened = openStore(server.uri(layout.database));
        if (!opened)
            return opened.error();
        const auto first = (*opened)->readEvents(page({}, std::nullopt, kFirstPageRows));
        if (!first)
            return first.error();
        if (first->events.size() != kFirstPageRows)
            return StoreError { StoreError::Kind::Query, u"the first page is short"_s };
        return elapsedMs(timer);
    });
    if (!ours)
        return failedWith(row, ours.error().message);
    const QString sql = layout.firstPageSql.arg(kFirstPageRows);
    const auto reference = warmThenTime(settings.timedRuns(), [&] {
        return psqlMs(server, layout.database, { u"-c"_s, sql });
    });
    if (!reference)
        return failedWith(row, reference.error().message);
    row = withReference(row, *ours, *reference, u"psql -c, process start to exit"_s);
    row.requireAtMost(ours->median, kPostgresFirstPageMs);
    return row;
}

// keyAtPosition, then the 256-row window from it, as the table does for "Go to position"; the reference is psql
// running the same two queries for every jump in one session, per jump.
Measurement jumps(
    PostgresServer& server, const Layout& layout, EventStore& store, qint64 events, const RunSettings& settings)
{
    Measurement row(
        layout.key + u".jump.core"_s, layout.label + u": jump to a random position (core)"_s, events, u"ms"_s);
    row.target = u"p95 ≤ %1 ms"_s.arg(kPostgresJumpP95Ms);
    const auto info = store.describe();
    if (!info)
        return failedWith(row, info.error().message);
    const qint64 low = info->firstPosition.value_or(0), high = info->lastPosition.value_or(0);
    QStringList script;
    const auto sampled
        = sampleJumps(settings.warmupJumps(), settings.jumps(), [&](QRandomGenerator& random) -> Result<double> {
              const qint64 target = low + qint64(random.bounded(quint64(high - low + 1)));
              QElapsedTimer timer;
              timer.start();
              const auto key = store.keyAtPosition({}, target);
              if (!key || !*key)
                  return key ? StoreError { StoreError::Kind::Query, u"no event after %1"_s.arg(target) } : key.error();
              const auto window = store.readEvents(page({}, KeyBound { **key, true }, kJumpWindowRows));
              if (!window)
                  return window.error();
              const double ms = elapsedMs(timer);
              script.append(layout.keyAtPositionSql.arg(target));
              script.append(layout.windowSql.arg(**key).arg(kJumpWindowRows));
              return ms;
          });
    if (!sampled)
        return failedWith(row, sampled.error().message);
    QTemporaryFile file;
    if (!file.open())
        return failedWith(row, u"cannot write the psql script"_s);
    file.write(script.join(u'\n').toUtf8());
    file.close();
    const auto total = psqlMs(server, layout.database, { u"-f"_s, file.fileName() });
    if (!total)
        return failedWith(row, total.error().message);
    const int jumpsRun = int(script.size() / 2);
    row.value = sampled->p95;
    row.figure
        = u"median %1, p95 %2 (%3 jumps)"_s.arg(formatMs(sampled->median), formatMs(sampled->p95)).arg(sampled->count);
    row.reference = *total / jumpsRun;
    row.referenceFigure
        = u"%1 per jump (psql -f, %2 jumps in one session incl. start-up)"_s.arg(formatMs(*total / jumpsRun))
              .arg(jumpsRun);
    row.ratio = sampled->median / *row.reference;
    row.requireAtMost(sampled->p95, kPostgresJumpP95Ms);
    return row;
}

Measurement streamList(
    PostgresServer& server, const Layout& layout, EventStore& store, qint64 events, const RunSettings& settings)
{
    Measurement row(layout.key + u".streams.core"_s, layout.label + u": first %1 streams (core)"_s.arg(kStreamPageRows),
        events, u"ms"_s);
    row.target = u"≤ %1 ms"_s.arg(kStreamListMs);
    const auto ours = warmThenTime(settings.timedRuns(), [&]() -> Result<double> {
        QElapsedTimer timer;
        timer.start();
        const auto list = store.streams(StreamQuery { {}, {}, {}, kStreamPageRows });
        if (!list)
            return list.error();
        return elapsedMs(timer);
    });
    if (!ours)
        return failedWith(row, ours.error().message);
    const auto reference = warmThenTime(settings.timedRuns(), [&] {
        return psqlMs(server, layout.database, { u"-c"_s, layout.streamsSql.arg(kStreamPageRows) });
    });
    if (!reference)
        return failedWith(row, reference.error().message);
    row = withReference(row, *ours, *reference, u"psql -c, process start to exit"_s);
    row.requireAtMost(ours->median, kStreamListMs);
    return row;
}

Measurement longStream(PostgresServer& server, const Layout& layout, const RunSettings& settings)
{
    Measurement row(layout.key + u".stream100k.core"_s,
        layout.label + u": read a 100 k-event stream, pages of 1000 (core)"_s, kHotStreamEvents, u"ms"_s);
    row.target = u"≤ %1x ref"_s.arg(kPostgresLongStreamRatio);
    auto opened = openStore(server.uri(layout.hotDatabase));
    if (!opened)
        return failedWith(row, opened.error().message);
    EventStore& store = **opened;
    const EventFilter filter { layout.hotStream, {}, {}, {}, {} };
    const auto ours = warmThenTime(settings.timedRuns(), [&]() -> Result<double> {
        QElapsedTimer timer;
        timer.start();
        qint64 read = 0;
        std::optional<KeyBound> start;
        for (;;) {
            const auto chunk = store.readEvents(page(filter, start, kDecodePageRows));
            if (!chunk)
                return chunk.error();
            read += chunk->events.size();
            if (chunk->reachedEnd || chunk->events.isEmpty())
                break;
            start = KeyBound { chunk->events.constLast().version, false };
        }
        if (read != kHotStreamEvents)
            return StoreError { StoreError::Kind::Query, u"read %1 events, not %2"_s.arg(read).arg(kHotStreamEvents) };
        return elapsedMs(timer);
    });
    if (!ours)
        return failedWith(row, ours.error().message);
    const QString copy = u"\\copy ("_s + layout.streamSql.arg(layout.hotStream) + u") to stdout"_s;
    const auto reference = warmThenTime(settings.timedRuns(), [&] {
        return psqlMs(server, layout.hotDatabase, { u"-c"_s, copy });
    });
    if (!reference)
        return failedWith(row, reference.error().message);
    row = withReference(row, *ours, *reference, u"psql \\copy to stdout, process start to exit"_s);
    row.requireAtMost(*row.ratio, kPostgresLongStreamRatio);
    return row;
}

// The four read-path measures of one layout, each beside psql.
QList<Measurement> measureLayout(
    PostgresServer& server, const Layout& layout, qint64 events, const RunSettings& settings)
{
    QList<Measurement> rows { firstPage(server, layout, events, settings) };
    auto opened = openStore(server.uri(layout.database));
    if (!opened)
        return rows << failedWith(Measurement(layout.key + u".jump.core"_s, layout.label), opened.error().message);
    if ((*opened)->dialectName() != layout.dialect)
        return rows << failedWith(Measurement(layout.key + u".jump.core"_s, layout.label),
                   u"opened as %1, not %2"_s.arg((*opened)->dialectName(), layout.dialect));
    rows.append(jumps(server, layout, **opened, events, settings));
    rows.append(streamList(server, layout, **opened, events, settings));
    rows.append(longStream(server, layout, settings));
    return rows;
}

} // namespace

QList<Measurement> measurePostgres(qint64 events, const RunSettings& settings)
{
    const QString label = u"PostgreSQL read path"_s;
    PostgresServer server;
    if (QString error = server.start(); !error.isEmpty())
        return { failedWith(Measurement(u"pg.server"_s, label), error) };
    if (QString error = server.createDatabase(u"bench"_s); !error.isEmpty())
        return { failedWith(Measurement(u"pg.server"_s, label), error) };

    Measurement write(u"pg.generate"_s, u"PostgreSQL: demo create into the server (generate + COPY)"_s, events, u"s"_s);
    QElapsedTimer timer;
    timer.start();
    const auto written
        = createDemoStoreInPostgres(*StoreLocation::parse(server.uri(u"bench"_s)), {}, DemoOptions { events, 1 });
    if (!written)
        return { failedWith(write, written.error().message) };
    write.value = double(timer.elapsed()) / 1000.0;
    write.figure = u"%1 s"_s.arg(*write.value, 0, 'f', 1);
    if (QString error = writeHotStreamStore(server); !error.isEmpty())
        return { write, failedWith(Measurement(u"pg.stream100k.core"_s, label), error) };

    QList<Measurement> rows { write };
    rows.append(measureLayout(server, nativeLayout(), events, settings));

    // The same measures on a library's layout: Message DB, which keeps no per-stream counts.
    const Layout messageDb = messageDbLayout();
    Measurement writeMessageDb(u"pg.messagedb.generate"_s,
        u"PostgreSQL, Message DB: write the store (INSERT ... generate_series, then its indexes)"_s, events, u"s"_s);
    timer.restart();
    if (QString error = writeMessageDbStore(server, messageDb.database, events, {}); !error.isEmpty())
        return rows << failedWith(writeMessageDb, error);
    writeMessageDb.value = double(timer.elapsed()) / 1000.0;
    writeMessageDb.figure = u"%1 s"_s.arg(*writeMessageDb.value, 0, 'f', 1);
    rows.append(writeMessageDb);
    if (QString error = writeMessageDbStore(server, messageDb.hotDatabase, 2000, messageDb.hotStream); !error.isEmpty())
        return rows << failedWith(Measurement(u"pg.messagedb.stream100k.core"_s, label), error);
    rows.append(measureLayout(server, messageDb, events, settings));
    return rows;
}

} // namespace EventScope::Bench
