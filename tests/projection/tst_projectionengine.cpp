// The projection engine against the language's rules: every directory of tests/data/projections/ holds
// events.json (the input, in log order), projection.js, and expected.jsonl (the exact lines of
// `eventscope-cli project --json` for those events). Optional engine.json: {"allowConsole": true}.
#include <core/model/timeformat.h>
#include <core/projection/projectionengine.h>
#include <core/projection/projectionreport.h>
#include <core/projection/projectionsource.h>
#include <core/projection/scriptvaluebuilder.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJSEngine>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

// events.json is read with a JavaScript engine so that payloads keep their key order (QJsonObject sorts).
// Per event: stream, type, data (any JSON) or dataRaw (bytes as text), metadata or metadataRaw, and
// optionally time (ISO), id, version (default: 0, 1, ... per stream), position (default: 1, 2, ...).
QList<Event> readEvents(const QString& path)
{
    QJSEngine js;
    const QJSValue parsed = js.evaluate(u"(function (text) { return JSON.parse(text).map(function (e) {"
                                        " return [e.stream, e.type, e.data !== undefined ? JSON.stringify(e.data)"
                                        " : (e.dataRaw !== undefined ? e.dataRaw : ''), e.metadata !== undefined"
                                        " ? JSON.stringify(e.metadata) : (e.metadataRaw !== undefined ? e.metadataRaw"
                                        " : ''), e.time || '', e.id || '', e.version === undefined ? -1 : e.version,"
                                        " e.position === undefined ? -1 : e.position]; }); })"_s)
                                .call({ QJSValue(QString::fromUtf8(readFile(path))) });
    if (parsed.isError())
        qFatal("%s: %s", qPrintable(path), qPrintable(parsed.toString()));
    QList<Event> events;
    QHash<QString, qint64> nextVersion;
    const int length = parsed.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue item = parsed.property(quint32(i));
        Event event;
        event.stream = item.property(0).toString();
        event.type = item.property(1).toString();
        event.data = item.property(2).toString().toUtf8();
        event.metadata = item.property(3).toString().toUtf8();
        const QString time = item.property(4).toString();
        event.timeMs = time.isEmpty() ? 1735689600000 + qint64(i) * 1000 : parseIsoTime(time).value_or(0);
        event.id = item.property(5).toString();
        if (event.id.isEmpty())
            event.id = u"00000000-0000-4000-8000-%1"_s.arg(i + 1, 12, 10, QChar(u'0'));
        const qint64 version = qint64(item.property(6).toNumber());
        event.version = version >= 0 ? version : nextVersion.value(event.stream, 0);
        nextVersion[event.stream] = event.version + 1;
        const qint64 position = qint64(item.property(7).toNumber());
        event.position = position >= 0 ? position : i + 1;
        events.append(event);
    }
    return events;
}

// What `project --json` prints for these events, from the engine directly.
QByteArray runFixture(const QString& directory)
{
    ProjectionEngine::Limits limits;
    if (QFile::exists(directory + u"/engine.json"_s)) {
        const QJsonObject options = QJsonDocument::fromJson(readFile(directory + u"/engine.json"_s)).object();
        limits.allowConsole = options.value(u"allowConsole"_s).toBool();
    }
    ProjectionEngine engine(limits);
    const QString script = QString::fromUtf8(readFile(directory + u"/projection.js"_s));
    if (auto fault = engine.compile(script, u"projection.js"_s))
        return ProjectionReport::statusLine(0, fault);
    qint64 processed = 0;
    std::optional<ProjectionFault> fault;
    for (const Event& event : readEvents(directory + u"/events.json"_s)) {
        if (!ProjectionEventReader::selects(engine.definition(), {}, event))
            continue;
        fault = engine.process(event);
        if (fault)
            break;
        ++processed;
    }
    QByteArray out = ProjectionReport::stateLines(engine);
    for (const EmittedEvent& emitted : engine.takeEmitted())
        out += ProjectionReport::emitLine(emitted);
    for (const QString& line : engine.takeLog())
        out += ProjectionReport::logLine(line);
    return out + ProjectionReport::statusLine(processed, fault);
}

} // namespace

