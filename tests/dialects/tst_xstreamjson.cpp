#include <core/dialects/xstreamjson.h>

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// XStream XML as JSON (xstreamToJson), the reading behind Axon's snapshots: objects, collections, scalars, XStream's
// type hints and name coding, empty elements; and XML it does not read, which leaves the snapshot as stored.
class TestXStreamJson : public QObject
{
    Q_OBJECT

private slots:
    void xstreamXmlReadsAsJson_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QByteArray>("json");

        QTest::newRow("nested objects, the root's name as its class")
            << "<com.example.Order><id>o-1</id><customer><name>Ana</name><address><city>Lisboa</city></address>"
               "</customer></com.example.Order>"_ba
            << R"({"@class":"com.example.Order","id":"o-1","customer":{"name":"Ana","address":{"city":"Lisboa"}}})"_ba;
        QTest::newRow("repeated elements are an array")
            << "<com.example.Cart><items><com.example.Item><sku>a</sku></com.example.Item>"
               "<com.example.Item><sku>b</sku></com.example.Item></items><note>x</note></com.example.Cart>"_ba
            << R"({"@class":"com.example.Cart","items":{"com.example.Item":[{"sku":"a"},{"sku":"b"}]},"note":"x"})"_ba;
        QTest::newRow("repeated elements apart are one array, at the first one's place")
            << "<a><x>1</x><y>2</y><x>3</x></a>"_ba
            << R"({"@class":"a","x":[1,3],"y":2})"_ba;
        QTest::newRow("a collection of one is a value") << "<a><items><int>1</int></items></a>"_ba
                                                        << R"({"@class":"a","items":{"int":1}})"_ba;
        QTest::newRow("numbers as written, booleans, everything else a string")
            << "<a><n>10</n><neg>-2.5e3</neg><zero>0</zero><fraction>10.50</fraction>"
               "<big>123456789012345678901234567890</big><lead>007</lead><space> 1</space><nan>NaN</nan>"
               "<plus>+1</plus><dot>1.</dot><yes>true</yes><no>false</no><upper>True</upper><text>hello</text></a>"_ba
            << R"({"@class":"a","n":10,"neg":-2.5e3,"zero":0,"fraction":10.50,)"
               R"("big":123456789012345678901234567890,"lead":"007","space":" 1","nan":"NaN",)"
               R"("plus":"+1","dot":"1.","yes":true,"no":false,"upper":"True","text":"hello"})"_ba;
        QTest::newRow("String and Character keep digits as text")
            << "<map><entry><string>42</string><string>true</string></entry><c class=\"char\">7</c>"
               "<v class=\"string\">7</v><w class=\"int\">7</w><empty class=\"string\"></empty></map>"_ba
            << R"({"@class":"map","entry":{"string":["42","true"]},"c":"7","v":"7","w":7,"empty":""})"_ba;
        QTest::newRow("class attributes")
            << "<com.example.Shop><owner class=\"com.example.Vip\"><name>Ana</name></owner>"
               "<tags class=\"linked-list\"><string>a</string><string>b</string></tags></com.example.Shop>"_ba
            << R"({"@class":"com.example.Shop","owner":{"@class":"com.example.Vip","name":"Ana"},)"
               R"("tags":{"@class":"linked-list","string":["a","b"]}})"_ba;
        QTest::newRow("a class attribute on the root wins over its name")
            << "<a class=\"com.example.B\"><x>1</x></a>"_ba
            << R"({"@class":"com.example.B","x":1})"_ba;
        QTest::newRow("XStream's name coding: _- is $, __ is _")
            << "<com.example.Notifications_-Sent><to__address>ana</to__address><odd___-name>1</odd___-name>"
               "<kind class=\"com.example.Kind$Mail\"/></com.example.Notifications_-Sent>"_ba
            << R"({"@class":"com.example.Notifications$Sent","to_address":"ana","odd_$name":1,)"
               R"("kind":{"@class":"com.example.Kind$Mail"}})"_ba;
        QTest::newRow("empty elements")
            << "<com.example.Account><note></note><tags/><owner class=\"com.example.Person\"/>"
               "<list><null/><null/></list></com.example.Account>"_ba
            << R"({"@class":"com.example.Account","note":null,"tags":null,)"
               R"("owner":{"@class":"com.example.Person"},"list":{"null":[null,null]}})"_ba;
        QTest::newRow("an empty root is an object of its class") << "<com.example.Account/>"_ba
                                                                 << R"({"@class":"com.example.Account"})"_ba;
        QTest::newRow("null as the whole document") << "<null/>"_ba
                                                    << "null"_ba;
        QTest::newRow("a text root is a value") << "<string>007</string>"_ba
                                                << R"("007")"_ba;
        QTest::newRow("references and other attributes")
            << "<a><first><id>1</id></first><second reference=\"../first\"/>"
               "<third resolves-to=\"list\"><int>2</int></third></a>"_ba
            << R"({"@class":"a","first":{"id":1},"second":{"@reference":"../first"},)"
               R"("third":{"@resolves-to":"list","int":2}})"_ba;
        QTest::newRow("non-ASCII text, kept as UTF-8")
            << u"<a><name>Zoë 東京 😀</name></a>"_s.toUtf8() << u"{\"@class\":\"a\",\"name\":\"Zoë 東京 😀\"}"_s.toUtf8();
        QTest::newRow("a declared encoding") << "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a><b>Zo\xeb</b></a>"_ba
                                             << u"{\"@class\":\"a\",\"b\":\"Zoë\"}"_s.toUtf8();
        QTest::newRow("entities, character references and CDATA")
            << "<a><t>a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &apos;s&apos; &#233;&#x1F600;</t>"
               "<c><![CDATA[<x> & 5]]></c><n>&#49;0</n></a>"_ba
            << u"{\"@class\":\"a\",\"t\":\"a < b && c > d \\\"q\\\" 's' é😀\",\"c\":\"<x> & 5\",\"n\":10}"_s.toUtf8();
        QTest::newRow("indentation is layout, a text's own blanks are text")
            << "<?xml version=\"1.0\"?>\n<!-- written by hand -->\n<a>\n  <b>\n    <c>1</c>\n  </b>\n"
               "  <s> </s>\n  <nl>\n</nl>\n</a>\n"_ba
            << R"({"@class":"a","b":{"c":1},"s":" ","nl":"\n"})"_ba;
    }
    void xstreamXmlReadsAsJson()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QByteArray, json);
        const std::optional<QByteArray> converted = xstreamToJson(xml);
        QVERIFY(converted);
        QCOMPARE(*converted, json);
        // Valid JSON as a strict parser reads it (wrapped, as QJsonDocument takes no scalar document).
        QJsonParseError error;
        QJsonDocument::fromJson('[' + *converted + ']', &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }

    void whatIsNotXStreamXmlIsNotRead_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::newRow("nothing") << QByteArray();
        QTest::newRow("JSON") << R"({"balance":10})"_ba;
        QTest::newRow("mismatched end tag") << "<com.example.Notifications_-Sent><to>ana</to></broken>"_ba;
        QTest::newRow("unclosed element") << "<a><b>1</b>"_ba;
        QTest::newRow("two roots") << "<a/><b/>"_ba;
        QTest::newRow("text after the root") << "<a/>junk"_ba;
        QTest::newRow("an undeclared entity") << "<a><b>&nope;</b></a>"_ba;
        QTest::newRow("a bare ampersand") << "<a><b>A & B</b></a>"_ba;
        QTest::newRow("text beside child elements") << "<a>x<b>1</b></a>"_ba;
        QTest::newRow("invalid UTF-8") << "<a><b>\xff\xfe</b></a>"_ba;
    }
    void whatIsNotXStreamXmlIsNotRead()
    {
        QFETCH(QByteArray, xml);
        QCOMPARE(xstreamToJson(xml), std::nullopt);
    }

    void nestingDeeperThanXStreamWritesIsNotRead()
    {
        const auto nested = [](int depth) -> QByteArray {
            return QByteArray("<a>").repeated(depth) + "1" + QByteArray("</a>").repeated(depth);
        };
        const std::optional<QByteArray> deepest = xstreamToJson(nested(256));
        QVERIFY(deepest);
        QVERIFY(deepest->endsWith(QByteArray(":1" + QByteArray("}").repeated(255))));
        QCOMPARE(xstreamToJson(nested(257)), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestXStreamJson)
#include "tst_xstreamjson.moc"
