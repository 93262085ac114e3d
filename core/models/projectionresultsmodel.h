#pragma once

#include <core/projection/projectionresults.h>

#include <QAbstractTableModel>

namespace EventScope {

// The partitions of a finished run, one row each in the order of their first event: name ("(root)" for ""), the
// state and, when the projection transforms its state, the result, each as one line of JSON, and which code applied
// its last event (the handler's name and line). The full texts are under StateRole and ResultRole for a JSON tree.
class ProjectionResultsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PartitionColumn, HandlerColumn, StateColumn, ResultColumn, ColumnCount };
    enum Role {
        PartitionRole = Qt::UserRole + 1, // the partition's key ("" for the root)
        StateRole, // QByteArray JSON, or an invalid QVariant when there is no state
        ResultRole, // likewise
        HandlerLineRole, // int: the 1-based line of the handler that applied the last event; 0 when none is known
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
    const ProjectionDefinition::Function* lastHandler(const ProjectionResults::Partition& partition) const;

    ProjectionResults m_results;
};

} // namespace EventScope
