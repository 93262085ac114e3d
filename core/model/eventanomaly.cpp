#include "eventanomaly.h"

#include <QJsonDocument>
#include <QStringDecoder>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Payloads above this are not parsed for the JSON check: they are flagged as huge, and parsing would cost more
// than showing them.
constexpr qsizetype kParseLimit = 1024 * 1024;

bool startsLikeJsonContainer(const QByteArray& bytes)
{
    for (const char c : bytes) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '{' || c == '[';
    }
    return false;
}

bool isValidUtf8(const QByteArray& bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError();
}

// Text that went wrong, as opposed to a binary serializer's output: binary formats (protobuf, CBOR, zlib,
// Erlang terms) almost always hold NUL or other low control bytes; broken text does not.
bool isBrokenText(const QByteArray& bytes)
{
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r')
            return false;
    }
    return !isValidUtf8(bytes);
}

EventAnomalies payloadAnomalies(const QByteArray& bytes)
{
    EventAnomalies found;
    if (bytes.isEmpty() || bytes.size() > kParseLimit)
        return found;
    if (startsLikeJsonContainer(bytes)) {
        QJsonParseError error;
        QJsonDocument::fromJson(bytes, &error);
        if (error.error != QJsonParseError::NoError)
            found |= EventAnomaly::InvalidJson;
    }
    if (isBrokenText(bytes))
        found |= EventAnomaly::InvalidUtf8;
    return found;
}

struct Named
{
    EventAnomaly anomaly;
    const char* name;
    const char* description;
};

constexpr Named kNames[] = {
    { EventAnomaly::NullData, "null-data", "The store holds NULL for this event's data." },
    { EventAnomaly::InvalidJson, "invalid-json", "The payload starts like JSON but is not valid JSON." },
    { EventAnomaly::InvalidUtf8, "invalid-utf8", "The payload is text that is not valid UTF-8." },
    { EventAnomaly::EmptyStream, "empty-stream", "The stream name is empty." },
    { EventAnomaly::OddStream, "odd-stream",
        "The stream name has control characters or is longer than 1000 characters." },
    { EventAnomaly::VersionGap, "version-gap", "The stream's versions skip before this event." },
    { EventAnomaly::VersionDuplicate, "version-duplicate", "The event before has the same version." },
    { EventAnomaly::TimeBackwards, "time-backwards", "This event is older than the event before it." },
    { EventAnomaly::HugePayload, "huge-payload", "The payload is 10 MB or more." },
};

} // namespace

EventAnomalies anomaliesOf(const Event& event, const Event* previous, bool streamOrder)
{
    EventAnomalies found;
    if (event.data.isNull())
        found |= EventAnomaly::NullData;
    found |= payloadAnomalies(event.data);
    found |= payloadAnomalies(event.metadata);
    if (event.stream.trimmed().isEmpty())
        found |= EventAnomaly::EmptyStream;
    else if (event.stream.size() > 1000
        || std::any_of(event.stream.cbegin(), event.stream.cend(), [](QChar c) { return c.unicode() < 0x20; }))
        found |= EventAnomaly::OddStream;
    if (event.data.size() + event.metadata.size() >= kHugePayloadBytes)
        found |= EventAnomaly::HugePayload;
    if (previous) {
        if (streamOrder && previous->stream == event.stream) {
            if (event.version == previous->version)
                found |= EventAnomaly::VersionDuplicate;
            else if (event.version > previous->version + 1)
                found |= EventAnomaly::VersionGap;
        }
        if (!streamOrder && event.timeMs && previous->timeMs && *event.timeMs < *previous->timeMs)
            found |= EventAnomaly::TimeBackwards;
    }
    return found;
}

QStringList anomalyNames(EventAnomalies anomalies)
{
    QStringList names;
    for (const Named& named : kNames) {
        if (anomalies.testFlag(named.anomaly))
            names.append(QString::fromLatin1(named.name));
    }
    return names;
}

QString anomalyDescription(EventAnomalies anomalies)
{
    QStringList sentences;
    for (const Named& named : kNames) {
        if (anomalies.testFlag(named.anomaly))
            sentences.append(QString::fromLatin1(named.description));
    }
    return sentences.join(u'\n');
}

} // namespace EventScope
