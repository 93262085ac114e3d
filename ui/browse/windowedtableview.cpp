#include "windowedtableview.h"

#include <core/models/windowproxymodel.h>

#include <QApplication>
#include <QHBoxLayout>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOption>
#include <QTableView>
#include <QWheelEvent>

namespace EventScope {

// The QTableView inside: moves the window before the keyboard reaches its edge, sends the wheel to the
// scrollbar over all rows, and reports when it has laid itself out (its page of rows may have changed).
class WindowedTableView::Table : public QTableView
{
public:
    explicit Table(WindowedTableView* owner)
        : QTableView(owner)
        , m_owner(owner)
    { }

protected:
    QModelIndex moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) override
    {
        WindowProxyModel* window = m_owner->m_window;
        const int rows = window->sourceRowCount();
        if (rows == 0)
            return {};
        // Move from the current row even when the user scrolled the window away from it (a plain table
        // does), with a page of rows on either side, so that PageUp/PageDown stay inside the window.
        m_owner->keepRowInWindow(std::clamp(m_owner->m_currentRow, 0, rows - 1));
        if ((modifiers & Qt::ControlModifier) && (action == MoveHome || action == MoveEnd)) {
            const int column = QTableView::moveCursor(action, modifiers).column();
            const int row = action == MoveHome ? 0 : rows - 1;
            m_owner->keepRowInWindow(row);
            return window->index(row - window->offset(), std::max(0, column));
        }
        return QTableView::moveCursor(action, modifiers);
    }

    void wheelEvent(QWheelEvent* event) override
    {
        // As QAbstractScrollArea does with its own scrollbars.
        if (std::abs(event->angleDelta().x()) > std::abs(event->angleDelta().y()))
            QTableView::wheelEvent(event);
        else
            QCoreApplication::sendEvent(m_owner->m_bar, event);
    }

    void updateGeometries() override
    {
        QTableView::updateGeometries();
        m_owner->updateScrollRange();
    }

private:
    WindowedTableView* m_owner;
};

WindowedTableView::WindowedTableView(QWidget* parent)
    : QFrame(parent)
    , m_table(new Table(this))
    , m_bar(new QScrollBar(Qt::Vertical, this))
    , m_corner(new QWidget(this))
    , m_window(new WindowProxyModel(this))
{
    // The frame a scroll area draws around its viewport and scrollbar, drawn here around the table and ours.
    setFrameStyle(m_table->frameStyle());
    m_table->setFrameShape(QFrame::NoFrame);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The table's hidden scrollbar then counts rows of the window: the arithmetic below relies on it.
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    m_table->setModel(m_window);
    m_bar->setSingleStep(1);
    m_bar->hide();
    m_corner->hide();
    m_corner->installEventFilter(this);
    setFocusProxy(m_table);

    // As a scroll area lays out its scrollbars: ours beside the table, above the corner square that
    // the table's horizontal scrollbar leaves when it shows.
    auto* barColumn = new QVBoxLayout;
    barColumn->setContentsMargins(0, 0, 0, 0);
    barColumn->setSpacing(0);
    barColumn->addWidget(m_bar);
    barColumn->addWidget(m_corner);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_table);
    layout->addLayout(barColumn);

    m_recentreTimer.setSingleShot(true);
    m_recentreTimer.setInterval(0);
    connect(&m_recentreTimer, &QTimer::timeout, this, &WindowedTableView::recentre);
    connect(m_bar, &QScrollBar::valueChanged, this, &WindowedTableView::showTop);
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, &WindowedTableView::tableScrolled);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& current) { currentChanged(current); });
    // A reset of the model (a new filter) forgets the current row, as QItemSelectionModel does, silently.
    connect(m_window, &QAbstractItemModel::modelReset, this, [this] {
        m_currentRow = -1;
        updateScrollRange();
    });
}

WindowedTableView::~WindowedTableView() = default;

bool WindowedTableView::eventFilter(QObject* watched, QEvent* event)
{
    // The corner square as QAbstractScrollArea paints it.
    if (watched == m_corner && event->type() == QEvent::Paint) {
        QPainter painter(m_corner);
        QStyleOption option;
        option.initFrom(m_corner);
        style()->drawPrimitive(QStyle::PE_PanelScrollAreaCorner, &option, &painter, this);
        return true;
    }
    return QFrame::eventFilter(watched, event);
}

void WindowedTableView::setModel(QAbstractItemModel* model)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_modelConnections))
        disconnect(connection);
    m_modelConnections.clear();
    m_window->setSourceModel(model);
    m_currentRow = -1;
    // Rows appended beyond a full window do not reach the table, only the scrollbar.
    if (model)
        m_modelConnections.append(
            connect(model, &QAbstractItemModel::rowsInserted, this, &WindowedTableView::updateScrollRange));
    updateScrollRange();
}

QAbstractItemModel* WindowedTableView::model() const
{
    return m_window->sourceModel();
}

QTableView* WindowedTableView::table() const
{
    return m_table;
}

