#include "snapshotprojections.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

Status SnapshotProjections::addFromArgument(const QString& categoryEqualsFile)
{
    const qsizetype equals = categoryEqualsFile.indexOf(u'=');
    if (equals <= 0 || equals == categoryEqualsFile.size() - 1)
        return StoreError { StoreError::Kind::InvalidArgument,
            u"--projection wants CATEGORY=FILE, not '%1'"_s.arg(categoryEqualsFile) };
    const QString category = categoryEqualsFile.left(equals);
    const QString path = categoryEqualsFile.mid(equals + 1);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return StoreError { StoreError::Kind::InvalidArgument,
            u"cannot read the projection '%1': %2"_s.arg(path, file.errorString()) };
    if (m_byCategory.contains(category))
        return StoreError { StoreError::Kind::InvalidArgument,
            u"two projections for the category '%1'"_s.arg(category) };
    add(category, { QString::fromUtf8(file.readAll()), QFileInfo(path).fileName() });
    return Done {};
}

void SnapshotProjections::add(const QString& category, Projection projection)
{
    m_byCategory.insert(category, std::move(projection));
}

SnapshotProjections SnapshotProjections::demo()
{
    SnapshotProjections projections;
    for (const QString& category : { u"account"_s, u"cart"_s, u"customer"_s }) {
        QFile file(u":/eventscope/demo-projections/%1.snapshot.js"_s.arg(category));
        if (file.open(QIODevice::ReadOnly))
            projections.add(category, { QString::fromUtf8(file.readAll()), u"%1.snapshot.js"_s.arg(category) });
    }
    return projections;
}

const SnapshotProjections::Projection* SnapshotProjections::find(const QString& category) const
{
    const auto it = m_byCategory.constFind(category);
    return it == m_byCategory.cend() ? nullptr : &it.value();
}

QStringList SnapshotProjections::categories() const
{
    QStringList names = m_byCategory.keys();
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace EventScope
