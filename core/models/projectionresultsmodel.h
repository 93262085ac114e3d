#pragma once

#include <core/projection/projectionresults.h>

#include <QAbstractTableModel>

namespace EventScope {

// The partitions of a finished run, one row each in the order of their first event: name ("(root)" for ""), the
// state and, when the projection transforms its state, the result, each as one line of JSON. The full texts are
// under StateRole and ResultRole for a JSON tree.
class ProjectionResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PartitionColumn, StateColumn, ResultColumn, ColumnCount };
    enum Role {
        PartitionRole = Qt::UserRole + 1, // the partition's key ("" for the root)
        StateRole, // QByteArray JSON, or an invalid QVariant when there is no state
        ResultRole, // likewise
    };
    static constexpr int kPreviewCharacters = 300; // a cell shows this much of a state

    explicit ProjectionResultsModel(QObject* parent = nullptr);

    void setResults(const ProjectionResults& results);
    void clear();
    const ProjectionResults& results() const { return m_results; }
    bool showsResults() const { return m_results.definition.definesStateTransform; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ProjectionResults m_results;
};

} // namespace EventScope
