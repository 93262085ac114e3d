#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <QCoreApplication>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace EventScope::Cli;

namespace {

QString generalHelp()
{
    QString text = u"Usage: eventscope-cli COMMAND [arguments] [options]\n\n"
                   "Reads event stores from the command line, read-only. STORE is the path of a SQLite store.\n\n"
                   "Commands:\n"_s;
    for (const Command& command : commands()) {
        QString synopsis = command.spec.name;
        for (const QString& positional : command.spec.positionals)
            synopsis += u' ' + positional;
        text += u"  "_s + synopsis.leftJustified(20) + command.spec.summary.section(u'\n', 0, 0) + u'\n';
    }
    text += u"  help COMMAND        Show the options of a command.\n\n"
            "Every command takes --json: one JSON object per line instead of a table.\n"
            "Exit codes: 0 success, 1 failure, 2 bad usage, 3 the store cannot be opened or read,\n"
            "4 a projection faulted.\n"
            "Options: --help, --version\n"_s;
    return text;
}

int printHelp(const QString& text)
{
    Output output;
    output.write(text.toUtf8());
    return output.finish();
}

} // namespace

int main(int argc, char* argv[])
{
    // A reader that goes away (`| head`) makes writes fail with EPIPE, which Output turns into a quiet stop.
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"eventscope-cli"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(EVENTSCOPE_VERSION));

    QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.isEmpty()) {
        printToStderr(generalHelp());
        return kExitUsage;
    }
    const QString first = arguments.takeFirst();
    if (first == u"--version"_s)
        return printHelp(u"eventscope-cli %1\n"_s.arg(QCoreApplication::applicationVersion()));
    if (first == u"--help"_s || first == u"-h"_s || (first == u"help"_s && arguments.isEmpty()))
        return printHelp(generalHelp());
    if (first == u"help"_s) {
        const Command* command = findCommand(arguments.first());
        if (!command || arguments.size() > 1)
            return usageError({}, u"no help for '%1': there is no such command"_s.arg(arguments.join(u' ')));
        return printHelp(helpText(command->spec));
    }

    const Command* command = findCommand(first);
    if (!command)
        return usageError({}, u"unknown command '%1'"_s.arg(first));
    QString error;
    const std::optional<CommandLine> parsed = CommandLine::parse(command->spec, arguments, error);
    if (!parsed)
        return usageError(command->spec.name, error);
    if (parsed->helpRequested())
        return printHelp(helpText(command->spec));
    setJsonErrors(parsed->json());
    return command->run(*parsed);
}
