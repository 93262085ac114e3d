#pragma once

#include "../store/eventstore.h"

#include <QList>
#include <functional>
#include <memory>

namespace EventScope {

// What a dialect says when it recognises a database: how sure it is, and how to open the store on a
// connection. Detection runs once per open; every further connection to the same store (a second lane of
// work, a reconnect) goes through `open` without detecting again.
struct DialectMatch
{
    QString dialect; // the dialect's name, as `eventscope-cli dialects` lists it
    int confidence = 0; // 100: the store's own marker; lower: the tables and columns fit
    QString description; // what was found, for `info` ("tables events and streams in schema public")
    // Which store of the database this is, when one database can hold several (a schema, an application's
    // table prefix): what `--store-name` and OpenOptions::storeName pick. Empty when there is only ever one.
    QString storeName;
    std::function<std::unique_ptr<EventStore>(std::unique_ptr<Connection>)> open;
};

// A dialect's detector: every store of that dialect it finds in the database, best first; empty when none.
// It reads only the catalog and small marker tables, and ends its read.
using DialectDetector = QList<DialectMatch> (*)(Connection&);

} // namespace EventScope
