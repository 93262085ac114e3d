#pragma once

#include "core/store/result.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringView>

namespace EventScope {

// A place inside a JSON document: the keys and array indexes from the root down. The one place that turns a path
// into text and back, for the diff, field history, ignore rules, the CLI and the UI.
//
// Two spellings of the same path:
//   toString()    what the CLI prints and users type:  balance   items[2].quantity   ["weird key"].a   $ (the root)
//   toJsonPath()  JSONPath, for the UI:                $.balance $.items[2].quantity $["weird key"].a  $
// A key is written after a dot when it is an ASCII identifier ([A-Za-z_$][A-Za-z0-9_$]*, as JsonTreeModel does);
// any other key is quoted, with JSON's escapes: ["a b"], ["größe"], ["say \"hi\""]. parse() reads both spellings
// (also 'single' quotes and unquoted non-ASCII letters), and `[*]`, any element of an array, for ignore rules.
class JsonPath
{
public:
    struct Segment
    {
        enum class Kind { Key, Index, AnyIndex };
        Kind kind = Kind::Key;
        QString key; // Kind::Key
        qsizetype index = 0; // Kind::Index

        static Segment member(const QString& key) { return { Kind::Key, key, 0 }; }
        static Segment element(qsizetype index) { return { Kind::Index, {}, index }; }
        static Segment anyElement() { return { Kind::AnyIndex, {}, 0 }; }
        bool operator==(const Segment&) const = default;
    };

    JsonPath() = default; // the root, "$"
    explicit JsonPath(QList<Segment> segments)
        : m_segments(std::move(segments))
    { }

    // Reads either spelling; an error (InvalidArgument) says what was expected and at which character.
    static Result<JsonPath> parse(QStringView text);

    QString toString() const;
    QString toJsonPath() const;

    JsonPath member(const QString& key) const;
    JsonPath element(qsizetype index) const;

    const QList<Segment>& segments() const { return m_segments; }
    bool isRoot() const { return m_segments.isEmpty(); }
    bool hasWildcard() const;

    bool operator==(const JsonPath&) const = default;

    // True when `key` can be written after a dot; other keys are quoted.
    static bool isIdentifier(QStringView key);

private:
    QList<Segment> m_segments;
};

// The value at `path` in `document`, or QJsonValue::Undefined when there is none there (a missing key, an index past
// the end, a key into an array or a path with [*]). A JSON null that is there comes back as Null, so field history
// can tell "absent" from "null".
QJsonValue valueAt(const QJsonValue& document, const JsonPath& path);
// The same with the path as text in either spelling; an error when the text is not a path.
Result<QJsonValue> valueAt(const QJsonValue& document, QStringView path);

} // namespace EventScope
