#include "sqlitefile.h"

#include <core/dialects/nativeschema.h>
#include <core/dialects/nativestore.h>
#include <core/dialects/storeopener.h>
#include <core/model/payload.h>
#include <storecomparison.h>
#include <testsupport.h>

#include <QDir>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

constexpr qint64 kT0 = 1710417600000; // the hand-written store's 2024-03-14T12:00:00.000Z

QList<qint64> positionsOf(const QList<Event>& events)
{
    QList<qint64> positions;
    for (const Event& event : events)
        positions.append(event.position);
    return positions;
}

QList<qint64> versionsOf(const QList<Event>& events)
{
    QList<qint64> versions;
    for (const Event& event : events)
        versions.append(event.version);
    return versions;
}

QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> values;
    for (qint64 value = first; value <= last; ++value)
        values.append(value);
    return values;
}

QList<qint64> reversed(QList<qint64> values)
{
    std::reverse(values.begin(), values.end());
    return values;
}

bool matches(const Event& event, const EventFilter& filter)
{
    return (filter.stream.isEmpty() || event.stream == filter.stream)
        && (filter.category.isEmpty() || event.category == filter.category)
        && (filter.type.isEmpty() || event.type == filter.type) && (!filter.sinceMs || event.timeMs >= *filter.sinceMs)
        && (!filter.untilMs || event.timeMs < *filter.untilMs);
}

} // namespace

