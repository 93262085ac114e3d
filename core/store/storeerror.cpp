#include "storeerror.h"

using namespace Qt::StringLiterals;

namespace EventScope {

StoreError StoreError::cancelled()
{
    return StoreError { Kind::Cancelled, u"cancelled"_s };
}

} // namespace EventScope
