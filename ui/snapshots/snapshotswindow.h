#pragma once

#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;
class QTableView;

namespace EventScope {

class JsonTreeView;
class OpenStore;
class SnapshotListModel;
class SnapshotCompareWindow;

// The snapshots a store keeps for one stream: version, time and size, and the selected one's state as a JSON
// tree. From here a snapshot is compared with a replay of the events, or opened in time travel at its version.
// The list is read on the store's interactive lane.
class SnapshotsWindow : public QWidget
{
    Q_OBJECT
public:
    SnapshotsWindow(
        std::shared_ptr<OpenStore> store, const QString& stream, const QString& category, QWidget* parent = nullptr);
    ~SnapshotsWindow() override;

    SnapshotListModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    // Compares the snapshot of `row` with a replay, in a window of its own.
    SnapshotCompareWindow* compareRow(int row);

signals:
    void loaded(int snapshots); // -1: the store answered with an error (shown in the window)
    void compareOpened(EventScope::SnapshotCompareWindow* window);
    void timeTravelRequested(const QString& stream, qint64 version);

private:
    void showSelected();

    std::shared_ptr<OpenStore> m_store;
    QString m_stream;
    QString m_category;
    SnapshotListModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    JsonTreeView* m_state = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_compare = nullptr;
    QPushButton* m_travel = nullptr;
};

} // namespace EventScope
