#include "snapshotlistmodel.h"

#include <core/model/timeformat.h>

#include <QLocale>

#include <algorithm>

namespace EventScope {

SnapshotListModel::SnapshotListModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void SnapshotListModel::setSnapshots(QList<Snapshot> snapshots)
{
    std::stable_sort(
        snapshots.begin(), snapshots.end(), [](const Snapshot& a, const Snapshot& b) { return a.version < b.version; });
    beginResetModel();
    m_snapshots = std::move(snapshots);
    endResetModel();
}

const Snapshot* SnapshotListModel::snapshotAt(int row) const
{
    return row >= 0 && row < m_snapshots.size() ? &m_snapshots.at(row) : nullptr;
}

int SnapshotListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_snapshots.size());
}

int SnapshotListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SnapshotListModel::data(const QModelIndex& index, int role) const
{
    const Snapshot* snapshot = index.isValid() ? snapshotAt(index.row()) : nullptr;
    if (!snapshot)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VersionColumn:
            return snapshot->version;
        case TimeColumn:
            return snapshot->timeMs > 0 ? formatIsoTime(snapshot->timeMs) : QString();
        case SizeColumn:
            return QLocale().formattedDataSize(snapshot->state.size(), 1, QLocale::DataSizeTraditionalFormat);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == TimeColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case StateRole:
        return snapshot->state;
    case VersionRole:
        return snapshot->version;
    }
    return {};
}

QVariant SnapshotListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VersionColumn:
        return tr("Version");
    case TimeColumn:
        return tr("Time (UTC)");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}

} // namespace EventScope
