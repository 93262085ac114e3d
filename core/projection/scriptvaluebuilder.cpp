#include "scriptvaluebuilder.h"

#include <QJSEngine>
#include <QString>

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

namespace EventScope {

namespace {

// Deeper documents are refused rather than risking the C++ stack; the server's own limit is lower still.
constexpr int kMaxDepth = 512;

class Parser
{
public:
    Parser(QJSEngine& engine, const QByteArray& json)
        : m_engine(engine)
        , m_p(json.constData())
        , m_end(json.constData() + json.size())
    { }

    std::optional<QJSValue> document()
    {
        QJSValue value;
        if (!parseValue(value, 0))
            return std::nullopt;
        skipSpace();
        if (m_p != m_end)
            return std::nullopt;
        return value;
    }

private:
    void skipSpace()
    {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }

    bool literal(const char* word, int length)
    {
        if (m_end - m_p < length || std::memcmp(m_p, word, size_t(length)) != 0)
            return false;
        m_p += length;
        return true;
    }

    bool parseValue(QJSValue& out, int depth)
    {
        skipSpace();
        if (m_p == m_end || depth > kMaxDepth)
            return false;
        switch (*m_p) {
        case '{':
            return parseObject(out, depth);
        case '[':
            return parseArray(out, depth);
        case '"': {
            QString text;
            if (!parseString(text))
                return false;
            out = QJSValue(text);
            return true;
        }
        case 't':
            out = QJSValue(true);
            return literal("true", 4);
        case 'f':
            out = QJSValue(false);
            return literal("false", 5);
        case 'n':
            out = QJSValue(QJSValue::NullValue);
            return literal("null", 4);
        default:
            return parseNumber(out);
        }
    }

    bool parseNumber(QJSValue& out)
    {
        const char* start = m_p;
        if (m_p != m_end && *m_p == '-')
            ++m_p;
        if (m_p == m_end)
            return false;
        if (*m_p == '0') {
            ++m_p;
        } else if (*m_p >= '1' && *m_p <= '9') {
            while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
        } else {
            return false;
        }
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            const char* digits = m_p;
            while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
            if (m_p == digits)
                return false;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            const char* digits = m_p;
            while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
            if (m_p == digits)
                return false;
        }
        double value = 0;
        const auto [end, error] = std::from_chars(start, m_p, value);
        if (error == std::errc::result_out_of_range) {
            // from_chars refuses what JSON.parse rounds: 1e400 is Infinity, 1e-400 is 0.
            value = *start == '-' ? -0.0 : 0.0;
            for (const char* c = start; c != m_p; ++c) {
                if (*c == 'e' || *c == 'E') {
                    value = c[1] == '-' ? (*start == '-' ? -0.0 : 0.0) : (*start == '-' ? -HUGE_VAL : HUGE_VAL);
                    break;
                }
            }
        } else if (error != std::errc() || end != m_p) {
            return false;
        }
        out = QJSValue(value);
        return true;
    }

    static int hexDigit(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    bool parseString(QString& out)
    {
        ++m_p; // the opening quote
        const char* runStart = m_p;
        // The common case: no escapes, one UTF-8 conversion.
        while (m_p != m_end && *m_p != '"' && *m_p != '\\') {
            if (uchar(*m_p) < 0x20)
                return false;
            ++m_p;
        }
        if (m_p == m_end)
            return false;
        if (*m_p == '"') {
            out = QString::fromUtf8(runStart, m_p - runStart);
            ++m_p;
            return true;
        }
        // With escapes: collect UTF-16 so that a lone surrogate (\ud83c) survives, as in JSON.parse.
        QString text = QString::fromUtf8(runStart, m_p - runStart);
        while (m_p != m_end) {
            const char* run = m_p;
            while (m_p != m_end && *m_p != '"' && *m_p != '\\' && uchar(*m_p) >= 0x20)
                ++m_p;
            if (m_p != run)
                text += QString::fromUtf8(run, m_p - run);
            if (m_p == m_end)
                return false;
            const char c = *m_p++;
            if (c == '"') {
                out = std::move(text);
                return true;
            }
            if (c != '\\' || m_p == m_end)
                return false; // a control character, or a backslash at the end
            const char escape = *m_p++;
            switch (escape) {
            case '"':
            case '\\':
            case '/':
                text += QLatin1Char(escape);
                break;
            case 'b':
                text += u'\b';
                break;
            case 'f':
                text += u'\f';
                break;
            case 'n':
                text += u'\n';
                break;
            case 'r':
                text += u'\r';
                break;
            case 't':
                text += u'\t';
                break;
            case 'u': {
                if (m_end - m_p < 4)
                    return false;
                char16_t unit = 0;
                for (int i = 0; i < 4; ++i) {
                    const int digit = hexDigit(m_p[i]);
                    if (digit < 0)
                        return false;
                    unit = char16_t(unit * 16 + digit);
                }
                m_p += 4;
                text += QChar(unit);
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    bool parseObject(QJSValue& out, int depth)
    {
        ++m_p;
        out = m_engine.newObject();
        skipSpace();
        if (m_p != m_end && *m_p == '}') {
            ++m_p;
            return true;
        }
        while (true) {
            skipSpace();
            if (m_p == m_end || *m_p != '"')
                return false;
            QString key;
            if (!parseString(key))
                return false;
            skipSpace();
            if (m_p == m_end || *m_p != ':')
                return false;
            ++m_p;
            QJSValue value;
            if (!parseValue(value, depth + 1))
                return false;
            out.setProperty(key, value);
            skipSpace();
            if (m_p == m_end)
                return false;
            if (*m_p == ',') {
                ++m_p;
                continue;
            }
            if (*m_p == '}') {
                ++m_p;
                return true;
            }
            return false;
        }
    }

    bool parseArray(QJSValue& out, int depth)
    {
        ++m_p;
        std::vector<QJSValue> elements;
        skipSpace();
        if (m_p != m_end && *m_p == ']') {
            ++m_p;
            out = m_engine.newArray(0);
            return true;
        }
        while (true) {
            QJSValue value;
            if (!parseValue(value, depth + 1))
                return false;
            elements.push_back(std::move(value));
            skipSpace();
            if (m_p == m_end)
                return false;
            if (*m_p == ',') {
                ++m_p;
                continue;
            }
            if (*m_p == ']') {
                ++m_p;
                break;
            }
            return false;
        }
        out = m_engine.newArray(uint(elements.size()));
        for (size_t i = 0; i < elements.size(); ++i)
            out.setProperty(quint32(i), elements[i]);
        return true;
    }

    QJSEngine& m_engine;
    const char* m_p;
    const char* m_end;
};

} // namespace

ScriptValueBuilder::ScriptValueBuilder(QJSEngine& engine)
    : m_engine(engine)
{ }

std::optional<QJSValue> ScriptValueBuilder::build(const QByteArray& json)
{
    return Parser(m_engine, json).document();
}

} // namespace EventScope
