#pragma once

#include <QStringList>

namespace EventScope {

// The "Open Recent" list, kept in QSettings under one key: newest first, at most kMax entries,
// files that no longer exist dropped when the list is read.
class RecentStores
{
public:
    static constexpr int kMax = 10;

    static QStringList load();
    static void add(const QString& path);
    static void clear();
};

} // namespace EventScope
