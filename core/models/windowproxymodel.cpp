#include "windowproxymodel.h"

#include <algorithm>

namespace EventScope {

WindowProxyModel::WindowProxyModel(QObject* parent)
    : QAbstractProxyModel(parent)
{ }

void WindowProxyModel::setSourceModel(QAbstractItemModel* source)
{
    if (source == sourceModel())
        return;
    beginResetModel();
    for (const QMetaObject::Connection& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    QAbstractProxyModel::setSourceModel(source);
    m_offset = 0;
    if (source) {
        using M = QAbstractItemModel;
        const auto endReset = [this] { endSourceReset(); };
        m_sourceConnections = {
            connect(source, &M::rowsAboutToBeInserted, this, &WindowProxyModel::sourceRowsAboutToBeInserted),
            connect(source, &M::rowsInserted, this, &WindowProxyModel::sourceRowsInserted),
            connect(source, &M::dataChanged, this, &WindowProxyModel::sourceDataChanged),
            connect(source, &M::headerDataChanged, this, &WindowProxyModel::sourceHeaderDataChanged),
            connect(source, &M::modelAboutToBeReset, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::modelReset, this,
                [this] {
                    m_offset = 0;
                    endSourceReset();
                }),
            // The event table only appends and resets; anything else is rare enough to be a reset.
            connect(source, &M::rowsAboutToBeRemoved, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::rowsRemoved, this, endReset),
            connect(source, &M::rowsAboutToBeMoved, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::rowsMoved, this, endReset),
            connect(source, &M::columnsAboutToBeInserted, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::columnsInserted, this, endReset),
            connect(source, &M::columnsAboutToBeRemoved, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::columnsRemoved, this, endReset),
            connect(source, &M::columnsAboutToBeMoved, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::columnsMoved, this, endReset),
            connect(source, &M::layoutAboutToBeChanged, this, &WindowProxyModel::beginSourceReset),
            connect(source, &M::layoutChanged, this, endReset),
        };
    }
    endResetModel();
}

void WindowProxyModel::setWindowRows(int rows)
{
    rows = std::max(1, rows);
    if (rows == m_windowRows)
        return;
    beginResetModel();
    m_windowRows = rows;
    m_offset = std::clamp(m_offset, 0, std::max(0, sourceRowCount() - m_windowRows));
    endResetModel();
}

int WindowProxyModel::sourceRowCount() const
{
    return sourceModel() ? sourceModel()->rowCount() : 0;
}

int WindowProxyModel::offsetCentredOn(int sourceRow) const
{
    return std::clamp(sourceRow - m_windowRows / 2, 0, std::max(0, sourceRowCount() - m_windowRows));
}

void WindowProxyModel::setOffset(int offset)
{
    const int clamped = std::clamp(offset, 0, std::max(0, sourceRowCount() - m_windowRows));
    if (clamped == m_offset || m_resetting > 0)
        return;
    // The row count stays the same (a full window, or offset 0): only which source rows the rows show
    // changes. Persistent indexes move with their source row, or become invalid when it leaves.
    // VerticalSortHint: columns stay as they are, so a horizontal header keeps its section sizes.
    emit layoutAboutToBeChanged({}, VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    to.reserve(from.size());
    const int rows = rowCount();
    for (const QModelIndex& index : from) {
        const int row = index.row() + m_offset - clamped;
        to.append(row >= 0 && row < rows ? createIndex(row, index.column()) : QModelIndex());
    }
    changePersistentIndexList(from, to);
    m_offset = clamped;
    emit layoutChanged({}, VerticalSortHint);
}

QModelIndex WindowProxyModel::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel())
        return {};
    return sourceModel()->index(proxyIndex.row() + m_offset, proxyIndex.column());
}

QModelIndex WindowProxyModel::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.parent().isValid())
        return {};
    return index(sourceIndex.row() - m_offset, sourceIndex.column());
}

QModelIndex WindowProxyModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex WindowProxyModel::parent(const QModelIndex&) const
{
    return {};
}

QModelIndex WindowProxyModel::sibling(int row, int column, const QModelIndex&) const
{
    return index(row, column);
}

int WindowProxyModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return std::clamp(sourceRowCount() - m_offset, 0, m_windowRows);
}

int WindowProxyModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !sourceModel())
        return 0;
    return sourceModel()->columnCount();
}

bool WindowProxyModel::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && rowCount() > 0 && columnCount() > 0;
}

QVariant WindowProxyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!sourceModel())
        return {};
    // Not QAbstractProxyModel's: it maps a column through row 0, which an empty window does not have.
    return sourceModel()->headerData(orientation == Qt::Vertical ? section + m_offset : section, orientation, role);
}

void WindowProxyModel::sourceRowsAboutToBeInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int sourceRows = sourceRowCount();
    if (first != sourceRows) {
        beginSourceReset(); // rows inserted before the end move every row after them
        return;
    }
    // An append: only a window that is not full yet shows it.
    const int shown = rowCount();
    const int willShow = std::min(m_windowRows, sourceRows + (last - first + 1) - m_offset);
    if (willShow > shown) {
        beginInsertRows({}, shown, willShow - 1);
        m_inserting = true;
    }
}

void WindowProxyModel::sourceRowsInserted(const QModelIndex& parent)
{
    if (parent.isValid())
        return;
    if (m_inserting) {
        m_inserting = false;
        endInsertRows();
    } else if (m_resetting > 0) {
        endSourceReset();
    }
}

void WindowProxyModel::sourceDataChanged(
    const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (!topLeft.isValid() || topLeft.parent().isValid() || m_resetting > 0)
        return;
    const int first = std::max(topLeft.row(), m_offset);
    const int last = std::min(bottomRight.row(), m_offset + rowCount() - 1);
    if (first <= last)
        emit dataChanged(
            index(first - m_offset, topLeft.column()), index(last - m_offset, bottomRight.column()), roles);
}

void WindowProxyModel::sourceHeaderDataChanged(Qt::Orientation orientation, int first, int last)
{
    if (m_resetting > 0)
        return;
    if (orientation == Qt::Horizontal) {
        emit headerDataChanged(orientation, first, last);
        return;
    }
    first = std::max(first, m_offset);
    last = std::min(last, m_offset + rowCount() - 1);
    if (first <= last)
        emit headerDataChanged(orientation, first - m_offset, last - m_offset);
}

void WindowProxyModel::beginSourceReset()
{
    if (m_resetting++ == 0)
        beginResetModel();
}

void WindowProxyModel::endSourceReset()
{
    if (m_resetting == 0 || --m_resetting > 0)
        return;
    m_offset = std::clamp(m_offset, 0, std::max(0, sourceRowCount() - m_windowRows));
    endResetModel();
}

} // namespace EventScope
