#include "replayeventsmodel.h"

#include <core/model/timeformat.h>

#include <QFont>
#include <QGuiApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace EventScope {

void ReplayEventsModel::setEvents(QList<Event> events, qint64 foldable, const ProjectionDefinition& definition)
{
    beginResetModel();
    m_events = std::move(events);
    m_definition = definition;
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
        case HandlerColumn:
            // Short, beside the type: a typed handler is named after it, so its line is enough.
            if (const ProjectionDefinition::Function* handler = m_definition.handlerFor(event.type)) {
                const QString line = handler->line > 0 ? tr("line %1").arg(handler->line) : QString();
                return handler->name == event.type ? line
                                                   : (line.isEmpty() ? handler->name : handler->name + u", "_s + line);
            }
            return m_definition.allEvents ? tr("(the body)") : tr("(not delivered)");
        case TimeColumn:
            return formatIsoTime(event.timeMs);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() != HandlerColumn)
            return {};
        if (const ProjectionDefinition::Function* handler = m_definition.handlerFor(event.type))
            return tr("Applied by %1 in %2, line %3: click to open it in the projection editor")
                .arg(handler->name, m_definition.fileName)
                .arg(handler->line);
        return m_definition.allEvents ? tr("No handler for this type and no $any: the event's body becomes the state")
                                      : tr("The projection has no handler for this type: the event never reaches it");
    case HandlerLineRole: {
        const ProjectionDefinition::Function* handler = m_definition.handlerFor(event.type);
        return handler ? handler->line : 0;
    }
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
    case HandlerColumn:
        return tr("Handler");
    case TimeColumn:
        return tr("Time (UTC)");
    }
    return {};
}

} // namespace EventScope
