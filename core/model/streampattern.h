#pragma once

#include "../store/storeerror.h"

#include <QRegularExpression>
#include <QString>
#include <optional>

namespace EventScope {

// The one syntax of a stream pattern, whatever the backend: a Perl-compatible regular expression
// (QRegularExpression) searched anywhere in the stream name. Checked here and nowhere else; a backend whose own
// regex dialect reads a pattern differently gets it through postgresForm(), or filters in C++.
class StreamPattern
{
public:
    // An InvalidArgument error naming the offset of the mistake; nullopt when the pattern is valid or empty.
    static std::optional<StoreError> check(const QString& pattern);

    explicit StreamPattern(const QString& pattern);
    bool isEmpty() const { return m_pattern.isEmpty(); }
    bool matches(QStringView name) const;

    // The pattern as a PostgreSQL regular expression (the `~` operator) when it means the same there: literal
    // text, `.`, anchors, classes, groups, alternation and the greedy quantifiers. nullopt when it uses
    // anything PostgreSQL reads differently (lazy quantifiers, lookarounds, \p{...}, ...).
    std::optional<QString> postgresForm() const;

private:
    QString m_pattern;
    QRegularExpression m_expression;
};

} // namespace EventScope
