#include "jsonnode.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringDecoder>

#include <algorithm>
#include <charconv>
#include <limits>
#include <string_view>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// QJsonDocument refuses deeper documents too; it also bounds the recursion of the parser and of the diff.
constexpr int kMaxDepth = 1024;
// Objects with more members get a key index; below it a scan is faster than a hash lookup.
constexpr qsizetype kIndexedObject = 8;
using Kind = JsonNode::Kind;
using Integer = JsonNode::Integer;

size_t mix(size_t h)
{
    // splitmix64's finaliser: sums and xors of child hashes stay well spread.
    quint64 z = quint64(h) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return size_t(z ^ (z >> 31));
}

} // namespace

qsizetype JsonNode::find(const QString& key, qsizetype hint) const
{
    const auto& members = children;
    if (hint >= 0 && hint < qsizetype(members.size()) && members[size_t(hint)].key == key)
        return hint;
    if (keyIndex)
        return keyIndex->value(key, -1);
    for (size_t i = 0; i < members.size(); ++i) {
        if (members[i].key == key)
            return qsizetype(i);
    }
    return -1;
}

namespace {

bool numbersEqual(const JsonNode& a, const JsonNode& b)
{
    if (a.integerForm != Integer::None && b.integerForm != Integer::None) {
        if (a.integerForm != b.integerForm)
            return false;
        return a.integerForm == Integer::Fits ? a.integer == b.integer : a.text == b.text;
    }
    return a.number == b.number;
}

} // namespace

bool JsonNode::sameAs(const JsonNode& other) const
{
    const JsonNode& a = *this;
    const JsonNode& b = other;
    if (a.hash != b.hash || a.kind != b.kind)
        return false;
    switch (a.kind) {
    case Kind::Number:
        return numbersEqual(a, b);
    case Kind::String:
        return a.text == b.text;
    case Kind::Array:
        if (a.children.size() != b.children.size())
            return false;
        for (size_t i = 0; i < a.children.size(); ++i) {
            if (!a.children[i].sameAs(b.children[i]))
                return false;
        }
        return true;
    case Kind::Object:
        if (a.children.size() != b.children.size())
            return false;
        for (size_t i = 0; i < a.children.size(); ++i) {
            const qsizetype j = b.find(a.children[i].key, qsizetype(i));
            if (j < 0 || !a.children[i].sameAs(b.children[size_t(j)]))
                return false;
        }
        return true;
    default:
        return true;
    }
}

QJsonValue JsonNode::toJsonValue() const
{
    const JsonNode& node = *this;
    switch (node.kind) {
    case Kind::Null:
        return QJsonValue(QJsonValue::Null);
    case Kind::False:
        return false;
    case Kind::True:
        return true;
    case Kind::Number:
        return node.integerForm == Integer::Fits ? QJsonValue(node.integer) : QJsonValue(node.number);
    case Kind::String:
        return node.text;
    case Kind::Array: {
        QJsonArray array;
        for (const JsonNode& child : node.children)
            array.append(child.toJsonValue());
        return array;
    }
    case Kind::Object: {
        QJsonObject object;
        for (const JsonNode& child : node.children)
            object.insert(child.key, child.toJsonValue());
        return object;
    }
    }
    return {};
}

namespace {

JsonNode fromQJson(const QJsonValue& value, const QSet<QString>& ignoredKeys)
{
    JsonNode node;
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    case QJsonValue::Bool:
        node.kind = value.toBool() ? Kind::True : Kind::False;
        break;
    case QJsonValue::Double: {
        node.kind = Kind::Number;
        node.number = value.toDouble();
        // QJsonValue keeps integers that fit in 64 bits exactly; toInteger() returns them, and 0 for a fraction.
        const qint64 integer = value.toInteger();
        if (double(integer) == node.number) {
            node.integerForm = Integer::Fits;
            node.integer = integer;
        }
        break;
    }
    case QJsonValue::String:
        node.kind = Kind::String;
        node.text = value.toString();
        break;
    case QJsonValue::Array: {
        node.kind = Kind::Array;
        const QJsonArray array = value.toArray();
        node.children.reserve(size_t(array.size()));
        for (const QJsonValue& element : array)
            node.children.push_back(fromQJson(element, ignoredKeys));
        break;
    }
    case QJsonValue::Object: {
        node.kind = Kind::Object;
        const QJsonObject object = value.toObject();
        node.children.reserve(size_t(object.size()));
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (ignoredKeys.contains(it.key()))
                continue;
            node.children.push_back(fromQJson(it.value(), ignoredKeys));
            node.children.back().key = it.key();
        }
        break;
    }
    }
    return node;
}

