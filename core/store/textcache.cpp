#include "textcache.h"

#include <algorithm>
#include <bit>

namespace EventScope {

TextCache::TextCache(int capacity)
    : m_slots(std::bit_ceil(size_t(std::max(capacity, 1))))
    , m_mask(m_slots.size() - 1)
{ }

QString TextCache::text(const SqlRows& rows, int column)
{
    const std::optional<QByteArrayView> utf8 = rows.utf8(column);
    if (!utf8)
        return rows.text(column);
    if (utf8->isEmpty())
        return rows.text(column); // null and empty stay apart
    // FNV-1a: the names are short, and a few bytes of mixing is all a direct-mapped table needs.
    size_t hash = 14695981039346656037ULL;
    for (const char c : *utf8)
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    Slot& slot = m_slots[hash & m_mask];
    if (slot.utf8 != *utf8) {
        slot.utf8 = utf8->toByteArray();
        slot.text = QString::fromUtf8(*utf8);
    }
    return slot.text;
}

} // namespace EventScope
