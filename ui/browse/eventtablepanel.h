#pragma once

#include <core/model/eventquery.h>

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;

namespace EventScope {

class EventTableModel;
class WindowedTableView;

// The middle panel: a filter bar (event type, since, until), "Go to position" and "Go to time",
// and the events table. It reports what the user asks for; MainWindow applies it to the model.
class EventTablePanel : public QWidget
{
    Q_OBJECT
public:
    explicit EventTablePanel(QWidget* parent = nullptr);

    void setModel(EventTableModel* model);
    // The Qt view: it holds a window of the model's rows. Rows in this panel's API are the model's rows.
    QTableView* view() const { return m_view; }
    WindowedTableView* windowedView() const { return m_table; }

    // Replaces the type list, keeping the chosen type when it is still there.
    void setEventTypes(const QStringList& types);
    // Type, since and until as typed; stream and category are not the bar's business.
    EventFilter barFilter() const { return m_barFilter; }

    int currentRow() const;
    void selectRow(int row);
    // The answer to a go-to request: selects and shows the row, or says there is none.
    void showLocatedRow(int row);

signals:
    void barFilterChanged(const EventFilter& filter);
    void goToPositionRequested(qint64 position);
    void goToTimeRequested(qint64 timeMs);
    void currentRowChanged(int row); // -1: none

private:
    void applyBar();
    void requestGoToPosition();
    void requestGoToTime();
    static void markInvalid(QLineEdit* edit, const QString& problem);

    QComboBox* m_type = nullptr;
    QLineEdit* m_since = nullptr;
    QLineEdit* m_until = nullptr;
    QLineEdit* m_position = nullptr;
    QPushButton* m_goToPosition = nullptr;
    QLineEdit* m_time = nullptr;
    QPushButton* m_goToTime = nullptr;
    WindowedTableView* m_table = nullptr;
    QTableView* m_view = nullptr; // inside m_table
    EventTableModel* m_model = nullptr;
    EventFilter m_barFilter;
};

} // namespace EventScope
