// Protects `eventscope-cli project FILE --compare OTHER`: golden fixture directories in
// tests/data/projection-compare/<case>/ (before.js, after.js, optional args one per line, expected.jsonl with
// "seconds" written as 0, and the expected exit code), run on a 3,000-event demo store, plus the readable form and
// bad options.

#include "clirunner.h"

#include <testsupport.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;
using namespace EventScope::CliTest;

namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestCliCompare : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;
    const QString m_fixtures = QStringLiteral(EVENTSCOPE_COMPARE_FIXTURES);

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 3000);
    }

    void fixtures_data()
    {
        QTest::addColumn<QString>("directory");
        const QStringList cases = QDir(m_fixtures).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY(cases.size() >= 8);
        for (const QString& name : cases)
            QTest::newRow(qPrintable(name)) << m_fixtures + u'/' + name;
    }

    void fixtures()
    {
        QFETCH(QString, directory);
        QStringList arguments { u"project"_s, m_store, directory + u"/before.js"_s, u"--compare"_s,
            directory + u"/after.js"_s, u"--json"_s };
        for (const QByteArray& line : readFile(directory + u"/args"_s).split('\n'))
            if (!line.isEmpty())
                arguments.append(QString::fromUtf8(line));
        const CliRun run = runCli(arguments);
        QVERIFY(run.finished);
        QString out = QString::fromUtf8(run.out);
        out.replace(QRegularExpression(u"\"seconds\":[0-9.]+"_s), u"\"seconds\":0"_s);
        QCOMPARE(out, QString::fromUtf8(readFile(directory + u"/expected.jsonl"_s)));
        QCOMPARE(run.exitCode, readFile(directory + u"/exit"_s).trimmed().toInt());
        if (run.exitCode == 4)
            QVERIFY2(run.err.contains("after.js:"), run.err.constData()); // which file, and the line
        else
            QCOMPARE(run.err, QByteArray());
    }

    void readableFormNamesEachPartitionAndPath()
    {
        const QString fixture = m_fixtures + u"/deposits-split-large"_s;
        const CliRun run
            = runCli({ u"project"_s, m_store, fixture + u"/before.js"_s, u"--compare"_s, fixture + u"/after.js"_s });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(
            run.out.contains("changed  account-1\n  deposits: 45 -> 38\n  large: (none) -> 7\n"), run.out.constData());
        QVERIFY(run.out.contains("12 partitions: 0 same, 12 changed, 0 added, 0 removed (1194 events)\n"));
    }

    void comparingAFileWithItselfIsIdentical()
    {
        const QString file = QStringLiteral(EVENTSCOPE_PROJECTIONS_DIR) + u"/account.projection.js"_s;
        const CliRun run = runCli({ u"project"_s, m_store, file, u"--compare"_s, file, u"--json"_s });
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith("{\"summary\":{\"partitions\":12,\"same\":12,"), run.out.constData());
    }

    void badOptionsAreUsageErrors()
    {
        const QString fixture = m_fixtures + u"/deposits-split-large"_s;
        CliRun run = runCli(
            { u"project"_s, m_store, fixture + u"/before.js"_s, u"--compare"_s, m_dir.filePath(u"missing.js"_s) });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("missing.js"));
        run = runCli({ u"project"_s, m_store, fixture + u"/before.js"_s, u"--compare"_s, fixture + u"/after.js"_s,
            u"--ignore"_s, u"$.["_s });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--ignore"));
        // A reducer needs to be told which events it folds.
        run = runCli({ u"project"_s, m_store, fixture + u"/before.js"_s, u"--compare"_s,
            m_fixtures + u"/same-fold-written-differently/after.js"_s });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("--stream S or --category C"));
        run = runCli({ u"project"_s, m_dir.filePath(u"nope.sqlite"_s), fixture + u"/before.js"_s, u"--compare"_s,
            fixture + u"/after.js"_s });
        QCOMPARE(run.exitCode, 3);
    }
};

QTEST_GUILESS_MAIN(TestCliCompare)
#include "tst_clicompare.moc"
