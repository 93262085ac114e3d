#include "storeopener.h"

#include "akkajdbcstore.h"
#include "axonstore.h"
#include "commandedstore.h"
#include "emmettstore.h"
#include "eventsourcingstore.h"
#include "eventuousstore.h"
#include "mappedstore.h"
#include "mappingfile.h"
#include "martenstore.h"
#include "messagedbstore.h"
#include "nativestore.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

struct KnownDialect
{
    const char* name;
    DialectDetector detect;
};

// Every dialect, once. Adding one is one line here and one file in core/dialects/.
const QList<KnownDialect>& dialects()
{
    static const QList<KnownDialect> known {
        { NativeStore::kName, &NativeStore::detect },
        { MartenStore::kName, &MartenStore::detect },
        { MessageDbStore::kName, &MessageDbStore::detect },
        { CommandedStore::kName, &CommandedStore::detect },
        { AxonStore::kName, &AxonStore::detect },
        { EmmettStore::kName, &EmmettStore::detect },
        { EventuousStore::kName, &EventuousStore::detect },
        { AkkaJdbcStore::kName, &AkkaJdbcStore::detect },
        { EventsourcingStore::kName, &EventsourcingStore::detect },
    };
    return known;
}

StoreError unknownSchema(Connection& connection)
{
    const auto tables = connection.tables();
    connection.endRead();
    QStringList names;
    if (tables) {
        for (const TableName& table : *tables)
            names.append(table.qualified());
    }
    const QString found = names.isEmpty() ? u"it has no tables"_s : u"its tables are: %1"_s.arg(names.join(u", "_s));
    const QString what
        = connection.flavour() == SqlFlavour::Sqlite ? u"is a SQLite database"_s : u"is a PostgreSQL database"_s;
    return StoreError { StoreError::Kind::UnknownSchema,
        u"%1: %2 but not an event store EventScope knows (%3). A mapping file can describe your own tables."_s.arg(
            connection.location().displayName(), what, found) };
}

} // namespace

QStringList knownDialects()
{
    QStringList names;
    for (const KnownDialect& dialect : dialects())
        names.append(QString::fromLatin1(dialect.name));
    return names;
}

Result<OpenedStore> openStore(const StoreLocation& location, const OpenOptions& options)
{
    if (!options.dialect.isEmpty() && !knownDialects().contains(options.dialect))
        return StoreError { StoreError::Kind::InvalidArgument,
            u"unknown dialect '%1'; EventScope knows: %2"_s.arg(options.dialect, knownDialects().join(u", "_s)) };
    auto opened = openConnection(location, options.password);
    if (!opened)
        return opened.error();
    std::unique_ptr<Connection> connection = std::move(opened).value();

    if (options.mapping) {
        auto resolved = MappingFile::resolveTables(*connection, *options.mapping);
        if (!resolved)
            return resolved.error();
        const StoreMapping mapping = std::move(resolved).value();
        if (const Status checked = MappingFile::check(*connection, mapping); !checked)
            return checked.error();
        DialectMatch match { mapping.dialect, 100,
            mapping.description.isEmpty() ? u"mapping of table %1"_s.arg(mapping.events.table.qualified())
                                          : mapping.description,
            {}, [mapping](std::unique_ptr<Connection> connection) -> std::unique_ptr<EventStore> {
                return std::make_unique<MappedStore>(std::move(connection), mapping);
            } };
        std::unique_ptr<EventStore> store = match.open(std::move(connection));
        return OpenedStore { std::move(store), match, { match } };
    }

    QList<DialectMatch> found;
    for (const KnownDialect& dialect : dialects()) {
        if (!options.dialect.isEmpty() && options.dialect != QLatin1StringView(dialect.name))
            continue;
        found.append(dialect.detect(*connection));
    }
    // The most confident match wins; among equals, the dialect asked first and the store it listed first.
    std::stable_sort(found.begin(), found.end(),
        [](const DialectMatch& a, const DialectMatch& b) { return a.confidence > b.confidence; });
    if (found.isEmpty())
        return unknownSchema(*connection);
    auto chosen = found.cbegin();
    if (!options.storeName.isEmpty()) {
        chosen = std::find_if(found.cbegin(), found.cend(),
            [&options](const DialectMatch& match) { return match.storeName == options.storeName; });
        if (chosen == found.cend()) {
            QStringList names;
            for (const DialectMatch& match : std::as_const(found))
                names.append(u"%1 (%2)"_s.arg(match.storeName.isEmpty() ? u"\"\""_s : match.storeName, match.dialect));
            return StoreError { StoreError::Kind::InvalidArgument,
                u"%1 holds no store named '%2'; it holds: %3"_s.arg(
                    location.displayName(), options.storeName, names.join(u", "_s)) };
        }
    }
    DialectMatch match = *chosen;
    std::unique_ptr<EventStore> store = match.open(std::move(connection));
    return OpenedStore { std::move(store), std::move(match), std::move(found) };
}

Result<std::unique_ptr<EventStore>> openStore(const QString& location)
{
    QString password;
    const auto parsed = StoreLocation::parse(location, &password);
    if (!parsed)
        return parsed.error();
    auto opened = openStore(*parsed, OpenOptions::withPassword(password));
    if (!opened)
        return opened.error();
    return std::move(opened->store);
}

} // namespace EventScope
