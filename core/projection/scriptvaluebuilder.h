#pragma once

#include <QByteArray>
#include <QJSValue>
#include <optional>

class QJSEngine;

namespace EventScope {

// Turns JSON bytes into a JavaScript value built directly in the engine (newObject/newArray + setProperty),
// keeping the document's key order. Strict RFC 8259 JSON, like the parser behind the server's `e.body`.
// Five to ten times cheaper than handing the text to JSON.parse in the script (docs/projections.md).
class ScriptValueBuilder
{
public:
    explicit ScriptValueBuilder(QJSEngine& engine);

    // nullopt when the bytes are not one valid JSON value.
    std::optional<QJSValue> build(const QByteArray& json);

private:
    QJSEngine& m_engine;
};

} // namespace EventScope
