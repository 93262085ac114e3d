#include <core/model/payload.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// Payload helpers: every kind of bytes a store may hold is classified, exported and previewed as
// what it is; JSON keeps its key order in the CLI's text and is never dropped.
class TestPayload : public QObject
{
    Q_OBJECT

private slots:
    void classifiesEveryKind_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<PayloadKind>("kind");
        QTest::newRow("object") << QByteArray(R"({"a":1,"b":[true,null]})") << PayloadKind::Json;
        QTest::newRow("array") << QByteArray("[1,2,3]") << PayloadKind::Json;
        QTest::newRow("empty array") << QByteArray("[]") << PayloadKind::Json;
        QTest::newRow("string") << QByteArray(R"("str")") << PayloadKind::Json;
        QTest::newRow("number") << QByteArray("42") << PayloadKind::Json;
        QTest::newRow("negative number") << QByteArray("-1.5e3") << PayloadKind::Json;
        QTest::newRow("null") << QByteArray("null") << PayloadKind::Json;
        QTest::newRow("true") << QByteArray("true") << PayloadKind::Json;
        QTest::newRow("false") << QByteArray("false") << PayloadKind::Json;
        QTest::newRow("surrounding whitespace") << QByteArray(" \n\t{ \"a\" : 1 }\r\n ") << PayloadKind::Json;
        QTest::newRow("scalar with whitespace") << QByteArray("  42\n") << PayloadKind::Json;
        QTest::newRow("unicode") << QByteArray(R"({"name":"Zoë 東京 🛒"})") << PayloadKind::Json;
        QTest::newRow("truncated object") << QByteArray(R"({"orderId":2,)") << PayloadKind::Text;
        QTest::newRow("two scalars") << QByteArray("1, 2") << PayloadKind::Text;
        QTest::newRow("two objects") << QByteArray("{} {}") << PayloadKind::Text;
        QTest::newRow("unquoted word") << QByteArray("hello world") << PayloadKind::Text;
        QTest::newRow("starts like true") << QByteArray("trueish") << PayloadKind::Text;
        QTest::newRow("only whitespace") << QByteArray("  \n ") << PayloadKind::Text;
        QTest::newRow("invalid utf-8") << QByteArray("\xff\xfe\x00\x01photo", 9) << PayloadKind::Binary;
        QTest::newRow("invalid utf-8 inside json") << QByteArray("{\"a\":\"\xff\"}") << PayloadKind::Binary;
        QTest::newRow("nul bytes") << QByteArray("\x00\x00\x00", 3) << PayloadKind::Text;
        QTest::newRow("empty") << QByteArray() << PayloadKind::Empty;
        QTest::newRow("empty not null") << QByteArray("") << PayloadKind::Empty;
    }
    void classifiesEveryKind()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(PayloadKind, kind);
        QCOMPARE(classifyPayload(bytes), kind);
        const DecodedPayload decoded = decodePayload(bytes);
        QCOMPARE(decoded.kind, kind);
        // Only JSON is free of a problem; everything else says why it is not JSON.
        QCOMPARE(decoded.problem.isEmpty(), kind == PayloadKind::Json || kind == PayloadKind::Empty);
        QVERIFY2(!decoded.problem.contains(u"no error"_s), qPrintable(decoded.problem));
    }

    void decodesJsonValues()
    {
        QCOMPARE(decodePayload(R"({"a":1,"b":[true,null]})").json,
            QJsonValue(QJsonObject { { u"a"_s, 1 }, { u"b"_s, QJsonArray { true, QJsonValue::Null } } }));
        QCOMPARE(decodePayload("[1,2,3]").json, QJsonValue(QJsonArray { 1, 2, 3 }));
        QCOMPARE(decodePayload(R"("str")").json, QJsonValue(u"str"_s));
        QCOMPARE(decodePayload("42").json, QJsonValue(42));
        QCOMPARE(decodePayload(" -1.5e3 ").json, QJsonValue(-1500.0));
        QCOMPARE(decodePayload("null").json, QJsonValue(QJsonValue::Null));
        QCOMPARE(decodePayload("true").json, QJsonValue(true));
        QCOMPARE(decodePayload(R"({"name":"Zoë 東京 🛒"})").json.toObject().value(u"name"_s).toString(),
            u"Zoë 東京 🛒"_s);
    }

    void invalidJsonSaysWhereItBroke()
    {
        const DecodedPayload decoded = decodePayload(R"({"orderId":2,)");
        QCOMPARE(decoded.kind, PayloadKind::Text);
        QVERIFY2(decoded.problem.startsWith(u"not valid JSON: "_s), qPrintable(decoded.problem));
        QVERIFY2(decoded.problem.contains(u"at byte "_s), qPrintable(decoded.problem));
        // A scalar is parsed wrapped in [ ]; the offset must still count the payload's own bytes.
        const DecodedPayload scalar = decodePayload("tru");
        QCOMPARE(scalar.kind, PayloadKind::Text);
        QVERIFY2(scalar.problem.startsWith(u"not valid JSON: "_s), qPrintable(scalar.problem));
        QCOMPARE(decodePayload("hello").problem, u"not JSON"_s);
        QCOMPARE(decodePayload(QByteArray("\xff\xfe", 2)).problem, u"binary: not valid UTF-8"_s);
    }

    void kindNames()
    {
        QCOMPARE(payloadKindName(PayloadKind::Empty), u"empty"_s);
        QCOMPARE(payloadKindName(PayloadKind::Json), u"json"_s);
        QCOMPARE(payloadKindName(PayloadKind::Text), u"text"_s);
        QCOMPARE(payloadKindName(PayloadKind::Binary), u"binary"_s);
    }

    void exportsAsJson()
    {
        QCOMPARE(payloadToJson(QByteArray()), QJsonValue(QJsonValue::Null));
        QCOMPARE(payloadToJson(R"({"a":1})"), QJsonValue(QJsonObject { { u"a"_s, 1 } }));
        QCOMPARE(payloadToJson("null"), QJsonValue(QJsonValue::Null));
        QCOMPARE(payloadToJson(R"("s")"), QJsonValue(u"s"_s));
        QCOMPARE(payloadToJson(QByteArray("\xff\xfe\x00\x01", 4)),
            QJsonValue(QJsonObject { { u"$base64"_s, u"//4AAQ=="_s } }));
        // Text that is not JSON is exported as bytes too, so it comes back exactly.
        QCOMPARE(
            payloadToJson(R"({"orderId":2,)"), QJsonValue(QJsonObject { { u"$base64"_s, u"eyJvcmRlcklkIjoyLA=="_s } }));
    }

    void jsonTextKeepsKeyOrder_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray() << QByteArray("null");
        QTest::newRow("key order") << QByteArray(R"({"z":1,"a":2,"m":3})") << QByteArray(R"({"z":1,"a":2,"m":3})");
        QTest::newRow("whitespace") << QByteArray("{ \"z\" : 1 ,\n  \"a\" : [ 1 , 2 ]\t}\n")
                                    << QByteArray(R"({"z":1,"a":[1,2]})");
        QTest::newRow("spaces in strings") << QByteArray(R"({ "a b" : "c  d" })") << QByteArray(R"({"a b":"c  d"})");
        QTest::newRow("escaped quote") << QByteArray(
            "{ \"a\" : \"say \\\"hi there\\\" \", \"b\" : \"\\\\\" , \"c\" : 1 }")
                                       << QByteArray("{\"a\":\"say \\\"hi there\\\" \",\"b\":\"\\\\\",\"c\":1}");
        QTest::newRow("unicode kept") << QByteArray(R"({ "n" : "Zoë 東京" })") << QByteArray(R"({"n":"Zoë 東京"})");
        QTest::newRow("scalar") << QByteArray(" 42 ") << QByteArray("42");
        QTest::newRow("string") << QByteArray(R"( "a b" )") << QByteArray(R"("a b")");
        QTest::newRow("null") << QByteArray("null") << QByteArray("null");
        QTest::newRow("invalid json") << QByteArray(R"({"orderId":2,)")
                                      << QByteArray(R"({"$base64":"eyJvcmRlcklkIjoyLA=="})");
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01", 4) << QByteArray("{\"$base64\":\"//4AAQ==\"}");
    }
    void jsonTextKeepsKeyOrder()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, text);
        QCOMPARE(payloadJsonText(bytes), text);
        // Whatever it is, the text is valid JSON.
        QCOMPARE(classifyPayload(payloadJsonText(bytes)), PayloadKind::Json);
    }

    void compactJsonKeepsStringsByteForByte()
    {
        QCOMPARE(compactJson("{\n  \"a\" : \"x\\ty \\\" z\",\n  \"b\" : [ ]\n}"),
            QByteArray("{\"a\":\"x\\ty \\\" z\",\"b\":[]}"));
        QCOMPARE(compactJson(""), QByteArray());
        QCOMPARE(compactJson("[\"\\\\\", \" \"]"), QByteArray("[\"\\\\\",\" \"]"));
    }

    void previewIsOneLine_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("preview");
        QTest::newRow("empty") << QByteArray() << QString();
        QTest::newRow("compact object") << QByteArray(R"({"z":1,"a":"b c"})") << uR"({"z":1,"a":"b c"})"_s;
        QTest::newRow("indented object") << QByteArray("{\n  \"z\": 1,\n  \"a\": [1, 2]\n}\n")
                                         << uR"({"z":1,"a":[1,2]})"_s;
        QTest::newRow("scalar") << QByteArray("\"just a string\"") << u"\"just a string\""_s;
        QTest::newRow("number") << QByteArray("42") << u"42"_s;
        QTest::newRow("text on lines") << QByteArray("line one\n  line  two\n") << u"line one line two"_s;
        QTest::newRow("invalid json stays as typed") << QByteArray("{ not json }") << u"{ not json }"_s;
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01photo", 9) << u"<binary, 9 bytes>"_s;
        QTest::newRow("unicode") << QByteArray(R"({"n":"Zoë 東京 🛒"})") << uR"({"n":"Zoë 東京 🛒"})"_s;
    }
    void previewIsOneLine()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, preview);
        QCOMPARE(payloadPreview(bytes), preview);
    }

    void previewCutsAtMaxChars()
    {
        QCOMPARE(payloadPreview("abcdefghij", 5), u"abcd…"_s);
        QCOMPARE(payloadPreview("abcde", 5), u"abcde"_s);
        QCOMPARE(payloadPreview(R"({"a": "bcdefghij"})", 8), uR"({"a":"b…)"_s);
    }

    void largePayloads()
    {
        // ~100 KB like the demo's DocumentAttached: JSON, exported whole, previewed from its start.
        QByteArray big = R"({"kind":"document","content":")";
        while (big.size() < 100 * 1024)
            big += "Zoë ist in Zürich. ";
        big += R"("})";
        QCOMPARE(classifyPayload(big), PayloadKind::Json);
        QCOMPARE(
            payloadToJson(big).toObject().value(u"content"_s).toString().size(), QString::fromUtf8(big).size() - 32);
        QCOMPARE(payloadJsonText(big), big);
        const QString preview = payloadPreview(big);
        QCOMPARE(preview.size(), 200);
        QCOMPARE(preview, QString::fromUtf8(big).left(199) + u'…');

        // A cut inside a multi-byte character at the preview window is not mistaken for binary.
        QByteArray twoByte = "\"";
        while (twoByte.size() < 100 * 1024)
            twoByte += "é";
        twoByte += '"';
        QCOMPARE(classifyPayload(twoByte), PayloadKind::Json);
        for (int maxChars : { 10, 199, 200, 201 }) {
            const QString cut = payloadPreview(twoByte.mid(1), maxChars);
            QCOMPARE(cut, QString(maxChars - 1, u'é') + u'…');
        }

        // Large binary is still binary, with its size.
        QByteArray binary(100 * 1024, '\xff');
        QCOMPARE(classifyPayload(binary), PayloadKind::Binary);
        QCOMPARE(payloadPreview(binary), u"<binary, 102400 bytes>"_s);
        // Binary after a valid start is found when the whole payload fits the preview window.
        QCOMPARE(payloadPreview(QByteArray("abc\xff", 4)), u"<binary, 4 bytes>"_s);
    }
};

QTEST_GUILESS_MAIN(TestPayload)
#include "tst_payload.moc"
