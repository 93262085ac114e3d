#pragma once

#include <core/model/event.h>
#include <core/projection/projectiondefinition.h>

#include <QAbstractTableModel>
#include <QList>

namespace EventScope {

// The events of the stream being replayed, one row each: version, type, time. Rows past the event that
// faulted are greyed (the fold never reached them) and the row of the current point is bold.
class ReplayEventsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { VersionColumn, TypeColumn, HandlerColumn, TimeColumn, ColumnCount };
    enum Role { HandlerLineRole = Qt::UserRole + 1 }; // int: the line of the handler that applies the event, or 0

    using QAbstractTableModel::QAbstractTableModel;

    // `definition` says which handler applies each event (a handler is chosen by the event's type).
    void setEvents(QList<Event> events, qint64 foldable, const ProjectionDefinition& definition = {});
    const QList<Event>& events() const { return m_events; }
    // The row whose event was folded last (count - 1); -1 for none.
    void setCurrentRow(int row);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Event> m_events;
    ProjectionDefinition m_definition;
    qint64 m_foldable = 0;
    int m_current = -1;
};

} // namespace EventScope