// A strict JSON reader (RFC 8259) over text already decoded from UTF-8. Unlike QJsonDocument it keeps the order of
// keys and the digits of integers too long for 64 bits. A repeated key keeps its first place and its last value.
class TextReader
{
public:
    TextReader(QStringView text, const QSet<QString>& ignoredKeys)
        : m_text(text)
        , m_ignoredKeys(ignoredKeys)
    { }

    bool read(JsonNode& root)
    {
        skipSpace();
        if (!readValue(root, 0))
            return false;
        skipSpace();
        return m_pos == m_text.size() || fail(u"unexpected text after the document"_s);
    }

    QString error() const { return m_error; }

private:
    bool fail(const QString& what)
    {
        m_error = u"%1 at character %2"_s.arg(what).arg(m_pos + 1);
        return false;
    }

    QChar peek() const { return m_pos < m_text.size() ? m_text.at(m_pos) : QChar(); }

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char16_t c = m_text.at(m_pos).unicode();
            if (c != u' ' && c != u'\t' && c != u'\n' && c != u'\r')
                return;
            ++m_pos;
        }
    }

    bool readValue(JsonNode& node, int depth)
    {
        if (depth > kMaxDepth)
            return fail(u"nested deeper than %1 levels"_s.arg(kMaxDepth));
        switch (peek().unicode()) {
        case u'{':
            return readObject(node, depth);
        case u'[':
            return readArray(node, depth);
        case u'"':
            node.kind = Kind::String;
            return readString(node.text);
        case u't':
            node.kind = Kind::True;
            return readWord(u"true");
        case u'f':
            node.kind = Kind::False;
            return readWord(u"false");
        case u'n':
            node.kind = Kind::Null;
            return readWord(u"null");
        default:
            if (peek() == u'-' || (peek() >= u'0' && peek() <= u'9'))
                return readNumber(node);
            return fail(m_pos < m_text.size() ? u"expected a value"_s : u"unexpected end of the text"_s);
        }
    }

    bool readWord(QStringView word)
    {
        if (m_text.mid(m_pos, word.size()) != word)
            return fail(u"expected a value"_s);
        m_pos += word.size();
        return true;
    }

    bool readObject(JsonNode& node, int depth)
    {
        node.kind = Kind::Object;
        ++m_pos;
        skipSpace();
        if (peek() == u'}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            if (peek() != u'"')
                return fail(u"expected a key in quotes"_s);
            QString key;
            if (!readString(key))
                return false;
            skipSpace();
            if (peek() != u':')
                return fail(u"expected \":\""_s);
            ++m_pos;
            skipSpace();
            JsonNode child;
            if (!readValue(child, depth + 1))
                return false;
            if (!m_ignoredKeys.contains(key)) {
                child.key = std::move(key);
                node.children.push_back(std::move(child));
            }
            skipSpace();
            if (peek() == u'}') {
                ++m_pos;
                return true;
            }
            if (peek() != u',')
                return fail(u"expected \",\" or \"}\""_s);
            ++m_pos;
            skipSpace();
        }
    }

    bool readArray(JsonNode& node, int depth)
    {
        node.kind = Kind::Array;
        ++m_pos;
        skipSpace();
        if (peek() == u']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            node.children.emplace_back();
            if (!readValue(node.children.back(), depth + 1))
                return false;
            skipSpace();
            if (peek() == u']') {
                ++m_pos;
                return true;
            }
            if (peek() != u',')
                return fail(u"expected \",\" or \"]\""_s);
            ++m_pos;
            skipSpace();
        }
    }

    bool readString(QString& out)
    {
        ++m_pos; // the opening quote
        qsizetype start = m_pos;
        while (m_pos < m_text.size()) {
            const char16_t c = m_text.at(m_pos).unicode();
            if (c == u'"') {
                out += m_text.mid(start, m_pos - start);
                ++m_pos;
                return true;
            }
            if (c < 0x20)
                return fail(u"a control character inside a string"_s);
            if (c != u'\\') {
                ++m_pos;
                continue;
            }
            out += m_text.mid(start, m_pos - start);
            if (++m_pos >= m_text.size())
                break;
            if (!readJsonEscape(m_text, m_pos, out))
                return fail(u"not a JSON escape"_s);
            start = ++m_pos;
        }
        return fail(u"a string without its closing quote"_s);
    }

    bool readNumber(JsonNode& node)
    {
        const qsizetype start = m_pos;
        const auto digits = [this] {
            const qsizetype first = m_pos;
            while (m_pos < m_text.size() && m_text.at(m_pos) >= u'0' && m_text.at(m_pos) <= u'9')
                ++m_pos;
            return m_pos - first;
        };
        if (peek() == u'-')
            ++m_pos;
        const qsizetype integerStart = m_pos;
        const qsizetype integerDigits = digits();
        if (integerDigits == 0)
            return fail(u"expected a digit"_s);
        if (integerDigits > 1 && m_text.at(integerStart) == u'0')
            return fail(u"a number with a leading zero"_s, integerStart);
        bool isInteger = true;
        if (peek() == u'.') {
            ++m_pos;
            isInteger = false;
            if (digits() == 0)
                return fail(u"expected a digit after \".\""_s);
        }
        if (peek() == u'e' || peek() == u'E') {
            ++m_pos;
            isInteger = false;
            if (peek() == u'+' || peek() == u'-')
                ++m_pos;
            if (digits() == 0)
                return fail(u"expected a digit in the exponent"_s);
        }
        const QStringView literal = m_text.mid(start, m_pos - start);
        node.kind = Kind::Number;
        // QStringView::toDouble() and toLongLong() go through the locale machinery and took most of the time of
        // reading a document of numbers; the literal is ASCII by the grammar above, so read it directly.
        if (isInteger && readInteger(literal, node.integer)) {
            node.integerForm = Integer::Fits;
            node.number = double(node.integer);
            return true;
        }
        if (isInteger) {
            node.integerForm = Integer::Long;
            node.text = literal.toString();
        }
        const QByteArray ascii = literal.toLatin1();
        const auto [end, error] = std::from_chars(ascii.cbegin(), ascii.cend(), node.number);
        if (error != std::errc())
            node.number = literal.toDouble(); // out of range: infinity for 1e400 (JSON allows it), 0 for 1e-400
        return true;
    }

    // An optional minus and digits; false when the value does not fit in 64 bits.
    static bool readInteger(QStringView literal, qint64& value)
    {
        const bool negative = literal.front() == u'-';
        quint64 magnitude = 0;
        for (qsizetype i = negative ? 1 : 0; i < literal.size(); ++i) {
            const auto digit = quint64(literal.at(i).unicode() - u'0');
            if (magnitude > (std::numeric_limits<quint64>::max() - digit) / 10)
                return false;
            magnitude = magnitude * 10 + digit;
        }
        const quint64 limit = quint64(std::numeric_limits<qint64>::max()) + (negative ? 1 : 0);
        if (magnitude > limit)
            return false;
        value = negative ? qint64(0 - magnitude) : qint64(magnitude);
        return true;
    }

    bool fail(const QString& what, qsizetype at)
    {
        m_pos = at;
        return fail(what);
    }

    QStringView m_text;
    const QSet<QString>& m_ignoredKeys;
    qsizetype m_pos = 0;
    QString m_error;
};

