#include "storeerror.h"

using namespace Qt::StringLiterals;

namespace EventScope {

QString StoreError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::NotFound:
        return u"not_found"_s;
    case Kind::NotAFile:
        return u"not_a_file"_s;
    case Kind::NotReadable:
        return u"not_readable"_s;
    case Kind::Empty:
        return u"empty"_s;
    case Kind::NotSqlite:
        return u"not_sqlite"_s;
    case Kind::Corrupt:
        return u"corrupt"_s;
    case Kind::Locked:
        return u"locked"_s;
    case Kind::UnknownSchema:
        return u"unknown_schema"_s;
    case Kind::Query:
        return u"query"_s;
    case Kind::Cancelled:
        return u"cancelled"_s;
    case Kind::InvalidArgument:
        return u"invalid_argument"_s;
    case Kind::Io:
        return u"io"_s;
    case Kind::Connection:
        return u"connection"_s;
    case Kind::Authentication:
        return u"authentication"_s;
    case Kind::Permission:
        return u"permission"_s;
    case Kind::ServerFault:
        return u"server_fault"_s;
    case Kind::Timeout:
        return u"timeout"_s;
    }
    return u"query"_s;
}

StoreError StoreError::cancelled()
{
    return StoreError { Kind::Cancelled, u"cancelled"_s };
}

} // namespace EventScope
