#include "jsonpath.h"

#include "jsonnode.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

// What an unquoted key may hold when a user types it: more than isIdentifier() allows, so that `größe` or
// `2024` also work, but nothing that could be a delimiter.
bool isBareKeyCharacter(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

void appendQuoted(QString& out, const QString& key)
{
    out += u"[\""_s;
    for (const QChar c : key) {
        switch (c.unicode()) {
        case u'"':
            out += u"\\\""_s;
            break;
        case u'\\':
            out += u"\\\\"_s;
            break;
        case u'\n':
            out += u"\\n"_s;
            break;
        case u'\r':
            out += u"\\r"_s;
            break;
        case u'\t':
            out += u"\\t"_s;
            break;
        case u'\b':
            out += u"\\b"_s;
            break;
        case u'\f':
            out += u"\\f"_s;
            break;
        default:
            if (c.unicode() < 0x20)
                out += u"\\u%1"_s.arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += u"\"]"_s;
}

QString spell(const QList<JsonPath::Segment>& segments, bool jsonPath)
{
    if (segments.isEmpty())
        return u"$"_s;
    QString out;
    if (jsonPath)
        out += u'$';
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const JsonPath::Segment& segment = segments.at(i);
        switch (segment.kind) {
        case JsonPath::Segment::Kind::Key:
            // A first key of exactly "$" would read back as the root in the short spelling.
            if (JsonPath::isIdentifier(segment.key) && (jsonPath || i > 0 || segment.key != u"$"_s)) {
                if (jsonPath || i > 0)
                    out += u'.';
                out += segment.key;
            } else {
                appendQuoted(out, segment.key);
            }
            break;
        case JsonPath::Segment::Kind::Index:
            out += u'[' + QString::number(segment.index) + u']';
            break;
        case JsonPath::Segment::Kind::AnyIndex:
            out += u"[*]"_s;
            break;
        }
    }
    return out;
}

class PathParser
{
public:
    explicit PathParser(QStringView text)
        : m_text(text)
    { }

    Result<JsonPath> parse()
    {
        QList<JsonPath::Segment> segments;
        if (m_text.isEmpty())
            return JsonPath();
        if (m_text.at(0) == u'$' && (m_text.size() == 1 || m_text.at(1) == u'.' || m_text.at(1) == u'['))
            m_pos = 1;
        else if (m_text.at(0) != u'[') {
            QString key;
            if (!readBareKey(key))
                return fail(u"expected a key, \"$\" or \"[\""_s);
            segments.append(JsonPath::Segment::member(key));
        }
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos);
            if (c == u'.') {
                ++m_pos;
                QString key;
                if (!readBareKey(key))
                    return fail(u"expected a key after \".\" (quote other keys: [\"a b\"])"_s);
                segments.append(JsonPath::Segment::member(key));
            } else if (c == u'[') {
                ++m_pos;
                JsonPath::Segment segment;
                if (!readBracket(segment))
                    return fail(m_error);
                segments.append(std::move(segment));
            } else {
                return fail(u"expected \".\" or \"[\""_s);
            }
        }
        return JsonPath(std::move(segments));
    }

private:
    StoreError fail(const QString& what) const
    {
        return StoreError { StoreError::Kind::InvalidArgument,
            u"\"%1\" is not a valid path: %2 at character %3"_s.arg(m_text.toString(), what).arg(m_pos + 1) };
    }

    bool readBareKey(QString& key)
    {
        const qsizetype start = m_pos;
        while (m_pos < m_text.size() && isBareKeyCharacter(m_text.at(m_pos)))
            ++m_pos;
        key = m_text.mid(start, m_pos - start).toString();
        return !key.isEmpty();
    }

    // After "[": an index, "*" or a quoted key, then "]".
    bool readBracket(JsonPath::Segment& segment)
    {
        if (m_pos >= m_text.size()) {
            m_error = u"expected an index, \"*\" or a quoted key after \"[\""_s;
            return false;
        }
        const QChar c = m_text.at(m_pos);
        if (c == u'*') {
            ++m_pos;
            segment = JsonPath::Segment::anyElement();
        } else if (c.isDigit() && c.unicode() < 0x80) {
            const qsizetype start = m_pos;
            while (m_pos < m_text.size() && m_text.at(m_pos).unicode() < 0x80 && m_text.at(m_pos).isDigit())
                ++m_pos;
            bool ok = false;
            const qlonglong index = m_text.mid(start, m_pos - start).toLongLong(&ok);
            if (!ok) {
                m_pos = start;
                m_error = u"index too large"_s;
                return false;
            }
            segment = JsonPath::Segment::element(index);
        } else if (c == u'"' || c == u'\'') {
            ++m_pos;
            QString key;
            if (!readQuoted(c, key))
                return false;
            segment = JsonPath::Segment::member(key);
        } else {
            m_error = u"expected an index, \"*\" or a quoted key after \"[\""_s;
            return false;
        }
        if (m_pos >= m_text.size() || m_text.at(m_pos) != u']') {
            m_error = u"expected \"]\""_s;
            return false;
        }
        ++m_pos;
        return true;
    }

    bool readQuoted(QChar quote, QString& key)
    {
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos);
            if (c == quote) {
                ++m_pos;
                return true;
            }
            if (c != u'\\') {
                key += c;
                ++m_pos;
                continue;
            }
            if (++m_pos >= m_text.size())
                break;
            if (m_text.at(m_pos) == u'\'') {
                key += u'\'';
            } else if (!readJsonEscape(m_text, m_pos, key)) {
                m_error = u"not a JSON escape"_s;
                return false;
            }
            ++m_pos;
        }
        m_error = u"missing closing quote"_s;
        return false;
    }

    QStringView m_text;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