class TestProjectionEngine : public QObject
{
    Q_OBJECT

private slots:
    void goldenFixture_data()
    {
        QTest::addColumn<QString>("directory");
        const QDir root(QStringLiteral(EVENTSCOPE_PROJECTION_FIXTURES));
        const QStringList cases = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY(cases.size() >= 20);
        for (const QString& name : cases)
            QTest::newRow(qPrintable(name)) << root.filePath(name);
    }

    void goldenFixture()
    {
        QFETCH(QString, directory);
        const QByteArray actual = runFixture(directory);
        if (qEnvironmentVariableIntValue("EVENTSCOPE_UPDATE_GOLDEN") == 1) {
            QFile file(directory + u"/expected.jsonl"_s);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(actual);
        }
        const QList<QByteArray> expectedLines = readFile(directory + u"/expected.jsonl"_s).split('\n');
        const QList<QByteArray> actualLines = actual.split('\n');
        for (qsizetype i = 0; i < qMin(expectedLines.size(), actualLines.size()); ++i)
            QCOMPARE(QString::fromUtf8(actualLines.at(i)), QString::fromUtf8(expectedLines.at(i)));
        QCOMPARE(actualLines.size(), expectedLines.size());
    }

    // Event bodies are built in C++; the script must see exactly what JSON.parse would give it.
    void bodiesAreBuiltLikeJsonParse_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("key order kept") << QByteArray(R"({"z":1,"a":{"y":[1,2,{"b":null}],"c":true},"m":false})");
        QTest::newRow("escapes") << QByteArray("{\"s\":\"tab\\tquote\\\"slash\\/back\\\\nl\\nu\\u00e9\\u6771\"}");
        QTest::newRow("surrogate pair") << QByteArray("[\"\\ud83c\\udf3b\", \"\xf0\x9f\x8c\xbb\"]");
        QTest::newRow("lone surrogate") << QByteArray("[\"\\ud83c x\"]");
        // QV4's JSON.parse refuses 1e400, which the specification reads as Infinity (and so does the builder).
        QTest::newRow("numbers") << QByteArray(R"([0,-0,1.5,-2e3,1E+21,123456789012345678901,5e-324])");
        QTest::newRow("duplicate keys") << QByteArray(R"({"a":1,"a":2})");
        QTest::newRow("index-like keys") << QByteArray(R"({"b":1,"2":2,"1":3})");
        QTest::newRow("scalar") << QByteArray("  42 ");
        QTest::newRow("empty containers") << QByteArray(R"({"o":{},"a":[]})");
        QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})");
        QTest::newRow("comment") << QByteArray("{\"a\":1 /"
                                               "* no *"
                                               "/}");
        QTest::newRow("leading zero") << QByteArray("[01]");
        QTest::newRow("bare word") << QByteArray("hello");
        QTest::newRow("control character") << QByteArray("[\"a\x01b\"]");
        QTest::newRow("two documents") << QByteArray("{} {}");
        QTest::newRow("unterminated") << QByteArray(R"({"a":[1,2)");
    }

    void bodiesAreBuiltLikeJsonParse()
    {
        QFETCH(QByteArray, json);
        QJSEngine js;
        const QJSValue parse = js.evaluate(u"(function (t) { try { return JSON.stringify(JSON.parse(t)); }"
                                           " catch (e) { return null; } })"_s);
        const QJSValue stringify = js.evaluate(u"(function (v) { return JSON.stringify(v); })"_s);
        const QJSValue expected = parse.call({ QJSValue(QString::fromUtf8(json)) });
        ScriptValueBuilder builder(js);
        const std::optional<QJSValue> built = builder.build(json);
        QCOMPARE(built.has_value(), !expected.isNull());
        if (built)
            QCOMPARE(stringify.call({ *built }).toString(), expected.toString());
    }

    void endlessLoopIsStoppedAndEngineStaysUsable()
    {
        ProjectionEngine engine;
        QVERIFY(!engine.compile(u"fromAll().when({\n"
                                "  $any: function (s, e) {\n"
                                "    if (e.body.loop) { while (true) {} }\n"
                                "    s.count = (s.count || 0) + 1;\n"
                                "  }\n"
                                "});\n"_s,
            u"loop.js"_s));
        Event looping { 1, u"a-1"_s, u"a"_s, 0, u"T"_s, 0, u"id-1"_s, R"({"loop":true})", {} };
        QElapsedTimer timer;
        timer.start();
        const auto fault = engine.process(looping);
        QVERIFY(timer.elapsed() < 10000); // a hang guard only: the stop itself comes after ~250 ms
        QVERIFY(fault);
        QCOMPARE(fault->kind, ProjectionFault::Kind::Timeout);
        QCOMPARE(fault->line, std::optional<int>(2));
        QCOMPARE(fault->event->stream, u"a-1"_s);
        QCOMPARE(fault->event->version, 0);
        QCOMPARE(engine.stateJson(QString()), std::nullopt);

        Event next { 2, u"a-1"_s, u"a"_s, 1, u"T"_s, 0, u"id-2"_s, R"({"loop":false})", {} };
        QCOMPARE(engine.process(next), std::nullopt);
        QCOMPARE(engine.stateJson(QString()), std::optional(QByteArray(R"({"count":1})")));
    }

    void unboundedAllocationIsStopped()
    {
        ProjectionEngine::Limits limits;
        limits.callBudget = std::chrono::milliseconds(60000); // let the memory guard act first
        limits.memoryGrowthBytes = qint64(256) << 20;
        ProjectionEngine engine(limits);
        QVERIFY(!engine.compile(
            u"fromAll().when({ $any: function (s, e) { var a = []; while (true) a.push([1, 2, 3, 4, 5, 6, 7, 8]); } });"_s,
            u"grow.js"_s));
        const auto fault = engine.process({ 1, u"a-1"_s, u"a"_s, 0, u"T"_s, 0, u"id"_s, "{}", {} });
        QVERIFY(fault);
        QCOMPARE(fault->kind, ProjectionFault::Kind::Memory);
        QCOMPARE(fault->line, std::optional<int>(1));
    }

    void restoredStateIsWhereFoldingResumes()
    {
        const QString script = u"fromStream('c-1').when({ $init: function () { return { n: 0 }; },"
                               " Add: function (s, e) { s.n += e.body.by; } });"_s;
        ProjectionEngine engine;
        QVERIFY(!engine.compile(script, u"add.js"_s));
        engine.setStateJson(QString(), QByteArray(R"({"n":40})"));
        QCOMPARE(engine.process({ 7, u"c-1"_s, u"c"_s, 6, u"Add"_s, 0, u"id"_s, R"({"by":2})", {} }), std::nullopt);
        QCOMPARE(engine.stateJson(QString()), std::optional(QByteArray(R"({"n":42})")));
        engine.resetState();
        QCOMPARE(engine.partitions(), QStringList());
        QCOMPARE(engine.process({ 8, u"c-1"_s, u"c"_s, 7, u"Add"_s, 0, u"id"_s, R"({"by":2})", {} }), std::nullopt);
        QCOMPARE(engine.stateJson(QString()), std::optional(QByteArray(R"({"n":2})")));
    }

    void definitionDescribesTheSource()
    {
        ProjectionEngine engine;
        QVERIFY(!engine.compile(u"fromStreams(['b-1', 'a-1']).partitionBy(function (e) { return e.body.k; })"
                                ".when({ $any: function (s, e) {} }).transformBy(function (s) { return s; });"_s,
            u"d.js"_s));
        const ProjectionDefinition& d = engine.definition();
        QCOMPARE(d.source, ProjectionDefinition::Source::Streams);
        QCOMPARE(d.streams, QStringList({ u"b-1"_s, u"a-1"_s }));
        QVERIFY(d.partitioned);
        QVERIFY(!d.foreachStream);
        QVERIFY(d.definesStateTransform);
        QVERIFY(d.allEvents);

        ProjectionEngine reducer;
        QVERIFY(!reducer.compile(
            u"({ init: function () { return 0; }, apply: function (s, e) { return s + 1; } })"_s, u"r.js"_s));
        QCOMPARE(reducer.definition().form, ProjectionDefinition::Form::Reducer);
        QCOMPARE(reducer.definition().source, ProjectionDefinition::Source::Unspecified);
    }
};

QTEST_GUILESS_MAIN(TestProjectionEngine)
#include "tst_projectionengine.moc"
