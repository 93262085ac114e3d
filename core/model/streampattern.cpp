#include "streampattern.h"

using namespace Qt::StringLiterals;

namespace EventScope {

std::optional<StoreError> StreamPattern::check(const QString& pattern)
{
    if (pattern.isEmpty())
        return std::nullopt;
    const QRegularExpression expression(pattern);
    if (expression.isValid())
        return std::nullopt;
    return StoreError { StoreError::Kind::InvalidArgument,
        u"invalid regular expression '%1': %2 at offset %3"_s.arg(pattern, expression.errorString())
            .arg(expression.patternErrorOffset()) };
}

StreamPattern::StreamPattern(const QString& pattern)
    : m_pattern(pattern)
    , m_expression(pattern, QRegularExpression::UseUnicodePropertiesOption)
{ }

bool StreamPattern::matches(QStringView name) const
{
    return m_pattern.isEmpty() || m_expression.match(name).hasMatch();
}

std::optional<QString> StreamPattern::postgresForm() const
{
    // Walk the pattern once: plain characters and the constructs both engines read alike pass; anything
    // else (a '?' after a quantifier, '(?', escapes other than the common ones) sends the match to C++.
    bool afterQuantifier = false;
    for (qsizetype i = 0; i < m_pattern.size(); ++i) {
        const QChar c = m_pattern.at(i);
        if (c == u'\\') {
            if (i + 1 >= m_pattern.size())
                return std::nullopt;
            const QChar escaped = m_pattern.at(++i);
            if (!QStringView(u"dDwWsS.\\-[](){}*+?^$|/").contains(escaped))
                return std::nullopt;
            afterQuantifier = false;
            continue;
        }
        if (c == u'(' && i + 1 < m_pattern.size() && m_pattern.at(i + 1) == u'?')
            return std::nullopt;
        if ((c == u'?' || c == u'+') && afterQuantifier)
            return std::nullopt; // lazy or possessive
        afterQuantifier = c == u'*' || c == u'+' || c == u'?' || c == u'}';
    }
    return m_pattern;
}

} // namespace EventScope