Result<JsonPath> JsonPath::parse(QStringView text)
{
    return PathParser(text.trimmed()).parse();
}

QString JsonPath::toString() const
{
    return spell(m_segments, false);
}

QString JsonPath::toJsonPath() const
{
    return spell(m_segments, true);
}

JsonPath JsonPath::member(const QString& key) const
{
    JsonPath child = *this;
    child.m_segments.append(Segment::member(key));
    return child;
}

JsonPath JsonPath::element(qsizetype index) const
{
    JsonPath child = *this;
    child.m_segments.append(Segment::element(index));
    return child;
}

bool JsonPath::hasWildcard() const
{
    return std::any_of(m_segments.begin(), m_segments.end(),
        [](const Segment& segment) { return segment.kind == Segment::Kind::AnyIndex; });
}

bool JsonPath::isIdentifier(QStringView key)
{
    if (key.isEmpty() || !(isAsciiLetter(key.front()) || key.front() == u'_' || key.front() == u'$'))
        return false;
    return std::all_of(key.begin(), key.end(),
        [](QChar c) { return isAsciiLetter(c) || (c >= u'0' && c <= u'9') || c == u'_' || c == u'$'; });
}

QJsonValue valueAt(const QJsonValue& document, const JsonPath& path)
{
    QJsonValue value = document;
    for (const JsonPath::Segment& segment : path.segments()) {
        switch (segment.kind) {
        case JsonPath::Segment::Kind::Key:
            if (!value.isObject())
                return QJsonValue::Undefined;
            value = value.toObject().value(segment.key);
            break;
        case JsonPath::Segment::Kind::Index: {
            if (!value.isArray())
                return QJsonValue::Undefined;
            const QJsonArray array = value.toArray();
            if (segment.index >= array.size())
                return QJsonValue::Undefined;
            value = array.at(segment.index);
            break;
        }
        case JsonPath::Segment::Kind::AnyIndex:
            return QJsonValue::Undefined;
        }
        if (value.isUndefined())
            return value;
    }
    return value;
}

Result<QJsonValue> valueAt(const QJsonValue& document, QStringView path)
{
    Result<JsonPath> parsed = JsonPath::parse(path);
    if (!parsed)
        return parsed.error();
    return valueAt(document, *parsed);
}

} // namespace EventScope
