#pragma once

#include <QAbstractProxyModel>

namespace EventScope {

// Rows [offset, offset + windowRows) of a flat source model (a table or list), so that a view over it
// keeps per-row state for a few screens only, whatever the source's size: QTableView's vertical header
// holds about 8 bytes per row even hidden and of fixed size (+78 MB for 10 M rows, docs/performance.md).
// Whoever owns the view moves the window with setOffset(); rows appended to the source appear while the
// window is not full. Moving the window is a layout change: persistent indexes (the selection) follow
// their source rows. Offsets are even, so alternating row colours stay with the model's rows.
class WindowProxyModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    // A few screens: a 4K screen shows about 100 rows.
    static constexpr int kDefaultWindowRows = 1024;

    explicit WindowProxyModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* source) override;

    int windowRows() const { return m_windowRows; }
    // Resets the model when the size changes.
    void setWindowRows(int rows);

    // The source row shown as row 0.
    int offset() const { return m_offset; }
    // Rounded down to even, and clamped so that the window ends at the source's last row at the latest
    // (the last window may then hold windowRows() - 1 rows).
    void setOffset(int offset);
    // The offset that puts `sourceRow` as near the window's middle as possible.
    int offsetCentredOn(int sourceRow) const;
    bool containsSourceRow(int sourceRow) const { return sourceRow >= m_offset && sourceRow < m_offset + rowCount(); }
    int sourceRowCount() const;

    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void sourceRowsAboutToBeInserted(const QModelIndex& parent, int first, int last);
    void sourceRowsInserted(const QModelIndex& parent);
    void sourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    void sourceHeaderDataChanged(Qt::Orientation orientation, int first, int last);
    void beginSourceReset();
    void endSourceReset();
    int clampOffset(int offset) const;

    int m_windowRows = kDefaultWindowRows;
    int m_offset = 0;
    int m_rowsWhileMoving = -1; // the row count while setOffset() changes it in steps; -1: computed
    bool m_inserting = false; // between a source append and its end, when the window grows
    int m_resetting = 0; // nesting of structural source changes handled as a reset
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace EventScope
