#pragma once

#include "dialect.h"
#include "storemapping.h"

#include <QStringList>

namespace EventScope {

struct OpenOptions
{
    QString password; // for this open only; never saved
    QString dialect; // force this dialect instead of detecting one; empty: detect
    QString storeName; // when the database holds several stores, the one to open (DialectMatch::storeName)
    // Read the store through this mapping (a home-grown table) instead of detecting a dialect. It is checked
    // against the database first: a bad mapping is an InvalidArgument error naming the field.
    std::optional<StoreMapping> mapping;

    static OpenOptions withPassword(QString password)
    {
        OpenOptions options;
        options.password = std::move(password);
        return options;
    }
};

// An open store and how it was recognised. `match.open` opens the same store on another connection without
// detecting again.
struct OpenedStore
{
    std::unique_ptr<EventStore> store;
    DialectMatch match;
    QList<DialectMatch> found; // every store detection found in the database, the opened one included
};

// The dialects EventScope knows, by name, in the order detection asks them.
QStringList knownDialects();

// Opens any store EventScope can read: the backend its location names, then the dialect that recognises the
// schema with the highest confidence (or the one `options` forces). Always read-only.
Result<OpenedStore> openStore(const StoreLocation& location, const OpenOptions& options = {});

// The same from what a user typed (a path, a URI or a conninfo string), for callers that need only the store.
Result<std::unique_ptr<EventStore>> openStore(const QString& location);

} // namespace EventScope
