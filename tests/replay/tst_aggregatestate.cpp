// An aggregate's current state on a real demo store: from its latest snapshot plus the newer events it equals the
// fold from zero (unless that snapshot is one the generator wrote wrong, which it then carries), and a stream with
// no snapshot is folded from zero.
#include <core/dialects/storeopener.h>
#include <core/diff/jsondiff.h>
#include <core/replay/aggregatestate.h>

#include <testsupport.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

class TestAggregateState : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<EventStore> m_store;
    QString m_script;
    QSet<QString> m_planted; // "stream@version" of the snapshots the generator wrote wrong

    static bool sameJson(const std::optional<QByteArray>& a, const std::optional<QByteArray>& b)
    {
        const auto equal = JsonDiff().equalJson(a.value_or("null"), b.value_or("null"));
        return equal && *equal;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = TestSupport::demoStore(m_dir.path(), 20000);
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(
            db, "SELECT value FROM eventscope_meta WHERE key = 'demo_drifted_snapshots'", -1, &statement, nullptr);
        QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
        for (const QJsonValue& entry :
            QJsonDocument::fromJson(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))).array())
            m_planted.insert(u"%1@%2"_s.arg(entry[u"stream"_s].toString()).arg(entry[u"version"_s].toInteger()));
        sqlite3_finalize(statement);
        sqlite3_close(db);
        auto opened = openStore(path);
        QVERIFY(opened);
        m_store = std::move(opened).value();
        QFile file(u":/eventscope/demo-projections/account.snapshot.js"_s);
        QVERIFY(file.open(QIODevice::ReadOnly));
        m_script = QString::fromUtf8(file.readAll());
    }

    void fromTheLatestSnapshotEqualsFromZero()
    {
        StreamQuery query { {}, u"account"_s, {}, 60 };
        const auto streams = m_store->streams(query);
        QVERIFY(streams && streams->size() > 20);
        int compared = 0;
        for (const StreamInfo& info : *streams) {
            const auto snapshots = m_store->snapshots(info.stream);
            QVERIFY(snapshots);
            const auto fast = AggregateState::load(*m_store, info.stream, m_script, u"account.snapshot.js"_s);
            const auto slow = AggregateState::load(*m_store, info.stream, m_script, u"account.snapshot.js"_s, false);
            QVERIFY(fast && slow);
            QVERIFY(!fast->fault && !slow->fault);
            QVERIFY(!slow->snapshotVersion);
            QCOMPARE(slow->eventsFolded, info.events.value);
            QCOMPARE(fast->version, slow->version);
            if (snapshots->isEmpty()) {
                QVERIFY(!fast->snapshotVersion);
                QCOMPARE(fast->eventsFolded, slow->eventsFolded);
                continue;
            }
            qint64 latest = 0;
            for (const Snapshot& snapshot : *snapshots)
                latest = std::max(latest, snapshot.version);
            QCOMPARE(fast->snapshotVersion, std::optional<qint64>(latest));
            QCOMPARE(fast->eventsFolded, *slow->version - latest); // demo versions are 1, 2, 3, ...
            // The demo drifts one snapshot in 500: a drifted latest one carries its drift, the others agree.
            const bool drifted = m_planted.contains(u"%1@%2"_s.arg(info.stream).arg(latest));
            QCOMPARE(sameJson(fast->state, slow->state), !drifted);
            ++compared;
        }
        QVERIFY(compared > 20);
    }
};

QTEST_GUILESS_MAIN(TestAggregateState)
#include "tst_aggregatestate.moc"
