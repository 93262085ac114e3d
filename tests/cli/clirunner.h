#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QTest>

// Runs the eventscope-cli binary under test (the EVENTSCOPE_CLI environment variable, set by
// eventscope_add_test) and collects what it printed, for the tests in tests/cli/.
namespace EventScope::CliTest {

struct CliRun
{
    bool finished = false; // false: it crashed or hung (killed after the timeout)
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline CliRun runCli(const QStringList& arguments, int timeoutMs = 30000,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProgram(qEnvironmentVariable("EVENTSCOPE_CLI"));
    process.setArguments(arguments);
    process.start();
    CliRun run;
    if (!process.waitForStarted(timeoutMs))
        return run;
    process.closeWriteChannel();
    const bool ended = process.waitForFinished(timeoutMs);
    if (!ended) {
        process.kill();
        process.waitForFinished();
    }
    run.finished = ended && process.exitStatus() == QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace EventScope::CliTest
