#pragma once

#include "snapshotcheck.h"

#include <QAbstractTableModel>
#include <QList>

namespace EventScope {

// The snapshots a verify run found wrong (drift or error), appended as the run hands them over, with the counts of
// every check (matches included) so that a summary can be shown without keeping a row per match: memory follows
// the problems, not the store.
class VerifyResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StreamColumn, VersionColumn, StatusColumn, DetailColumn, ColumnCount };
    enum Role { StatusRole = Qt::UserRole + 1 }; // SnapshotCheck::Status as int

    explicit VerifyResultsModel(QObject* parent = nullptr);

    void clear();
    void addChecks(const QList<SnapshotCheck>& checks);
    const VerifySummary& counts() const { return m_counts; }
    const SnapshotCheck* checkAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<SnapshotCheck> m_rows;
    VerifySummary m_counts;
};

} // namespace EventScope
