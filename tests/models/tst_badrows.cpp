// Rows that break the rules (issue 14, "Bad rows"): a home-grown SQLite table read through a mapping holds
// invalid JSON, invalid UTF-8, a NULL payload, an empty and two absurd stream names, a version gap and a
// duplicate, a time that goes backwards and a 50 MB payload. Every row is shown as stored, none is dropped,
// and each carries exactly its markers, in the event table and in `eventscope-cli events --json`.
#include "../cli/clirunner.h"

#include <core/jobs/openstore.h>
#include <core/models/eventtablemodel.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

StoreMapping ledgerMapping()
{
    StoreMapping mapping;
    mapping.events.table = TableName { {}, u"ledger"_s };
    mapping.events.position = u"seq"_s;
    mapping.events.stream = u"stream"_s;
    mapping.events.version = u"ver"_s;
    mapping.events.type = u"type"_s;
    mapping.events.time = TimeField { u"at"_s, TimeUnit::EpochMilliseconds };
    mapping.events.data = PayloadField { u"body"_s, PayloadEncoding::Json };
    return mapping;
}

const QString kLongName = QString(2000, u'n');

} // namespace

class TestBadRows : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;

    // The markers of every row of `filter`, in order, as the table model gives them once loaded.
    QList<EventAnomalies> markersOf(const EventFilter& filter, QStringList* streams = nullptr)
    {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        OpenOptions options;
        options.mapping = ledgerMapping();
        model.setStore(std::make_shared<OpenStore>(StoreLocation::sqliteFile(m_path), options));
        model.setFilter(filter);
        QList<EventAnomalies> markers;
        if (!QTest::qWaitFor([&] { return !model.isCounting() && model.rowCount() > 0; }, 20000))
            return markers;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row, EventTableModel::PositionColumn);
            model.data(index, EventTableModel::LoadingRole);
            if (!QTest::qWaitFor([&] { return !model.data(index, EventTableModel::LoadingRole).toBool(); }, 20000))
                return {};
            markers.append(EventAnomalies::fromInt(model.data(index, EventTableModel::AnomaliesRole).toInt()));
            if (streams)
                streams->append(model.data(index, EventTableModel::StreamRole).toString());
        }
        return markers;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(u"ledger.db"_s);
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(m_path.toUtf8().constData(), &db), SQLITE_OK);
        const QByteArray sql = "CREATE TABLE ledger (seq INTEGER PRIMARY KEY, stream TEXT, ver INT, type TEXT,"
                               " at INT, body BLOB);"
                               "INSERT INTO ledger VALUES (1, 'a-1', 1, 'Opened', 1000, '{\"ok\": 1}');"
                               "INSERT INTO ledger VALUES (2, 'a-1', 2, 'Broken', 2000, '{\"broken\":');"
                               "INSERT INTO ledger VALUES (3, 'a-1', 4, 'Skipped', 1500, '{}');"
                               "INSERT INTO ledger VALUES (4, 'a-1', 4, 'Again', 3000, NULL);"
                               "INSERT INTO ledger VALUES (5, '', 1, 'Nameless', 4000, '{}');"
                               "INSERT INTO ledger VALUES (6, 'x' || char(10) || 'y', 1, 'Latin1', 5000,"
                               " X'7B2263223A2243A9227D');"
                               "INSERT INTO ledger VALUES (7, '"
            + kLongName.toLatin1()
            + "', 1, 'Long', 6000, '{}');"
              "INSERT INTO ledger VALUES (8, 'b-1', 1, 'Huge', 7000,"
              " '{\"x\": \"' || replace(hex(zeroblob(26214400)), '0', 'a') || '\"}');"
              "INSERT INTO ledger VALUES (9, 'b-1', 2, 'Protobuf', 8000, X'0801FF12');";
        char* error = nullptr;
        QCOMPARE(sqlite3_exec(db, sql.constData(), nullptr, nullptr, &error), SQLITE_OK);
        sqlite3_close(db);
    }

    void globalLogKeepsEveryRowWithItsMarkers()
    {
        QStringList streams;
        const QList<EventAnomalies> markers = markersOf({}, &streams);
        using A = EventAnomaly;
        const QList<EventAnomalies> expected {
            {}, A::InvalidJson,
            A::TimeBackwards, // 1500 after 2000; versions are not compared in the global log
            A::NullData, A::EmptyStream,
            EventAnomalies(A::OddStream) | A::InvalidUtf8 | A::InvalidJson, // JSON must be UTF-8
            A::OddStream, A::HugePayload, {}, // a binary serializer's bytes are not broken text
        };
        QCOMPARE(markers, expected);
        QCOMPARE(streams.at(4), QString());
        QCOMPARE(streams.at(5), u"x\ny"_s);
        QCOMPARE(streams.at(6), kLongName);
    }

    void streamOrderComparesVersions()
    {
        EventFilter filter;
        filter.stream = u"a-1"_s;
        const QList<EventAnomalies> markers = markersOf(filter);
        using A = EventAnomaly;
        // Rows 3 and 4 share version 4: both are shown, in the store's order for equal versions.
        QCOMPARE(markers.size(), 4);
        QCOMPARE(markers.at(0), EventAnomalies());
        QCOMPARE(markers.at(1), EventAnomalies(A::InvalidJson));
        QCOMPARE(markers.at(2), EventAnomalies(A::VersionGap));
        QCOMPARE(markers.at(3) & ~EventAnomalies(A::NullData), EventAnomalies(A::VersionDuplicate));
    }

    void cliPrintsTheMarkers()
    {
        const QString mappingPath = m_dir.filePath(u"ledger.json"_s);
        QFile file(mappingPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"events": {"table": "ledger", "position": "seq", "stream": "stream", "version": "ver",
            "type": "type", "time": {"column": "at", "unit": "epoch-ms"}, "data": "body"}})");
        file.close();
        const auto run = CliTest::runCli({ u"events"_s, m_path, u"--mapping"_s, mappingPath, u"--json"_s }, 60000);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);
        QStringList markers;
        qsizetype longest = 0;
        for (const QByteArray& line : run.out.split('\n')) {
            if (line.isEmpty())
                continue;
            longest = qMax(longest, line.size());
            const QJsonArray names = QJsonDocument::fromJson(line).object().value(u"anomalies"_s).toArray();
            QStringList row;
            for (const QJsonValue& name : names)
                row.append(name.toString());
            markers.append(row.join(u'+'));
        }
        QCOMPARE(markers,
            QStringList({ u""_s, u"invalid-json"_s, u"time-backwards"_s, u"null-data"_s, u"empty-stream"_s,
                u"invalid-json+invalid-utf8+odd-stream"_s, u"odd-stream"_s, u"huge-payload"_s, u""_s }));
        QVERIFY(longest > 50 * 1000 * 1000); // the 50 MB payload is printed whole, not cut
    }
};

QTEST_MAIN(TestBadRows)
#include "tst_badrows.moc"