// NativeStore over real SQLite files: the hand-written store with known values, and demo stores
// checked against a brute-force filter of the whole log. Every figure is compared exactly.
class TestNativeStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<EventStore> m_hand;
    std::unique_ptr<EventStore> m_demo;
    QList<Event> m_demoLog; // every event of the demo store in position order

    static std::unique_ptr<EventStore> open(const QString& path)
    {
        auto store = openStore(path);
        if (!store)
            qFatal("cannot open %s: %s", qPrintable(path), qPrintable(store.error().message));
        return std::move(store).value();
    }

    EventPage read(EventStore& store, const EventFilter& filter, ReadDirection direction = ReadDirection::Forward,
        std::optional<KeyBound> start = {}, std::optional<qint64> fromPosition = {}, int limit = 100)
    {
        EventPageRequest request;
        request.filter = filter;
        request.direction = direction;
        request.start = start;
        request.fromPosition = fromPosition;
        request.limit = limit;
        auto page = store.readEvents(request);
        if (!page)
            qFatal("readEvents failed: %s", qPrintable(page.error().message));
        return *page;
    }

    // Pages through `filter` by keyset, each page starting after the last key of the one before.
    QList<Event> pageThrough(EventStore& store, const EventFilter& filter, ReadDirection direction, int pageSize)
    {
        QList<Event> events;
        std::optional<KeyBound> start;
        for (int pages = 0;; ++pages) {
            if (pages > 100000)
                qFatal("paging does not end");
            const EventPage page = read(store, filter, direction, start, {}, pageSize);
            events += page.events;
            if (page.reachedEnd)
                return events;
            if (page.events.size() != pageSize)
                qFatal("a page that has not reached the end is not full");
            start = KeyBound { orderKeyOf(page.events.constLast(), filter.orderKey()), false };
        }
    }

    QList<Event> bruteForce(const EventFilter& filter) const
    {
        QList<Event> events;
        for (const Event& event : m_demoLog) {
            if (matches(event, filter))
                events.append(event);
        }
        return events;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_hand = open(TestSupport::handWrittenStore(m_dir.path()));
        m_demo = open(TestSupport::demoStore(m_dir.path(), 5000, 7));
        // One page with a limit far above the size reads the whole log: it must not reserve for the limit.
        m_demoLog = read(*m_demo, {}, ReadDirection::Forward, {}, {}, std::numeric_limits<int>::max()).events;
        QCOMPARE(m_demoLog.size(), 5000);
    }

    // --- the hand-written store: 3 streams, 8 events (tests/support/testsupport.cpp) ---

    void describesHandWrittenStore()
    {
        const auto info = m_hand->describe();
        QVERIFY(info);
        QCOMPARE(info->location, QDir(m_dir.path()).filePath(u"handwritten.sqlite"_s));
        QCOMPARE(info->dialect, u"eventscope"_s);
        QCOMPARE(m_hand->dialectName(), u"eventscope"_s);
        QCOMPARE(info->events, 8);
        QCOMPARE(info->streams, 3);
        QCOMPARE(info->categories, 2);
        QCOMPARE(info->snapshots, 1);
        QCOMPARE(info->firstTimeMs, std::optional(kT0 + 1000));
        QCOMPARE(info->lastTimeMs, std::optional(kT0 + 8000));
        QCOMPARE(info->firstPosition, std::optional<qint64>(1));
        QCOMPARE(info->lastPosition, std::optional<qint64>(8));
    }

    void listsCategories()
    {
        auto all = m_hand->categories({});
        QVERIFY(all);
        // Ordered by the bytes of the name: 'Z' sorts before 'o'.
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).category, u"Zoë"_s);
        QCOMPARE(all->at(0).streams, 1);
        QCOMPARE(all->at(0).events, 3);
        QCOMPARE(all->at(1).category, u"orders"_s);
        QCOMPARE(all->at(1).streams, 2);
        QCOMPARE(all->at(1).events, 5);

        auto some = m_hand->categories(CategoryQuery { u"-2$"_s, {}, {} });
        QVERIFY(some);
        QCOMPARE(some->size(), 1);
        QCOMPARE(some->at(0).category, u"orders"_s);
        QCOMPARE(some->at(0).streams, 1);
        QCOMPARE(some->at(0).events, 2);

        QVERIFY(m_hand->categories(CategoryQuery { u"nothing matches this"_s, {}, {} })->isEmpty());
        auto invalid = m_hand->categories(CategoryQuery { u"orders-("_s, {}, {} });
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().kind, StoreError::Kind::InvalidArgument);
        QVERIFY2(invalid.error().message.contains(u"orders-("_s), qPrintable(invalid.error().message));
    }

    void listsStreams()
    {
        auto all = m_hand->streams({});
        QVERIFY(all);
        QCOMPARE(all->size(), 3);
        const StreamInfo& zoe = all->at(0);
        QCOMPARE(zoe.stream, u"Zoë-1"_s);
        QCOMPARE(zoe.category, u"Zoë"_s);
        QCOMPARE(zoe.events, 3);
        QCOMPARE(zoe.lastVersion, 3);
        QCOMPARE(zoe.lastTimeMs, kT0 + 8000);
        QCOMPARE(all->at(1).stream, u"orders-1"_s);
        QCOMPARE(all->at(1).category, u"orders"_s);
        QCOMPARE(all->at(1).events, 3);
        QCOMPARE(all->at(1).lastTimeMs, kT0 + 7000);
        QCOMPARE(all->at(2).stream, u"orders-2"_s);
        QCOMPARE(all->at(2).events, 2);
        QCOMPARE(all->at(2).lastVersion, 2);
        QCOMPARE(all->at(2).lastTimeMs, kT0 + 5000);

        const auto names = [this](const StreamQuery& query) {
            QStringList result;
            auto streams = m_hand->streams(query);
            if (!streams)
                return QStringList { u"error: "_s + streams.error().message };
            for (const StreamInfo& stream : *streams)
                result.append(stream.stream);
            return result;
        };
        QCOMPARE(names({ u"^orders"_s, {}, {}, {} }), (QStringList { u"orders-1"_s, u"orders-2"_s }));
        QCOMPARE(names({ u"ë"_s, {}, {}, {} }), (QStringList { u"Zoë-1"_s }));
        QCOMPARE(names({ u"\\p{Lu}"_s, {}, {}, {} }), (QStringList { u"Zoë-1"_s }));
        QCOMPARE(names({ {}, u"orders"_s, {}, {} }), (QStringList { u"orders-1"_s, u"orders-2"_s }));
        QCOMPARE(names({ {}, u"Zoë"_s, {}, {} }), (QStringList { u"Zoë-1"_s }));
        QCOMPARE(names({ {}, u"order"_s, {}, {} }), QStringList());
        QCOMPARE(names({ {}, {}, u"orders-1"_s, {} }), (QStringList { u"orders-2"_s }));
        QCOMPARE(names({ {}, {}, u""_s, {} }), (QStringList { u"Zoë-1"_s, u"orders-1"_s, u"orders-2"_s }));
        QCOMPARE(names({ {}, {}, {}, 1 }), (QStringList { u"Zoë-1"_s }));
        QCOMPARE(names({ {}, {}, u"Zoë-1"_s, 1 }), (QStringList { u"orders-1"_s }));
        QCOMPARE(names({ {}, {}, {}, 0 }), QStringList());
        QCOMPARE(names({ u"1"_s, u"orders"_s, u"orders-0"_s, 5 }), (QStringList { u"orders-1"_s }));

        const auto negative = m_hand->streams({ {}, {}, {}, -1 });
        QVERIFY(!negative);
        QCOMPARE(negative.error().kind, StoreError::Kind::InvalidArgument);
        QCOMPARE(m_hand->streams({ {}, {}, {}, 0 })->size(), 0);
        auto invalid = m_hand->streams({ u"[a-"_s, {}, {}, {} });
        QVERIFY(!invalid);
        QCOMPARE(invalid.error().kind, StoreError::Kind::InvalidArgument);
        QVERIFY2(invalid.error().message.contains(u"[a-"_s), qPrintable(invalid.error().message));
    }

    void listsEventTypes()
    {
        auto types = m_hand->eventTypes();
        QVERIFY(types);
        QCOMPARE(*types,
            (QStringList { u"Deleted"_s, u"ItemAdded"_s, u"OrderCancelled"_s, u"OrderPlaced"_s, u"OrderShipped"_s,
                u"PhotoUploaded"_s, u"Registered"_s }));
    }

    void readsEveryFieldOfAnEvent()
    {
        const EventPage page = read(*m_hand, {}, ReadDirection::Forward, KeyBound { 3, true }, {}, 1);
        QCOMPARE(page.events.size(), 1);
        QVERIFY(!page.reachedEnd);
        const Event& event = page.events.first();
        QCOMPARE(event.position, 3);
        QCOMPARE(event.stream, u"Zoë-1"_s);
        QCOMPARE(event.category, u"Zoë"_s);
        QCOMPARE(event.version, 1);
        QCOMPARE(event.type, u"Registered"_s);
        QCOMPARE(event.timeMs, kT0 + 3000);
        QCOMPARE(event.id, u"00000000-0000-4000-8000-000000000003"_s);
        QCOMPARE(event.data, QByteArray(R"({"name":"Zoë","tags":["β","東京"]})"));
        QCOMPARE(event.metadata, QByteArray(R"({"correlationId":"c-1","causationId":null})"));
    }

    void returnsBadPayloadsAsBytes()
    {
        const QList<Event> events = read(*m_hand, {}).events;
        QCOMPARE(events.size(), 8);
        QCOMPARE(events[3].data, QByteArray(R"({"orderId":2,)"));
        QCOMPARE(classifyPayload(events[3].data), PayloadKind::Text);
        QCOMPARE(events[4].data, QByteArray(R"("just a string")"));
        QCOMPARE(classifyPayload(events[4].data), PayloadKind::Json);
        QCOMPARE(events[5].data, QByteArray("\xff\xfe\x00\x01photo", 9));
        QCOMPARE(classifyPayload(events[5].data), PayloadKind::Binary);
        QVERIFY(events[7].data.isEmpty());
        QCOMPARE(classifyPayload(events[7].data), PayloadKind::Empty);
        QCOMPARE(events[7].metadata, QByteArray("{}"));
    }

    void readsWithEveryFilter_data()
    {
        QTest::addColumn<EventFilter>("filter");
        QTest::addColumn<bool>("forward");
        QTest::addColumn<std::optional<KeyBound>>("start");
        QTest::addColumn<std::optional<qint64>>("fromPosition");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QList<qint64>>("positions");
        QTest::addColumn<bool>("reachedEnd");
        using P = QList<qint64>;
        using K = std::optional<KeyBound>;
        using F = std::optional<qint64>;
        const auto stream = [](const QString& name) { return EventFilter { name, {}, {}, {}, {} }; };
        const auto category = [](const QString& name) { return EventFilter { {}, name, {}, {}, {} }; };
        const auto type = [](const QString& name) { return EventFilter { {}, {}, name, {}, {} }; };
        const auto time = [](std::optional<qint64> since, std::optional<qint64> until) {
            return EventFilter { {}, {}, {}, since, until };
        };

        QTest::newRow("all forward") << EventFilter {} << true << K {} << F {} << 100 << range(1, 8) << true;
        QTest::newRow("all backward") << EventFilter {} << false << K {} << F {} << 100 << reversed(range(1, 8))
                                      << true;
        QTest::newRow("limit equals size") << EventFilter {} << true << K {} << F {} << 8 << range(1, 8) << false;
        QTest::newRow("limit 3") << EventFilter {} << true << K {} << F {} << 3 << P { 1, 2, 3 } << false;
        QTest::newRow("limit 3 backward") << EventFilter {} << false << K {} << F {} << 3 << P { 8, 7, 6 } << false;
        QTest::newRow("limit 0") << EventFilter {} << true << K {} << F {} << 0 << P {} << true;
        QTest::newRow("start inclusive") << EventFilter {} << true << K { { 5, true } } << F {} << 100
                                         << P { 5, 6, 7, 8 } << true;
        QTest::newRow("start exclusive") << EventFilter {} << true << K { { 5, false } } << F {} << 100 << P { 6, 7, 8 }
                                         << true;
        QTest::newRow("start inclusive backward")
            << EventFilter {} << false << K { { 5, true } } << F {} << 100 << P { 5, 4, 3, 2, 1 } << true;
        QTest::newRow("start exclusive backward")
            << EventFilter {} << false << K { { 5, false } } << F {} << 100 << P { 4, 3, 2, 1 } << true;
        QTest::newRow("start past the end")
            << EventFilter {} << true << K { { 8, false } } << F {} << 100 << P {} << true;
        QTest::newRow("start before the start")
            << EventFilter {} << false << K { { 1, false } } << F {} << 100 << P {} << true;
        QTest::newRow("from position") << EventFilter {} << true << K {} << F { 6 } << 100 << P { 6, 7, 8 } << true;
        QTest::newRow("from position backward")
            << EventFilter {} << false << K {} << F { 3 } << 100 << P { 3, 2, 1 } << true;

        QTest::newRow("stream") << stream(u"orders-1"_s) << true << K {} << F {} << 100 << P { 1, 2, 7 } << true;
        QTest::newRow("stream backward") << stream(u"orders-1"_s) << false << K {} << F {} << 100 << P { 7, 2, 1 }
                                         << true;
        QTest::newRow("unicode stream") << stream(u"Zoë-1"_s) << true << K {} << F {} << 100 << P { 3, 6, 8 } << true;
        // Inside a stream the key is the version, not the position.
        QTest::newRow("stream from version 2")
            << stream(u"orders-1"_s) << true << K { { 2, true } } << F {} << 100 << P { 2, 7 } << true;
        QTest::newRow("stream after version 2")
            << stream(u"orders-1"_s) << true << K { { 2, false } } << F {} << 100 << P { 7 } << true;
        QTest::newRow("stream before version 2")
            << stream(u"orders-1"_s) << false << K { { 2, false } } << F {} << 100 << P { 1 } << true;
        QTest::newRow("stream to version 2")
            << stream(u"orders-1"_s) << false << K { { 2, true } } << F {} << 100 << P { 2, 1 } << true;
        QTest::newRow("stream from position 3")
            << stream(u"orders-1"_s) << true << K {} << F { 3 } << 100 << P { 7 } << true;
        QTest::newRow("stream limit") << stream(u"orders-1"_s) << true << K {} << F {} << 2 << P { 1, 2 } << false;
        QTest::newRow("unknown stream") << stream(u"orders-3"_s) << true << K {} << F {} << 100 << P {} << true;
        QTest::newRow("stream is exact") << stream(u"orders"_s) << true << K {} << F {} << 100 << P {} << true;

        QTest::newRow("category") << category(u"orders"_s) << true << K {} << F {} << 100 << P { 1, 2, 4, 5, 7 }
                                  << true;
        QTest::newRow("category backward")
            << category(u"orders"_s) << false << K { { 5, false } } << F {} << 100 << P { 4, 2, 1 } << true;
        QTest::newRow("unicode category") << category(u"Zoë"_s) << true << K {} << F {} << 100 << P { 3, 6, 8 } << true;
        QTest::newRow("unknown category") << category(u"order"_s) << true << K {} << F {} << 100 << P {} << true;

        QTest::newRow("type") << type(u"OrderPlaced"_s) << true << K {} << F {} << 100 << P { 1, 4 } << true;
        QTest::newRow("type backward") << type(u"OrderPlaced"_s) << false << K {} << F {} << 100 << P { 4, 1 } << true;
        QTest::newRow("type after key") << type(u"OrderPlaced"_s) << true << K { { 1, false } } << F {} << 100
                                        << P { 4 } << true;
        QTest::newRow("unknown type") << type(u"Nope"_s) << true << K {} << F {} << 100 << P {} << true;

        QTest::newRow("since") << time(kT0 + 3500, {}) << true << K {} << F {} << 100 << P { 4, 5, 6, 7, 8 } << true;
        QTest::newRow("since exact time")
            << time(kT0 + 3000, {}) << true << K {} << F {} << 100 << P { 3, 4, 5, 6, 7, 8 } << true;
        QTest::newRow("until is exclusive")
            << time({}, kT0 + 3000) << true << K {} << F {} << 100 << P { 1, 2 } << true;
        QTest::newRow("since until") << time(kT0 + 3000, kT0 + 6000) << true << K {} << F {} << 100 << P { 3, 4, 5 }
                                     << true;
        QTest::newRow("since until backward")
            << time(kT0 + 3000, kT0 + 6000) << false << K {} << F {} << 100 << P { 5, 4, 3 } << true;
        QTest::newRow("since after the end") << time(kT0 + 9000, {}) << true << K {} << F {} << 100 << P {} << true;
        QTest::newRow("until after the end")
            << time({}, kT0 + 9000) << true << K {} << F {} << 100 << range(1, 8) << true;
        QTest::newRow("until before the start") << time({}, kT0) << true << K {} << F {} << 100 << P {} << true;
        QTest::newRow("empty time range")
            << time(kT0 + 5000, kT0 + 5000) << true << K {} << F {} << 100 << P {} << true;

        QTest::newRow("stream and type") << EventFilter { u"orders-1"_s, {}, u"OrderShipped"_s, {}, {} } << true << K {}
                                         << F {} << 100 << P { 7 } << true;
        QTest::newRow("stream and time") << EventFilter { u"orders-1"_s, {}, {}, kT0 + 1500, kT0 + 7500 } << true
                                         << K {} << F {} << 100 << P { 2, 7 } << true;
        QTest::newRow("category and type") << EventFilter { {}, u"orders"_s, u"OrderPlaced"_s, {}, {} } << false << K {}
                                           << F {} << 100 << P { 4, 1 } << true;
        QTest::newRow("category and time")
            << EventFilter { {}, u"Zoë"_s, {}, kT0 + 4000, {} } << true << K {} << F {} << 100 << P { 6, 8 } << true;
        QTest::newRow("stream in another category")
            << EventFilter { u"orders-1"_s, u"Zoë"_s, {}, {}, {} } << true << K {} << F {} << 100 << P {} << true;
    }
    void readsWithEveryFilter()
    {
        QFETCH(EventFilter, filter);
        QFETCH(bool, forward);
        QFETCH(std::optional<KeyBound>, start);
        QFETCH(std::optional<qint64>, fromPosition);
        QFETCH(int, limit);
        QFETCH(QList<qint64>, positions);
        QFETCH(bool, reachedEnd);
        const EventPage page = read(
            *m_hand, filter, forward ? ReadDirection::Forward : ReadDirection::Backward, start, fromPosition, limit);
        QCOMPARE(positionsOf(page.events), positions);
        QCOMPARE(page.reachedEnd, reachedEnd);
    }

    void streamPageIsOrderedByVersion()
    {
        const EventPage page = read(*m_hand, { u"Zoë-1"_s, {}, {}, {}, {} }, ReadDirection::Backward);
        QCOMPARE(versionsOf(page.events), (QList<qint64> { 3, 2, 1 }));
        for (const Event& event : page.events) {
            QCOMPARE(event.stream, u"Zoë-1"_s);
            QCOMPARE(event.category, u"Zoë"_s);
        }
    }

    void denseKeys()
    {
        const auto global = m_hand->denseKeys({});
        QVERIFY(global);
        QVERIFY(global->has_value());
        QCOMPARE((*global)->first, 1);
        QCOMPARE((*global)->count, 8);
        const auto stream = m_hand->denseKeys({ u"orders-1"_s, {}, {}, {}, {} });
        QVERIFY(stream && stream->has_value());
        QCOMPARE((*stream)->first, 1);
        QCOMPARE((*stream)->count, 3);
        const auto unknown = m_hand->denseKeys({ u"orders-3"_s, {}, {}, {}, {} });
        QVERIFY(unknown && unknown->has_value());
        QCOMPARE((*unknown)->count, 0);
        // Keys of a type, a category or a time range have gaps: no promise.
        QVERIFY(!m_hand->denseKeys({ {}, {}, u"OrderPlaced"_s, {}, {} })->has_value());
        QVERIFY(!m_hand->denseKeys({ {}, u"orders"_s, {}, {}, {} })->has_value());
        QVERIFY(!m_hand->denseKeys({ {}, {}, {}, kT0, {} })->has_value());
    }

    void scansKeysWithStride()
    {
        QList<QList<qint64>> chunks;
        QList<qint64> rowsSeen;
        const auto sink = [&](const QList<qint64>& anchors, qint64 rowsSoFar) {
            chunks.append(anchors);
            rowsSeen.append(rowsSoFar);
            return true;
        };
        auto rows = m_hand->scanKeys({}, 3, sink);
        QVERIFY(rows);
        QCOMPARE(*rows, 8);
        QCOMPARE(chunks, (QList<QList<qint64>> { { 1, 4, 7 } }));
        QCOMPARE(rowsSeen, (QList<qint64> { 8 }));

        chunks.clear();
        rowsSeen.clear();
        rows = m_hand->scanKeys({ u"orders-1"_s, {}, {}, {}, {} }, 1, sink);
        QCOMPARE(*rows, 3);
        QCOMPARE(chunks, (QList<QList<qint64>> { { 1, 2, 3 } })); // versions

        chunks.clear();
        rows = m_hand->scanKeys({ {}, u"orders"_s, {}, {}, {} }, 2, sink);
        QCOMPARE(*rows, 5);
        QCOMPARE(chunks, (QList<QList<qint64>> { { 1, 4, 7 } })); // rows 0, 2, 4 of 1, 2, 4, 5, 7

        chunks.clear();
        rows = m_hand->scanKeys({ {}, {}, u"OrderPlaced"_s, kT0 + 2000, {} }, 1, sink);
        QCOMPARE(*rows, 1);
        QCOMPARE(chunks, (QList<QList<qint64>> { { 4 } }));

        chunks.clear();
        rowsSeen.clear();
        rows = m_hand->scanKeys({ u"orders-3"_s, {}, {}, {}, {} }, 1, sink);
        QCOMPARE(*rows, 0);

        auto cancelled = m_hand->scanKeys({}, 1, [](const QList<qint64>&, qint64) { return false; });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().kind, StoreError::Kind::Cancelled);

        auto badStride = m_hand->scanKeys({}, 0, sink);
        QVERIFY(!badStride);
        QCOMPARE(badStride.error().kind, StoreError::Kind::InvalidArgument);
    }

    void findsKeyAtPositionAndTime()
    {
        const EventFilter all;
        const EventFilter orders1 { u"orders-1"_s, {}, {}, {}, {} };
        const EventFilter placed { {}, {}, u"OrderPlaced"_s, {}, {} };
        using K = std::optional<qint64>;
        QCOMPARE(*m_hand->keyAtPosition(all, 5), K(5));
        QCOMPARE(*m_hand->keyAtPosition(all, -10), K(1));
        QCOMPARE(*m_hand->keyAtPosition(all, 9), K());
        QCOMPARE(*m_hand->keyAtPosition(orders1, 3), K(3)); // version 3 is at position 7
        QCOMPARE(*m_hand->keyAtPosition(orders1, 2), K(2));
        QCOMPARE(*m_hand->keyAtPosition(orders1, 8), K());
        QCOMPARE(*m_hand->keyAtPosition(placed, 2), K(4));
        QCOMPARE(*m_hand->keyAtPosition({ u"orders-3"_s, {}, {}, {}, {} }, 1), K());

        QCOMPARE(*m_hand->keyAtTime(all, kT0 + 3500), K(4));
        QCOMPARE(*m_hand->keyAtTime(all, kT0 + 3000), K(3));
        QCOMPARE(*m_hand->keyAtTime(all, 0), K(1));
        QCOMPARE(*m_hand->keyAtTime(all, kT0 + 8001), K());
        QCOMPARE(*m_hand->keyAtTime(orders1, kT0 + 2500), K(3));
        QCOMPARE(*m_hand->keyAtTime({ {}, u"Zoë"_s, {}, {}, {} }, kT0 + 6500), K(8));
    }

    void readsSnapshots()
    {
        auto snapshots = m_hand->snapshots(u"orders-1"_s);
        QVERIFY(snapshots);
        QCOMPARE(snapshots->size(), 1);
        QCOMPARE(snapshots->first().stream, u"orders-1"_s);
        QCOMPARE(snapshots->first().version, 2);
        QCOMPARE(snapshots->first().timeMs, kT0 + 2000);
        QCOMPARE(snapshots->first().state, QByteArray(R"({"lines":1})"));
        QVERIFY(m_hand->snapshots(u"orders-2"_s)->isEmpty());
        QVERIFY(m_hand->snapshots(u"no-such-stream"_s)->isEmpty());
    }

    // --- a demo store, checked against the whole log filtered in C++ ---

    void demoFiguresAgreeWithTheLog()
    {
        const auto info = m_demo->describe();
        QVERIFY(info);
        QCOMPARE(info->events, 5000);
        QCOMPARE(info->firstPosition, std::optional<qint64>(1));
        QCOMPARE(info->lastPosition, std::optional<qint64>(5000));
        QCOMPARE(info->firstTimeMs, std::optional(m_demoLog.first().timeMs));
        QCOMPARE(info->lastTimeMs, std::optional(m_demoLog.last().timeMs));
        QCOMPARE(positionsOf(m_demoLog), range(1, 5000));

        QHash<QString, qint64> eventsPerStream;
        QHash<QString, qint64> lastVersion;
        QHash<QString, qint64> lastTime;
        QHash<QString, QSet<QString>> streamsPerCategory;
        QSet<QString> types;
        for (const Event& event : m_demoLog) {
            ++eventsPerStream[event.stream];
            lastVersion[event.stream] = qMax(lastVersion.value(event.stream), event.version);
            lastTime[event.stream] = qMax(lastTime.value(event.stream), *event.timeMs);
            streamsPerCategory[event.category].insert(event.stream);
            types.insert(event.type);
        }
        QCOMPARE(info->streams, eventsPerStream.size());
        QCOMPARE(info->categories, streamsPerCategory.size());
        QCOMPARE(info->categories, 3); // account, cart, customer

        const auto streams = m_demo->streams({});
        QVERIFY(streams);
        QCOMPARE(streams->size(), eventsPerStream.size());
        QString previous;
        for (const StreamInfo& stream : *streams) {
            QVERIFY2(previous.isEmpty() || previous.toUtf8() < stream.stream.toUtf8(), qPrintable(stream.stream));
            previous = stream.stream;
            QCOMPARE(stream.events, eventsPerStream.value(stream.stream));
            QCOMPARE(stream.lastVersion, lastVersion.value(stream.stream));
            QCOMPARE(stream.lastTimeMs, lastTime.value(stream.stream));
        }

        const auto categories = m_demo->categories({});
        QVERIFY(categories);
        QCOMPARE(categories->size(), 3);
        for (const CategoryInfo& category : *categories) {
            QCOMPARE(category.streams, streamsPerCategory.value(category.category).size());
            QCOMPARE(category.events, bruteForce({ {}, category.category, {}, {}, {} }).size());
        }

        QStringList sortedTypes = types.values();
        std::sort(sortedTypes.begin(), sortedTypes.end(),
            [](const QString& a, const QString& b) { return a.toUtf8() < b.toUtf8(); });
        QCOMPARE(*m_demo->eventTypes(), sortedTypes);
    }

    void streamsPageByName()
    {
        // Keyset paging through the stream list, 7 at a time, gives the whole list once.
        const QList<StreamInfo> all = *m_demo->streams({});
        QStringList paged;
        std::optional<QString> after;
        for (;;) {
            const auto page = m_demo->streams({ {}, {}, after, 7 });
            QVERIFY(page);
            for (const StreamInfo& stream : *page)
                paged.append(stream.stream);
            if (page->size() < 7)
                break;
            after = page->last().stream;
        }
        QStringList expected;
        for (const StreamInfo& stream : all)
            expected.append(stream.stream);
        QCOMPARE(paged, expected);

        // Non-ASCII names exist and a pattern finds them.
        const auto unicode = m_demo->streams({ u"[^\\x00-\\x7f]"_s, {}, {}, {} });
        QVERIFY(unicode);
        QVERIFY(!unicode->isEmpty());
        for (const StreamInfo& stream : *unicode)
            QVERIFY2(stream.stream.toUtf8().size() != stream.stream.size(), qPrintable(stream.stream));
    }

    void keysetPagingVisitsEveryPositionOnce_data()
    {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<bool>("forward");
        for (int pageSize : { 1, 7, 100, 4999, 5000, 5001 }) {
            QTest::addRow("forward by %d", pageSize) << pageSize << true;
            QTest::addRow("backward by %d", pageSize) << pageSize << false;
        }
    }
    void keysetPagingVisitsEveryPositionOnce()
    {
        QFETCH(int, pageSize);
        QFETCH(bool, forward);
        const QList<Event> events
            = pageThrough(*m_demo, {}, forward ? ReadDirection::Forward : ReadDirection::Backward, pageSize);
        QCOMPARE(positionsOf(events), forward ? range(1, 5000) : reversed(range(1, 5000)));
    }

    void filteredPagingMatchesBruteForce_data()
    {
        QTest::addColumn<EventFilter>("filter");
        // Streams, categories, types and times taken from the log itself, so the test follows the generator.
        const Event& early = m_demoLog.at(100);
        const Event& late = m_demoLog.at(4000);
        QTest::newRow("stream") << EventFilter { early.stream, {}, {}, {}, {} };
        QTest::newRow("other stream") << EventFilter { late.stream, {}, {}, {}, {} };
        QTest::newRow("account category") << EventFilter { {}, u"account"_s, {}, {}, {} };
        QTest::newRow("customer category") << EventFilter { {}, u"customer"_s, {}, {}, {} };
        QTest::newRow("type") << EventFilter { {}, {}, u"ItemAdded"_s, {}, {} };
        QTest::newRow("rare type") << EventFilter { {}, {}, u"DocumentAttached"_s, {}, {} };
        QTest::newRow("since") << EventFilter { {}, {}, {}, *early.timeMs, {} };
        QTest::newRow("until") << EventFilter { {}, {}, {}, {}, *late.timeMs };
        QTest::newRow("since until") << EventFilter { {}, {}, {}, *early.timeMs + 1, *late.timeMs + 1 };
        QTest::newRow("between two events") << EventFilter { {}, {}, {}, *early.timeMs + 1, *early.timeMs + 2 };
        QTest::newRow("category type time")
            << EventFilter { {}, u"cart"_s, u"ItemAdded"_s, *early.timeMs, *late.timeMs };
        QTest::newRow("stream time") << EventFilter { late.stream, {}, {}, *early.timeMs, *late.timeMs + 1 };
        QTest::newRow("stream type") << EventFilter { early.stream, {}, early.type, {}, {} };
    }
    void filteredPagingMatchesBruteForce()
    {
        QFETCH(EventFilter, filter);
        const QList<Event> expected = bruteForce(filter);
        QList<qint64> expectedKeys;
        for (const Event& event : expected)
            expectedKeys.append(orderKeyOf(event, filter.orderKey()));
        for (int pageSize : { 3, 250 }) {
            const QList<Event> forward = pageThrough(*m_demo, filter, ReadDirection::Forward, pageSize);
            QCOMPARE(positionsOf(forward), positionsOf(expected));
            const QList<Event> backward = pageThrough(*m_demo, filter, ReadDirection::Backward, pageSize);
            QCOMPARE(positionsOf(backward), reversed(positionsOf(expected)));
        }
        // The whole event, not only its position, is what the log says.
        const QList<Event> events = read(*m_demo, filter, ReadDirection::Forward, {}, {}, 50).events;
        for (int i = 0; i < events.size(); ++i) {
            const Event& a = events[i];
            const Event& b = expected[i];
            QCOMPARE(a.stream, b.stream);
            QCOMPARE(a.category, b.category);
            QCOMPARE(a.version, b.version);
            QCOMPARE(a.type, b.type);
            QCOMPARE(a.timeMs, b.timeMs);
            QCOMPARE(a.id, b.id);
            QCOMPARE(a.data, b.data);
            QCOMPARE(a.metadata, b.metadata);
        }

        // Scan anchors: every 5th key of the filter, and the total.
        QList<qint64> anchors;
        auto rows = m_demo->scanKeys(filter, 5, [&](const QList<qint64>& chunk, qint64) {
            anchors += chunk;
            return true;
        });
        QVERIFY(rows);
        QCOMPARE(*rows, expected.size());
        QList<qint64> expectedAnchors;
        for (qsizetype i = 0; i < expectedKeys.size(); i += 5)
            expectedAnchors.append(expectedKeys[i]);
        QCOMPARE(anchors, expectedAnchors);

        // keyAtPosition: the first key at or after a position in the middle of the log.
        const auto key = m_demo->keyAtPosition(filter, 2500);
        QVERIFY(key);
        std::optional<qint64> expectedKey;
        for (const Event& event : expected) {
            if (event.position >= 2500) {
                expectedKey = orderKeyOf(event, filter.orderKey());
                break;
            }
        }
        QCOMPARE(*key, expectedKey);
    }

    void demoStreamVersionsAreDense()
    {
        const QString stream = m_demoLog.at(100).stream;
        const QList<Event> events = pageThrough(*m_demo, { stream, {}, {}, {}, {} }, ReadDirection::Forward, 10);
        QVERIFY(events.size() > 2);
        QCOMPARE(versionsOf(events), range(1, events.size()));
        const auto dense = m_demo->denseKeys({ stream, {}, {}, {}, {} });
        QVERIFY(dense && dense->has_value());
        QCOMPARE((*dense)->first, 1);
        QCOMPARE((*dense)->count, events.size());
        const auto global = m_demo->denseKeys({});
        QVERIFY(global && global->has_value());
        QCOMPARE((*global)->first, 1);
        QCOMPARE((*global)->count, 5000);
    }

    void keyAtTimeOnDemo()
    {
        // Times may repeat; keyAtTime is the first position whose time is at or after the given time.
        for (qsizetype i : { 0, 1, 999, 2500, 4999 }) {
            const qint64 time = *m_demoLog.at(i).timeMs;
            qint64 expected = 0;
            for (const Event& event : m_demoLog) {
                if (event.timeMs >= time) {
                    expected = event.position;
                    break;
                }
            }
            QCOMPARE(*m_demo->keyAtTime({}, time), std::optional(expected));
        }
        QCOMPARE(*m_demo->keyAtTime({}, *m_demoLog.last().timeMs + 1), std::optional<qint64>());
    }

    void demoSnapshotsEveryTenVersions()
    {
        const QString stream = m_demoLog.at(100).stream;
        const qint64 lastVersion = bruteForce({ stream, {}, {}, {}, {} }).size();
        const auto snapshots = m_demo->snapshots(stream);
        QVERIFY(snapshots);
        QCOMPARE(snapshots->size(), lastVersion / 10);
        for (qsizetype i = 0; i < snapshots->size(); ++i) {
            QCOMPARE(snapshots->at(i).stream, stream);
            QCOMPARE(snapshots->at(i).version, (i + 1) * 10);
            QCOMPARE(classifyPayload(snapshots->at(i).state), PayloadKind::Json);
        }
    }

    void scanAnchorsOverChunks()
    {
        // More rows than one chunk of the scan (65536): anchors arrive in several calls, together every 256th key.
        QTemporaryDir dir;
        auto store = open(TestSupport::demoStore(dir.path(), 140000, 2));
        QList<qint64> anchors;
        QList<qint64> rowsSoFar;
        auto rows = store->scanKeys({}, 256, [&](const QList<qint64>& chunk, qint64 seen) {
            anchors += chunk;
            rowsSoFar.append(seen);
            return true;
        });
        QVERIFY(rows);
        QCOMPARE(*rows, 140000);
        QCOMPARE(rowsSoFar, (QList<qint64> { 65536, 131072, 140000 }));
        QCOMPARE(anchors.size(), (140000 + 255) / 256);
        for (qsizetype i = 0; i < anchors.size(); ++i)
            QCOMPARE(anchors[i], 1 + i * 256);

        // Stopping after the first chunk: Cancelled, and the sink is not called again.
        int calls = 0;
        auto stopped = store->scanKeys({}, 256, [&](const QList<qint64>&, qint64) { return ++calls < 1; });
        QVERIFY(!stopped);
        QCOMPARE(stopped.error().kind, StoreError::Kind::Cancelled);
        QCOMPARE(calls, 1);

        // interrupt() from the sink stops the scan too; clearInterrupt() makes the store usable again.
        calls = 0;
        auto interrupted = store->scanKeys({}, 256, [&](const QList<qint64>&, qint64) {
            ++calls;
            store->interrupt();
            return true;
        });
        QVERIFY(!interrupted);
        QCOMPARE(interrupted.error().kind, StoreError::Kind::Cancelled);
        QCOMPARE(calls, 1);
        store->clearInterrupt();
        QCOMPARE(read(*store, {}, ReadDirection::Backward, {}, {}, 1).events.first().position, 140000);
    }

    // Streams whose category column is NULL take the default rule: the text before the first '-' (as Message DB
    // and KurrentDB), whatever else the name holds; in SQL (the coalesce of lists and filters) as in C++.
    void streamNamesWithDashesSpacesAndNonAscii()
    {
        const QString path = m_dir.filePath(u"names.sqlite"_s);
        {
            TestSupport::SqliteFile file(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            QVERIFY2(file.isOpen(), qPrintable(file.errorMessage()));
            for (const char* sql : NativeSchema::kCreateTables)
                QCOMPARE(file.exec(sql), SQLITE_OK);
            for (const char* sql : NativeSchema::kCreateIndexes)
                QCOMPARE(file.exec(sql), SQLITE_OK);
            QCOMPARE(file.exec("INSERT INTO eventscope_meta VALUES ('schema', 'eventscope-native');"
                               "INSERT INTO streams VALUES (1, 'order-Ünïcødé 7-b', NULL, 2, 2, 1700000005000),"
                               " (2, 'Ünïcødé ördér', NULL, 1, 1, 1700000002000),"
                               " (3, 'order-x', NULL, 1, 1, 1700000003000),"
                               " (4, 'Order-Ünïcødé ördér-2 b', NULL, 1, 1, 1700000004000);"
                               "INSERT INTO events VALUES (1, 1, 1, 'Placed', 1700000001000, 'e1', '{}', NULL),"
                               " (2, 2, 1, 'Noted', 1700000002000, 'e2', '{}', NULL),"
                               " (3, 3, 1, 'Placed', 1700000003000, 'e3', '{}', NULL),"
                               " (4, 4, 1, 'Placed', 1700000004000, 'e4', '{}', NULL),"
                               " (5, 1, 2, 'Paid', 1700000005000, 'e5', '{}', NULL);"),
                SQLITE_OK);
        }
        auto store = open(path);

        // Ordered by the bytes of the name: 'O' < 'o', 'x' < 'Ü'.
        QCOMPARE(TestSupport::streamLines(*store),
            (QStringList { u"Order-Ünïcødé ördér-2 b|Order|1|1"_s, u"order-x|order|1|1"_s,
                u"order-Ünïcødé 7-b|order|2|2"_s, u"Ünïcødé ördér|Ünïcødé ördér|1|1"_s }));
        QCOMPARE(TestSupport::streamLines(*store, { {}, u"order"_s, {}, {} }),
            (QStringList { u"order-x|order|1|1"_s, u"order-Ünïcødé 7-b|order|2|2"_s }));
        QCOMPARE(TestSupport::categoryLines(*store),
            (QStringList { u"Order|1|1"_s, u"order|2|3"_s, u"Ünïcødé ördér|1|1"_s }));
        // Names only (the derived ones from the streams whose column is NULL).
        QCOMPARE(TestSupport::categoryLines(*store, CategoryQuery { {}, {}, {}, false }),
            (QStringList { u"Order|?|?"_s, u"order|?|?"_s, u"Ünïcødé ördér|?|?"_s }));
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

QTEST_GUILESS_MAIN(TestNativeStore)
#include "tst_nativestore.moc"
