#pragma once

#include <core/model/storeinfo.h>

#include <QAbstractTableModel>
#include <QList>

namespace EventScope {

// The snapshots a store keeps for one stream, oldest first: version, time and size, with the stored state under
// StateRole. Filled in one go (a stream has a handful of snapshots, not millions).
class SnapshotListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { VersionColumn, TimeColumn, SizeColumn, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1, VersionRole };

    explicit SnapshotListModel(QObject* parent = nullptr);

    void setSnapshots(QList<Snapshot> snapshots);
    const QList<Snapshot>& snapshots() const { return m_snapshots; }
    const Snapshot* snapshotAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Snapshot> m_snapshots;
};

} // namespace EventScope
