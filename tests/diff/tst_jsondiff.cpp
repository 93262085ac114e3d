#include <core/diff/jsondiff.h>
#include <core/diff/jsonpath.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
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
        qFatal("cannot read %s: %s", qPrintable(path), qPrintable(file.errorString()));
    return file.readAll();
}

// The changes as the CLI prints them, one line each, and a last {"truncated":true} line when the limit cut them.
QStringList lines(const JsonDiffResult& result)
{
    QStringList out;
    for (const JsonChange& change : result.changes)
        out.append(QString::fromUtf8(change.toJsonLine()));
    if (result.truncated)
        out.append(u"{\"truncated\":true}"_s);
    return out;
}

QJsonValue parse(const QByteArray& json)
{
    // QJsonDocument takes only arrays and objects: wrap the text so that scalar documents parse too.
    const QJsonDocument document = QJsonDocument::fromJson("[" + json + "]");
    if (!document.isArray())
        qFatal("not JSON: %s", json.constData());
    return document.array().at(0);
}

QString compact(const QJsonValue& value)
{
    if (value.isUndefined())
        return u"undefined"_s;
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

JsonDiffOptions optionsFrom(const QString& directory)
{
    JsonDiffOptions options;
    const QString path = directory + u"/options.json"_s;
    if (!QFile::exists(path))
        return options;
    const QJsonObject object = QJsonDocument::fromJson(readFile(path)).object();
    for (const QJsonValue& ignore : object.value(u"ignore"_s).toArray()) {
        const Status added = options.addIgnore(ignore.toString());
        if (!added)
            qFatal("%s: %s", qPrintable(path), qPrintable(added.error().message));
    }
    if (object.contains(u"maxChanges"_s))
        options.maxChanges = object.value(u"maxChanges"_s).toInteger();
    return options;
}

JsonPath path(std::initializer_list<JsonPath::Segment> segments)
{
    return JsonPath(QList<JsonPath::Segment>(segments));
}

JsonPath::Segment key(const QString& name)
{
    return JsonPath::Segment::member(name);
}

JsonPath::Segment index(qsizetype at)
{
    return JsonPath::Segment::element(at);
}

// Numbers 0 .. count - 1 as a JSON array, with `extra` spliced in before the element at each of its keys.
QByteArray numberArray(int count, const QMap<int, QList<int>>& extra = {})
{
    QByteArray out = "[";
    const auto add = [&out](int value) {
        if (out.size() > 1)
            out += ',';
        out += QByteArray::number(value);
    };
    for (int i = 0; i < count; ++i) {
        for (int value : extra.value(i))
            add(value);
        add(i);
    }
    return out + "]";
}

} // namespace

Q_DECLARE_METATYPE(JsonPath)

// The structural diff behind time travel, snapshot checks and projection comparisons, on fixture directories
// (tests/data/diff/<case>/), and the JSON paths it prints and reads.
class TestJsonDiff : public QObject
{
    Q_OBJECT

private slots:
    void fixtureGivesExpectedChanges_data();
    void fixtureGivesExpectedChanges();
    void qJsonValueGivesSameChanges_data() { fixtureGivesExpectedChanges_data(); }
    void qJsonValueGivesSameChanges();

    void qJsonValueKeysComeSorted();
    void duplicateKeyKeepsLastValue();
    void invalidJsonNamesDocumentAndCharacter_data();
    void invalidJsonNamesDocumentAndCharacter();
    void changeLimitCountsExactly();
    void addIgnoreTellsKeysFromPaths();
    void ignoringRootIgnoresEverything();
    void changeJsonOmitsAbsentSide();

    void largeArrayInsertsAreAdds();
    void alignmentPastBoundGoesIndexByIndex_data();
    void alignmentPastBoundGoesIndexByIndex();
    void keyedElementsAfterTheMiddleStayCompared();

    void pathsPrintBothSpellings_data();
    void pathsPrintBothSpellings();
    void badPathsAreRejected_data();
    void badPathsAreRejected();
    void valueAtResolvesPaths_data();
    void valueAtResolvesPaths();
};

void TestJsonDiff::fixtureGivesExpectedChanges_data()
{
    QTest::addColumn<QString>("directory");
    const QDir root(QStringLiteral(EVENTSCOPE_DIFF_DATA_DIR));
    const QStringList cases = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    // A moved or empty data directory must fail, not pass with no rows.
    QVERIFY2(cases.size() >= 20, qPrintable(root.path()));
    for (const QString& name : cases)
        QTest::newRow(qPrintable(name)) << root.filePath(name);
}

