#include "clirunner.h"

#include <testsupport.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

// Protects the exit codes and messages of eventscope-cli: 2 with a hint for bad usage, 3 with the file
// and the reason for every kind of unreadable store; never a crash, never a hang, nothing on stdout.
class TestCliErrors : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void badUsageExitsTwo_data();
    void badUsageExitsTwo();
    void badStoreFileExitsThreeNamingFileAndReason_data();
    void badStoreFileExitsThreeNamingFileAndReason();
    void versionAndHelpExitZero();
    void noArgumentsPrintsHelpOnStderr();

private:
    QTemporaryDir m_dir;
    QString m_store;
};

void TestCliErrors::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = TestSupport::handWrittenStore(m_dir.path());
}

void TestCliErrors::badUsageExitsTwo_data()
{
    QTest::addColumn<QStringList>("arguments"); // "STORE" is replaced by a valid store
    QTest::addColumn<QString>("message"); // the first line of stderr, after "eventscope-cli: "
    QTest::addColumn<QString>("hint"); // the second line

    const QString generalHint = u"Try 'eventscope-cli --help'."_s;
    const auto hint = [](const QString& command) { return u"Try 'eventscope-cli help %1'."_s.arg(command); };
    QTest::newRow("unknown command") << QStringList { u"frobnicate"_s, u"STORE"_s } << u"unknown command 'frobnicate'"_s
                                     << generalHint;
    QTest::newRow("help for unknown command") << QStringList { u"help"_s, u"frobnicate"_s }
                                              << u"no help for 'frobnicate': there is no such command"_s << generalHint;
    QTest::newRow("unknown option") << QStringList { u"info"_s, u"STORE"_s, u"--bogus"_s }
                                    << u"unknown option '--bogus'"_s << hint(u"info"_s);
    QTest::newRow("unknown short option")
        << QStringList { u"streams"_s, u"STORE"_s, u"-x"_s } << u"unknown option '-x'"_s << hint(u"streams"_s);
    QTest::newRow("missing store") << QStringList { u"info"_s } << u"missing STORE"_s << hint(u"info"_s);
    QTest::newRow("extra argument") << QStringList { u"info"_s, u"STORE"_s, u"more"_s }
                                    << u"unexpected argument 'more'"_s << hint(u"info"_s);
    QTest::newRow("missing option value") << QStringList { u"events"_s, u"STORE"_s, u"--limit"_s }
                                          << u"option '--limit' needs a value (N)"_s << hint(u"events"_s);
    QTest::newRow("flag with value") << QStringList { u"events"_s, u"STORE"_s, u"--backward=yes"_s }
                                     << u"option '--backward' takes no value"_s << hint(u"events"_s);
    QTest::newRow("empty option value") << QStringList { u"events"_s, u"STORE"_s, u"--stream="_s }
                                        << u"option '--stream' needs a non-empty value"_s << hint(u"events"_s);
    QTest::newRow("stream and category") << QStringList { u"events"_s, u"STORE"_s, u"--stream"_s, u"orders-1"_s,
        u"--category"_s,
        u"orders"_s } << u"--stream and --category cannot be combined (a stream belongs to one category)"_s
                                         << hint(u"events"_s);
    QTest::newRow("limit not a number") << QStringList { u"events"_s, u"STORE"_s, u"--limit"_s, u"ten"_s }
                                        << u"--limit needs a whole number >= 0, not 'ten'"_s << hint(u"events"_s);
    QTest::newRow("negative limit") << QStringList { u"streams"_s, u"STORE"_s, u"--limit=-1"_s }
                                    << u"--limit needs a whole number >= 0, not '-1'"_s << hint(u"streams"_s);
    QTest::newRow("bad position") << QStringList { u"events"_s, u"STORE"_s, u"--from-position"_s, u"4x"_s }
                                  << u"--from-position needs a whole number >= 0, not '4x'"_s << hint(u"events"_s);
    QTest::newRow("bad since")
        << QStringList { u"events"_s, u"STORE"_s, u"--since"_s, u"yesterday"_s }
        << u"--since needs a time like 2024-03-14T12:28:25.038Z, 2024-03-14 or milliseconds since 1970, not 'yesterday'"_s
        << hint(u"events"_s);
    QTest::newRow("bad until")
        << QStringList { u"events"_s, u"STORE"_s, u"--until"_s, u"2024-02-30"_s }
        << u"--until needs a time like 2024-03-14T12:28:25.038Z, 2024-03-14 or milliseconds since 1970, not '2024-02-30'"_s
        << hint(u"events"_s);
    QTest::newRow("invalid regex")
        << QStringList { u"streams"_s, u"STORE"_s, u"--filter"_s, u"orders-("_s }
        << u"invalid regular expression 'orders-(' for --filter: missing closing parenthesis at offset 8"_s
        << hint(u"streams"_s);
    QTest::newRow("demo without create") << QStringList { u"demo"_s, u"make"_s, u"x.sqlite"_s }
                                         << u"unknown demo command 'make' (there is: demo create PATH)"_s
                                         << hint(u"demo"_s);
    QTest::newRow("demo zero events") << QStringList { u"demo"_s, u"create"_s, u"x.sqlite"_s, u"--events"_s, u"0"_s }
                                      << u"--events needs a whole number >= 1, not '0'"_s << hint(u"demo"_s);
    QTest::newRow("demo bad seed") << QStringList { u"demo"_s, u"create"_s, u"x.sqlite"_s, u"--seed"_s, u"-3"_s }
                                   << u"--seed needs a whole number >= 0, not '-3'"_s << hint(u"demo"_s);
}

