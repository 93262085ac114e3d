#pragma once

#include <QByteArrayView>

namespace EventScope {

// The server's content-type validation of an event flagged as JSON (../shared/reference/projection-language.md,
// section 3): such an event reaches the script only when its body is a JSON document nested at most 64 deep, and the
// check is lenient (comments and trailing commas pass) while the parser behind `e.body` is strict.
enum class JsonBodyCheck {
    Strict, // valid JSON as JSON.parse reads it, valid UTF-8, nested at most 64 deep
    Lenient, // passes only thanks to comments or trailing commas: it reaches the script, reading e.body faults
    Invalid, // empty, not JSON, invalid UTF-8 or nested deeper than 64: the script never sees the event
};

JsonBodyCheck checkJsonBody(QByteArrayView text);

// Whether a body the store does not label looks meant as JSON: its first non-blank character opens an object or an
// array. The engine treats such a body as flagged JSON, so a truncated or corrupt one is dropped as the server drops
// it, while plain text and bytes reach the script as non-JSON events (docs/projections.md).
bool looksLikeJsonDocument(QByteArrayView text);

} // namespace EventScope