// Removes what `path` names, from `depth` on, in both documents alike.
void prune(JsonNode& node, const QList<JsonPath::Segment>& path, qsizetype depth)
{
    const JsonPath::Segment& segment = path.at(depth);
    const bool last = depth + 1 == path.size();
    auto& children = node.children;
    switch (segment.kind) {
    case JsonPath::Segment::Kind::Key:
        if (node.kind != Kind::Object)
            return;
        if (last) {
            std::erase_if(children, [&](const JsonNode& child) { return child.key == segment.key; });
            return;
        }
        for (JsonNode& child : children) {
            if (child.key == segment.key)
                prune(child, path, depth + 1);
        }
        return;
    case JsonPath::Segment::Kind::Index:
        if (node.kind != Kind::Array || segment.index >= qsizetype(children.size()))
            return;
        if (last)
            children.erase(children.begin() + segment.index);
        else
            prune(children[size_t(segment.index)], path, depth + 1);
        return;
    case JsonPath::Segment::Kind::AnyIndex:
        if (node.kind != Kind::Array)
            return;
        if (last)
            children.clear();
        for (JsonNode& child : children)
            prune(child, path, depth + 1);
        return;
    }
}

// Merges repeated keys (first place, last value) and indexes large objects.
void indexObject(JsonNode& node)
{
    auto& members = node.children;
    if (qsizetype(members.size()) <= kIndexedObject) {
        for (size_t i = 1; i < members.size(); ++i) {
            for (size_t j = 0; j < i; ++j) {
                if (members[j].key == members[i].key) {
                    members[j] = std::move(members[i]);
                    members.erase(members.begin() + qsizetype(i--));
                    break;
                }
            }
        }
        return;
    }
    auto index = std::make_unique<QHash<QString, qsizetype>>();
    index->reserve(qsizetype(members.size()));
    for (size_t i = 0; i < members.size(); ++i) {
        const auto found = index->constFind(members[i].key);
        if (found == index->constEnd()) {
            index->insert(members[i].key, qsizetype(i));
            continue;
        }
        members[size_t(*found)] = std::move(members[i]);
        members.erase(members.begin() + qsizetype(i--));
    }
    node.keyIndex = std::move(index);
}

