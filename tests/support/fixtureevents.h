#pragma once

#include <core/model/event.h>

#include <QList>
#include <QString>

namespace EventScope::TestSupport {

// The events of a projection fixture (tests/data/projections/<case>/events.json), in log order. Per event: stream,
// type, data (any JSON, kept as compact text in its own key order) or dataRaw (bytes as text), metadata or
// metadataRaw, and optionally isJson (true: the store flags the data as JSON, false: as not JSON; absent: it does not
// say), time (ISO), id, version (default: 0, 1, ... per stream) and position (default: 1, 2, ...).
QList<Event> readFixtureEvents(const QString& path);

} // namespace EventScope::TestSupport
