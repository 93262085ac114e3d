#include "postgresmeasures.h"

#include "targets.h"
#include "timing.h"

#include "core/demo/postgresdemo.h"
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

Measurement firstPage(PostgresServer& server, qint64 events, const RunSettings& settings)
{
    Measurement row(u"pg.open.core"_s, u"PostgreSQL: connect, detect -> first page (core)"_s, events, u"ms"_s);
    row.target = u"≤ %1 ms"_s.arg(kPostgresFirstPageMs);
    const auto ours = warmThenTime(settings.timedRuns(), [&]() -> Result<double> {
        QElapsedTimer timer;
        timer.start();
        auto opened = openStore(server.uri(u"bench"_s));
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
    const QString sql = u"SELECT %1 FROM events e JOIN streams s ON s.stream_id = e.stream_id ORDER BY e.position"
                        " LIMIT %2"_s.arg(QLatin1StringView(kEventColumns))
                            .arg(kFirstPageRows);
    const auto reference = warmThenTime(settings.timedRuns(), [&] {
        return psqlMs(server, u"bench"_s, { u"-c"_s, sql });
    });
    if (!reference)
        return failedWith(row, reference.error().message);
    row = withReference(row, *ours, *reference, u"psql -c, process start to exit"_s);
    row.verdict = atMost(ours->median, kPostgresFirstPageMs);
    return row;
}

// keyAtPosition, then the 256-row window from it, as the table does for "Go to position"; the reference is psql
// running the same two queries for every jump in one session, per jump.
Measurement jumps(PostgresServer& server, EventStore& store, qint64 events, const RunSettings& settings)
{
    Measurement row(u"pg.jump.core"_s, u"PostgreSQL: jump to a random position (core)"_s, events, u"ms"_s);
    row.target = u"p95 ≤ %1 ms"_s.arg(kPostgresJumpP95Ms);
    const auto info = store.describe();
    if (!info)
        return failedWith(row, info.error().message);
    const qint64 low = info->firstPosition.value_or(0), high = info->lastPosition.value_or(0);
    QStringList script;
    const auto sampled = sampleJumps(
        settings.warmupJumps(), settings.jumps(), [&](QRandomGenerator& random) -> Result<double> {
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
            script.append(u"SELECT position FROM events WHERE position >= %1 ORDER BY position LIMIT 1;"_s.arg(target));
            script.append(u"SELECT %1 FROM events e JOIN streams s ON s.stream_id = e.stream_id WHERE e.position >= %2"
                          " ORDER BY e.position LIMIT %3;"_s.arg(QLatin1StringView(kEventColumns))
                              .arg(**key)
                              .arg(kJumpWindowRows));
            return ms;
        });
    if (!sampled)
        return failedWith(row, sampled.error().message);
    QTemporaryFile file;
    if (!file.open())
        return failedWith(row, u"cannot write the psql script"_s);
    file.write(script.join(u'\n').toUtf8());
    file.close();
    const auto total = psqlMs(server, u"bench"_s, { u"-f"_s, file.fileName() });
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
    row.verdict = atMost(sampled->p95, kPostgresJumpP95Ms);
    return row;
}

Measurement streamList(PostgresServer& server, EventStore& store, qint64 events, const RunSettings& settings)
{
    Measurement row(
        u"pg.streams.core"_s, u"PostgreSQL: first %1 streams (core)"_s.arg(kStreamPageRows), events, u"ms"_s);
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
        return psqlMs(server, u"bench"_s,
            { u"-c"_s,
                u"SELECT name, category, event_count, last_version, last_time FROM streams ORDER BY name LIMIT %1"_s
                    .arg(kStreamPageRows) });
    });
    if (!reference)
        return failedWith(row, reference.error().message);
    row = withReference(row, *ours, *reference, u"psql -c, process start to exit"_s);
    row.verdict = atMost(ours->median, kStreamListMs);
    return row;
}

Measurement longStream(PostgresServer& server, const RunSettings& settings)
{
    Measurement row(u"pg.stream100k.core"_s, u"PostgreSQL: read a 100 k-event stream, pages of 1000 (core)"_s,
        kHotStreamEvents, u"ms"_s);
    row.target = u"≤ %1x ref"_s.arg(kPostgresLongStreamRatio);
    auto opened = openStore(server.uri(u"hot"_s));
    if (!opened)
        return failedWith(row, opened.error().message);
    EventStore& store = **opened;
    const EventFilter filter { QString::fromLatin1(kHotStream), {}, {}, {}, {} };
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
    const QString copy = u"\\copy (SELECT %1 FROM events e JOIN streams s ON s.stream_id = e.stream_id"
                         " WHERE s.name = '%2' ORDER BY e.version) to stdout"_s.arg(
                             QLatin1StringView(kEventColumns), QLatin1StringView(kHotStream));
    const auto reference = warmThenTime(settings.timedRuns(), [&] {
        return psqlMs(server, u"hot"_s, { u"-c"_s, copy });
    });
    if (!reference)
        return failedWith(row, reference.error().message);
    row = withReference(row, *ours, *reference, u"psql \\copy to stdout, process start to exit"_s);
    row.verdict = *row.ratio <= kPostgresLongStreamRatio ? Verdict::Pass : Verdict::Miss;
    return row;
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

    QList<Measurement> rows { write, firstPage(server, events, settings) };
    auto opened = openStore(server.uri(u"bench"_s));
    if (!opened)
        return rows << failedWith(Measurement(u"pg.jump.core"_s, label), opened.error().message);
    rows.append(jumps(server, **opened, events, settings));
    rows.append(streamList(server, **opened, events, settings));
    rows.append(longStream(server, settings));
    return rows;
}

} // namespace EventScope::Bench
