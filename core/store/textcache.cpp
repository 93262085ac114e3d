#include "textcache.h"

#include <algorithm>
#include <bit>
#include <cstring>

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
    // The length and the first and last eight bytes: names that share a prefix ("account-17") differ at the end, and
    // hashing every byte cost more than the decode it saves.
    const qsizetype size = utf8->size();
    quint64 head = 0, tail = 0;
    std::memcpy(&head, utf8->data(), std::min<size_t>(size_t(size), 8));
    std::memcpy(&tail, utf8->data() + std::max<qsizetype>(0, size - 8), std::min<size_t>(size_t(size), 8));
    const quint64 mixed = (head * 0x9E3779B97F4A7C15ULL) ^ (tail * 0xC2B2AE3D27D4EB4FULL) ^ quint64(size);
    Slot& slot = m_slots[(mixed ^ (mixed >> 29)) & m_mask];
    if (slot.utf8.size() != size || std::memcmp(slot.utf8.constData(), utf8->data(), size_t(size)) != 0) {
        slot.utf8 = utf8->toByteArray();
        slot.text = QString::fromUtf8(*utf8);
    }
    return slot.text;
}

} // namespace EventScope
