#pragma once

#include "core/diff/jsonpath.h"
#include "core/store/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QSet>
#include <QStringList>
#include <optional>

namespace EventScope {

// One difference between two JSON documents. `old` is absent (QJsonValue::Undefined, and no "old" key in toJson())
// for an add; `new` likewise for a remove. A null that is there is a JSON null: {"op":"change","old":null,"new":5}
// is a null that became 5, not an add.
struct JsonChange
{
    enum class Op { Add, Remove, Change };

    JsonPath path;
    Op op = Op::Change;
    QJsonValue oldValue = QJsonValue::Undefined;
    QJsonValue newValue = QJsonValue::Undefined;

    static QString opName(Op op); // "add", "remove", "change"
    QJsonObject toJson() const; // {"path": path.toString(), "op", "old", "new"}
    // One compact line with the keys in the order path, op, old, new (QJsonObject would sort them), as the CLI prints.
    QByteArray toJsonLine() const;

    bool operator==(const JsonChange&) const = default;
};

struct JsonDiffOptions
{
    // Object keys left out at any depth, on both sides: what a library adds for its own bookkeeping.
    QSet<QString> ignoredKeys;
    // Places left out on both sides; `[*]` matches every element ($.items[*].touchedAt). An index counts in the
    // document as written; ignoring one element removes it before the arrays are aligned.
    QList<JsonPath> ignoredPaths;
    // Arrays whose elements are all objects with one of these keys, holding a string or a number that is unique on
    // each side, are aligned by that key (the first that fits, in this order) instead of by whole values.
    QStringList identityKeys { QStringLiteral("id"), QStringLiteral("Id"), QStringLiteral("ID"), QStringLiteral("_id"),
        QStringLiteral("key"), QStringLiteral("Key") };
    // Stop after this many changes; JsonDiffResult::truncated then says there were more. No value: no limit.
    std::optional<qsizetype> maxChanges;

    // The CLI's `--ignore KEY|$.path`: "$", "$.…" and "$[…" are paths (an error when malformed), anything else a key
    // name ("$type" too).
    Status addIgnore(QStringView keyOrPath);
};

struct JsonDiffResult
{
    QList<JsonChange> changes;
    bool truncated = false; // maxChanges was reached and at least one more change was left out

    bool isEqual() const { return changes.isEmpty() && !truncated; }
    qsizetype count(JsonChange::Op op) const; // among the reported changes
};

// The structural diff of two JSON documents, behind time travel's per-event diff, snapshot checks and projection
// result comparisons. Stateless apart from its options; safe to use from several threads at once.
//
// What counts as equal: objects compare by key whatever the order; numbers by value (1, 1.0 and 1e0 are equal).
// Two integers compare exactly, also above 2^53 (QJsonValue keeps integers that fit in 64 bits; compareJson() reads
// longer integer literals as written); any other pair of numbers compares as doubles.
//
// Arrays: with an identity key (see JsonDiffOptions) elements are matched by it, otherwise by whole value. The
// alignment is a Myers diff (O((n+m)·d)) after the common head and tail are cut off, so an insert in the middle of
// 10,000 elements is one `add`. A stretch between matched elements pairs its removed and added elements in order
// and compares each pair (`items[3].quantity` changed, not a whole-item remove and add); what is left over is
// removed or added. Elements with an identity key are never paired with a different identity, so a moved or
// re-keyed element is a `remove` at its old index and an `add` at its new one. When the alignment would take more
// than about 1,000 edits (or 20 M comparisons), the unmatched middle is compared index by index instead.
//
// Paths: a change inside or of an element uses its index in the "after" document; a `remove` uses its index in the
// "before" document. Order, which is stable: depth first, objects in the "after" document's key order (document
// order for compareJson(); QJsonObject's sorted order for compare()), a removed key where it stood among the keys
// both sides have, arrays in alignment order. old/new values leave ignored keys out.
class JsonDiff
{
public:
    explicit JsonDiff(JsonDiffOptions options = {});

    // QJsonValue::Undefined (no state yet) compares as null.
    JsonDiffResult compare(const QJsonValue& before, const QJsonValue& after) const;
    // From JSON text: keeps the documents' key order and exact long integers. An error names the document ("before"
    // or "after") and the character where the text stops being JSON.
    Result<JsonDiffResult> compareJson(QByteArrayView before, QByteArrayView after) const;

    // Stops at the first difference.
    bool equal(const QJsonValue& before, const QJsonValue& after) const;
    Result<bool> equalJson(QByteArrayView before, QByteArrayView after) const;

    const JsonDiffOptions& options() const { return m_options; }

private:
    JsonDiffOptions m_options;
};

} // namespace EventScope