int WindowedTableView::topRow() const
{
    if (m_window->rowCount() == 0)
        return -1;
    return m_window->offset() + m_table->verticalScrollBar()->value();
}

void WindowedTableView::setCurrentRow(int row, int column, QAbstractItemView::ScrollHint hint)
{
    if (row < 0 || row >= m_window->sourceRowCount())
        return;
    keepRowInWindow(row);
    const QModelIndex index = m_window->index(row - m_window->offset(), column);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index, hint);
}

// The table computes how many rows fit (its page step) whenever it lays itself out; our scrollbar
// spans the model with that page, so its last value shows the last row at the bottom, as before.
void WindowedTableView::updateScrollRange()
{
    const int page = std::max(1, m_table->verticalScrollBar()->pageStep());
    const int maximum = std::max(0, m_window->sourceRowCount() - page);
    m_bar->setPageStep(page);
    m_bar->setRange(0, maximum);
    m_bar->setVisible(maximum > 0);
    // The table shows its horizontal scrollbar as QAbstractScrollArea decides (AsNeeded), a moment later.
    const QScrollBar* across = m_table->horizontalScrollBar();
    m_corner->setFixedSize(m_bar->sizeHint().width(), across->sizeHint().height());
    m_corner->setVisible(maximum > 0 && across->maximum() > across->minimum());
}

int WindowedTableView::margin() const
{
    return m_bar->pageStep() + 2;
}

// Our scrollbar moved (drag, wheel, click): move the window when the screen would leave it.
void WindowedTableView::showTop(int top)
{
    if (m_syncing)
        return;
    const int page = m_bar->pageStep();
    const int windowEnd = m_window->offset() + m_window->rowCount();
    // At its last position the table aligns its last row with the bottom edge, cutting the top row: right
    // for the model's last row, not for the window's.
    const bool below = top + page > windowEnd || (top + page == windowEnd && windowEnd < m_window->sourceRowCount());
    if (top < m_window->offset() || below)
        shiftWindow(m_window->offsetCentredOn(top + page / 2));
    setTableTop(top - m_window->offset());
}

// The table scrolled itself (scrollTo, the keyboard, auto-scroll while selecting): our scrollbar follows,
// and the window moves once the screen comes near its edge with rows beyond.
void WindowedTableView::tableScrolled(int windowTop)
{
    if (m_syncing)
        return;
    m_syncing = true;
    m_bar->setValue(m_window->offset() + windowTop);
    m_syncing = false;
    const int page = m_bar->pageStep();
    const int shown = m_window->rowCount();
    const bool nearTop = windowTop < page && m_window->offset() > 0;
    const bool nearBottom = windowTop + 2 * page > shown && m_window->offset() + shown < m_window->sourceRowCount();
    if (nearTop || nearBottom)
        m_recentreTimer.start(); // not inside the table's own scrolling
}

void WindowedTableView::recentre()
{
    shiftWindow(m_window->offsetCentredOn(m_bar->value() + m_bar->pageStep() / 2));
}

void WindowedTableView::keepRowInWindow(int row)
{
    const int offset = m_window->offset();
    const int shown = m_window->rowCount();
    const int local = row - offset;
    const bool tooHigh = local < margin() && offset > 0;
    const bool tooLow = local >= shown - margin() && offset + shown < m_window->sourceRowCount();
    if (tooHigh || tooLow)
        shiftWindow(m_window->offsetCentredOn(row));
}

// Moves the window and keeps the screen where it was; the current row's index follows it in and out.
void WindowedTableView::shiftWindow(int offset)
{
    if (offset == m_window->offset())
        return;
    const int top = m_bar->value();
    m_shifting = true;
    m_window->setOffset(offset);
    // Now rather than at the next event-loop turn: the table's range may have changed (the last window
    // is one row short), and the position set below must use the new one.
    m_table->doItemsLayout();
    if (m_currentRow >= 0 && m_window->containsSourceRow(m_currentRow)) {
        const QModelIndex current = m_window->index(m_currentRow - m_window->offset(), m_currentColumn);
        if (m_table->currentIndex() != current)
            m_table->selectionModel()->setCurrentIndex(
                current, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_shifting = false;
    setTableTop(top - m_window->offset());
}

void WindowedTableView::setTableTop(int windowTop)
{
    m_syncing = true;
    QScrollBar* tableBar = m_table->verticalScrollBar();
    tableBar->setValue(windowTop);
    // The table may clamp (its range is the window's): our scrollbar shows where it really is.
    m_bar->setValue(m_window->offset() + tableBar->value());
    m_syncing = false;
}

void WindowedTableView::currentChanged(const QModelIndex& current)
{
    if (m_shifting)
        return;
    if (!current.isValid()) {
        if (m_currentRow != -1) {
            m_currentRow = -1;
            emit currentRowChanged(-1);
        }
        return;
    }
    m_currentColumn = current.column();
    const int row = m_window->offset() + current.row();
    if (row != m_currentRow) {
        m_currentRow = row;
        emit currentRowChanged(row);
    }
}

} // namespace EventScope
