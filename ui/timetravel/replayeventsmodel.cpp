#include "replayeventsmodel.h"

#include <core/model/timeformat.h>

#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace EventScope {

void ReplayEventsModel::setEvents(QList<Event> events, qint64 foldable)
{
    beginResetModel();
    m_events = std::move(events);
    m_foldable = foldable;
    m_current = -1;
    endResetModel();
}

void ReplayEventsModel::setCurrentRow(int row)
{
    if (row == m_current)
        return;
    const int old = m_current;
    m_current = row;
    for (const int changed : { old, row }) {
        if (changed >= 0 && changed < m_events.size())
            emit dataChanged(index(changed, 0), index(changed, ColumnCount - 1), { Qt::FontRole });
    }
}

int ReplayEventsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int ReplayEventsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplayEventsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_events.size())
        return {};
    const Event& event = m_events[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VersionColumn:
            return event.version;
        case TypeColumn:
            return event.type;
        case TimeColumn:
            return formatIsoTime(event.timeMs);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == VersionColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::FontRole:
        if (index.row() == m_current) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.row() >= m_foldable)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    default:
        return {};
    }
}

QVariant ReplayEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VersionColumn:
        return tr("Version");
    case TypeColumn:
        return tr("Type");
    case TimeColumn:
        return tr("Time (UTC)");
    }
    return {};
}

} // namespace EventScope
