#pragma once

#include "jsontext.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace EventScope {

// What a payload's bytes are, so that every view shows them as what they are and never drops them.
enum class PayloadKind {
    Empty, // no bytes (NULL or zero length)
    Json, // a valid JSON document (object, array or scalar)
    Text, // valid UTF-8 that is not JSON
    Binary, // anything else: shown as hex or base64
};

struct DecodedPayload
{
    PayloadKind kind = PayloadKind::Empty;
    QJsonValue json; // the parsed value when kind == Json
    QString problem; // why it is not JSON (parser message and offset), empty when it is
};

DecodedPayload decodePayload(const QByteArray& bytes);
PayloadKind classifyPayload(const QByteArray& bytes);
QString payloadKindName(PayloadKind kind);

// The payload as JSON for export: the parsed value when it is JSON, else {"$base64": "..."}.
// An empty payload is JSON null.
QJsonValue payloadToJson(const QByteArray& bytes);

// The same as payloadToJson, as compact JSON text that keeps the payload's own key order
// (QJsonObject would sort the keys): what the CLI prints for `data` and `metadata`.
QByteArray payloadJsonText(const QByteArray& bytes);

// A one-line preview for tables: compact JSON, the text, or "<binary, N bytes>".
QString payloadPreview(const QByteArray& bytes, int maxChars = 200);

} // namespace EventScope
