#pragma once

#include <core/store/eventstore.h>

#include <QStringList>

#include <functional>
#include <memory>

// Verifies every snapshot of one category with one projection (SnapshotVerifier::verifyAll, as the CLI's verify
// does) and returns a line per snapshot in the CLI's order: "stream version status", then " path:old->new" per
// differing path (values as compact JSON) and " message" for an error; or the store's error alone. For the
// dialect tests, which plant drifted snapshots in each library's tables.
namespace EventScope::TestSupport {

using StoreFactory = std::function<Result<std::unique_ptr<EventStore>>()>;

// `ignore`: keys or paths left out of the comparison, as `verify --ignore` takes them.
QStringList verifyLines(
    const StoreFactory& open, const QString& category, const QString& projection, const QStringList& ignore = {});

} // namespace EventScope::TestSupport
