#include <testsupport.h>

#include <core/dialects/storeopener.h>
#include <core/diff/jsondiff.h>
#include <core/projection/projectionengine.h>
#include <core/replay/streamreplay.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

QString projectionFile(const QString& name)
{
    return QStringLiteral(EVENTSCOPE_PROJECTIONS_DIR) + u'/' + name;
}

QString readText(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

QJsonValue parsed(const std::optional<QByteArray>& text)
{
    if (!text)
        return QJsonValue(QJsonValue::Null);
    const QJsonDocument document = QJsonDocument::fromJson(*text);
    return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
}

// Byte for byte: V8 keeps a living object's keys in the order a parsed one gets them, so a state restored from a
// checkpoint's text is the same text as the fold from zero, even for a script that deletes keys and adds them again
// (the cart projection).
bool sameState(const std::optional<QByteArray>& a, const std::optional<QByteArray>& b)
{
    return a == b;
}

QList<JsonChange> sortedByPath(QList<JsonChange> changes)
{
    std::sort(changes.begin(), changes.end(),
        [](const JsonChange& a, const JsonChange& b) { return a.path.toString() < b.path.toString(); });
    return changes;
}

} // namespace

// Protects StreamReplay: every seek (by version, position, time; forward and backward; with checkpoints far apart
// and close together) gives exactly the state of a fresh engine folding the stream from its first event, the
// per-event diff is JsonDiff of consecutive oracle states, field history and find-first agree with the oracle, and
// a fault names its event.
class TestStreamReplay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 20000, 1);
        auto opened = openStore(m_store);
        QVERIFY(opened.ok());
        m_opened = std::move(opened).value();
    }

    void seeksMatchAFoldFromZero_data()
    {
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("file");
        QTest::addColumn<qint64>("interval");
        QTest::newRow("account, default interval")
            << u"account"_s << u"account.projection.js"_s << StreamReplay::kCheckpointInterval;
        QTest::newRow("account, interval 7") << u"account"_s << u"account.projection.js"_s << qint64(7);
        QTest::newRow("account reducer, interval 16") << u"account"_s << u"account.reducer.js"_s << qint64(16);
        QTest::newRow("cart, default interval")
            << u"cart"_s << u"cart.projection.js"_s << StreamReplay::kCheckpointInterval;
        QTest::newRow("cart, interval 5") << u"cart"_s << u"cart.projection.js"_s << qint64(5);
    }

    void seeksMatchAFoldFromZero()
    {
        QFETCH(QString, category);
        QFETCH(QString, file);
        QFETCH(qint64, interval);
        const QString stream = longestStream(category);
        const QList<Event> events = streamEvents(stream);
        QVERIFY(events.size() > 100);
        const QList<std::optional<QByteArray>> oracle = oracleStates(file, stream, events);
        QCOMPARE(oracle.size(), events.size() + 1);

        StreamReplay replay({}, interval);
        const Result<StreamReplay::Point> loaded = replay.load(*m_opened, stream, readText(projectionFile(file)), file);
        QVERIFY(loaded.ok());
        QVERIFY(!loaded->fault);
        QCOMPARE(loaded->count, events.size());
        QCOMPARE(loaded->state, oracle.last()); // the first pass is a fold from zero
        QCOMPARE(replay.eventCount(), events.size());

        QRandomGenerator random(20261204);
        for (int seek = 0; seek < 200; ++seek) {
            const qint64 count = random.bounded(qint64(events.size() + 1));
            const qint64 version = count == 0 ? events.first().version - 1 : events.at(count - 1).version;
            const StreamReplay::Point point = replay.stateAt(version);
            QVERIFY(!point.fault);
            QCOMPARE(point.count, count);
            QCOMPARE(point.state, oracle.at(count));
        }
        // Step forward then backward one event at a time, as a scrubber does.
        for (qint64 count = 0; count <= events.size(); ++count)
            QVERIFY(sameState(replay.stateAfter(count).state, oracle.at(count)));
        for (qint64 count = events.size(); count >= 0; --count)
            QVERIFY(sameState(replay.stateAfter(count).state, oracle.at(count)));
        // Past the end and before the start.
        QVERIFY(sameState(replay.stateAt(events.last().version + 1000).state, oracle.last()));
        QCOMPARE(replay.stateAt(-5).count, 0);

        // A handful of points checked against a brand-new engine folding events 1..v, with nothing shared.
        for (const qint64 count : { qint64(1), events.size() / 3, events.size() - 1 }) {
            ProjectionEngine fresh;
            QVERIFY(!fresh.compile(readText(projectionFile(file)), file));
            for (qint64 i = 0; i < count; ++i)
                QVERIFY(!fresh.process(events.at(i)));
            QVERIFY(sameState(replay.stateAfter(count).state, fresh.stateJson(stream)));
        }
    }

    void positionsAndTimesMapToCounts()
    {
        const QString stream = longestStream(u"account"_s);
        const QList<Event> events = streamEvents(stream);
        const QList<std::optional<QByteArray>> oracle = oracleStates(u"account.projection.js"_s, stream, events);
        StreamReplay replay({}, 10);
        QVERIFY(replay.load(*m_opened, stream, readText(projectionFile(u"account.projection.js"_s)), u"a.js"_s).ok());
        QRandomGenerator random(7);
        for (int i = 0; i < 50; ++i) {
            const qint64 index = random.bounded(qint64(events.size()));
            const Event& event = events.at(index);
            QCOMPARE(replay.stateAtPosition(event.position).state, oracle.at(index + 1));
            QCOMPARE(replay.stateAtPosition(event.position - 1).count, index);
            qint64 expected = 0;
            while (expected < events.size() && events.at(expected).timeMs <= event.timeMs)
                ++expected;
            QVERIFY(expected >= index + 1);
            const StreamReplay::Point atTime = replay.stateAtTime(*event.timeMs);
            QCOMPARE(atTime.count, expected);
            QCOMPARE(atTime.state, oracle.at(expected));
        }
        QCOMPARE(replay.stateAtTime(*events.first().timeMs - 1).count, 0);
    }

    void changesAreTheDiffOfConsecutiveStates()
    {
        const QString stream = longestStream(u"cart"_s);
        const QList<Event> events = streamEvents(stream);
        const QList<std::optional<QByteArray>> oracle = oracleStates(u"cart.projection.js"_s, stream, events);
        StreamReplay replay({}, 9);
        QVERIFY(replay.load(*m_opened, stream, readText(projectionFile(u"cart.projection.js"_s)), u"c.js"_s).ok());
        const JsonDiff diff;
        qsizetype nonEmpty = 0;
        // Backward, so that every call restores a checkpoint rather than stepping.
        for (qint64 index = events.size() - 1; index >= 0; --index) {
            const Result<StreamReplay::EventChanges> changes = replay.changesAt(events.at(index).version);
            QVERIFY(changes.ok());
            QCOMPARE(changes->event.version, events.at(index).version);
            QVERIFY(sameState(changes->before, oracle.at(index)));
            QVERIFY(sameState(changes->after, oracle.at(index + 1)));
            // compareJson of the oracle's texts; sorted by path, as the key order may differ (sameState()).
            const Result<JsonDiffResult> expected
                = diff.compareJson(oracle.at(index).value_or("null"), oracle.at(index + 1).value_or("null"));
            QVERIFY(expected.ok());
            QCOMPARE(sortedByPath(changes->diff.changes), sortedByPath(expected->changes));
            nonEmpty += changes->diff.changes.isEmpty() ? 0 : 1;
        }
        QVERIFY(nonEmpty > events.size() / 2);
        QCOMPARE(replay.changesAt(events.last().version + 1).error().kind, StoreError::Kind::InvalidArgument);
    }

    void fieldHistoryListsEveryChangeOfBalance()
    {
        const QString stream = longestStream(u"account"_s);
        const QList<Event> events = streamEvents(stream);
        const QList<std::optional<QByteArray>> oracle = oracleStates(u"account.projection.js"_s, stream, events);
        StreamReplay replay({}, 32);
        QVERIFY(replay.load(*m_opened, stream, readText(projectionFile(u"account.projection.js"_s)), u"a.js"_s).ok());
        replay.stateAfter(events.size() / 2); // the history does not depend on where the replay stood

        QList<qint64> expectedIndexes;
        for (qint64 i = 0; i < events.size(); ++i) {
            const QJsonValue before
                = valueAt(parsed(oracle.at(i)), JsonPath({ JsonPath::Segment::member(u"balance"_s) }));
            const QJsonValue after
                = valueAt(parsed(oracle.at(i + 1)), JsonPath({ JsonPath::Segment::member(u"balance"_s) }));
            if (before != after)
                expectedIndexes.append(i);
        }
        QVERIFY(expectedIndexes.size() > 10);
        const Result<QList<StreamReplay::FieldChange>> history = replay.fieldHistory(u"balance");
        QVERIFY(history.ok());
        QCOMPARE(history->size(), expectedIndexes.size());
        for (qsizetype i = 0; i < history->size(); ++i) {
            const StreamReplay::FieldChange& change = history->at(i);
            QCOMPARE(change.index, expectedIndexes.at(i));
            const QString type = events.at(change.index).type;
            QVERIFY2(type == u"AccountOpened"_s || type == u"FundsDeposited"_s || type == u"FundsWithdrawn"_s,
                qPrintable(type));
            QCOMPARE(change.newValue, parsed(oracle.at(change.index + 1)).toObject().value(u"balance"_s));
        }
        // The first change is $init's 0 appearing (absent before), unless the balance starts there.
        QVERIFY(history->first().oldValue.isUndefined());
        QCOMPARE(replay.fieldHistory(u"balance[").error().kind, StoreError::Kind::InvalidArgument);
    }

    void findFirstNegativeBalanceMatchesTheOracle()
    {
        const QString script = readText(projectionFile(u"account.projection.js"_s));
        int found = 0, notFound = 0;
        StreamReplay replay({}, 16);
        for (const QString& stream : streamsOf(u"account"_s).mid(0, 40)) {
            const QList<Event> events = streamEvents(stream);
            const QList<std::optional<QByteArray>> oracle = oracleStates(u"account.projection.js"_s, stream, events);
            std::optional<qint64> expected;
            for (qint64 count = 1; count <= events.size() && !expected; ++count) {
                if (parsed(oracle.at(count)).toObject().value(u"balance"_s).toDouble() < 0)
                    expected = count;
            }
            // One replay for every stream: load() reuses the compiled engine, and must start each stream afresh.
            QVERIFY(replay.load(*m_opened, stream, script, u"a.js"_s).ok());
            const StreamReplay::Found first = replay.findFirst(u"s => s.balance < 0"_s);
            QVERIFY(!first.fault);
            QCOMPARE(first.count, expected);
            // The one-pass form stops reading there.
            StreamReplay once({}, 16);
            const Result<StreamReplay::Found> searched
                = once.loadUntil(*m_opened, stream, script, u"a.js"_s, u"s => s.balance < 0"_s);
            QVERIFY(searched.ok());
            QVERIFY(!searched->fault);
            QCOMPARE(searched->count, expected);
            QCOMPARE(once.eventCount(), expected ? *expected : events.size());
            (expected ? found : notFound) += 1;
        }
        QVERIFY(found > 0);
        QVERIFY(notFound > 0);
    }

    void predicateFaults()
    {
        const QString stream = longestStream(u"account"_s);
        StreamReplay replay;
        QVERIFY(replay.load(*m_opened, stream, readText(projectionFile(u"account.projection.js"_s)), u"a.js"_s).ok());
        const StreamReplay::Found notAFunction = replay.findFirst(u"42"_s);
        QVERIFY(notAFunction.fault);
        QVERIFY(notAFunction.fault->message.contains(u"not a function"_s));
        QVERIFY(notAFunction.badPredicate);
        const StreamReplay::Found syntax = replay.findFirst(u"s => s.balance <"_s);
        QVERIFY(syntax.fault);
        QVERIFY(syntax.fault->message.contains(u"SyntaxError"_s));
        const StreamReplay::Found throws = replay.findFirst(u"s => s.nothing.here"_s);
        QVERIFY(throws.fault);
        QVERIFY(throws.fault->message.contains(u"TypeError"_s));
        QVERIFY(!throws.badPredicate);
        QCOMPARE(throws.fault->event->version, streamEvents(stream).first().version);
        const Result<StreamReplay::Found> bad = StreamReplay().loadUntil(
            *m_opened, stream, readText(projectionFile(u"account.projection.js"_s)), u"a.js"_s, u"s => s.balance <"_s);
        QVERIFY(bad.ok());
        QVERIFY(bad->badPredicate);
        const Result<StreamReplay::Found> thrown = StreamReplay().loadUntil(*m_opened, stream,
            readText(projectionFile(u"account.projection.js"_s)), u"a.js"_s, u"s => s.nothing.here"_s);
        QVERIFY(thrown.ok());
        QVERIFY(!thrown->badPredicate);
        QVERIFY(thrown->fault->message.contains(u"TypeError"_s));
        QCOMPARE(thrown->fault->event->version, streamEvents(stream).first().version);
        // The engine is still usable after a predicate's fault.
        QVERIFY(!replay.findFirst(u"s => s.transactions >= 1"_s).fault);
    }

    void aFaultNamesItsEvent()
    {
        const QString stream = longestStream(u"account"_s);
        const QList<Event> events = streamEvents(stream);
        qint64 faultIndex = -1;
        int deposits = 0;
        for (qint64 i = 0; i < events.size() && faultIndex < 0; ++i) {
            if (events.at(i).type == u"FundsDeposited"_s && ++deposits == 3)
                faultIndex = i;
        }
        QVERIFY(faultIndex > 0);
        const QString script
            = u"fromCategory('account').foreachStream().when({\n"
              "  $init: function () { return { n: 0 }; },\n"
              "  FundsDeposited: function (s, e) { s.n += 1; if (s.n === 3) throw new Error('third'); }\n"
              "});\n"_s;
        StreamReplay replay({}, 2);
        const Result<StreamReplay::Point> loaded = replay.load(*m_opened, stream, script, u"fault.js"_s);
        QVERIFY(loaded.ok());
        QVERIFY(loaded->fault);
        QCOMPARE(loaded->fault->message, u"Error: third"_s);
        QCOMPARE(loaded->fault->line, 3);
        QCOMPARE(loaded->fault->event->version, events.at(faultIndex).version);
        QCOMPARE(loaded->fault->event->stream, stream);
        QCOMPARE(loaded->count, faultIndex);
        QCOMPARE(loaded->state, QByteArray("{\"n\":2}"));
        QCOMPARE(replay.eventCount(), events.size()); // the events after the fault are still there
        QCOMPARE(replay.foldableCount(), faultIndex);

        // Before the fault: states; at or after it: the state before it and the fault.
        QCOMPARE(replay.stateAfter(faultIndex).state, QByteArray("{\"n\":2}"));
        QVERIFY(!replay.stateAfter(faultIndex).fault);
        const StreamReplay::Point after = replay.stateAt(events.last().version);
        QVERIFY(after.fault);
        QCOMPARE(after.count, faultIndex);
        QCOMPARE(after.fault->event->version, events.at(faultIndex).version);
        const Result<StreamReplay::EventChanges> changes = replay.changesAt(events.at(faultIndex).version);
        QVERIFY(changes.ok());
        QVERIFY(changes->fault);
        QVERIFY(changes->diff.changes.isEmpty());
        // Find-first stops at the fault when the predicate never held before it, and finds what held before it.
        const StreamReplay::Found found = replay.findFirst(u"s => s.n > 5"_s);
        QVERIFY(!found.count);
        QVERIFY(found.fault);
        QCOMPARE(found.fault->message, u"Error: third"_s);
        const Result<StreamReplay::Found> searched
            = StreamReplay().loadUntil(*m_opened, stream, script, u"fault.js"_s, u"s => s.n > 5"_s);
        QVERIFY(searched.ok());
        QVERIFY(!searched->count);
        QCOMPARE(searched->fault->message, u"Error: third"_s);
        const Result<StreamReplay::Found> before
            = StreamReplay().loadUntil(*m_opened, stream, script, u"fault.js"_s, u"s => s.n == 2"_s);
        QVERIFY(before.ok());
        QVERIFY(!before->fault);
        QVERIFY(before->count && *before->count < faultIndex);
        QCOMPARE(replay.findFirst(u"s => s.n == 2"_s).count, before->count);
    }

    void compileFaultAndPartitionByAreRefused()
    {
        StreamReplay broken;
        const Result<StreamReplay::Point> loaded = broken.load(*m_opened, u"account-1"_s, u"var x = ;"_s, u"b.js"_s);
        QVERIFY(loaded.ok());
        QVERIFY(loaded->fault);
        QVERIFY(loaded->fault->message.contains(u"SyntaxError"_s));

        StreamReplay partitioned;
        const Result<StreamReplay::Point> refused = partitioned.load(*m_opened, u"account-1"_s,
            u"fromCategory('account').partitionBy(function (e) { return e.eventType; })"
            ".when({ $init: function () { return {}; } });"_s,
            u"p.js"_s);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, StoreError::Kind::InvalidArgument);
    }

