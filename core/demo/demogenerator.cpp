#include "demogenerator.h"

#include "../dialects/nativeschema.h"
#include "demodomain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace EventScope {

using namespace Demo;

namespace {

constexpr qint64 kStartTimeMs = 1'704'067'200'000; // 2024-01-01T00:00:00Z
constexpr int kActiveStreams = 1000; // streams in flight at once: how much the log interleaves
constexpr int kSnapshotEvery = 10;
constexpr int kDriftOneIn = 500; // a snapshot in this many is written wrong on purpose

// A write connection to the file being generated (never a store someone explores).
class DemoWriter
{
public:
    explicit DemoWriter(const QString& path)
    {
        m_rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db,
            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    }
    ~DemoWriter()
    {
        sqlite3_finalize(m_insertEvent);
        sqlite3_finalize(m_insertSnapshot);
        sqlite3_close_v2(m_db);
    }

    bool ok() const { return m_rc == SQLITE_OK || m_rc == SQLITE_DONE || m_rc == SQLITE_ROW; }
    QString error() const { return QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(m_rc)); }

    bool exec(const char* sql)
    {
        if (ok())
            m_rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
        return ok();
    }

    bool prepare()
    {
        if (ok())
            m_rc = sqlite3_prepare_v2(
                m_db, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &m_insertEvent, nullptr);
        if (ok())
            m_rc = sqlite3_prepare_v2(
                m_db, "INSERT INTO snapshots VALUES (?1, ?2, ?3, ?4)", -1, &m_insertSnapshot, nullptr);
        return ok();
    }

    bool insertEvent(qint64 position, const Aggregate& a, const GeneratedEvent& event, qint64 timeMs, const Uuid& id,
        const std::string& metadata)
    {
        sqlite3_bind_int64(m_insertEvent, 1, position);
        sqlite3_bind_int64(m_insertEvent, 2, a.streamId);
        sqlite3_bind_int64(m_insertEvent, 3, a.version);
        sqlite3_bind_text(m_insertEvent, 4, event.type.data(), int(event.type.size()), SQLITE_STATIC);
        sqlite3_bind_int64(m_insertEvent, 5, timeMs);
        sqlite3_bind_blob(m_insertEvent, 6, id.data(), int(id.size()), SQLITE_STATIC);
        sqlite3_bind_blob(m_insertEvent, 7, event.data.data(), int(event.data.size()), SQLITE_STATIC);
        sqlite3_bind_blob(m_insertEvent, 8, metadata.data(), int(metadata.size()), SQLITE_STATIC);
        return step(m_insertEvent);
    }

    bool insertSnapshot(const Aggregate& a, const std::string& state)
    {
        sqlite3_bind_int64(m_insertSnapshot, 1, a.streamId);
        sqlite3_bind_int64(m_insertSnapshot, 2, a.version);
        sqlite3_bind_int64(m_insertSnapshot, 3, a.lastTimeMs);
        sqlite3_bind_text(m_insertSnapshot, 4, state.data(), int(state.size()), SQLITE_STATIC);
        return step(m_insertSnapshot);
    }

    bool insertRow(const char* sql, const std::function<void(sqlite3_stmt*)>& bind)
    {
        sqlite3_stmt* statement = nullptr;
        if (ok())
            m_rc = sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr);
        if (ok()) {
            bind(statement);
            step(statement);
        }
        sqlite3_finalize(statement);
        return ok();
    }

    sqlite3* handle() const { return m_db; }

private:
    bool step(sqlite3_stmt* statement)
    {
        m_rc = sqlite3_step(statement);
        sqlite3_reset(statement);
        return ok();
    }

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_insertEvent = nullptr;
    sqlite3_stmt* m_insertSnapshot = nullptr;
    int m_rc = SQLITE_OK;
};

std::string metadataJson(const Uuid& correlation, const Uuid& causation, int user)
{
    std::string json;
    json.reserve(140);
    json += "{\"correlationId\":\"";
    appendUuidText(json, correlation);
    json += "\",\"causationId\":\"";
    appendUuidText(json, causation);
    json += "\",\"userId\":\"user-";
    json += std::to_string(user);
    json += "\",\"source\":\"demo\"}";
    return json;
}

// Corrupts one field of a snapshot's state the way a buggy snapshotter would.
std::string driftedState(const Aggregate& a)
{
    Aggregate wrong = a;
    switch (a.kind) {
    case Kind::Account:
        wrong.balanceCents += 100;
        break;
    case Kind::Cart:
        wrong.discountPercent += 5;
        break;
    case Kind::Customer:
        wrong.consent = !wrong.consent;
        break;
    }
    return stateJson(wrong);
}

