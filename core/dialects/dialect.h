#pragma once

#include "../store/eventstore.h"

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
    std::function<std::unique_ptr<EventStore>(std::unique_ptr<Connection>)> open;
};

} // namespace EventScope
