#include "storecomparison.h"

using namespace Qt::StringLiterals;

namespace EventScope::TestSupport {

QString timeText(std::optional<qint64> msSinceEpoch)
{
    return msSinceEpoch ? QString::number(*msSinceEpoch) : u"-"_s;
}

StoreMapping nativeSchemaMapping()
{
    StoreMapping mapping;
    mapping.events.table = TableName { {}, u"events"_s };
    mapping.events.position = u"position"_s;
    mapping.events.stream = u"(SELECT name FROM streams WHERE streams.stream_id = events.stream_id)"_s;
    mapping.events.version = u"version"_s;
    mapping.events.type = u"type"_s;
    mapping.events.time = TimeField { u"time"_s, TimeUnit::Native };
    mapping.events.id = u"event_id"_s;
    mapping.events.data = PayloadField { u"data"_s, PayloadEncoding::Json };
    mapping.events.metadata = PayloadField { u"metadata"_s, PayloadEncoding::Json };
    SnapshotsMapping snapshots;
    snapshots.table = TableName { {}, u"snapshots"_s };
    snapshots.stream = u"(SELECT name FROM streams WHERE streams.stream_id = snapshots.stream_id)"_s;
    snapshots.version = u"version"_s;
    snapshots.time = TimeField { u"time"_s, TimeUnit::Native };
    snapshots.data = PayloadField { u"state"_s, PayloadEncoding::Json };
    mapping.snapshots = snapshots;
    return mapping;
}

QStringList describeEvents(const QList<Event>& events)
{
    QStringList lines;
    for (const Event& e : events)
        lines.append(
            u"%1 %2 %3 %4 %5 %6 %7 %8 %9"_s.arg(e.position)
                .arg(e.stream, e.category)
                .arg(e.version)
                .arg(e.type)
                .arg(timeText(e.timeMs))
                .arg(e.id, QString::fromLatin1(e.data.toBase64()), QString::fromLatin1(e.metadata.toBase64())));
    return lines;
}

namespace {

QString countText(const Count& count)
{
    return count.isKnown() ? QString::number(count.value) : u"?"_s;
}

// One line per item of a listing that succeeded, else its error as the one line.
template <typename List, typename Line> QStringList linesOf(const Result<List>& listed, Line line)
{
    if (!listed)
        return { u"error: "_s + listed.error().message };
    QStringList lines;
    for (const auto& item : *listed)
        lines.append(line(item));
    return lines;
}

} // namespace

QStringList streamLines(EventStore& store, const StreamQuery& query)
{
    return linesOf(store.streams(query), [](const StreamInfo& s) {
        return u"%1|%2|%3|%4"_s.arg(s.stream, s.category, countText(s.events)).arg(s.lastVersion);
    });
}

QStringList categoryLines(EventStore& store, const CategoryQuery& query)
{
    return linesOf(store.categories(query),
        [](const CategoryInfo& c) { return u"%1|%2|%3"_s.arg(c.category, countText(c.streams), countText(c.events)); });
}

QStringList categoryEventLines(EventStore& store, const QString& category, QStringList (*describe)(const QList<Event>&))
{
    EventPageRequest request;
    request.filter.category = category;
    const auto page = store.readEvents(request);
    if (!page)
        return { u"error: "_s + page.error().message };
    if (describe)
        return describe(page->events);
    QStringList lines;
    for (const Event& e : page->events)
        lines.append(u"%1 %2 %3 %4"_s.arg(e.position).arg(e.stream, e.category).arg(e.version));
    return lines;
}

QStringList categoryOfLines(const EventStore& store, const QStringList& streams)
{
    QStringList lines;
    for (const QString& stream : streams)
        lines.append(stream + u'|' + store.categoryOf(stream));
    return lines;
}

QString categoryOfDisagreement(EventStore& store)
{
    const auto streams = store.streams({});
    if (!streams)
        return u"error: "_s + streams.error().message;
    for (const StreamInfo& s : *streams) {
        const QString derived = store.categoryOf(s.stream);
        if (derived != s.category)
            return u"%1: categoryOf gives %2, the list %3"_s.arg(s.stream, derived, s.category);
    }
    return {};
}

namespace {

template <typename T> QString differ(const QString& what, const Result<T>& expected, const Result<T>& actual)
{
    if (!expected || !actual)
        return u"%1: %2 / %3"_s.arg(
            what, expected ? u"ok"_s : expected.error().message, actual ? u"ok"_s : actual.error().message);
    return {};
}

QString firstDifference(const QString& what, const QStringList& expected, const QStringList& actual)
{
    for (qsizetype i = 0; i < std::max(expected.size(), actual.size()); ++i) {
        const QString e = i < expected.size() ? expected[i] : u"(none)"_s;
        const QString a = i < actual.size() ? actual[i] : u"(none)"_s;
        if (e != a)
            return u"%1, line %2:\n  expected %3\n  actual   %4"_s.arg(what).arg(i).arg(e, a);
    }
    return {};
}

} // namespace

QString compareStores(
    EventStore& expected, EventStore& actual, const QList<EventFilter>& filters, const QString& stream)
{
    const auto infoE = expected.describe(), infoA = actual.describe();
    if (QString d = differ(u"describe"_s, infoE, infoA); !d.isEmpty())
        return d;
    const auto infoLine = [](const StoreInfo& i) {
        return u"events %1 streams %2 categories %3 snapshots %4 time %5..%6 position %7..%8"_s
            .arg(countText(i.events), countText(i.streams), countText(i.categories), countText(i.snapshots))
            .arg(i.firstTimeMs.value_or(-1))
            .arg(i.lastTimeMs.value_or(-1))
            .arg(i.firstPosition.value_or(-1))
            .arg(i.lastPosition.value_or(-1));
    };
    if (QString d = firstDifference(u"describe"_s, { infoLine(*infoE) }, { infoLine(*infoA) }); !d.isEmpty())
        return d;

    const auto categories = [](EventStore& store) {
        QStringList lines;
        const auto list = store.categories(CategoryQuery {});
        if (!list)
            return QStringList { list.error().message };
        for (const CategoryInfo& c : *list)
            lines.append(u"%1 %2 %3"_s.arg(c.category, countText(c.streams), countText(c.events)));
        return lines;
    };
    if (QString d = firstDifference(u"categories"_s, categories(expected), categories(actual)); !d.isEmpty())
        return d;
    const auto streams = [](EventStore& store) {
        QStringList lines;
        const auto list = store.streams(StreamQuery {});
        if (!list)
            return QStringList { list.error().message };
        for (const StreamInfo& s : *list)
            lines.append(u"%1 %2 %3 %4 %5"_s.arg(s.stream, s.category, countText(s.events))
                             .arg(s.lastVersion)
                             .arg(timeText(s.lastTimeMs)));
        return lines;
    };
    if (QString d = firstDifference(u"streams"_s, streams(expected), streams(actual)); !d.isEmpty())
        return d;
    const auto typesE = expected.eventTypes(), typesA = actual.eventTypes();
    if (QString d = differ(u"types"_s, typesE, typesA); !d.isEmpty())
        return d;
    if (QString d = firstDifference(u"types"_s, *typesE, *typesA); !d.isEmpty())
        return d;

    for (const EventFilter& filter : filters) {
        const QString name = u"filter stream=%1 category=%2 type=%3"_s.arg(filter.stream, filter.category, filter.type);
        for (const ReadDirection direction : { ReadDirection::Forward, ReadDirection::Backward }) {
            std::optional<KeyBound> start;
            for (int page = 0; page < 4; ++page) {
                EventPageRequest request;
                request.filter = filter;
                request.direction = direction;
                request.start = start;
                request.limit = 97;
                const auto e = expected.readEvents(request), a = actual.readEvents(request);
                if (QString d = differ(name, e, a); !d.isEmpty())
                    return d;
                if (QString d = firstDifference(
                        name + u" page %1"_s.arg(page), describeEvents(e->events), describeEvents(a->events));
                    !d.isEmpty())
                    return d;
                if (e->events.isEmpty())
                    break;
                start = KeyBound { orderKeyOf(e->events.constLast(), filter.orderKey()), false };
            }
        }
        const auto anchors = [&filter](EventStore& store) {
            QStringList all;
            const auto rows = store.scanKeys(filter, 64, [&all](const QList<qint64>& chunk, qint64) {
                for (const qint64 key : chunk)
                    all.append(QString::number(key));
                return true;
            });
            all.append(rows ? u"rows %1"_s.arg(*rows) : rows.error().message);
            return all;
        };
        if (QString d = firstDifference(name + u" scan"_s, anchors(expected), anchors(actual)); !d.isEmpty())
            return d;
        for (const qint64 position : { qint64(1), qint64(777), qint64(5000) }) {
            const auto e = expected.keyAtPosition(filter, position), a = actual.keyAtPosition(filter, position);
            if (QString d = differ(name, e, a); !d.isEmpty())
                return d;
            if (*e != *a)
                return name + u": keyAtPosition(%1) %2 / %3"_s.arg(position).arg(e->value_or(-1)).arg(a->value_or(-1));
        }
    }

    const auto snapshots = [&stream](EventStore& store) {
        QStringList lines;
        const auto list = store.snapshots(stream);
        if (!list)
            return QStringList { list.error().message };
        for (const Snapshot& s : *list)
            lines.append(u"%1 %2 %3"_s.arg(s.version).arg(timeText(s.timeMs)).arg(QString::fromUtf8(s.state)));
        return lines;
    };
    return firstDifference(u"snapshots"_s, snapshots(expected), snapshots(actual));
}

} // namespace EventScope::TestSupport
