#include <core/model/timeformat.h>

#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// The one time format of the CLI and the GUI, and what a user may type into a time field.
class TestTimeFormat : public QObject
{
    Q_OBJECT

private slots:
    void formatsUtcWithMilliseconds_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("example") << qint64(1710419305038) << u"2024-03-14T12:28:25.038Z"_s;
        QTest::newRow("epoch") << qint64(0) << u"1970-01-01T00:00:00.000Z"_s;
        QTest::newRow("before epoch") << qint64(-1) << u"1969-12-31T23:59:59.999Z"_s;
        QTest::newRow("leap day") << qint64(1709164800000) << u"2024-02-29T00:00:00.000Z"_s;
        QTest::newRow("demo start") << qint64(1704067200000) << u"2024-01-01T00:00:00.000Z"_s;
        QTest::newRow("end of year") << qint64(1735689599999) << u"2024-12-31T23:59:59.999Z"_s;
    }
    void formatsUtcWithMilliseconds()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(formatIsoTime(ms), text);
        QCOMPARE(parseIsoTime(text), std::optional(ms));
    }

    void parsesWhatUsersType_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("date") << u"2024-03-14"_s << qint64(1710374400000);
        QTest::newRow("minutes") << u"2024-03-14T12:28"_s << qint64(1710419280000);
        QTest::newRow("minutes with space") << u"2024-03-14 12:28"_s << qint64(1710419280000);
        QTest::newRow("seconds") << u"2024-03-14T12:28:25"_s << qint64(1710419305000);
        QTest::newRow("millis") << u"2024-03-14 12:28:25.038"_s << qint64(1710419305038);
        QTest::newRow("millis Z") << u"2024-03-14T12:28:25.038Z"_s << qint64(1710419305038);
        QTest::newRow("lower case") << u"2024-03-14t12:28:25.038z"_s << qint64(1710419305038);
        QTest::newRow("one fraction digit") << u"2024-03-14T12:28:25.5Z"_s << qint64(1710419305500);
        QTest::newRow("two fraction digits") << u"2024-03-14T12:28:25.05Z"_s << qint64(1710419305050);
        QTest::newRow("micros truncated") << u"2024-03-14T12:28:25.038999Z"_s << qint64(1710419305038);
        QTest::newRow("comma fraction") << u"2024-03-14T12:28:25,038"_s << qint64(1710419305038);
        QTest::newRow("plus offset") << u"2024-03-14T14:28:25.038+02:00"_s << qint64(1710419305038);
        QTest::newRow("offset without colon") << u"2024-03-14T14:28:25.038+0200"_s << qint64(1710419305038);
        QTest::newRow("minus offset") << u"2024-03-14T06:58:25.038-05:30"_s << qint64(1710419305038);
        QTest::newRow("zero offset") << u"2024-03-14T12:28:25.038+00:00"_s << qint64(1710419305038);
        QTest::newRow("date with offset") << u"2024-03-14+01:00"_s << qint64(1710370800000);
        QTest::newRow("space before zone") << u"2024-03-14 12:28:25 Z"_s << qint64(1710419305000);
        QTest::newRow("surrounding spaces") << u"  2024-03-14T12:28:25.038Z \n"_s << qint64(1710419305038);
        QTest::newRow("number") << u"1710419305038"_s << qint64(1710419305038);
        QTest::newRow("zero") << u"0"_s << qint64(0);
        QTest::newRow("negative number") << u"-1000"_s << qint64(-1000);
        QTest::newRow("leap day") << u"2024-02-29"_s << qint64(1709164800000);
    }
    void parsesWhatUsersType()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        QCOMPARE(parseIsoTime(text), std::optional(ms));
    }

    void rejectsGarbage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("spaces") << u"   "_s;
        QTest::newRow("word") << u"yesterday"_s;
        QTest::newRow("time only") << u"12:28"_s;
        QTest::newRow("short month") << u"2024-3-14"_s;
        QTest::newRow("month 13") << u"2024-13-01"_s;
        QTest::newRow("february 30") << u"2024-02-30"_s;
        QTest::newRow("not a leap year") << u"2023-02-29"_s;
        QTest::newRow("hour 25") << u"2024-03-14T25:00"_s;
        QTest::newRow("minute 60") << u"2024-03-14T12:60"_s;
        QTest::newRow("second 61") << u"2024-03-14T12:28:61"_s;
        QTest::newRow("hour only") << u"2024-03-14T12"_s;
        QTest::newRow("empty fraction") << u"2024-03-14T12:28:25."_s;
        QTest::newRow("unknown zone") << u"2024-03-14T12:28:25 CET"_s;
        QTest::newRow("short offset") << u"2024-03-14T12:28+2"_s;
        QTest::newRow("offset hours out of range") << u"2024-03-14T12:28+25:00"_s;
        QTest::newRow("offset minutes out of range") << u"2024-03-14T12:28+01:75"_s;
        QTest::newRow("trailing text") << u"2024-03-14T12:28:25Zabc"_s;
        QTest::newRow("number with text") << u"1710419305038ms"_s;
        QTest::newRow("decimal number") << u"1.5"_s;
    }
    void rejectsGarbage()
    {
        QFETCH(QString, text);
        QCOMPARE(parseIsoTime(text), std::optional<qint64>());
    }
};

QTEST_GUILESS_MAIN(TestTimeFormat)
#include "tst_timeformat.moc"
