#pragma once

#include <QString>

namespace EventScope {

// A count as the GUI shows it: digits grouped (1,000,000) even under the C locale, where Qt
// would print them bare.
QString formatCount(qint64 count);

} // namespace EventScope
