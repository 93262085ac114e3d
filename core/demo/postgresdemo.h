#pragma once

#include "../store/storelocation.h"
#include "demogenerator.h"

namespace EventScope {

// Writes the demo store into a PostgreSQL database the user names, in EventScope's native schema (the DDL of
// docs/native-schema.md): that database is then EventScope's own, the one place it ever writes to a server.
// The events are the same as createDemoStore() gives for the same seed and size. Refuses a database that
// already has the native tables; everything happens in one transaction, so a cancelled or failed run leaves
// nothing behind.
Result<DemoSummary> createDemoStoreInPostgres(const StoreLocation& location, const QString& password,
    const DemoOptions& options, const DemoProgress& progress = {});

} // namespace EventScope
