#pragma once

namespace EventScope::Cli {

// The exit codes of eventscope-cli: part of its contract, scripts test them (docs/cli.md).
enum ExitCode : int {
    kExitSuccess = 0,
    kExitFailure = 1, // anything else went wrong, e.g. writing a demo store failed
    kExitUsage = 2, // unknown command or option, missing or malformed argument
    kExitStore = 3, // the store cannot be opened or read
    kExitProjection = 4, // a projection faulted (`project`): the error, its line and the event on stderr
    kExitInterrupted = 130, // Ctrl+C during `demo create`, as a shell reports SIGINT
};

} // namespace EventScope::Cli
