#pragma once

#include <QAbstractItemView>
#include <QFrame>
#include <QTimer>

class QScrollBar;
class QTableView;

namespace EventScope {

class WindowProxyModel;

// A table of any length whose memory does not grow with it: a QTableView over a WindowProxyModel that
// holds a few screens of rows, and a scrollbar of its own over all rows, which moves that window.
// Rows in this class's API are the model's rows; the QTableView inside sees the window's rows only.
// Wheel, keyboard (Ctrl+Home/End go to the model's ends), selection and scrollTo work across the window.
class WindowedTableView : public QFrame
{
    Q_OBJECT
public:
    explicit WindowedTableView(QWidget* parent = nullptr);
    ~WindowedTableView() override;

    // A flat model (a table); the view does not own it.
    void setModel(QAbstractItemModel* model);
    QAbstractItemModel* model() const;

    // The Qt view over the window: for delegates, headers, styling and tests.
    QTableView* table() const;
    // The vertical scrollbar over all rows (the table's own is hidden).
    QScrollBar* scrollBar() const { return m_bar; }
    WindowProxyModel* windowModel() const { return m_window; }

    // The model row of the current index, kept while the window moves away from it; -1 when none.
    int currentRow() const { return m_currentRow; }
    // Makes `row` current and selected, and scrolls it into view.
    void setCurrentRow(int row, int column, QAbstractItemView::ScrollHint hint);
    // The model row shown at the top; -1 when the table is empty.
    int topRow() const;

signals:
    void currentRowChanged(int row); // -1: none

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    class Table;

    void updateScrollRange();
    void showTop(int top);
    void tableScrolled(int windowTop);
    void recentre();
    void keepRowInWindow(int row);
    void shiftWindow(int offset);
    void setTableTop(int windowTop);
    void currentChanged(const QModelIndex& current);
    int margin() const;

    Table* m_table = nullptr;
    QScrollBar* m_bar = nullptr;
    QWidget* m_corner = nullptr; // below m_bar while the table shows its horizontal scrollbar
    WindowProxyModel* m_window = nullptr;
    QTimer m_recentreTimer;
    QList<QMetaObject::Connection> m_modelConnections;
    int m_currentRow = -1;
    int m_currentColumn = 0;
    bool m_syncing = false; // while one scrollbar follows the other
    bool m_shifting = false; // while the window moves: the current index changes, the current row does not
};

} // namespace EventScope
