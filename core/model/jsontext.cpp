#include "jsontext.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Re-lays the whitespace of valid JSON: `indent` spaces per level, or none at all (and no line
// breaks) when indent < 0. Everything inside strings is copied as it is.
QByteArray relayJson(const QByteArray& json, int indent)
{
    QByteArray out;
    out.reserve(json.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    const auto newLine = [&] {
        if (indent < 0)
            return;
        out += '\n';
        out.append(QByteArray(depth * indent, ' '));
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            break;
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            out += c;
            // An empty container stays on one line: {} and [].
            qsizetype next = i + 1;
            while (next < json.size() && QByteArrayView(" \t\r\n").contains(json.at(next)))
                ++next;
            if (next < json.size() && (json.at(next) == '}' || json.at(next) == ']')) {
                out += json.at(next);
                i = next;
                break;
            }
            ++depth;
            newLine();
            break;
        }
        case '}':
        case ']':
            --depth;
            newLine();
            out += c;
            break;
        case ',':
            out += c;
            newLine();
            break;
        case ':':
            out += indent < 0 ? ":" : ": ";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

QString prettyJson(const QByteArray& json, int indent)
{
    return QString::fromUtf8(relayJson(json, indent));
}

QByteArray compactJson(const QByteArray& json)
{
    return relayJson(json, -1);
}

QString hexDump(const QByteArray& bytes, qsizetype maxBytes)
{
    const qsizetype shown = qMin(bytes.size(), maxBytes);
    QString out;
    out.reserve(shown / 16 * 80 + 80);
    for (qsizetype offset = 0; offset < shown; offset += 16) {
        out += u"%1  "_s.arg(offset, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (offset + i < shown) {
                const auto byte = uchar(bytes.at(offset + i));
                out += u"%1 "_s.arg(byte, 2, 16, QLatin1Char('0'));
                ascii += byte >= 0x20 && byte < 0x7f ? QChar(char16_t(byte)) : u'.';
            } else {
                out += u"   "_s;
            }
            if (i == 7)
                out += u' ';
        }
        out += u" |"_s + ascii + u"|\n"_s;
    }
    if (shown < bytes.size())
        out += QCoreApplication::translate("EventScope::HexDump", "… %1 more bytes not shown\n")
                   .arg(bytes.size() - shown);
    return out;
}

QByteArray compactJsonValue(const QJsonValue& value)
{
    // Wrap the value in an array, which QJsonDocument writes, and take the brackets off again.
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

} // namespace EventScope
