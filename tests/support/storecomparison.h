#pragma once

#include <core/store/eventstore.h>

#include <QStringList>

namespace EventScope::TestSupport {

// One line per event with every field, so that two stores' pages compare as text and a failure shows the
// first event that differs.
QStringList describeEvents(const QList<Event>& events);

// Reads the same things from two stores (describe, categories, streams, types, pages of every filter both
// ways, key scans, jumps, snapshots of `stream`) and returns the first difference, or an empty string when
// they agree. `filters` are the event filters to page through.
QString compareStores(
    EventStore& expected, EventStore& actual, const QList<EventFilter>& filters, const QString& stream);

} // namespace EventScope::TestSupport
