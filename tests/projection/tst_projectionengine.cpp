// The projection engine against the language's rules: every directory of tests/data/projections/ holds
// events.json (the input, in log order; see fixtureevents.h), projection.js, and expected.jsonl (the exact lines of
// `eventscope-cli project --json` for those events). Optional engine.json: {"allowConsole": true}.
#include <core/projection/jsonbodycheck.h>
#include <core/projection/projectionengine.h>
#include <core/projection/projectionreport.h>
#include <core/projection/projectionsource.h>

#include <fixtureevents.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
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
    for (const Event& event : TestSupport::readFixtureEvents(directory + u"/events.json"_s)) {
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

    // The server's content-type validation: strict JSON reaches the script, comments and trailing commas pass the
    // check (and fault when e.body is read), anything else never reaches it.
    void bodyCheckIsTheServersValidation_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("check");
        const int strict = int(JsonBodyCheck::Strict), lenient = int(JsonBodyCheck::Lenient),
                  invalid = int(JsonBodyCheck::Invalid);
        QTest::newRow("object") << QByteArray(R"({"z":1,"a":{"y":[1,2,{"b":null}],"c":true},"m":false})") << strict;
        QTest::newRow("escapes") << QByteArray("{\"s\":\"tab\\tquote\\\"slash\\/back\\\\nl\\nu\\u00e9\"}") << strict;
        QTest::newRow("utf-8") << QByteArray("[\"\xf0\x9f\x8c\xbb \xc3\xa9\"]") << strict;
        QTest::newRow("lone surrogate escape") << QByteArray("[\"\\ud83c x\"]") << strict;
        QTest::newRow("numbers") << QByteArray(R"([0,-0,1.5,-2e3,1E+21,123456789012345678901,5e-324,1e400])") << strict;
        QTest::newRow("scalar") << QByteArray("  42 ") << strict;
        QTest::newRow("nested 64") << QByteArray(64, '[') + QByteArray(64, ']') << strict;
        QTest::newRow("nested 65") << QByteArray(65, '[') + QByteArray(65, ']') << invalid;
        QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})") << lenient;
        QTest::newRow("comment") << QByteArray("{\"a\":1 /* no */}") << lenient;
        QTest::newRow("line comment") << QByteArray("// c\n[1]") << lenient;
        QTest::newRow("unterminated comment") << QByteArray("[1] /* no") << invalid;
        QTest::newRow("empty") << QByteArray() << invalid;
        QTest::newRow("blank") << QByteArray("  \n") << invalid;
        QTest::newRow("leading zero") << QByteArray("[01]") << invalid;
        QTest::newRow("bare word") << QByteArray("hello") << invalid;
        QTest::newRow("control character") << QByteArray("[\"a\x01b\"]") << invalid;
        QTest::newRow("invalid utf-8") << QByteArray("[\"\xc3\x28\"]") << invalid;
        QTest::newRow("overlong utf-8") << QByteArray("[\"\xc0\xaf\"]") << invalid;
        QTest::newRow("surrogate in utf-8") << QByteArray("[\"\xed\xa0\x80\"]") << invalid;
        QTest::newRow("two documents") << QByteArray("{} {}") << invalid;
        QTest::newRow("unterminated") << QByteArray(R"({"a":[1,2)") << invalid;
    }

    void bodyCheckIsTheServersValidation()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, check);
        QCOMPARE(int(checkJsonBody(json)), check);
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
        // The contract is a stop within 1 s: the budget is 250 ms, the watchdog's wake-up and V8's reaction a few more.
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
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

    // In a batch each event has its own budget: a batch of quick events is never stopped for its total time, and the
    // one that loops is stopped, with the states of the events before it kept.
    void aLoopingEventInABatchStopsThereAndKeepsWhatCameBefore()
    {
        ProjectionEngine engine;
        QVERIFY(!engine.compile(u"fromAll().foreachStream().when({\n"
                                "  $any: function (s, e) {\n"
                                "    var end = Date.now() + (e.body.ms || 0);\n"
                                "    while (Date.now() < end || e.body.loop) {}\n"
                                "    s.n = (s.n || 0) + 1;\n"
                                "  }\n"
                                "});\n"_s,
            u"batch.js"_s));
        ProjectionEngine::Batch batch;
        // 40 events of 20 ms: 800 ms in all, more than three budgets, none over its own.
        for (int i = 0; i < 40; ++i)
            batch.events.append({ i + 1, u"a-%1"_s.arg(i % 3), u"a"_s, i / 3, u"T"_s, 0, u"id"_s, R"({"ms":20})", {} });
        batch.events.append({ 41, u"a-9"_s, u"a"_s, 0, u"T"_s, 0, u"id"_s, R"({"loop":true})", {} });
        batch.events.append({ 42, u"a-0"_s, u"a"_s, 14, u"T"_s, 0, u"id"_s, R"({})", {} });
        QElapsedTimer timer;
        timer.start();
        const ProjectionEngine::BatchOutcome outcome = engine.processBatch(std::move(batch));
        QVERIFY2(timer.elapsed() < 800 + 1000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(outcome.fault);
        QCOMPARE(outcome.fault->kind, ProjectionFault::Kind::Timeout);
        QCOMPARE(outcome.fault->line, std::optional<int>(2));
        QCOMPARE(outcome.fault->event->stream, u"a-9"_s);
        QCOMPARE(outcome.processed, 40);
        QCOMPARE(engine.stateJson(u"a-0"_s), std::optional(QByteArray(R"({"n":14})")));
        QCOMPARE(engine.stateJson(u"a-9"_s), std::nullopt);
    }

    void aLoopAtTheTopLevelIsStoppedAtCompile()
    {
        ProjectionEngine engine;
        const auto fault = engine.compile(u"while (true) {}\nfromAll();"_s, u"top.js"_s);
        QVERIFY(fault);
        QCOMPARE(fault->kind, ProjectionFault::Kind::Timeout);
        QCOMPARE(fault->message, u"The script ran longer than 500 ms and was stopped"_s);
    }

    void aLoopingPredicateIsStoppedAndTheEngineGoesOn()
    {
        ProjectionEngine engine;
        QVERIFY(!engine.compile(u"fromAll().when({ $any: function (s, e) { s.n = (s.n || 0) + 1; } });"_s, u"p.js"_s));
        QVERIFY(!engine.setPredicate(u"s => {\n while (s.n > 0) {}\n}"_s, u"--where"_s));
        const auto held = engine.testPredicate(QByteArray(R"({"n":1})"));
        QVERIFY(std::holds_alternative<ProjectionFault>(held));
        QCOMPARE(std::get<ProjectionFault>(held).kind, ProjectionFault::Kind::Timeout);
        const auto quick = engine.testPredicate(QByteArray(R"({"n":0})"));
        QVERIFY(std::holds_alternative<bool>(quick));
        QCOMPARE(std::get<bool>(quick), false);
        QCOMPARE(engine.process({ 1, u"a-1"_s, u"a"_s, 0, u"T"_s, 0, u"id"_s, "{}", {} }), std::nullopt);
    }

    void unboundedAllocationIsStopped()
    {
        ProjectionEngine::Limits limits;
        limits.callBudget = std::chrono::milliseconds(60000); // let the memory guard act first
        limits.heapBytes = qint64(256) << 20;
        ProjectionEngine engine(limits);
        QVERIFY(!engine.compile(
            u"fromAll().when({ $any: function (s, e) { var a = []; while (true) a.push([1, 2, 3, 4, 5, 6, 7, 8]); } });"_s,
            u"grow.js"_s));
        const auto fault = engine.process({ 1, u"a-1"_s, u"a"_s, 0, u"T"_s, 0, u"id"_s, "{}", {} });
        QVERIFY(fault);
        QCOMPARE(fault->kind, ProjectionFault::Kind::Memory);
        QCOMPARE(fault->line, std::optional<int>(1));
    }

    // V8 aborts the whole process when a heap runs out; the engine's cap stops the script instead, and the engine
    // folds the next event as if nothing happened.
    void theEngineGoesOnAfterHittingItsMemoryCap()
    {
        ProjectionEngine::Limits limits;
        limits.callBudget = std::chrono::milliseconds(60000);
        limits.heapBytes = qint64(64) << 20;
        ProjectionEngine engine(limits);
        QVERIFY(!engine.compile(u"fromAll().when({\n"
                                "  Grow: function (s, e) { var a = []; while (true) a.push({ x: a.length }); },\n"
                                "  Count: function (s, e) { s.n = (s.n || 0) + 1; }\n"
                                "});"_s,
            u"cap.js"_s));
        for (int round = 0; round < 3; ++round) {
            const auto fault = engine.process({ 1, u"a-1"_s, u"a"_s, round * 2, u"Grow"_s, 0, u"id"_s, "{}", {} });
            QVERIFY(fault);
            QCOMPARE(fault->kind, ProjectionFault::Kind::Memory);
            QCOMPARE(fault->line, std::optional<int>(2));
            QCOMPARE(
                engine.process({ 2, u"a-1"_s, u"a"_s, round * 2 + 1, u"Count"_s, 0, u"id"_s, "{}", {} }), std::nullopt);
        }
        QCOMPARE(engine.stateJson(QString()), std::optional(QByteArray(R"({"n":3})")));
    }

    // ArrayBuffer memory lives outside the heap; the same cap holds it.
    void anArrayBufferOverTheCapIsARangeError()
    {
        ProjectionEngine::Limits limits;
        limits.heapBytes = qint64(64) << 20;
        ProjectionEngine engine(limits);
        QVERIFY(!engine.compile(u"fromAll().when({\n"
                                "  T: function (s, e) {\n"
                                "    s.size = new ArrayBuffer(512 * 1024 * 1024).byteLength;\n"
                                "  }\n"
                                "});"_s,
            u"buffer.js"_s));
        const auto fault = engine.process({ 1, u"a-1"_s, u"a"_s, 0, u"T"_s, 0, u"id"_s, "{}", {} });
        QVERIFY(fault);
        QCOMPARE(fault->kind, ProjectionFault::Kind::Script);
        QVERIFY2(fault->message.startsWith(u"RangeError"_s), qPrintable(fault->message));
        QCOMPARE(fault->line, std::optional<int>(3));
    }

    // Which code applied an event: the handler's name and where it is written (time travel and the editor show it).
    void handlersAreLocatedInTheScript()
    {
        ProjectionEngine engine;
        QVERIFY(!engine.compile(u"fromCategory('account')\n"
                                "  .foreachStream()\n"
                                "  .when({\n"
                                "    $init: () => ({ n: 0 }),\n"
                                "    Opened: function (s, e) { s.open = true; },\n"
                                "    Deposited(s, e) {\n"
                                "      s.n += e.body.amount;\n"
                                "    },\n"
                                "    'Money Withdrawn': (s, e) => { s.n -= 1; }\n"
                                "  });\n"_s,
            u"account.js"_s));
        const ProjectionDefinition& definition = engine.definition();
        QCOMPARE(definition.fileName, u"account.js"_s);
        const auto at = [&](const QString& type) {
            const ProjectionDefinition::Function* handler = definition.handlerFor(type);
            return handler ? u"%1@%2:%3"_s.arg(handler->name).arg(handler->line).arg(handler->column) : u"none"_s;
        };
        // The column is where V8 says the function starts: its parameter list.
        QCOMPARE(at(u"Opened"_s), u"Opened@5:22"_s);
        QCOMPARE(at(u"Deposited"_s), u"Deposited@6:14"_s);
        QCOMPARE(at(u"Money Withdrawn"_s), u"Money Withdrawn@9:24"_s);
        QCOMPARE(at(u"Closed"_s), u"none"_s); // not a type it handles: never delivered
        QCOMPARE(definition.otherFunctions.size(), 1);
        QCOMPARE(definition.otherFunctions.first().name, u"$init"_s);
        QCOMPARE(definition.otherFunctions.first().line, 4);

        ProjectionEngine reducer;
        QVERIFY(!reducer.compile(u"({\n  init: () => 0,\n  apply(s, e) { return s + 1; }\n})"_s, u"r.js"_s));
        QCOMPARE(reducer.definition().handlerFor(u"Anything"_s)->name, u"apply"_s);
        QCOMPARE(reducer.definition().handlerFor(u"Anything"_s)->line, 3);

        ProjectionEngine any;
        QVERIFY(!any.compile(u"fromAll().when({\n  $any: function (s, e) {}\n});"_s, u"any.js"_s));
        QCOMPARE(any.definition().handlerFor(u"X"_s)->name, u"$any"_s);
        QCOMPARE(any.definition().handlerFor(u"X"_s)->line, 2);
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
