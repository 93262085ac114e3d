#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace EventScope {

// Valid JSON text indented by `indent` spaces per level, keys in their written order
// (QJsonDocument would sort them). Strings are copied byte for byte.
QString prettyJson(const QByteArray& json, int indent = 2);

// Valid JSON text without the whitespace between tokens; strings are kept byte for byte.
QByteArray compactJson(const QByteArray& json);

// One value as compact JSON text, a scalar too (QJsonDocument writes only objects and arrays). Undefined is
// written as null: callers that show "no value" say so themselves.
QByteArray compactJsonValue(const QJsonValue& value);

// The classic hex dump: offset, 16 bytes in hex, the same bytes as ASCII ('.' when not printable).
// Stops after `maxBytes` and says how many were left out.
QString hexDump(const QByteArray& bytes, qsizetype maxBytes = 64 * 1024);

} // namespace EventScope
