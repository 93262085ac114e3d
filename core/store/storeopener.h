#pragma once

#include "eventstore.h"

namespace EventScope {

// Opens any store EventScope can read from a location (today: a path to a SQLite file),
// picking the backend, then the dialect that recognises the schema. Always read-only.
Result<std::unique_ptr<EventStore>> openStore(const QString& location);

} // namespace EventScope
