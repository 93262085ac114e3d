#include "timeformat.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace EventScope {

QString formatIsoTime(std::optional<qint64> msSinceEpoch)
{
    return msSinceEpoch ? formatIsoTime(*msSinceEpoch) : QString();
}

QString formatIsoTime(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss.zzzZ"_s);
}

std::optional<qint64> parseIsoTime(const QString& text)
{
    const QString input = text.trimmed();
    bool isNumber = false;
    const qint64 number = input.toLongLong(&isNumber);
    if (isNumber)
        return number;

    static const QRegularExpression pattern(
        uR"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$)"_s,
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(input);
    if (!match.hasMatch())
        return std::nullopt;
    const QDate date(match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt());
    const QString fraction = match.captured(7);
    const int ms = fraction.isEmpty() ? 0 : QString(fraction + u"00"_s).left(3).toInt();
    const QTime time(match.captured(4).toInt(), match.captured(5).toInt(), match.captured(6).toInt(), ms);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    qint64 offsetSeconds = 0;
    const QString zone = match.captured(8);
    if (!zone.isEmpty() && zone.compare(u"Z"_s, Qt::CaseInsensitive) != 0) {
        QString digits = zone.mid(1);
        digits.remove(u':');
        const int hours = digits.left(2).toInt();
        const int minutes = digits.mid(2, 2).toInt();
        // Real offsets lie within -12:00..+14:00; past 18 hours or 59 minutes it is a typo, not a zone.
        if (hours > 18 || minutes > 59)
            return std::nullopt;
        offsetSeconds = (hours * 3600 + minutes * 60) * (zone.front() == u'-' ? -1 : 1);
    }
    return QDateTime(date, time, QTimeZone::utc()).toMSecsSinceEpoch() - offsetSeconds * 1000;
}

} // namespace EventScope