void TestJsonDiff::fixtureGivesExpectedChanges()
{
    QFETCH(QString, directory);
    const JsonDiff diff(optionsFrom(directory));
    const QByteArray before = readFile(directory + u"/before.json"_s);
    const QByteArray after = readFile(directory + u"/after.json"_s);
    const QStringList expected
        = QString::fromUtf8(readFile(directory + u"/expected.jsonl"_s)).split(u'\n', Qt::SkipEmptyParts);

    const Result<JsonDiffResult> result = diff.compareJson(before, after);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(lines(*result), expected);

    const Result<bool> equal = diff.equalJson(before, after);
    QVERIFY(equal.ok());
    QCOMPARE(*equal, expected.isEmpty());
}

// The same documents through QJsonValue: the same changes, though objects come in sorted key order.
void TestJsonDiff::qJsonValueGivesSameChanges()
{
    QFETCH(QString, directory);
    const QString optionsPath = directory + u"/options.json"_s;
    if (QFile::exists(optionsPath)) {
        const QString why = QJsonDocument::fromJson(readFile(optionsPath)).object().value(u"rawTextOnly"_s).toString();
        if (!why.isEmpty())
            QSKIP(qPrintable(why));
    }
    const JsonDiff diff(optionsFrom(directory));
    const QJsonValue before = parse(readFile(directory + u"/before.json"_s));
    const QJsonValue after = parse(readFile(directory + u"/after.json"_s));
    QStringList expected
        = QString::fromUtf8(readFile(directory + u"/expected.jsonl"_s)).split(u'\n', Qt::SkipEmptyParts);
    QStringList actual = lines(diff.compare(before, after));
    if (!expected.contains(u"{\"truncated\":true}"_s)) {
        expected.sort();
        actual.sort();
    }
    QCOMPARE(actual, expected);
    QCOMPARE(diff.equal(before, after), expected.isEmpty());
}

void TestJsonDiff::qJsonValueKeysComeSorted()
{
    const JsonDiffResult result = JsonDiff().compare(parse(R"({"b": 1, "a": 1})"), parse(R"({"b": 2, "a": 2})"));
    QCOMPARE(lines(result),
        QStringList({ uR"({"path":"a","op":"change","old":1,"new":2})"_s,
            uR"({"path":"b","op":"change","old":1,"new":2})"_s }));
}

void TestJsonDiff::duplicateKeyKeepsLastValue()
{
    const Result<JsonDiffResult> result = JsonDiff().compareJson(R"({"a": 1, "b": 0, "a": 2})", R"({"a": 3, "b": 0})");
    QVERIFY(result.ok());
    QCOMPARE(lines(*result), QStringList({ uR"({"path":"a","op":"change","old":2,"new":3})"_s }));
}

void TestJsonDiff::invalidJsonNamesDocumentAndCharacter_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QString>("message");
    const QByteArray good = "{}";
    QTest::newRow("empty") << QByteArray(" \n") << good
                           << u"The \"before\" document is not valid JSON: the text is empty"_s;
    QTest::newRow("missing colon") << good << QByteArray(R"({"a" 1})")
                                   << u"The \"after\" document is not valid JSON: expected \":\" at character 6"_s;
    QTest::newRow("trailing comma") << QByteArray("[1,]") << good
                                    << u"The \"before\" document is not valid JSON: expected a value at character 4"_s;
    QTest::newRow("leading zero") << QByteArray(
        "[01]") << good << u"The \"before\" document is not valid JSON: a number with a leading zero at character 2"_s;
    QTest::newRow("two documents")
        << QByteArray("{} {}") << good
        << u"The \"before\" document is not valid JSON: unexpected text after the document at character 4"_s;
    QTest::newRow("bad escape") << QByteArray(R"(["\x"])") << good
                                << u"The \"before\" document is not valid JSON: not a JSON escape at character 4"_s;
    QTest::newRow("raw newline in string")
        << QByteArray("[\"a\nb\"]") << good
        << u"The \"before\" document is not valid JSON: a control character inside a string at character 4"_s;
    QTest::newRow("unterminated")
        << QByteArray(R"({"a": "b)") << good
        << u"The \"before\" document is not valid JSON: a string without its closing quote at character 9"_s;
    QTest::newRow("invalid UTF-8") << QByteArray("[\"\xff\"]") << good
                                   << u"The \"before\" document is not valid JSON: the text is not valid UTF-8"_s;
    QTest::newRow("too deep") << QByteArray(2000, '[') + QByteArray(2000, ']') << good
                              << u"The \"before\" document is not valid JSON: nested deeper than 1024 levels at "
                                 u"character 1026"_s;
}

