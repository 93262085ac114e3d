#include "xstreamjson.h"

#include <core/model/jsontext.h>

#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QXmlStreamReader>

#include <algorithm>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Reading and writing recurse once per level, so the depth is bounded for the stack's sake. A projection's state
// stops at 64 levels (projectionruntime.js), so a deeper snapshot could not match one anyway.
constexpr int kMaxDepth = 256;

// One element as read. The whole tree is read before anything is written: whether a name is a field or a
// collection's members is known only when every sibling has been seen.
struct XmlElement
{
    QString name;
    QList<std::pair<QString, QString>> attributes; // decoded names, in document order
    std::vector<XmlElement> children;
    QString text;

    const QString* attribute(QStringView key) const
    {
        for (const auto& [name, value] : attributes) {
            if (name == key)
                return &value;
        }
        return nullptr;
    }
};

// XStream's XmlFriendlyNameCoder: '$' is written "_-" and '_' is written "__" (Outer$Inner as Outer_-Inner).
QString decodedName(QStringView name)
{
    QString decoded;
    decoded.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar next = i + 1 < name.size() ? name.at(i + 1) : QChar();
        if (name.at(i) == u'_' && (next == u'_' || next == u'-')) {
            decoded += next == u'_' ? u'_' : u'$';
            ++i;
        } else {
            decoded += name.at(i);
        }
    }
    return decoded;
}

// XML's own whitespace; QChar::isSpace() would also take a no-break space, which is text.
bool isXmlSpace(QStringView text)
{
    return std::all_of(
        text.begin(), text.end(), [](QChar c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r'; });
}

// RFC 8259's number grammar: what JSON text may hold as a number, so that writing the text as it is stays JSON.
bool isJsonNumber(QStringView text)
{
    qsizetype i = 0;
    const auto at = [&](char16_t c) { return i < text.size() && text.at(i) == c; };
    const auto digits = [&] {
        const qsizetype start = i;
        while (i < text.size() && text.at(i) >= u'0' && text.at(i) <= u'9')
            ++i;
        return i > start;
    };
    if (at(u'-'))
        ++i;
    if (at(u'0'))
        ++i;
    else if (!digits())
        return false;
    if (at(u'.')) {
        ++i;
        if (!digits())
            return false;
    }
    if (at(u'e') || at(u'E')) {
        ++i;
        if (at(u'+') || at(u'-'))
            ++i;
        if (!digits())
            return false;
    }
    return i == text.size();
}

// Reads from the start tag the reader stands on to its end tag. False when the XML is not well-formed (the reader
// then has an error) or is not what XStream writes.
bool readElement(QXmlStreamReader& reader, XmlElement& element, int depth)
{
    if (depth > kMaxDepth)
        return false;
    element.name = decodedName(reader.qualifiedName());
    const QXmlStreamAttributes attributes = reader.attributes();
    for (const QXmlStreamAttribute& attribute : attributes)
        element.attributes.emplace_back(decodedName(attribute.qualifiedName()), attribute.value().toString());
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement:
            if (!readElement(reader, element.children.emplace_back(), depth + 1))
                return false;
            break;
        case QXmlStreamReader::Characters:
            element.text += reader.text();
            break;
        case QXmlStreamReader::EndElement:
            // Between child elements only indentation is layout; other text beside them has no place in an object.
            if (!element.children.empty()) {
                if (!isXmlSpace(element.text))
                    return false;
                element.text.clear();
            }
            return true;
        case QXmlStreamReader::EntityReference:
            return false; // an entity the reader could not expand: its text is unknown
        default:
            break; // comments and processing instructions say nothing about the state
        }
    }
    return false;
}

QByteArray jsonString(const QString& text)
{
    return compactJsonValue(QJsonValue(text));
}

// java.lang.String and java.lang.Character under XStream's aliases: digits there are text, not a number.
bool holdsText(const XmlElement& element)
{
    const QString* hint = element.attribute(u"class");
    const QString& type = hint ? *hint : element.name;
    return type == u"string"_s || type == u"char"_s;
}

QByteArray scalar(const XmlElement& element)
{
    if (holdsText(element))
        return jsonString(element.text);
    if (element.text == u"true"_s || element.text == u"false"_s)
        return element.text.toLatin1();
    if (isJsonNumber(element.text))
        return element.text.toLatin1(); // ASCII by the grammar, written as XStream wrote it (long integers stay exact)
    return jsonString(element.text);
}

// `impliedClass`: the class the element's name stands for (the root's), unless a class attribute names one.
void writeValue(const XmlElement& element, const QString* impliedClass, QByteArray& out)
{
    if (element.children.empty()) {
        if (!element.text.isEmpty() || holdsText(element)) {
            out += scalar(element);
            return;
        }
        if (element.attributes.isEmpty() && !impliedClass) {
            out += "null";
            return;
        }
    }
    bool first = true;
    const auto key = [&](const QString& name) {
        out += first ? "{" : ",";
        first = false;
        out += jsonString(name);
        out += ':';
    };
    if (impliedClass && !element.attribute(u"class")) {
        key(u"@class"_s);
        out += jsonString(*impliedClass);
    }
    for (const auto& [name, value] : element.attributes) {
        key(u'@' + name);
        out += jsonString(value);
    }
    // Siblings with one name are one key, at the first one's place.
    QList<QString> names;
    QHash<QString, QList<const XmlElement*>> byName;
    for (const XmlElement& child : element.children) {
        QList<const XmlElement*>& same = byName[child.name];
        if (same.isEmpty())
            names.append(child.name);
        same.append(&child);
    }
    for (const QString& name : std::as_const(names)) {
        key(name);
        const QList<const XmlElement*>& same = byName[name];
        if (same.size() == 1) {
            writeValue(*same.first(), nullptr, out);
            continue;
        }
        out += '[';
        for (qsizetype i = 0; i < same.size(); ++i) {
            if (i > 0)
                out += ',';
            writeValue(*same.at(i), nullptr, out);
        }
        out += ']';
    }
    out += first ? "{}" : "}";
}

} // namespace

std::optional<QByteArray> xstreamToJson(const QByteArray& xml)
{
    QXmlStreamReader reader(xml);
    // XStream writes no namespaces; a name with a colon is just a name.
    reader.setNamespaceProcessing(false);
    XmlElement root;
    bool haveRoot = false;
    while (!reader.atEnd()) {
        const QXmlStreamReader::TokenType token = reader.readNext();
        if (token == QXmlStreamReader::EntityReference)
            return std::nullopt;
        if (token != QXmlStreamReader::StartElement)
            continue;
        // A second root element is the reader's error already; checked here as well so as not to overwrite the first.
        if (haveRoot || !readElement(reader, root, 1))
            return std::nullopt;
        haveRoot = true;
    }
    if (reader.hasError() || !haveRoot)
        return std::nullopt;
    QByteArray json;
    // `<null/>` is how XStream writes a null object; any other root's name is its class.
    const bool isNull = root.name == u"null"_s && root.attributes.isEmpty() && root.children.empty();
    writeValue(root, isNull ? nullptr : &root.name, json);
    return json;
}

} // namespace EventScope