void computeHashes(JsonNode& node)
{
    switch (node.kind) {
    case Kind::Null:
    case Kind::False:
    case Kind::True:
        node.hash = mix(size_t(node.kind));
        return;
    case Kind::Number:
        // Equal numbers have equal doubles (see numbersEqual), so the double is what is hashed; -0 is 0.
        node.hash = mix(qHash(node.number == 0 ? 0.0 : node.number) + size_t(Kind::Number));
        return;
    case Kind::String:
        node.hash = mix(qHash(node.text) + size_t(Kind::String));
        return;
    case Kind::Array: {
        size_t hash = size_t(Kind::Array);
        for (JsonNode& child : node.children) {
            computeHashes(child);
            hash = mix(hash + child.hash);
        }
        node.hash = hash;
        return;
    }
    case Kind::Object: {
        indexObject(node);
        size_t hash = mix(size_t(Kind::Object));
        for (JsonNode& child : node.children) {
            computeHashes(child);
            hash += mix(qHash(child.key) ^ child.hash); // a sum: member order does not matter
        }
        node.hash = hash;
        return;
    }
    }
}

void prepare(JsonNode& root, const JsonDiffOptions& options)
{
    for (const JsonPath& path : options.ignoredPaths) {
        if (!path.isRoot())
            prune(root, path.segments(), 0);
    }
    computeHashes(root);
}

} // namespace

Result<JsonNode> JsonNode::read(QByteArrayView json, const char* which, const JsonDiffOptions& options)
{
    const auto invalid = [which](const QString& why) {
        return StoreError { StoreError::Kind::InvalidArgument,
            u"The \"%1\" document is not valid JSON: %2"_s.arg(QLatin1StringView(which), why) };
    };
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(json);
    if (decoder.hasError())
        return invalid(u"the text is not valid UTF-8"_s);
    if (QStringView(text).trimmed().isEmpty())
        return invalid(u"the text is empty"_s);
    JsonNode root;
    TextReader reader(text, options.ignoredKeys);
    if (!reader.read(root))
        return invalid(reader.error());
    prepare(root, options);
    return root;
}

JsonNode JsonNode::read(const QJsonValue& value, const JsonDiffOptions& options)
{
    JsonNode root = fromQJson(value, options.ignoredKeys);
    prepare(root, options);
    return root;
}

bool readJsonEscape(QStringView text, qsizetype& pos, QString& out)
{
    static constexpr std::u16string_view kLetters = u"\"\\/bfnrt";
    static constexpr std::u16string_view kMeanings = u"\"\\/\b\f\n\r\t";
    if (pos >= text.size())
        return false;
    const char16_t letter = text.at(pos).unicode();
    if (const size_t found = kLetters.find(letter); found != std::u16string_view::npos) {
        out += QChar(kMeanings[found]);
        return true;
    }
    if (letter != u'u' || pos + 4 >= text.size())
        return false;
    bool ok = false;
    const QStringView digits = text.mid(pos + 1, 4);
    const bool allHex = std::all_of(digits.begin(), digits.end(),
        [](QChar c) { return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'); });
    const auto code = char16_t(allHex ? digits.toUShort(&ok, 16) : 0);
    if (!ok)
        return false;
    out += QChar(code); // a surrogate pair arrives as two escapes and joins up in `out`
    pos += 4;
    return true;
}

} // namespace EventScope
