#include "category.h"

namespace EventScope {

QString defaultCategoryOf(QStringView stream)
{
    const qsizetype dash = stream.indexOf(u'-');
    return (dash < 0 ? stream : stream.left(dash)).toString();
}

} // namespace EventScope