void TestJsonDiff::invalidJsonNamesDocumentAndCharacter()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QString, message);
    const Result<JsonDiffResult> result = JsonDiff().compareJson(before, after);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, StoreError::Kind::InvalidArgument);
    QCOMPARE(result.error().message, message);
    QVERIFY(!JsonDiff().equalJson(before, after).ok());
}

void TestJsonDiff::changeLimitCountsExactly()
{
    const QByteArray before = R"({"a": 1, "b": 1})";
    const QByteArray after = R"({"a": 2, "b": 2})";
    JsonDiffOptions options;
    options.maxChanges = 0;
    Result<JsonDiffResult> result = JsonDiff(options).compareJson(before, after);
    QCOMPARE(result->changes.size(), 0);
    QVERIFY(result->truncated);
    QVERIFY(!result->isEqual());
    // Exactly as many changes as allowed: nothing was left out.
    options.maxChanges = 2;
    result = JsonDiff(options).compareJson(before, after);
    QCOMPARE(result->changes.size(), 2);
    QVERIFY(!result->truncated);
    QCOMPARE(result->count(JsonChange::Op::Change), 2);
    QCOMPARE(result->count(JsonChange::Op::Add), 0);
}

void TestJsonDiff::addIgnoreTellsKeysFromPaths()
{
    JsonDiffOptions options;
    QVERIFY(options.addIgnore(u"$type").ok());
    QVERIFY(options.addIgnore(u"_id").ok());
    QVERIFY(options.addIgnore(u"$.meta.savedAt").ok());
    QVERIFY(options.addIgnore(u"$[\"odd key\"]").ok());
    QCOMPARE(options.ignoredKeys, QSet<QString>({ u"$type"_s, u"_id"_s }));
    QCOMPARE(options.ignoredPaths,
        QList<JsonPath>({ path({ key(u"meta"_s), key(u"savedAt"_s) }), path({ key(u"odd key"_s) }) }));
    const Status bad = options.addIgnore(u"$.items[x]");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().message,
        u"\"$.items[x]\" is not a valid path: expected an index, \"*\" or a quoted key after \"[\" at character 9"_s);
    QVERIFY(!options.addIgnore(u"  ").ok());
}

void TestJsonDiff::ignoringRootIgnoresEverything()
{
    JsonDiffOptions options;
    QVERIFY(options.addIgnore(u"$").ok());
    QVERIFY(JsonDiff(options).compare(parse("1"), parse("[2]")).isEqual());
    QVERIFY(JsonDiff(options).equal(parse("1"), parse("[2]")));
    QVERIFY(!JsonDiff().equal(parse("1"), parse("[2]")));
}

void TestJsonDiff::changeJsonOmitsAbsentSide()
{
    JsonChange added { path({ key(u"a"_s) }), JsonChange::Op::Add, QJsonValue::Undefined, 1 };
    QCOMPARE(added.toJson(), QJsonObject({ { u"path"_s, u"a"_s }, { u"op"_s, u"add"_s }, { u"new"_s, 1 } }));
    JsonChange removedNull { path({ index(0) }), JsonChange::Op::Remove, QJsonValue::Null, QJsonValue::Undefined };
    QCOMPARE(removedNull.toJson(),
        QJsonObject({ { u"path"_s, u"[0]"_s }, { u"op"_s, u"remove"_s }, { u"old"_s, QJsonValue::Null } }));
    QCOMPARE(removedNull.toJsonLine(), QByteArray(R"({"path":"[0]","op":"remove","old":null})"));
}