// Splits the store into streams: 45% accounts, 20% customers, 35% carts; about 100 events each.
std::vector<Aggregate> planAggregates(qint64 events, Random& random)
{
    const qint64 streams = std::max<qint64>(3, events / 100);
    std::vector<Aggregate> aggregates;
    aggregates.reserve(size_t(streams));
    int numbers[3] = { 0, 0, 0 };
    for (qint64 i = 0; i < streams; ++i) {
        // The first three are one of each (account, customer, cart), so that even a tiny store has every
        // kind; the first account is the long stream of a large store.
        const qint64 roll = i < 3 ? (i == 0 ? 0 : i == 1 ? 50 : 80) : random.below(100);
        const Kind kind = roll < 45 ? Kind::Account : roll < 65 ? Kind::Customer : Kind::Cart;
        Aggregate a;
        a.kind = kind;
        a.number = ++numbers[int(kind)];
        a.stream = streamNameFor(kind, a.number);
        a.streamId = i + 1;
        a.budget = std::max<qint64>(2, random.between(20, 180) * events / streams / 100);
        a.customerNumber = int(random.between(1, std::max<qint64>(1, streams / 5)));
        aggregates.push_back(std::move(a));
    }
    return aggregates;
}

StoreError fail(const QString& path, const QString& why)
{
    QFile::remove(path);
    return StoreError { StoreError::Kind::Io, u"%1: cannot write the demo store: %2"_s.arg(path, why) };
}

} // namespace

