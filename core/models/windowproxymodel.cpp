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
    m_offset = clampOffset(m_offset);
    endResetModel();
}

int WindowProxyModel::sourceRowCount() const
{
    return sourceModel() ? sourceModel()->rowCount() : 0;
}

int WindowProxyModel::offsetCentredOn(int sourceRow) const
{
    return clampOffset(sourceRow - m_windowRows / 2);
}

// Even offsets keep each row's parity, so that a view's alternating row colours stay with the model's
// rows. The last offset is rounded up, so the last window may hold one row less than the others.
int WindowProxyModel::clampOffset(int offset) const
{
    const int last = std::max(0, sourceRowCount() - m_windowRows);
    return std::clamp(offset & ~1, 0, (last + 1) & ~1);
}

void WindowProxyModel::setOffset(int offset)
{
    const int moved = clampOffset(offset);
    if (moved == m_offset || m_resetting > 0)
        return;
    const int oldRows = rowCount();
    const int newRows = std::clamp(sourceRowCount() - moved, 0, m_windowRows);
    const int keptRows = std::min(oldRows, newRows);
    // The last window may be one row short: that row goes first, or comes after, so the layout change
    // itself keeps the row count.
    if (newRows < oldRows) {
        beginRemoveRows({}, newRows, oldRows - 1);
        m_rowsWhileMoving = newRows;
        endRemoveRows();
    }
    m_rowsWhileMoving = keptRows;
    // Only which source rows the rows show changes. Persistent indexes move with their source row, or
    // become invalid when it leaves. VerticalSortHint: columns stay, so a horizontal header keeps its
    // section sizes.
    emit layoutAboutToBeChanged({}, VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex& index : from) {
        const int row = index.row() + m_offset - moved;
        to.append(row >= 0 && row < keptRows ? createIndex(row, index.column()) : QModelIndex());
    }
    changePersistentIndexList(from, to);
    m_offset = moved;
    emit layoutChanged({}, VerticalSortHint);
    if (newRows > oldRows) {
        beginInsertRows({}, oldRows, newRows - 1);
        m_rowsWhileMoving = -1;
        endInsertRows();
    }
    m_rowsWhileMoving = -1;
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
    if (m_rowsWhileMoving >= 0)
        return m_rowsWhileMoving;
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
    m_offset = clampOffset(m_offset);
    endResetModel();
}

} // namespace EventScope
