#include <core/dialects/mappedstore.h>
#include <core/dialects/mappingfile.h>
#include <core/dialects/storeopener.h>
#include <storecomparison.h>
#include <testsupport.h>

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <zlib.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

QByteArray compressed(const QByteArray& text, bool gzip)
{
    z_stream stream {};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&stream, uLong(text.size()))) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.constData()));
    stream.avail_in = uInt(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

// Writes a SQLite file of the test's own with the given statements; binds come from `blobs` in order for
// each '?' of the statement at the same index.
QString writeSqlite(const QString& path, const QStringList& statements, const QList<QList<QByteArray>>& blobs = {})
{
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(path).constData(), &db);
    for (qsizetype i = 0; i < statements.size(); ++i) {
        sqlite3_stmt* statement = nullptr;
        const QByteArray sql = statements[i].toUtf8();
        if (sqlite3_prepare_v2(db, sql.constData(), -1, &statement, nullptr) != SQLITE_OK)
            return QString::fromUtf8(sqlite3_errmsg(db));
        if (i < blobs.size()) {
            for (int b = 0; b < blobs[i].size(); ++b)
                sqlite3_bind_blob(statement, b + 1, blobs[i][b].constData(), int(blobs[i][b].size()), SQLITE_TRANSIENT);
        }
        sqlite3_step(statement);
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return {};
}

std::unique_ptr<EventStore> openMapped(const QString& path, const StoreMapping& mapping)
{
    auto connection = openConnection(StoreLocation::sqliteFile(path));
    if (!connection)
        return nullptr;
    return std::make_unique<MappedStore>(std::move(connection).value(), mapping);
}

// The table "log (seq, stream, v, kind, at)" the payload and name tests write: its columns, `at` in `unit`.
StoreMapping logMapping(TimeUnit unit)
{
    StoreMapping mapping;
    mapping.events.table = TableName { {}, u"log"_s };
    mapping.events.position = u"seq"_s;
    mapping.events.stream = u"stream"_s;
    mapping.events.version = u"v"_s;
    mapping.events.type = u"kind"_s;
    mapping.events.time = TimeField { u"at"_s, unit };
    return mapping;
}

QByteArray sha256(const QString& path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// The home-grown layout of issue 14's example: the stream is two columns, the order is SQLite's rowid.
StoreMapping homeGrownMapping()
{
    StoreMapping mapping;
    mapping.events.table = TableName { {}, u"event_store_entity"_s };
    mapping.events.position = u"rowid"_s;
    mapping.events.stream = u"domain || '/' || identifier"_s;
    mapping.events.category = u"domain"_s;
    mapping.events.version = u"sequence"_s;
    mapping.events.type = u"type"_s;
    mapping.events.time = TimeField { u"created"_s, TimeUnit::EpochMilliseconds };
    mapping.events.id = u"id"_s;
    mapping.events.data = PayloadField { u"payload"_s, PayloadEncoding::Json };
    mapping.events.metadata = PayloadField { u"meta"_s, PayloadEncoding::Json };
    SnapshotsMapping snapshots;
    snapshots.table = TableName { {}, u"event_store_entity_snapshots"_s };
    snapshots.stream = u"domain || '/' || identifier"_s;
    snapshots.version = u"sequence"_s;
    snapshots.time = TimeField { u"created"_s, TimeUnit::EpochMilliseconds };
    snapshots.data = PayloadField { u"state"_s, PayloadEncoding::Json };
    mapping.snapshots = snapshots;
    return mapping;
}

} // namespace

// The declarative dialect: a mapping of a table's columns reads a store like a dialect written in code.
class TestMappedStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    // The strongest oracle there is: EventScope's own schema described as a mapping reads exactly like
    // NativeStore, for every list, page, scan and jump.
    void nativeSchemaAsMappingReadsLikeNativeStore()
    {
        const QString path = TestSupport::demoStore(m_dir.path(), 20000, 4);
        auto native = openStore(path);
        QVERIFY(native);
        auto mapped = openMapped(path, TestSupport::nativeSchemaMapping());
        QVERIFY(mapped);
        const QString stream = (*native)->streams({ {}, u"account"_s, {}, 1 })->first().stream;
        const QList<EventFilter> filters {
            {},
            { stream, {}, {}, {}, {} },
            { {}, u"cart"_s, {}, {}, {} },
            { {}, {}, u"FundsDeposited"_s, {}, {} },
            { {}, {}, {}, 1704067200000 + 3600000, 1704067200000 + 7200000 },
            { u"no-such-stream"_s, {}, {}, {}, {} },
        };
        const QString difference = TestSupport::compareStores(**native, *mapped, filters, stream);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QVERIFY((*native)->snapshots(stream)->size() > 0);
    }

    void homeGrownTableWithTwoColumnStreamAndEpochMs()
    {
        const QString path = m_dir.filePath(u"homegrown.sqlite"_s);
        QCOMPARE(writeSqlite(path,
                     {
                         u"CREATE TABLE event_store_entity (domain TEXT, identifier TEXT, sequence INTEGER, type TEXT,"
                         " created INTEGER, id TEXT, payload TEXT, meta TEXT)"_s,
                         u"CREATE TABLE event_store_entity_snapshots (domain TEXT, identifier TEXT, sequence INTEGER,"
                         " created INTEGER, state TEXT)"_s,
                         u"INSERT INTO event_store_entity VALUES ('orders', '1', 1, 'Placed', 1700000000000, 'e1',"
                         " '{\"total\":10}', '{\"user\":\"ana\"}'), ('orders', '2', 1, 'Placed', 1700000001000, 'e2',"
                         " '{\"total\":5}', NULL), ('orders', '1', 2, 'Paid', 1700000002500, 'e3', '{\"paid\":10}',"
                         " NULL), ('payments', 'p-1', 1, 'Received', 1700000003000, 'e4', 'not json', NULL)"_s,
                         u"INSERT INTO event_store_entity_snapshots VALUES ('orders', '1', 2, 1700000002600,"
                         " '{\"total\":10,\"paid\":true}')"_s,
                     }),
            QString());
        const QByteArray before = sha256(path);
        auto store = openMapped(path, homeGrownMapping());
        QVERIFY(store);
        const auto info = store->describe();
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->events, 4);
        QCOMPARE(info->streams, 3);
        QCOMPARE(info->categories, 2);
        QCOMPARE(info->snapshots, 1);
        QCOMPARE(*info->firstTimeMs, 1700000000000);
        QCOMPARE(*info->lastPosition, 4);

        const auto streams = store->streams({});
        QVERIFY(streams);
        QCOMPARE(streams->size(), 3);
        QCOMPARE(streams->at(0).stream, u"orders/1"_s);
        QCOMPARE(streams->at(0).category, u"orders"_s);
        QCOMPARE(streams->at(0).events, 2);
        QCOMPARE(streams->at(0).lastVersion, 2);
        QCOMPARE(streams->at(0).lastTimeMs, 1700000002500);
        QCOMPARE(streams->at(2).stream, u"payments/p-1"_s);

        EventPageRequest request;
        request.filter.stream = u"orders/1"_s;
        const auto page = store->readEvents(request);
        QVERIFY(page);
        QCOMPARE(TestSupport::describeEvents(page->events),
            (QStringList { u"1 orders/1 orders 1 Placed 1700000000000 e1 %1 %2"_s.arg(
                               QString::fromLatin1(QByteArray("{\"total\":10}").toBase64()),
                               QString::fromLatin1(QByteArray("{\"user\":\"ana\"}").toBase64())),
                u"3 orders/1 orders 2 Paid 1700000002500 e3 %1 "_s.arg(
                    QString::fromLatin1(QByteArray("{\"paid\":10}").toBase64())) }));
        request.filter = EventFilter { {}, u"payments"_s, {}, {}, {} };
        QCOMPARE(store->readEvents(request)->events.first().data, QByteArray("not json"));
        request.filter = EventFilter { {}, {}, {}, 1700000001000, 1700000003000 };
        QCOMPARE(store->readEvents(request)->events.size(), 2);

        const auto snapshots = store->snapshots(u"orders/1"_s);
        QVERIFY(snapshots);
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().version, 2);
        QCOMPARE(snapshots->first().state, QByteArray("{\"total\":10,\"paid\":true}"));
        store.reset();
        QCOMPARE(sha256(path), before);
    }

    void isoTimesAndWrappedPayloads()
    {
        const QString path = m_dir.filePath(u"wrapped.sqlite"_s);
        const QByteArray json = "{\"state\":\"zipped\"}";
        QCOMPARE(writeSqlite(path,
                     { u"CREATE TABLE log (seq INTEGER PRIMARY KEY, stream TEXT, v INTEGER, kind TEXT, at TEXT,"
                       " z BLOB, g BLOB, b TEXT)"_s,
                         u"INSERT INTO log VALUES (1, 'a-1', 1, 'K', '2024-03-14T12:28:25.038Z', ?, ?, ?)"_s,
                         u"INSERT INTO log VALUES (2, 'a-1', 2, 'K', '2024-03-14 12:28:26', ?, ?, ?)"_s },
                     { {}, { compressed(json, false), compressed(json, true), json.toBase64() },
                         { QByteArray("corrupt"), QByteArray("\x1f\x8b junk"), QByteArray("%%%") } }),
            QString());
        for (const auto& [column, encoding] : { std::pair { u"z"_s, PayloadEncoding::Zlib },
                 std::pair { u"g"_s, PayloadEncoding::Gzip }, std::pair { u"b"_s, PayloadEncoding::Base64 } }) {
            StoreMapping mapping = logMapping(TimeUnit::Iso);
            mapping.events.data = PayloadField { column, encoding };
            auto store = openMapped(path, mapping);
            QVERIFY(store);
            const auto page = store->readEvents(EventPageRequest {});
            QVERIFY2(page, page ? "" : qPrintable(page.error().message));
            QCOMPARE(page->events.size(), 2);
            QCOMPARE(page->events[0].timeMs, 1710419305038);
            QCOMPARE(page->events[1].timeMs, 1710419306000);
            QCOMPARE(page->events[0].category, u"a"_s); // no category mapped: the default rule
            QCOMPARE(page->events[0].data, json);
            // What does not unwrap is shown as stored, never dropped.
            QVERIFY(!page->events[1].data.isEmpty());
            QVERIFY(page->events[1].data != json);
        }
    }

    // No category mapped: the default rule splits at the first '-' (as Message DB and KurrentDB), whatever
    // else the name holds; a filter by category runs it in SQL (a LIKE on the prefix), case and all.
    // On SQLite a mapping's table may be written with the main schema or without; a missing table names the ones
    // there are.
    void tableNamesWithOrWithoutMain()
    {
        const QString path = m_dir.filePath(u"tablenames.sqlite"_s);
        QCOMPARE(writeSqlite(path,
                     { u"CREATE TABLE orders (seq INTEGER PRIMARY KEY, stream TEXT, version INTEGER, type TEXT)"_s,
                         u"INSERT INTO orders VALUES (1, 'orders-1', 1, 'Placed')"_s }),
            QString());
        for (const QString& table : { u"orders"_s, u"main.orders"_s, u"nope"_s, u"other.orders"_s }) {
            const auto mapping = MappingFile::fromJson(
                u"{\"events\": {\"table\": \"%1\", \"position\": \"seq\", \"stream\": \"stream\","
                " \"version\": \"version\", \"type\": \"type\"}}"_s.arg(table)
                    .toUtf8());
            QVERIFY2(mapping, mapping ? "" : qPrintable(mapping.error().message));
            OpenOptions options;
            options.mapping = *mapping;
            const auto opened = openStore(StoreLocation::sqliteFile(path), options);
            if (table.endsWith(u"orders"_s) && !table.startsWith(u"other"_s)) {
                QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
                QCOMPARE(opened->store->readEvents({})->events.size(), 1);
            } else {
                QVERIFY(!opened);
                QCOMPARE(
                    opened.error().message, u"events.table: no table %1 in %2 (its tables: orders)"_s.arg(table, path));
            }
        }
    }

    void streamNamesWithDashesSpacesAndNonAscii()
    {
        const QString path = m_dir.filePath(u"names.sqlite"_s);
        QCOMPARE(writeSqlite(path,
                     { u"CREATE TABLE log (seq INTEGER PRIMARY KEY, stream TEXT, v INTEGER, kind TEXT, at INTEGER)"_s,
                         u"INSERT INTO log VALUES (1, 'order-Ünïcødé 7-b', 1, 'Placed', 1700000001000),"
                         " (2, 'Ünïcødé ördér', 1, 'Noted', 1700000002000),"
                         " (3, 'order-x', 1, 'Placed', 1700000003000),"
                         " (4, 'Order-Ünïcødé ördér-2 b', 1, 'Placed', 1700000004000),"
                         " (5, 'order-Ünïcødé 7-b', 2, 'Paid', 1700000005000)"_s }),
            QString());
        auto store = openMapped(path, logMapping(TimeUnit::EpochMilliseconds));
        QVERIFY(store);

        // Ordered by the bytes of the name: 'O' < 'o', 'x' < 'Ü'.
        QCOMPARE(TestSupport::streamLines(*store),
            (QStringList { u"Order-Ünïcødé ördér-2 b|Order|1|1"_s, u"order-x|order|1|1"_s,
                u"order-Ünïcødé 7-b|order|2|2"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|1"_s }));
        QCOMPARE(TestSupport::streamLines(*store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|1"_s, u"order-Ünïcødé 7-b|order|2|2"_s }));
        QCOMPARE(TestSupport::categoryLines(*store),
            (QStringList { u"Order|1|1"_s, u"order|2|3"_s, u"Ünïcødé ördér|1|1"_s }));
        QCOMPARE(store->describe()->categories, 3);
        QCOMPARE(TestSupport::categoryEventLines(*store, u"order"_s),
            (QStringList {
                u"1 order-Ünïcødé 7-b order 1"_s, u"3 order-x order 1"_s, u"5 order-Ünïcødé 7-b order 2"_s }));
        QCOMPARE(TestSupport::categoryEventLines(*store, u"Ünïcødé ördér"_s),
            (QStringList { u"2 Ünïcødé ördér Ünïcødé ördér 1"_s }));

        QCOMPARE(TestSupport::categoryOfLines(*store,
                     { u"order-Ünïcødé 7-b"_s, u"order-x"_s, u"Ünïcødé ördér"_s, u"Order-Ünïcødé ördér-2 b"_s }),
            (QStringList { u"order-Ünïcødé 7-b|order"_s, u"order-x|order"_s, u"Ünïcødé ördér|Ünïcødé ördér"_s,
                u"Order-Ünïcødé ördér-2 b|Order"_s }));
        QCOMPARE(TestSupport::categoryOfDisagreement(*store), QString());
    }
};

QTEST_GUILESS_MAIN(TestMappedStore)
#include "tst_mappedstore.moc"
