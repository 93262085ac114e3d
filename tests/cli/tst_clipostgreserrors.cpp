// eventscope-cli against PostgreSQL servers that refuse it: each refusal keeps its kind and its SQLSTATE whatever the
// language of the client (LANGUAGE) or of the server (its environment when it started), because the kinds come from
// the SQLSTATE and libpq's status, never from the words. The error line shows the SQLSTATE; with --json the error
// is also one last JSON line on stderr; the exit code is 3 for every store fault.
#include "clirunner.h"

#include <postgresserver.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

using namespace Qt::StringLiterals;
using namespace EventScope;
using CliTest::runCli;
using TestSupport::PostgresServer;

class TestCliPostgresErrors : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server; // speaks German

private slots:
    void initTestCase()
    {
        if (PostgresServer::disabledByEnvironment())
            QSKIP("EVENTSCOPE_NO_POSTGRES=1");
        // The server takes its language from its environment as it starts (its lc_messages is C.UTF-8).
        qputenv("LANGUAGE", "de");
        const QString started = m_server.start();
        qunsetenv("LANGUAGE");
        QCOMPARE(started, QString());
        QCOMPARE(m_server.createPasswordRole(u"bob"_s, u"right"_s), QString());
    }

    void refusalsKeepTheirKindInEveryLanguage_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("store");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("sqlstate"); // empty: none (the server never answered)
        QTest::addColumn<QString>("words"); // in the message, proving which language it came in
        const QString refused = u"postgresql://postgres@127.0.0.1:%1/postgres"_s.arg(PostgresServer::unusedPort());
        const QString host = u"postgresql://%1@127.0.0.1:%2/%3"_s;
        for (const QString& language : { u"en"_s, u"de"_s }) {
            const bool german = language == u"de"_s;
            const auto row = [&](const char* name) {
                return &QTest::newRow(qPrintable(u"%1, %2"_s.arg(language, QLatin1StringView(name))));
            };
            *row("refused") << language << refused << u"connection"_s << QString()
                            << (german ? u"fehlgeschlagen"_s : u"refused"_s);
            *row("no database") << language << host.arg(u"postgres"_s).arg(m_server.port()).arg(u"nosuchdb"_s)
                                << u"not_found"_s << u"3D000"_s << u"nosuchdb"_s;
            // The server's words come in the server's language, whatever the client's.
            *row("wrong password") << language << u"postgresql://bob:wrong@127.0.0.1:%1/postgres"_s.arg(m_server.port())
                                   << u"authentication"_s << u"28P01"_s << u"Passwort"_s;
            *row("no such user") << language << host.arg(u"nobody"_s).arg(m_server.port()).arg(u"postgres"_s)
                                 << u"authentication"_s << u"28000"_s << u"nobody"_s;
        }
    }
    void refusalsKeepTheirKindInEveryLanguage()
    {
        QFETCH(QString, language);
        QFETCH(QString, store);
        QFETCH(QString, kind);
        QFETCH(QString, sqlstate);
        QFETCH(QString, words);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"LANGUAGE"_s, language);
        environment.insert(u"LC_ALL"_s, u"C.UTF-8"_s); // gettext ignores LANGUAGE under the C locale
        environment.insert(u"PGPASSFILE"_s, u"/nonexistent"_s);

        const auto run = runCli({ u"info"_s, store, u"--json"_s }, 30000, environment);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 3);
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        const QString errorLine = QString::fromUtf8(lines.first());
        QVERIFY2(errorLine.startsWith(u"eventscope-cli: "_s), qPrintable(errorLine));
        QVERIFY2(errorLine.contains(words), qPrintable(errorLine));
        if (!sqlstate.isEmpty())
            QVERIFY2(errorLine.contains(u"(SQLSTATE %1)"_s.arg(sqlstate)), qPrintable(errorLine));
        const QJsonObject error = QJsonDocument::fromJson(lines.last()).object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"kind"_s).toString(), kind);
        QCOMPARE(error.value(u"sqlstate"_s).toString(), sqlstate);
        QVERIFY(sqlstate.isEmpty() ? error.value(u"sqlstate"_s).isNull() : error.value(u"sqlstate"_s).isString());
        QVERIFY2(error.value(u"message"_s).toString().contains(words), lines.last().constData());
        QVERIFY(run.out.isEmpty());
    }

    // Without --json the error is the one line, no JSON after it.
    void withoutJsonOnlyTheLine()
    {
        const auto run = runCli({ u"info"_s, m_server.uri(u"nosuchdb"_s) });
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(run.err.trimmed().split('\n').size(), 1);
        QVERIFY2(run.err.contains("(SQLSTATE 3D000)"), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliPostgresErrors)
#include "tst_clipostgreserrors.moc"
