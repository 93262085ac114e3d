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

// EventScope's native schema described as a mapping (the stream's name looked up per row): read through
// MappedStore it must give exactly what NativeStore gives, which makes NativeStore the mapping's oracle.
StoreMapping nativeSchemaMapping();

// Reads the same things from two stores (describe, categories, streams, types, pages of every filter both
// ways, key scans, jumps, snapshots of `stream`) and returns the first difference, or an empty string when
// they agree. `filters` are the event filters to page through.
QString compareStores(
    EventStore& expected, EventStore& actual, const QList<EventFilter>& filters, const QString& stream);

} // namespace EventScope::TestSupport