Result<DemoSummary> createDemoStore(const QString& path, const DemoOptions& options, const DemoProgress& progress)
{
    if (QFileInfo::exists(path))
        return StoreError { StoreError::Kind::InvalidArgument,
            u"%1: already exists; the demo generator never overwrites a file"_s.arg(path) };
    if (options.events < 1)
        return StoreError { StoreError::Kind::InvalidArgument, u"a demo store needs at least 1 event"_s };
    const QString partPath = path + u".part"_s;
    QFile::remove(partPath);
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return StoreError { StoreError::Kind::Io,
            u"%1: cannot create the folder"_s.arg(QFileInfo(path).absolutePath()) };

    DemoSummary summary;
    {
        DemoWriter db(partPath);
        // A throw-away file written once: no journal, no fsync; a crash just leaves a .part file behind.
        db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA page_size=8192;"
                " PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA threads=2");
        for (const char* sql : NativeSchema::kCreateTables)
            db.exec(sql);
        db.prepare();
        db.exec("BEGIN");
        if (!db.ok())
            return fail(partPath, db.error());

        Random random(options.seed);
        std::vector<Aggregate> aggregates = planAggregates(options.events, random);
        std::vector<size_t> active;
        size_t nextToActivate = 0;
        const auto fillActive = [&] {
            while (active.size() < size_t(kActiveStreams) && nextToActivate < aggregates.size())
                active.push_back(nextToActivate++);
        };
        fillActive();
        // accountsByNumber[n] is the index of account-n: a confirmed cart of customer n pays from it.
        std::vector<size_t> accountsByNumber(1, SIZE_MAX);
        for (size_t i = 0; i < aggregates.size(); ++i) {
            if (aggregates[i].kind == Kind::Account)
                accountsByNumber.push_back(i);
        }
        // One account takes 1% of a large store's events: a long stream for time travel.
        Aggregate* hotAccount = options.events >= 100'000 ? &aggregates[0] : nullptr;
        std::string drifted = "[";

        qint64 timeMs = kStartTimeMs;
        size_t pendingPaymentFor = SIZE_MAX; // a confirmed cart whose payment comes next
        for (qint64 position = 1; position <= options.events; ++position) {
            timeMs += random.below(6000);
            Aggregate* aggregate = nullptr;
            GeneratedEvent event;
            const Uuid id = makeUuid(random);
            if (pendingPaymentFor != SIZE_MAX) {
                // The payment of a confirmed cart: another stream, the same correlation id.
                const Aggregate& cart = aggregates[pendingPaymentFor];
                aggregate = &aggregates[accountsByNumber[size_t(cart.customerNumber)]];
                event = paymentFor(*aggregate, cartTotalCents(cart), cart.number);
                pendingPaymentFor = SIZE_MAX;
                aggregate->lastTimeMs = timeMs;
                if (!db.insertEvent(position, *aggregate, event, timeMs, id,
                        metadataJson(cart.firstEventId, cart.lastEventId, cart.customerNumber)))
                    return fail(partPath, db.error());
                aggregate->lastEventId = id;
            } else {
                size_t slot = SIZE_MAX;
                if (hotAccount && hotAccount->version > 0 && random.below(100) == 0) {
                    aggregate = hotAccount;
                } else if (active.empty()) {
                    // Every planned stream has had its budget: go on with open accounts and customers.
                    do
                        aggregate = &aggregates[size_t(random.below(qint64(aggregates.size())))];
                    while (aggregate->kind == Kind::Cart || aggregate->version == 0
                        || std::string_view(aggregate->status) != "open");
                } else {
                    slot = size_t(random.below(qint64(active.size())));
                    aggregate = &aggregates[active[slot]];
                }
                const bool last = slot != SIZE_MAX && aggregate->version + 1 >= aggregate->budget;
                if (aggregate->kind == Kind::Customer && aggregate->number == 1 && aggregate->version == 2)
                    event = largeDocumentEvent(*aggregate);
                else if (aggregate->kind == Kind::Customer && aggregate->number == 1 && aggregate->version == 3)
                    event = binarySignatureEvent(*aggregate, random);
                else
                    event = nextEvent(*aggregate, random, last);
                if (aggregate->version == 1)
                    aggregate->firstEventId = id;
                const Uuid causation = aggregate->version == 1 ? id : aggregate->lastEventId;
                aggregate->lastTimeMs = timeMs;
                if (!db.insertEvent(position, *aggregate, event, timeMs, id,
                        metadataJson(aggregate->firstEventId, causation,
                            aggregate->kind == Kind::Cart ? aggregate->customerNumber : aggregate->number)))
                    return fail(partPath, db.error());
                aggregate->lastEventId = id;
                if (event.type == "CartConfirmed" && size_t(aggregate->customerNumber) < accountsByNumber.size()
                    && aggregates[accountsByNumber[size_t(aggregate->customerNumber)]].version > 0)
                    pendingPaymentFor = size_t(aggregate - aggregates.data());
                if (last) {
                    active[slot] = active.back();
                    active.pop_back();
                    fillActive();
                }
            }
            if (aggregate->version % kSnapshotEvery == 0) {
                const bool drift = random.below(kDriftOneIn) == 0;
                if (!db.insertSnapshot(*aggregate, drift ? driftedState(*aggregate) : stateJson(*aggregate)))
                    return fail(partPath, db.error());
                ++summary.snapshots;
                if (drift) {
                    drifted += (summary.driftedSnapshots++ ? ",{\"stream\":\"" : "{\"stream\":\"") + aggregate->stream
                        + "\",\"version\":" + std::to_string(aggregate->version) + "}";
                }
            }
            if (position % 65536 == 0 && progress && !progress(position, options.events)) {
                db.exec("ROLLBACK");
                QFile::remove(partPath);
                return StoreError::cancelled();
            }
        }
        drifted += "]";

        for (const Aggregate& a : aggregates) {
            if (a.version == 0)
                continue;
            ++summary.streams;
            db.insertRow("INSERT INTO streams VALUES (?1, ?2, ?5, ?3, ?3, ?4)", [&a](sqlite3_stmt* s) {
                sqlite3_bind_int64(s, 1, a.streamId);
                sqlite3_bind_text(s, 2, a.stream.data(), int(a.stream.size()), SQLITE_STATIC);
                sqlite3_bind_int64(s, 3, a.version);
                sqlite3_bind_int64(s, 4, a.lastTimeMs);
                sqlite3_bind_text(s, 5, kindName(a.kind), -1, SQLITE_STATIC);
            });
        }
        const std::string seed = std::to_string(options.seed), count = std::to_string(options.events),
                          version = std::to_string(NativeSchema::kSchemaVersion);
        const std::pair<const char*, std::string> meta[] = {
            { "schema", NativeSchema::kSchemaName },
            { "schema_version", version },
            { "generator", "eventscope demo" },
            { "demo_seed", seed },
            { "demo_events", count },
            { "demo_drifted_snapshots", drifted },
        };
        for (const auto& [key, value] : meta) {
            db.insertRow("INSERT INTO eventscope_meta VALUES (?1, ?2)", [&](sqlite3_stmt* s) {
                sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_text(s, 2, value.data(), int(value.size()), SQLITE_STATIC);
            });
        }
        for (const char* sql : NativeSchema::kCreateIndexes)
            db.exec(sql);
        db.exec("COMMIT");
        db.exec("PRAGMA analysis_limit=1000; ANALYZE");
        if (!db.ok())
            return fail(partPath, db.error());
        summary.events = options.events;
    }
    if (QFileInfo::exists(path) || !QFile::rename(partPath, path))
        return fail(partPath, u"cannot move the finished file into place"_s);
    return summary;
}

} // namespace EventScope
