#include "jsonbodycheck.h"

namespace EventScope {

namespace {

constexpr int kMaxDepth = 64;

// One pass over the bytes, no allocation: a document that passes in strict mode is exactly what JSON.parse accepts
// (RFC 8259), and lenient mode adds what System.Text.Json's reader accepts with comments skipped and trailing commas
// allowed, which is how the server validates.
class Scanner
{
public:
    Scanner(QByteArrayView text, bool lenient)
        : m_p(reinterpret_cast<const unsigned char*>(text.data()))
        , m_end(m_p + text.size())
        , m_lenient(lenient)
    { }

    bool document()
    {
        if (!skipBlank() || m_p == m_end || !value(1) || !skipBlank())
            return false;
        return m_p == m_end;
    }

private:
    bool skipBlank()
    {
        while (m_p != m_end) {
            const unsigned char c = *m_p;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++m_p;
            } else if (c == '/' && m_lenient && m_end - m_p >= 2 && (m_p[1] == '/' || m_p[1] == '*')) {
                if (m_p[1] == '/') {
                    while (m_p != m_end && *m_p != '\n')
                        ++m_p;
                } else {
                    m_p += 2;
                    while (m_end - m_p >= 2 && !(m_p[0] == '*' && m_p[1] == '/'))
                        ++m_p;
                    if (m_end - m_p < 2)
                        return false; // an unterminated comment
                    m_p += 2;
                }
            } else {
                break;
            }
        }
        return true;
    }

    bool literal(const char* word)
    {
        for (; *word; ++word, ++m_p) {
            if (m_p == m_end || *m_p != static_cast<unsigned char>(*word))
                return false;
        }
        return true;
    }

    bool value(int depth)
    {
        if (m_p == m_end)
            return false;
        switch (*m_p) {
        case '{':
            return depth <= kMaxDepth && container(depth, '}');
        case '[':
            return depth <= kMaxDepth && container(depth, ']');
        case '"':
            return string();
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            return number();
        }
    }

    bool container(int depth, unsigned char close)
    {
        const bool object = close == '}';
        ++m_p;
        if (!skipBlank())
            return false;
        if (m_p != m_end && *m_p == close) {
            ++m_p;
            return true;
        }
        for (;;) {
            if (object) {
                if (m_p == m_end || *m_p != '"' || !string() || !skipBlank() || m_p == m_end || *m_p != ':')
                    return false;
                ++m_p;
                if (!skipBlank())
                    return false;
            }
            if (!value(depth + 1) || !skipBlank() || m_p == m_end)
                return false;
            if (*m_p == close) {
                ++m_p;
                return true;
            }
            if (*m_p != ',')
                return false;
            ++m_p;
            if (!skipBlank())
                return false;
            if (m_lenient && m_p != m_end && *m_p == close) { // a trailing comma
                ++m_p;
                return true;
            }
        }
    }

    bool string()
    {
        ++m_p; // the opening quote
        while (m_p != m_end) {
            const unsigned char c = *m_p;
            if (c == '"') {
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (++m_p == m_end)
                    return false;
                switch (*m_p) {
                case '"':
                case '\\':
                case '/':
                case 'b':
                case 'f':
                case 'n':
                case 'r':
                case 't':
                    ++m_p;
                    break;
                case 'u':
                    ++m_p;
                    for (int i = 0; i < 4; ++i, ++m_p) {
                        if (m_p == m_end || !isHex(*m_p))
                            return false;
                    }
                    break;
                default:
                    return false;
                }
            } else if (c < 0x80) {
                ++m_p;
            } else if (!utf8Sequence()) {
                return false;
            }
        }
        return false;
    }

    static bool isHex(unsigned char c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    // One multi-byte UTF-8 character: no overlong forms, no surrogates, nothing above U+10FFFF.
    bool utf8Sequence()
    {
        const unsigned char lead = *m_p;
        int continuation = 0;
        unsigned char low = 0x80, high = 0xBF; // the allowed range of the second byte
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuation = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            continuation = 2;
            if (lead == 0xE0)
                low = 0xA0;
            else if (lead == 0xED)
                high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            continuation = 3;
            if (lead == 0xF0)
                low = 0x90;
            else if (lead == 0xF4)
                high = 0x8F;
        } else {
            return false;
        }
        if (m_end - m_p <= continuation)
            return false;
        if (m_p[1] < low || m_p[1] > high)
            return false;
        for (int i = 2; i <= continuation; ++i) {
            if ((m_p[i] & 0xC0) != 0x80)
                return false;
        }
        m_p += continuation + 1;
        return true;
    }

    bool digits()
    {
        const unsigned char* start = m_p;
        while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        return m_p != start;
    }

    bool number()
    {
        if (*m_p == '-')
            ++m_p;
        if (m_p == m_end)
            return false;
        if (*m_p == '0') {
            ++m_p;
        } else if (*m_p >= '1' && *m_p <= '9') {
            digits();
        } else {
            return false;
        }
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            if (!digits())
                return false;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digits())
                return false;
        }
        return true;
    }

    const unsigned char* m_p;
    const unsigned char* const m_end;
    const bool m_lenient;
};

} // namespace

JsonBodyCheck checkJsonBody(QByteArrayView text)
{
    if (Scanner(text, false).document())
        return JsonBodyCheck::Strict;
    // Only a body that failed the strict check pays for the second pass.
    if (text.contains('/') || text.contains(',')) {
        if (Scanner(text, true).document())
            return JsonBodyCheck::Lenient;
    }
    return JsonBodyCheck::Invalid;
}

bool looksLikeJsonDocument(QByteArrayView text)
{
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        return c == '{' || c == '[';
    }
    return false;
}

} // namespace EventScope