void TestJsonDiff::largeArrayInsertsAreAdds()
{
    // 10,000 elements and three inserts, at the head, the middle and the tail: three adds, nothing else.
    const QByteArray before = numberArray(10'000);
    const QByteArray after = numberArray(10'000, { { 0, { -1 } }, { 5000, { -2 } }, { 9999, { -3 } } });
    const Result<JsonDiffResult> result = JsonDiff().compareJson(before, after);
    QVERIFY(result.ok());
    QCOMPARE(lines(*result),
        QStringList({ uR"({"path":"[0]","op":"add","new":-1})"_s, uR"({"path":"[5001]","op":"add","new":-2})"_s,
            uR"({"path":"[10001]","op":"add","new":-3})"_s }));
}

void TestJsonDiff::alignmentPastBoundGoesIndexByIndex_data()
{
    QTest::addColumn<int>("inserts");
    QTest::addColumn<int>("adds");
    QTest::addColumn<int>("changes");
    // Inserts before each of the first `inserts` elements of 2,000: within 1,000 edits each is one add; past it the
    // unmatched middle pairs up index by index and only the surplus is added.
    QTest::newRow("999 inserts") << 999 << 999 << 0;
    QTest::newRow("1000 inserts") << 1000 << 1000 << 0;
    QTest::newRow("1001 inserts") << 1001 << 1001 << 1000;
}

void TestJsonDiff::alignmentPastBoundGoesIndexByIndex()
{
    QFETCH(int, inserts);
    QFETCH(int, adds);
    QFETCH(int, changes);
    QMap<int, QList<int>> extra;
    for (int i = 0; i < inserts; ++i)
        extra.insert(i, { -1 - i });
    const Result<JsonDiffResult> result = JsonDiff().compareJson(numberArray(2000), numberArray(2000, extra));
    QVERIFY(result.ok());
    QCOMPARE(result->count(JsonChange::Op::Add), adds);
    QCOMPARE(result->count(JsonChange::Op::Change), changes);
    QCOMPARE(result->count(JsonChange::Op::Remove), 0);
}

void TestJsonDiff::keyedElementsAfterTheMiddleStayCompared()
{
    // Objects with ids, 1,001 inserted at the head (past the alignment bound) and a change inside the last element:
    // the common tail is still matched by id and compared inside.
    const auto item = [](int id, int qty) { return QJsonObject { { u"id"_s, id }, { u"qty"_s, qty } }; };
    QJsonArray before, after;
    for (int i = 0; i < 2000; ++i)
        before.append(item(i, 1));
    for (int i = 0; i < 1001; ++i)
        after.append(item(-1 - i, 1));
    for (int i = 0; i < 2000; ++i)
        after.append(item(i, i == 1999 ? 2 : 1));
    const JsonDiffResult result = JsonDiff().compare(before, after);
    QCOMPARE(result.count(JsonChange::Op::Add), 1001);
    QCOMPARE(result.count(JsonChange::Op::Change), 1);
    QCOMPARE(result.changes.last().toJsonLine(), QByteArray(R"({"path":"[3000].qty","op":"change","old":1,"new":2})"));
}

void TestJsonDiff::pathsPrintBothSpellings_data()
{
    QTest::addColumn<JsonPath>("path");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("jsonPath");
    QTest::newRow("root") << JsonPath() << u"$"_s << u"$"_s;
    QTest::newRow("key") << path({ key(u"balance"_s) }) << u"balance"_s << u"$.balance"_s;
    QTest::newRow("nested") << path({ key(u"items"_s), index(2), key(u"quantity"_s) }) << u"items[2].quantity"_s
                            << u"$.items[2].quantity"_s;
    QTest::newRow("top-level index") << path({ index(0), key(u"a"_s) }) << u"[0].a"_s << u"$[0].a"_s;
    QTest::newRow("space") << path({ key(u"weird key"_s), key(u"x"_s) }) << u"[\"weird key\"].x"_s
                           << u"$[\"weird key\"].x"_s;
    QTest::newRow("nested quoted") << path({ key(u"a"_s), key(u"b-c"_s) }) << u"a[\"b-c\"]"_s << u"$.a[\"b-c\"]"_s;
    QTest::newRow("unicode") << path({ key(u"größe"_s) }) << u"[\"größe\"]"_s << u"$[\"größe\"]"_s;
    QTest::newRow("quotes and backslash")
        << path({ key(u"a\"b\\c"_s) }) << u"[\"a\\\"b\\\\c\"]"_s << u"$[\"a\\\"b\\\\c\"]"_s;
    QTest::newRow("control character") << path({ key(u"a\nb\u0001"_s) }) << u"[\"a\\nb\\u0001\"]"_s
                                       << u"$[\"a\\nb\\u0001\"]"_s;
    QTest::newRow("dollar key") << path({ key(u"$"_s), key(u"$"_s) }) << u"[\"$\"].$"_s << u"$.$.$"_s;
    QTest::newRow("dollar prefix") << path({ key(u"$type"_s) }) << u"$type"_s << u"$.$type"_s;
    QTest::newRow("empty key") << path({ key(QString()) }) << u"[\"\"]"_s << u"$[\"\"]"_s;
    QTest::newRow("digit first") << path({ key(u"2024"_s) }) << u"[\"2024\"]"_s << u"$[\"2024\"]"_s;
    QTest::newRow("wildcard") << path({ key(u"items"_s), JsonPath::Segment::anyElement(), key(u"at"_s) })
                              << u"items[*].at"_s << u"$.items[*].at"_s;
}

void TestJsonDiff::pathsPrintBothSpellings()
{
    QFETCH(JsonPath, path);
    QFETCH(QString, text);
    QFETCH(QString, jsonPath);
    QCOMPARE(path.toString(), text);
    QCOMPARE(path.toJsonPath(), jsonPath);
    QCOMPARE(JsonPath::parse(text).value(), path);
    QCOMPARE(JsonPath::parse(jsonPath).value(), path);
}

void TestJsonDiff::badPathsAreRejected_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    const auto bad = [](const char* name, const QString& text, const QString& why) {
        QTest::newRow(name) << text << u"\"%1\" is not a valid path: %2"_s.arg(text, why);
    };
    bad("space in key", u"weird key"_s, u"expected \".\" or \"[\" at character 6"_s);
    bad("empty after dot", u"a."_s, u"expected a key after \".\" (quote other keys: [\"a b\"]) at character 3"_s);
    bad("dash", u"$.a-b"_s, u"expected \".\" or \"[\" at character 4"_s);
    bad("leading dot", u".a"_s, u"expected a key, \"$\" or \"[\" at character 1"_s);
    bad("unclosed bracket", u"a[2"_s, u"expected \"]\" at character 4"_s);
    bad("negative index", u"a[-1]"_s, u"expected an index, \"*\" or a quoted key after \"[\" at character 3"_s);
    bad("unclosed quote", u"[\"abc]"_s, u"missing closing quote at character 7"_s);
    bad("bad escape", u"[\"a\\qb\"]"_s, u"not a JSON escape at character 5"_s);
    bad("huge index", u"a[99999999999999999999]"_s, u"index too large at character 3"_s);
}

void TestJsonDiff::badPathsAreRejected()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    const Result<JsonPath> parsed = JsonPath::parse(text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().kind, StoreError::Kind::InvalidArgument);
    QCOMPARE(parsed.error().message, message);
    QCOMPARE(valueAt(QJsonValue(), text).error().message, message);
}

