#pragma once

#include <core/projection/projectioncomparison.h>

#include <QAbstractTableModel>

namespace EventScope {

// The partitions two runs disagree on, one row each: name, changed/added/removed, how many paths differ, and the
// first of them ("balance: 5 -> 7"). The row's structural diff is under ChangesRole's row index: changesAt(row).
class ProjectionComparisonModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PartitionColumn, ChangeColumn, PathsColumn, FirstPathColumn, ColumnCount };
    enum Role {
        PartitionRole = Qt::UserRole + 1, // the partition's key
        ChangeRole, // ProjectionComparison::Change as int
    };

    explicit ProjectionComparisonModel(QObject* parent = nullptr);

    void setComparison(const ProjectionComparison& comparison);
    void clear();
    const ProjectionComparison& comparison() const { return m_comparison; }
    const ProjectionComparison::Partition* partitionAt(int row) const;

    // "balance: 5 -> 7", "items[2] removed", for a list or a cell.
    static QString describe(const JsonChange& change);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ProjectionComparison m_comparison;
};

} // namespace EventScope
