#pragma once

#include "core/diff/jsondiff.h"
#include "core/store/result.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonValue>
#include <QString>
#include <memory>
#include <vector>

namespace EventScope {

// A JSON document as JsonDiff compares it; internal to core/diff/. Ignored keys and paths are already left out,
// and every node carries a hash of its whole value, so that equal subtrees are skipped after one comparison and
// arrays align on hashes.
struct JsonNode
{
    enum class Kind : quint8 { Null, False, True, Number, String, Array, Object };
    enum class Integer : quint8 {
        None, // written with a fraction or an exponent, or a QJsonValue double: compared as a double
        Fits, // an integer that fits in 64 bits: `integer`
        Long, // an integer literal too long for 64 bits: its digits in `text`
    };

    Kind kind = Kind::Null;
    Integer integerForm = Integer::None;
    qint64 integer = 0;
    double number = 0;
    size_t hash = 0;
    QString key; // this node's key in its parent object
    QString text; // String: the value; Number with Integer::Long: the digits
    std::vector<JsonNode> children; // Array elements, or Object members in document order
    std::unique_ptr<QHash<QString, qsizetype>> keyIndex; // large objects only

    // Strict JSON text (RFC 8259, UTF-8), keeping key order and long integers; the error names the document
    // (`which`: "before" or "after") and the character where the text stops being JSON.
    static Result<JsonNode> read(QByteArrayView json, const char* which, const JsonDiffOptions& options);
    // QJsonValue::Undefined (no document) reads as null.
    static JsonNode read(const QJsonValue& value, const JsonDiffOptions& options);

    // The index of the member `key` of this object, or -1; `hint` is where it probably is.
    qsizetype find(const QString& key, qsizetype hint = -1) const;
    // Equal by value (see JsonDiff), with a hash comparison first at every level.
    bool sameAs(const JsonNode& other) const;
    QJsonValue toJsonValue() const;
};

// Reads one of JSON's escapes, text[pos] being the letter after the backslash (a \uXXXX escape as one UTF-16
// unit), appends what it stands for to `out` and leaves `pos` on the escape's last character. False when there is
// no such escape. Shared with JsonPath, whose quoted keys use the same escapes.
bool readJsonEscape(QStringView text, qsizetype& pos, QString& out);

} // namespace EventScope
