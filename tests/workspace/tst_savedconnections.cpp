// SavedConnections over a real workspace file: saved entries by name, the recent list capped at ten, no password in
// the file's bytes, and the one-time takeover of what an earlier EventScope kept in QSettings.

#include <core/workspace/savedconnections.h>
#include <core/workspace/workspace.h>

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

    std::unique_ptr<Workspace> workspace(const QString& name)
    {
        auto opened = Workspace::open(m_dir.filePath(name));
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        return std::move(*opened);
    }

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
        auto file = workspace(u"saved.sqlite"_s);
        SavedConnections connections(file.get());
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
        auto reread = workspace(u"saved.sqlite"_s);
        QCOMPARE(SavedConnections(reread.get()).saved(), (QList<SavedConnection> { billing, local, moved }));

        connections.remove(u"Billing"_s);
        QCOMPARE(connections.saved(), (QList<SavedConnection> { local, moved }));
    }

    void recentKeepsTenNewestFirst()
    {
        auto file = workspace(u"recent.sqlite"_s);
        SavedConnections connections(file.get());
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
        const QString path = m_dir.filePath(u"nopassword.sqlite"_s);
        {
            auto file = workspace(u"nopassword.sqlite"_s);
            SavedConnections connections(file.get());
            QString password;
            const auto location
                = StoreLocation::parse(u"postgresql://alice:Sekr1t-pw@db.example.com/orders"_s, &password);
            QVERIFY(location.ok());
            QCOMPARE(password, u"Sekr1t-pw"_s);
            connections.save({ u"orders"_s, *location });
            connections.addRecent(*location);
        }
        // The database and its write-ahead log, whichever holds the rows.
        QByteArray bytes;
        for (const QString& name : QStringList { path, path + u"-wal"_s }) {
            QFile file(name);
            if (file.open(QIODevice::ReadOnly))
                bytes += file.readAll();
        }
        QVERIFY2(bytes.contains("db.example.com"), "the file is the one written");
        QVERIFY(!bytes.contains("Sekr1t-pw"));
        QVERIFY(!bytes.contains(QByteArrayView(reinterpret_cast<const char*>(u"Sekr1t-pw"), 18))); // nor as UTF-16
        QVERIFY(!bytes.contains("password"));
    }

    // What an earlier EventScope kept in QSettings is taken over once, and not again after the user changed it.
    void takesOverQSettingsOnce()
    {
        QSettings settings(m_dir.filePath(u"old.ini"_s), QSettings::IniFormat);
        settings.beginWriteArray(u"connections/saved"_s, 2);
        settings.setArrayIndex(0);
        settings.setValue(u"name"_s, u"orders"_s);
        settings.setValue(u"kind"_s, u"postgresql"_s);
        settings.setValue(u"location"_s, u"postgresql://alice@db1/orders"_s);
        settings.setValue(u"dialect"_s, u"marten"_s);
        settings.setArrayIndex(1);
        settings.setValue(u"name"_s, u"local"_s);
        settings.setValue(u"kind"_s, u"sqlite"_s);
        settings.setValue(u"location"_s, u"/tmp/a=b.sqlite"_s);
        settings.endArray();
        settings.beginWriteArray(u"connections/recent"_s, 1);
        settings.setArrayIndex(0);
        settings.setValue(u"kind"_s, u"sqlite"_s);
        settings.setValue(u"location"_s, u"/tmp/a=b.sqlite"_s);
        settings.endArray();
        settings.sync();

        auto file = workspace(u"import.sqlite"_s);
        QCOMPARE(SavedConnections::importSettings(settings, *file), 3);
        SavedConnections connections(file.get());
        QCOMPARE(connections.saved().size(), 2);
        QCOMPARE(connections.saved().at(0).name, u"local"_s);
        QCOMPARE(connections.saved().at(0).location, StoreLocation::sqliteFile(u"/tmp/a=b.sqlite"_s));
        QCOMPARE(connections.saved().at(1).dialect, u"marten"_s);
        QCOMPARE(connections.recent(), QList<StoreLocation> { StoreLocation::sqliteFile(u"/tmp/a=b.sqlite"_s) });

        connections.remove(u"orders"_s);
        QCOMPARE(SavedConnections::importSettings(settings, *file), 0);
        QCOMPARE(connections.saved().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSavedConnections)
#include "tst_savedconnections.moc"
