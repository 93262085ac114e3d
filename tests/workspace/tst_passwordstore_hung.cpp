// PasswordStore against a keyring that never answers: a private D-Bus session bus on which a stand-in for KDE's
// wallet daemon takes every call and never replies (what a wallet waiting for its unlock dialog looks like). Each
// call must end with "unavailable" after PasswordStore's timeout, not after D-Bus's 25 s or QtKeychain's 24 days.
// A separate executable from tst_passwordstore: QtKeychain picks its backend once per process.

#include <core/workspace/passwordstore.h>

#include <QDBusConnection>
#include <QDBusContext>
#include <QDBusMessage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// Takes org.kde.KWallet calls and never replies.
class HungWallet : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.KWallet")
public:
    int calls = 0;

public slots:
    QString networkWallet()
    {
        ++calls;
        setDelayedReply(true);
        return {};
    }
};

class TestPasswordStoreHung : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    HungWallet m_wallet;
    const StoreLocation m_location = *StoreLocation::parse(u"postgresql://alice@db.example.com/orders"_s);

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bus.start(u"dbus-daemon"_s,
            { u"--session"_s, u"--nofork"_s, u"--print-address=1"_s,
                u"--address=unix:path="_s + m_dir.filePath(u"bus"_s) });
        QVERIFY2(m_bus.waitForStarted(), "dbus-daemon (package dbus) is needed for this test");
        QTRY_VERIFY(m_bus.canReadLine());
        const QByteArray address = m_bus.readLine().trimmed();
        QVERIFY(address.startsWith("unix:"));
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);
        // A Plasma 5 session: QtKeychain then talks to kwalletd5 and waits for it.
        qputenv("XDG_CURRENT_DESKTOP", "KDE");
        qputenv("KDE_SESSION_VERSION", "5");

        QDBusConnection wallet = QDBusConnection::connectToBus(QString::fromLatin1(address), u"hung-wallet"_s);
        QVERIFY(wallet.isConnected());
        QVERIFY(wallet.registerService(u"org.kde.kwalletd5"_s));
        QVERIFY(wallet.registerObject(u"/modules/kwalletd5"_s, &m_wallet, QDBusConnection::ExportAllSlots));
    }

    void cleanupTestCase()
    {
        QDBusConnection::disconnectFromBus(u"hung-wallet"_s);
        m_bus.kill();
        m_bus.waitForFinished();
    }

    void callsEndAfterTheTimeout_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::newRow("read") << u"read"_s;
        QTest::newRow("write") << u"write"_s;
        QTest::newRow("remove") << u"remove"_s;
    }

    void callsEndAfterTheTimeout()
    {
        QFETCH(QString, operation);
        PasswordStore store;
        store.setTimeout(std::chrono::milliseconds(300));
        QList<PasswordStore::Reply> replies;
        const auto collect = [&replies](const PasswordStore::Reply& reply) { replies.append(reply); };
        if (operation == u"read"_s)
            store.read(m_location, this, collect);
        else if (operation == u"write"_s)
            store.write(m_location, u"pw"_s, this, collect);
        else
            store.remove(m_location, this, collect);

        // Far below D-Bus's own 25 s timeout, so the answer can only come from PasswordStore's.
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 10000);
        QCOMPARE(replies.constFirst().status, PasswordStore::Reply::Status::Unavailable);
        QCOMPARE(replies.constFirst().message, PasswordStore::unavailableMessage());
        QCOMPARE(replies.constFirst().detail, u"the keyring did not answer within 300 ms"_s);
        // The calls did reach the hung wallet: this is the path under test, not a missing bus. QtKeychain runs its
        // jobs one at a time, so after the first hangs the later ones wait behind it and end by the timeout too.
        QTRY_VERIFY(m_wallet.calls > 0);
    }
};

QTEST_GUILESS_MAIN(TestPasswordStoreHung)
#include "tst_passwordstore_hung.moc"