void TestJsonDiff::valueAtResolvesPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value"); // compact JSON, or "undefined" when nothing is there
    QTest::newRow("root") << u"$"_s
                          << uR"({"balance":-5,"items":[{"q":1},{"q":2,"tags":[]}],"meta":{"n":null,"x y":3}})"_s;
    QTest::newRow("empty text is the root")
        << u""_s << uR"({"balance":-5,"items":[{"q":1},{"q":2,"tags":[]}],"meta":{"n":null,"x y":3}})"_s;
    QTest::newRow("key") << u"balance"_s << u"-5"_s;
    QTest::newRow("key, JSONPath") << u"$.balance"_s << u"-5"_s;
    QTest::newRow("element") << u"items[1].q"_s << u"2"_s;
    QTest::newRow("empty array") << u"$.items[1].tags"_s << u"[]"_s;
    QTest::newRow("null is there") << u"meta.n"_s << u"null"_s;
    QTest::newRow("quoted key") << u"meta[\"x y\"]"_s << u"3"_s;
    QTest::newRow("single quotes") << u"$['meta']['x y']"_s << u"3"_s;
    QTest::newRow("spaces around") << u"  balance "_s << u"-5"_s;
    QTest::newRow("missing key") << u"owner"_s << u"undefined"_s;
    QTest::newRow("index past the end") << u"items[2]"_s << u"undefined"_s;
    QTest::newRow("key into array") << u"items.q"_s << u"undefined"_s;
    QTest::newRow("index into object") << u"meta[0]"_s << u"undefined"_s;
    QTest::newRow("into a number") << u"balance.x"_s << u"undefined"_s;
    QTest::newRow("wildcard") << u"items[*].q"_s << u"undefined"_s;
}

void TestJsonDiff::valueAtResolvesPaths()
{
    QFETCH(QString, path);
    QFETCH(QString, value);
    const QJsonValue document = parse(R"({"balance": -5, "items": [{"q": 1}, {"q": 2, "tags": []}],
                                          "meta": {"n": null, "x y": 3}})");
    const Result<QJsonValue> found = valueAt(document, path);
    QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error().message));
    QCOMPARE(compact(*found), value);
}

QTEST_GUILESS_MAIN(TestJsonDiff)
#include "tst_jsondiff.moc"