void TestCliErrors::badUsageExitsTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QFETCH(QString, hint);
    arguments.replaceInStrings(u"STORE"_s, m_store);
    const CliRun run = runCli(arguments);
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.out, QByteArray());
    QCOMPARE(QString::fromUtf8(run.err), u"eventscope-cli: "_s + message + u'\n' + hint + u'\n');
}

void TestCliErrors::badStoreFileExitsThreeNamingFileAndReason_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("reason"); // what stderr says after "eventscope-cli: PATH: "

    const struct
    {
        const char* name;
        TestSupport::BadFile kind;
        QString reason;
    } files[] = {
        { "missing", TestSupport::BadFile::Missing, u"no such file"_s },
        { "directory", TestSupport::BadFile::Directory, u"is a directory, not a store file"_s },
        { "empty", TestSupport::BadFile::Empty, u"is empty (0 bytes), not a SQLite database"_s },
        { "not sqlite", TestSupport::BadFile::NotSqlite,
            u"is not a SQLite database (the file does not start with the SQLite header)"_s },
        { "truncated", TestSupport::BadFile::Truncated, u"is truncated or corrupt: "_s },
        { "corrupt pages", TestSupport::BadFile::CorruptPages, u"is corrupt ("_s },
        { "foreign sqlite", TestSupport::BadFile::ForeignSqlite,
            u"is a SQLite database but not an event store EventScope knows (its tables are: orders, products)"_s },
    };
    for (const auto& file : files) {
        for (const QString& command : { u"info"_s, u"streams"_s, u"events"_s }) {
            QTest::addRow("%s, %s", file.name, qPrintable(command)) << int(file.kind) << command << file.reason;
        }
    }
}

void TestCliErrors::badStoreFileExitsThreeNamingFileAndReason()
{
    QFETCH(int, kind);
    QFETCH(QString, command);
    QFETCH(QString, reason);
    // A directory per row: badFile() writes fixed file names and fails when one exists already.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = TestSupport::badFile(dir.path(), TestSupport::BadFile(kind));
    const CliRun run = runCli({ command, path, u"--json"_s });
    QVERIFY2(run.finished, "crashed or hung");
    QCOMPARE(run.exitCode, 3);
    QCOMPARE(run.out, QByteArray());
    const QString error = QString::fromUtf8(run.err);
    const QString expectedStart = u"eventscope-cli: "_s + path + u": "_s + reason;
    QVERIFY2(error.startsWith(expectedStart),
        qPrintable(u"stderr: "_s + error + u"\nexpected to start with: "_s + expectedStart));
    QVERIFY(error.endsWith(u'\n'));
    // With --json, the line and then the error as JSON, last (issue 24): a file has no SQLSTATE.
    QCOMPARE(error.count(u'\n'), 2);
    const QJsonObject json
        = QJsonDocument::fromJson(run.err.trimmed().split('\n').last()).object().value(u"error"_s).toObject();
    QVERIFY2(!json.value(u"kind"_s).toString().isEmpty(), run.err.constData());
    QVERIFY(json.value(u"sqlstate"_s).isNull());
    QVERIFY2(json.value(u"message"_s).toString().startsWith(path + u": "_s + reason), run.err.constData());
}

void TestCliErrors::versionAndHelpExitZero()
{
    const CliRun version = runCli({ u"--version"_s });
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out, QByteArray("eventscope-cli " EVENTSCOPE_VERSION "\n"));

    const CliRun help = runCli({ u"--help"_s });
    QCOMPARE(help.exitCode, 0);
    QCOMPARE(help.err, QByteArray());
    for (const char* command :
        { "\n  info STORE ", "\n  streams STORE ", "\n  events STORE ", "\n  demo create PATH ", "\n  help COMMAND " })
        QVERIFY2(help.out.contains(command), command);

    const CliRun events = runCli({ u"help"_s, u"events"_s });
    QCOMPARE(events.exitCode, 0);
    QVERIFY(events.out.startsWith("Usage: eventscope-cli events STORE [options]\n"));
    for (const char* option : { "--stream S ", "--category C ", "--type T ", "--from-position P ", "--since TIME ",
             "--until TIME ", "--limit N ", "--backward ", "--json ", "--help " })
        QVERIFY2(events.out.contains(option), option);
    QCOMPARE(runCli({ u"events"_s, u"--help"_s }).out, events.out);
}

void TestCliErrors::noArgumentsPrintsHelpOnStderr()
{
    const CliRun run = runCli({});
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.out, QByteArray());
    QVERIFY(run.err.startsWith("Usage: eventscope-cli COMMAND"));
}

QTEST_GUILESS_MAIN(TestCliErrors)
#include "tst_clierrors.moc"
