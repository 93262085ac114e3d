#pragma once

#include <core/replay/timetravelsession.h>

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;
class QTableView;
class QTableWidget;
class QTimer;
class QToolButton;

namespace EventScope {

class HandlerLabel;
class JsonTreeView;
class OpenStore;
class ReplayEventsModel;

// Time travel over one stream: the stream's events on the left; a scrubber with step and play; the state after
// the current event as a JSON tree; what that event changed (path, op, old, new); the history of any field
// (right-click it in the state); and "find first" for a predicate over the state. The projection is picked per
// category and remembered per store; the demo store's categories have built-in ones, and any other category is
// folded by a labelled default until one is picked, so the events show at once. All folding runs on
// TimeTravelSession's thread.
class TimeTravelWindow : public QWidget
{
    Q_OBJECT
public:
    TimeTravelWindow(
        std::shared_ptr<OpenStore> store, const QString& stream, const QString& category, QWidget* parent = nullptr);
    ~TimeTravelWindow() override;

    // The point shown: events folded (0 .. event count).
    qint64 currentCount() const { return m_count; }
    qint64 eventCount() const;
    // The state shown, as JSON text; empty when there is none.
    QByteArray stateText() const { return m_stateText; }
    // The projection folding the stream: a file or resource path, a workspace definition
    // (ProjectionChoices::workspaceChoice) or ProjectionChoices::defaultFold() until one is picked.
    QString projection() const { return m_projection; }
    bool usesDefaultFold() const;
    QString category() const { return m_category; }

    // The user's pick, remembered for the category of this store.
    void setProjection(const QString& path);
    void moveTo(qint64 count);
    // To the point after the event with the highest version <= `version` (a snapshot's version, say); once the
    // stream is loaded when it is not yet.
    void moveToVersion(qint64 version);
    void showFieldHistory(const QString& path);
    void findFirst(const QString& predicate);

signals:
    void frameShown(qint64 count); // a seek has been answered and painted
    void loadFinished(bool ok);
    void fieldHistoryShown(const QString& path, int changes);
    void findFinished(bool found);
    // Which code ran: the user asked to see the handler that applies the current event (a file and its line).
    void handlerSourceRequested(const QString& projectionFile, int line);

private:
    void buildUi();
    void fillProjectionChoices();
    void load(const QString& choice);
    void reload();
    void onLoaded(const TimeTravelSession::Loaded& loaded);
    void onFrame(const TimeTravelSession::Frame& frame);
    void onFieldHistory(const QString& path, const QList<StreamReplay::FieldChange>& changes);
    void onFound(const QString& predicate, const StreamReplay::Found& found);
    void showMessage(const QString& text, bool problem);
    void togglePlay();
    void selectStatePath(const QString& jsonPath);

    std::shared_ptr<OpenStore> m_store;
    QString m_stream;
    QString m_category;
    QString m_projection;
    TimeTravelSession* m_session = nullptr;
    qint64 m_count = 0;
    qint64 m_foldable = 0;
    QByteArray m_stateText;

    QComboBox* m_projectionBox = nullptr;
    QTableView* m_eventsView = nullptr;
    ReplayEventsModel* m_events = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_pointLabel = nullptr;
    HandlerLabel* m_handlerLabel = nullptr; // which handler applied the current event
    QToolButton* m_play = nullptr;
    QTimer* m_playTimer = nullptr;
    JsonTreeView* m_state = nullptr;
    QTableWidget* m_changes = nullptr;
    QTableWidget* m_history = nullptr;
    QLabel* m_historyLabel = nullptr;
    QLineEdit* m_predicate = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace EventScope
