#include "recentstores.h"

#include <QFileInfo>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

const QString kKey = u"recentStores"_s;

void save(const QStringList& paths)
{
    QSettings().setValue(kKey, paths);
}

} // namespace

QStringList RecentStores::load()
{
    const QStringList stored = QSettings().value(kKey).toStringList();
    QStringList existing;
    for (const QString& path : stored) {
        if (QFileInfo(path).isFile() && !existing.contains(path))
            existing.append(path);
    }
    if (existing.size() > kMax)
        existing.resize(kMax);
    if (existing != stored)
        save(existing);
    return existing;
}

void RecentStores::add(const QString& path)
{
    QStringList paths = load();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    paths.removeAll(absolute);
    paths.prepend(absolute);
    if (paths.size() > kMax)
        paths.resize(kMax);
    save(paths);
}

void RecentStores::clear()
{
    save({});
}

} // namespace EventScope
