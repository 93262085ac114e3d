#include "commands.h"

#include "exitcode.h"
#include "output.h"

#include <core/dialects/storeopener.h>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

const QList<Command>& commands()
{
    static const QList<Command> all { infoCommand(), streamsCommand(), eventsCommand(), projectCommand(),
        replayCommand(), findWhereCommand(), demoCommand() };
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

int storeFailure(const StoreError& error)
{
    printError(error.message);
    return error.kind == StoreError::Kind::InvalidArgument ? kExitUsage : kExitStore;
}

std::unique_ptr<EventStore> openStoreForReading(const QString& location, int& exitCode)
{
    auto opened = openStore(location);
    if (!opened) {
        exitCode = storeFailure(opened.error());
        // The CLI never prompts (it runs in scripts): say where libpq looks for a password.
        if (opened.error().kind == StoreError::Kind::Authentication)
            printToStderr(u"The server wants a password: put it in PGPASSWORD, ~/.pgpass or the URI.\n"_s);
        return nullptr;
    }
    return std::move(opened).value();
}

} // namespace EventScope::Cli
