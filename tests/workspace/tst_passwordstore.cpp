// PasswordStore on a machine without a keyring (no D-Bus session bus, as in CI): every call answers, at once and
// exactly once, with the session-only message; the password stays in memory and never reaches a file or the log.

#include <core/workspace/passwordstore.h>

#include <QCoreApplication>
#include <QDirIterator>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

QStringList g_log;

void captureMessage(QtMsgType, const QMessageLogContext&, const QString& message)
{
    g_log.append(message);
}

// Every file under `directory` whose bytes hold `needle`.
QStringList filesContaining(const QString& directory, const QByteArray& needle)
{
    QStringList found;
    QDirIterator files(directory, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            found.append(file.fileName());
    }
    return found;
}

} // namespace

class TestPasswordStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    // A timeout far beyond the waits below: an answer must come from the missing keyring, not from the timer.
    static constexpr std::chrono::milliseconds kLongTimeout { 120000 };
    static constexpr int kWaitMs = 20000;
    const QByteArray m_secret = "pw-Zq7-never-on-disk";
    const StoreLocation m_location = *StoreLocation::parse(u"postgresql://alice@db.example.com:6543/orders"_s);

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // No session bus: what a CI runner or an SSH session has.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(m_home.filePath(u"no-bus"_s)));
        // A Plasma 5 session without its bus: the one path where QtKeychain would write the password in clear into
        // QSettings if its insecure fallback were on, so the checks below for the password on disk can fail.
        qputenv("XDG_CURRENT_DESKTOP", "KDE");
        qputenv("KDE_SESSION_VERSION", "5");
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(u"config"_s)));
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath(u"data"_s)));
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_home.filePath(u"cache"_s)));
        QCoreApplication::setOrganizationName(u"EventScopeTest"_s);
        QCoreApplication::setApplicationName(u"tst_passwordstore"_s);
    }

    void keyHoldsNoPassword()
    {
        QString password;
        const auto location = StoreLocation::parse(u"postgresql://alice:hunter2@db/orders"_s, &password);
        QVERIFY(location.ok());
        QCOMPARE(password, u"hunter2"_s);
        QCOMPARE(PasswordStore::keyFor(*location), u"user='alice' dbname='orders' host='db'"_s);
    }

    void eachCallAnswersOnceWithSessionOnlyMessage_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::newRow("read") << u"read"_s;
        QTest::newRow("write") << u"write"_s;
        QTest::newRow("remove") << u"remove"_s;
    }

    void eachCallAnswersOnceWithSessionOnlyMessage()
    {
        QFETCH(QString, operation);
        PasswordStore store;
        store.setTimeout(kLongTimeout);
        QList<PasswordStore::Reply> replies;
        const auto collect = [&replies](const PasswordStore::Reply& reply) { replies.append(reply); };
        if (operation == u"read"_s)
            store.read(m_location, this, collect);
        else if (operation == u"write"_s)
            store.write(m_location, QString::fromLatin1(m_secret), this, collect);
        else
            store.remove(m_location, this, collect);

        QVERIFY(replies.isEmpty()); // asynchronous, always
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, kWaitMs);
        QCOMPARE(replies.constFirst().status, PasswordStore::Reply::Status::Unavailable);
        QCOMPARE(replies.constFirst().message, u"no keyring available: the password is kept for this session only"_s);
        QCOMPARE(replies.constFirst().password, QString());
        QVERIFY(!replies.constFirst().detail.contains(QString::fromLatin1(m_secret)));
        // And never a second answer.
        QTest::qWait(50);
        QCOMPARE(replies.size(), 1);
    }

    void failedWriteKeepsPasswordForSession()
    {
        PasswordStore store;
        store.setTimeout(kLongTimeout);
        int answers = 0;
        store.write(
            m_location, QString::fromLatin1(m_secret), this, [&answers](const PasswordStore::Reply&) { ++answers; });
        QTRY_COMPARE_WITH_TIMEOUT(answers, 1, kWaitMs);
        QCOMPARE(store.sessionPassword(m_location), QString::fromLatin1(m_secret));

        PasswordStore::Reply read;
        store.read(m_location, this, [&read, &answers](const PasswordStore::Reply& reply) {
            read = reply;
            ++answers;
        });
        QTRY_COMPARE_WITH_TIMEOUT(answers, 2, kWaitMs);
        QCOMPARE(read.status, PasswordStore::Reply::Status::Ok);
        QCOMPARE(read.password, QString::fromLatin1(m_secret));
        QVERIFY(read.fromSession);

        store.forgetForSession(m_location);
        QCOMPARE(store.sessionPassword(m_location), QString());
    }

    void goneContextGetsNoAnswer()
    {
        PasswordStore store;
        store.setTimeout(kLongTimeout);
        int answers = 0;
        auto* context = new QObject;
        store.read(m_location, context, [&answers](const PasswordStore::Reply&) { ++answers; });
        delete context;
        // A second call with a living context shows when the first would have answered.
        int witness = 0;
        store.read(m_location, this, [&witness](const PasswordStore::Reply&) { ++witness; });
        QTRY_COMPARE_WITH_TIMEOUT(witness, 1, kWaitMs);
        QCOMPARE(answers, 0);
    }

    void passwordNeverWrittenToAFileOrTheLog()
    {
        g_log.clear();
        const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
        {
            PasswordStore store;
            store.setTimeout(kLongTimeout);
            int answers = 0;
            const auto count = [&answers](const PasswordStore::Reply&) { ++answers; };
            store.write(m_location, QString::fromLatin1(m_secret), this, count);
            store.read(m_location, this, count);
            store.remove(m_location, this, count);
            QTRY_COMPARE_WITH_TIMEOUT(answers, 3, kWaitMs);
            QSettings().setValue(u"witness"_s, u"written"_s);
            QSettings().sync();
        }
        qInstallMessageHandler(previous);
        // The settings file exists, so the search below looks where a fallback would write.
        QVERIFY2(QFile::exists(QSettings().fileName()), qPrintable(QSettings().fileName()));
        QVERIFY(QSettings().fileName().startsWith(m_home.path()));
        QCOMPARE(filesContaining(m_home.path(), m_secret), QStringList());
        for (const QString& line : std::as_const(g_log))
            QVERIFY2(!line.contains(QString::fromLatin1(m_secret)), qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(TestPasswordStore)
#include "tst_passwordstore.moc"
