#pragma once

#include <core/dialects/storemapping.h>
#include <core/store/eventstore.h>

#include <QStringList>

namespace EventScope::TestSupport {

// One line per event with every field, so that two stores' pages compare as text and a failure shows the
// first event that differs.
QStringList describeEvents(const QList<Event>& events);
// A time as the lines above print it: its milliseconds, or "-" where the store holds none.
QString timeText(std::optional<qint64> msSinceEpoch);

// What a store lists and reads, as lines a test compares with literals; a failed call gives one line
// "error: <message>" instead. A count the store did not make prints as "?".
// One "stream|category|events|lastVersion" line per stream `streams(query)` lists.
QStringList streamLines(EventStore& store, const StreamQuery& query = {});
// One "category|streams|events" line per category `categories(query)` lists.
QStringList categoryLines(EventStore& store, const CategoryQuery& query = {});
// The first page (forward) of the events in `category`: one "position stream category version" line per event,
// or the lines `describe` makes of them.
QStringList categoryEventLines(
    EventStore& store, const QString& category, QStringList (*describe)(const QList<Event>&) = nullptr);
// One "stream|category" line per name in `streams`, the category `categoryOf` gives it.
QStringList categoryOfLines(const EventStore& store, const QStringList& streams);
// Empty when `categoryOf(stream)` gives the category `streams({})` lists for every stream; else the first stream
// that disagrees with both values (or the error of the listing).
QString categoryOfDisagreement(EventStore& store);

// EventScope's native schema described as a mapping (the stream's name looked up per row): read through
// MappedStore it must give exactly what NativeStore gives, which makes NativeStore the mapping's oracle.
StoreMapping nativeSchemaMapping();

// Reads the same things from two stores (describe, categories, streams, types, pages of every filter both
// ways, key scans, jumps, snapshots of `stream`) and returns the first difference, or an empty string when
// they agree. `filters` are the event filters to page through.
QString compareStores(
    EventStore& expected, EventStore& actual, const QList<EventFilter>& filters, const QString& stream);

} // namespace EventScope::TestSupport
