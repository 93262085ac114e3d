#include "commands.h"

#include "exitcode.h"
#include "output.h"

#include <core/dialects/mappingfile.h>
#include <core/dialects/storeopener.h>

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

const QList<Command>& commands()
{
    static const QList<Command> all { infoCommand(), streamsCommand(), eventsCommand(), projectCommand(),
        replayCommand(), findWhereCommand(), snapshotsCommand(), verifyCommand(), demoCommand(), dialectsCommand() };
    return all;
}

const Command* findCommand(const QString& name)
{
    for (const Command& command : commands()) {
        if (command.spec.name == name)
            return &command;
    }
    return nullptr;
}

int usageError(const QString& command, const QString& message)
{
    printError(message);
    printToStderr(
        command.isEmpty() ? u"Try 'eventscope-cli --help'.\n"_s : u"Try 'eventscope-cli help %1'.\n"_s.arg(command));
    return kExitUsage;
}

namespace {
bool jsonErrors = false;
} // namespace

void setJsonErrors(bool json)
{
    jsonErrors = json;
}

int storeFailure(const StoreError& error, const QString& hint)
{
    // The server's code beside its words, which may be in any language.
    printError(error.sqlState.isEmpty() ? error.message : u"%1 (SQLSTATE %2)"_s.arg(error.message, error.sqlState));
    if (!hint.isEmpty())
        printToStderr(hint + u'\n');
    if (jsonErrors) {
        const QJsonObject fields { { u"kind"_s, StoreError::kindName(error.kind) },
            { u"sqlstate"_s, error.sqlState.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(error.sqlState) },
            { u"message"_s, error.message } };
        printToStderr(QString::fromUtf8(
            QJsonDocument(QJsonObject { { u"error"_s, fields } }).toJson(QJsonDocument::Compact) + '\n'));
    }
    return error.kind == StoreError::Kind::InvalidArgument ? kExitUsage : kExitStore;
}

std::optional<OpenedStore> openStoreWithMatches(const CommandLine& arguments, const QString& location, int& exitCode)
{
    QString password;
    const auto parsed = StoreLocation::parse(location, &password);
    if (!parsed) {
        exitCode = storeFailure(parsed.error());
        return std::nullopt;
    }
    OpenOptions options = OpenOptions::withPassword(password);
    options.dialect = arguments.value(u"dialect"_s);
    options.storeName = arguments.value(u"store-name"_s);
    if (arguments.isSet(u"mapping"_s)) {
        if (arguments.isSet(u"dialect"_s)) {
            exitCode
                = usageError({}, u"--mapping and --dialect cannot be used together: a mapping is its own dialect"_s);
            return std::nullopt;
        }
        auto mapping = MappingFile::load(arguments.value(u"mapping"_s));
        if (!mapping) {
            printError(u"%1: %2"_s.arg(arguments.value(u"mapping"_s), mapping.error().message));
            exitCode = kExitUsage;
            return std::nullopt;
        }
        options.mapping = std::move(mapping).value();
    }
    auto opened = openStore(*parsed, options);
    if (!opened) {
        // A mapping that does not fit the database names its file as well as its field.
        if (options.mapping && opened.error().kind == StoreError::Kind::InvalidArgument) {
            printError(u"%1: %2"_s.arg(arguments.value(u"mapping"_s), opened.error().message));
            exitCode = kExitUsage;
            return std::nullopt;
        }
        // The CLI never prompts (it runs in scripts): say where libpq looks for a password.
        exitCode = storeFailure(opened.error(),
            opened.error().kind == StoreError::Kind::Authentication
                ? u"The server wants a password: put it in PGPASSWORD, ~/.pgpass or the URI."_s
                : QString());
        return std::nullopt;
    }
    return std::move(opened).value();
}

std::unique_ptr<EventStore> openStoreForReading(const CommandLine& arguments, const QString& location, int& exitCode)
{
    auto opened = openStoreWithMatches(arguments, location, exitCode);
    if (!opened)
        return nullptr;
    return std::move(opened->store);
}

} // namespace EventScope::Cli
