#include "storeopener.h"

#include "nativestore.h"

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

using Detector = std::optional<DialectMatch> (*)(Connection&);

struct KnownDialect
{
    const char* name;
    Detector detect;
};

// Every dialect, once. Adding one is one line here and one file in core/dialects/.
const QList<KnownDialect>& dialects()
{
    static const QList<KnownDialect> known {
        { NativeStore::kName, &NativeStore::detect },
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
    auto opened = openConnection(location, options.password);
    if (!opened)
        return opened.error();
    std::unique_ptr<Connection> connection = std::move(opened).value();

    std::optional<DialectMatch> best;
    for (const KnownDialect& dialect : dialects()) {
        if (!options.dialect.isEmpty() && options.dialect != QLatin1StringView(dialect.name))
            continue;
        std::optional<DialectMatch> match = dialect.detect(*connection);
        if (match && (!best || match->confidence > best->confidence))
            best = std::move(match);
    }
    if (!best) {
        if (!options.dialect.isEmpty() && !knownDialects().contains(options.dialect))
            return StoreError { StoreError::Kind::InvalidArgument,
                u"unknown dialect '%1'; EventScope knows: %2"_s.arg(options.dialect, knownDialects().join(u", "_s)) };
        return unknownSchema(*connection);
    }
    std::unique_ptr<EventStore> store = best->open(std::move(connection));
    return OpenedStore { std::move(store), std::move(*best) };
}

Result<std::unique_ptr<EventStore>> openStore(const QString& location)
{
    QString password;
    const auto parsed = StoreLocation::parse(location, &password);
    if (!parsed)
        return parsed.error();
    auto opened = openStore(*parsed, OpenOptions { password, {} });
    if (!opened)
        return opened.error();
    return std::move(opened->store);
}

} // namespace EventScope