private:
    QStringList streamsOf(const QString& category)
    {
        StreamQuery query;
        query.category = category;
        const Result<QList<StreamInfo>> streams = m_opened->streams(query);
        QStringList names;
        if (streams) {
            for (const StreamInfo& info : *streams)
                names.append(info.stream);
        }
        return names;
    }

    QString longestStream(const QString& category)
    {
        QString best;
        qsizetype bestSize = -1;
        for (const QString& stream : streamsOf(category)) {
            const qsizetype size = streamEvents(stream).size();
            if (size > bestSize) {
                best = stream;
                bestSize = size;
            }
        }
        return best;
    }

    QList<Event> streamEvents(const QString& stream)
    {
        if (m_eventsCache.contains(stream))
            return m_eventsCache.value(stream);
        EventPageRequest request;
        request.filter.stream = stream;
        request.limit = 100000;
        const Result<EventPage> page = m_opened->readEvents(request);
        const QList<Event> events = page ? page->events : QList<Event>();
        m_eventsCache.insert(stream, events);
        return events;
    }

    // The state after each count of events, 0..n: one engine folding from the first event, no checkpoints.
    static QList<std::optional<QByteArray>> oracleStates(
        const QString& file, const QString& stream, const QList<Event>& events)
    {
        ProjectionEngine engine;
        QList<std::optional<QByteArray>> states;
        if (engine.compile(readText(projectionFile(file)), file))
            return states;
        states.append(engine.stateJson(stream));
        for (const Event& event : events) {
            if (engine.process(event))
                return states;
            states.append(engine.stateJson(stream));
        }
        return states;
    }

    QTemporaryDir m_dir;
    QString m_store;
    std::unique_ptr<EventStore> m_opened;
    QHash<QString, QList<Event>> m_eventsCache;
};

QTEST_GUILESS_MAIN(TestStreamReplay)
#include "tst_streamreplay.moc"
