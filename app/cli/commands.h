#pragma once

#include "commandline.h"

#include <core/dialects/storeopener.h>
#include <core/store/eventstore.h>

#include <memory>

namespace EventScope::Cli {

// A command of eventscope-cli: what it accepts and the function that runs it with parsed arguments
// and returns the exit code. Each command group lives in its own file (infocommand.cpp, ...).
struct Command
{
    CommandSpec spec;
    int (*run)(const CommandLine& arguments);
};

const QList<Command>& commands();
const Command* findCommand(const QString& name);

Command infoCommand();
Command streamsCommand();
Command eventsCommand();
Command demoCommand();
Command projectCommand();
Command replayCommand();
Command findWhereCommand(); // `find`
Command dialectsCommand();
Command snapshotsCommand();
Command verifyCommand();

// Prints the message and a hint to the command's help on stderr; returns kExitUsage.
int usageError(const QString& command, const QString& message);

// Prints a store's error on stderr and returns its exit code: kExitUsage when the request itself was
// wrong (a bad regular expression), kExitStore when the store cannot be opened or read.
// With --json (setJsonErrors), the error is also one last JSON line on stderr:
// {"error": {"kind", "sqlstate", "message"}} (sqlstate null when there is none).
// `hint`: a line of advice printed after the error's (before the JSON line).
int storeFailure(const StoreError& error, const QString& hint = {});
void setJsonErrors(bool json);

// Opens STORE read-only with the store options of `arguments` (--dialect, --mapping, --store-name), or prints
// why not; `exitCode` is set when it returns null.
std::unique_ptr<EventStore> openStoreForReading(const CommandLine& arguments, const QString& location, int& exitCode);

// The same, keeping what detection found (every store in the database) for `info`.
std::optional<OpenedStore> openStoreWithMatches(const CommandLine& arguments, const QString& location, int& exitCode);

} // namespace EventScope::Cli
