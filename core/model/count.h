#pragma once

#include <QtGlobal>

namespace EventScope {

// A number of events, streams or categories as a store can give it: exact, estimated (from the database's
// statistics, say), or not known yet (still being counted, or too costly for this store to count at all).
// A dialect says which; the views show "≈" or "…" accordingly and never force a store to scan.
struct Count
{
    enum class Kind { Exact, Estimated, Unknown };

    qint64 value = 0; // 0 when Unknown
    Kind kind = Kind::Exact;

    Count() = default;
    Count(qint64 exact) // NOLINT(google-explicit-constructor): an exact count is just a number
        : value(exact)
    { }
    static Count estimated(qint64 value) { return Count(value, Kind::Estimated); }
    static Count unknown() { return Count(0, Kind::Unknown); }

    bool isExact() const { return kind == Kind::Exact; }
    bool isKnown() const { return kind != Kind::Unknown; }

    bool operator==(const Count&) const = default;
    bool operator==(qint64 exact) const { return isExact() && value == exact; }

private:
    Count(qint64 value, Kind kind)
        : value(value)
        , kind(kind)
    { }
};

} // namespace EventScope

class QString;

namespace EventScope {

// "1,234", "≈1,234" or "…", in the user's locale.
QString formatCount(const Count& count);

} // namespace EventScope
