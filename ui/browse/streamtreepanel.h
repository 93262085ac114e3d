#pragma once

#include <QTimer>
#include <QWidget>

class QLineEdit;
class QModelIndex;
class QTreeView;

namespace EventScope {

class StreamTreeModel;

// The left panel: "All events", the categories and their streams, narrowed by a regular
// expression as the user types. It tells which scope the user picked; it does not filter events.
class StreamTreePanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kFilterDelayMs = 150;

    explicit StreamTreePanel(QWidget* parent = nullptr);

    void setModel(StreamTreeModel* model);
    QTreeView* view() const { return m_view; }

    // Selects the row of `stream`, expanding its category and fetching streams until it is found.
    void selectStream(const QString& category, const QString& stream);

signals:
    // An empty category and stream: "All events". A category alone: that category.
    void scopeSelected(const QString& category, const QString& stream);
    void patternChanged(const QString& pattern);
    // From a stream's context menu.
    void timeTravelRequested(const QString& stream);
    void snapshotsRequested(const QString& stream);
    void currentStateRequested(const QString& stream);

private:
    void emitPattern();
    void onCurrentChanged(const QModelIndex& current);
    void continuePendingSelection();

    QLineEdit* m_filter = nullptr;
    QTreeView* m_view = nullptr;
    StreamTreeModel* m_model = nullptr;
    QTimer m_filterDelay;
    QString m_pendingCategory;
    QString m_pendingStream;
};

} // namespace EventScope
