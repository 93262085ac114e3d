#pragma once

#include <QString>

namespace EventScope {

// The category of a stream when the store does not say: the text before the first '-'
// ("account-42" -> "account"); a name without '-' is its own category.
QString defaultCategoryOf(QStringView stream);

} // namespace EventScope
