#include "payload.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

bool isValidUtf8(const QByteArray& bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError();
}

// A payload at most this big is parsed for its preview; of a larger one only the start is looked at.
constexpr qsizetype kPreviewParseLimit = 64 * 1024;

bool startsLikeJsonContainer(const QByteArray& bytes)
{
    for (const char c : bytes) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '{' || c == '[';
    }
    return false;
}

// Cheap pre-check so that obviously non-JSON bytes skip the parser.
bool mayBeJson(const QByteArray& bytes)
{
    for (const char c : bytes) {
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            continue;
        case '{':
        case '[':
        case '"':
        case '-':
        case 't':
        case 'f':
        case 'n':
            return true;
        default:
            return c >= '0' && c <= '9';
        }
    }
    return false;
}

} // namespace

DecodedPayload decodePayload(const QByteArray& bytes)
{
    DecodedPayload result;
    if (bytes.isEmpty())
        return result;
    if (mayBeJson(bytes)) {
        QJsonParseError error;
        const QByteArray trimmed = bytes.trimmed();
        const char first = trimmed.front(); // mayBeJson() saw a non-space byte
        if (first == '{' || first == '[') {
            const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
            if (error.error == QJsonParseError::NoError) {
                result.kind = PayloadKind::Json;
                result.json = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
                return result;
            }
        } else {
            // QJsonDocument only takes objects and arrays at the top: wrap a scalar in an array.
            const QJsonDocument document = QJsonDocument::fromJson('[' + bytes + ']', &error);
            if (error.error == QJsonParseError::NoError && document.array().size() == 1) {
                result.kind = PayloadKind::Json;
                result.json = document.array().first();
                return result;
            }
            if (error.error == QJsonParseError::NoError) {
                // "1, 2" parses once wrapped: valid values, but not one JSON document.
                result.problem = u"not valid JSON: more than one value"_s;
            } else {
                error.offset = qMax(0, error.offset - 1);
            }
        }
        if (result.problem.isEmpty())
            result.problem = u"not valid JSON: %1 at byte %2"_s.arg(error.errorString()).arg(error.offset);
    } else {
        result.problem = u"not JSON"_s;
    }
    result.kind = isValidUtf8(bytes) ? PayloadKind::Text : PayloadKind::Binary;
    if (result.kind == PayloadKind::Binary)
        result.problem = u"binary: not valid UTF-8"_s;
    return result;
}

PayloadKind classifyPayload(const QByteArray& bytes)
{
    return decodePayload(bytes).kind;
}

QString payloadKindName(PayloadKind kind)
{
    switch (kind) {
    case PayloadKind::Empty:
        return u"empty"_s;
    case PayloadKind::Json:
        return u"json"_s;
    case PayloadKind::Text:
        return u"text"_s;
    case PayloadKind::Binary:
        return u"binary"_s;
    }
    return {};
}

QJsonValue payloadToJson(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return QJsonValue(QJsonValue::Null);
    DecodedPayload decoded = decodePayload(bytes);
    if (decoded.kind == PayloadKind::Json)
        return decoded.json;
    return QJsonObject { { u"$base64"_s, QString::fromLatin1(bytes.toBase64()) } };
}

QByteArray payloadJsonText(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return QByteArrayLiteral("null");
    if (classifyPayload(bytes) == PayloadKind::Json)
        return compactJson(bytes);
    return QByteArrayLiteral("{\"$base64\":\"") + bytes.toBase64() + QByteArrayLiteral("\"}");
}

QString payloadPreview(const QByteArray& bytes, int maxChars)
{
    // The stored text in its own key order, on one line, without the whitespace between JSON tokens.
    // Only the first part of a large payload is decoded, since a cell shows a few hundred characters
    // at most; a large payload is compacted when it starts like a JSON object or array.
    if (bytes.isEmpty())
        return {};
    const qsizetype window = qMax(maxChars * 4, 64);
    const bool small = bytes.size() <= kPreviewParseLimit;
    const bool json = small ? classifyPayload(bytes) == PayloadKind::Json : startsLikeJsonContainer(bytes);
    const QByteArray source = !json ? bytes : compactJson(small ? bytes : bytes.left(2 * window));
    const QByteArray head = source.left(window);
    const bool complete = head.size() == source.size() && (small || !json);
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(head);
    // An error in the last 3 bytes may be a character cut in two by left(), not bad data.
    if (decoder.hasError() && (complete || !isValidUtf8(head.chopped(3))))
        return u"<binary, %1 bytes>"_s.arg(bytes.size());
    text = text.simplified();
    if (text.size() > maxChars || !complete)
        text = text.left(maxChars - 1) + u'…';
    return text;
}

} // namespace EventScope
