#include "count.h"

#include <QLocale>
#include <QString>

namespace EventScope {

QString formatCount(const Count& count)
{
    switch (count.kind) {
    case Count::Kind::Exact:
        return QLocale().toString(count.value);
    case Count::Kind::Estimated:
        return QStringLiteral("≈") + QLocale().toString(count.value);
    case Count::Kind::Unknown:
        break;
    }
    return QStringLiteral("…");
}

} // namespace EventScope
