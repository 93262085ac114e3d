// SavedConnections over a real QSettings file: saved entries by name, the recent list capped at ten, and no
// password in the file's bytes.

#include <core/workspace/savedconnections.h>

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

class TestSavedConnections : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static StoreLocation postgres(const QString& text)
    {
        auto location = StoreLocation::parse(text);
        if (!location || location->kind() != StoreLocation::Kind::Postgres)
            qFatal("not a PostgreSQL location: %s", qPrintable(text));
        return *location;
    }

private slots:
    void savedByNameSortedAndReplaced()
    {
        QSettings settings(m_dir.filePath(u"saved.ini"_s), QSettings::IniFormat);
        SavedConnections connections(&settings);
        QCOMPARE(connections.saved().size(), 0);
        const SavedConnection orders { u"orders"_s, postgres(u"postgresql://alice@db1/orders"_s) };
        const SavedConnection billing { u"Billing"_s, postgres(u"host=db2 dbname=billing sslmode=require"_s) };
        const SavedConnection local { u"local file"_s, StoreLocation::sqliteFile(u"/tmp/a=b.sqlite"_s) };
        connections.save(orders);
        connections.save(billing);
        connections.save(local);
        QCOMPARE(connections.saved(), (QList<SavedConnection> { billing, local, orders }));

        // Same name: replaced, not added.
        const SavedConnection moved { u"orders"_s, postgres(u"postgresql://alice@db3:5433/orders"_s) };
        connections.save(moved);
        QCOMPARE(connections.saved(), (QList<SavedConnection> { billing, local, moved }));

        // Read back from the file by a new instance: what was saved, the file path still a file path.
        settings.sync();
        QSettings reread(m_dir.filePath(u"saved.ini"_s), QSettings::IniFormat);
        QCOMPARE(SavedConnections(&reread).saved(), (QList<SavedConnection> { billing, local, moved }));

        connections.remove(u"Billing"_s);
        QCOMPARE(connections.saved(), (QList<SavedConnection> { local, moved }));
    }

    void recentKeepsTenNewestFirst()
    {
        QSettings settings(m_dir.filePath(u"recent.ini"_s), QSettings::IniFormat);
        SavedConnections connections(&settings);
        QList<StoreLocation> added;
        for (int i = 1; i <= 12; ++i) {
            added.prepend(postgres(u"postgresql://db%1/events"_s.arg(i)));
            connections.addRecent(added.constFirst());
        }
        QCOMPARE(SavedConnections::kMaxRecent, 10);
        QCOMPARE(connections.recent(), added.first(10));
        QCOMPARE(connections.recent().constFirst().parameter(u"host"_s), u"db12"_s);
        QCOMPARE(connections.recent().constLast().parameter(u"host"_s), u"db3"_s);

        // Opening one again moves it to the front, once.
        const StoreLocation again = postgres(u"postgresql://db5/events"_s);
        connections.addRecent(again);
        QList<StoreLocation> expected = added.first(10);
        expected.removeAll(again);
        expected.prepend(again);
        QCOMPARE(connections.recent(), expected);
        QCOMPARE(connections.recent().size(), 10);

        connections.clearRecent();
        QCOMPARE(connections.recent().size(), 0);
    }

    void fileHoldsNoPassword()
    {
        const QString path = m_dir.filePath(u"nopassword.ini"_s);
        {
            QSettings settings(path, QSettings::IniFormat);
            SavedConnections connections(&settings);
            QString password;
            const auto location
                = StoreLocation::parse(u"postgresql://alice:Sekr1t-pw@db.example.com/orders"_s, &password);
            QVERIFY(location.ok());
            QCOMPARE(password, u"Sekr1t-pw"_s);
            connections.save({ u"orders"_s, *location });
            connections.addRecent(*location);
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(bytes.contains("db.example.com"), bytes.constData()); // the file is the one written
        QVERIFY2(!bytes.contains("Sekr1t-pw"), bytes.constData());
        QVERIFY(!bytes.contains(QByteArrayView(reinterpret_cast<const char*>(u"Sekr1t-pw"), 18))); // nor as UTF-16
        QVERIFY2(!bytes.contains("password"), bytes.constData());
    }
};

QTEST_GUILESS_MAIN(TestSavedConnections)
#include "tst_savedconnections.moc"
