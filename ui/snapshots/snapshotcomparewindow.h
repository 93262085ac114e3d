#pragma once

#include <core/diff/jsondiff.h>
#include <core/model/storeinfo.h>
#include <core/replay/timetravelsession.h>

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace EventScope {

class JsonTreeView;
class OpenStore;

// One snapshot against what the events say: the stream is folded through its category's projection (the one time
// travel uses, remembered per store) up to the snapshot's version, and the two states are shown side by side with
// their structural diff (objects by key, numbers by value). Keys a library adds for its own bookkeeping can be
// ignored, by name at any depth or by path. Folding runs on TimeTravelSession's thread.
class SnapshotCompareWindow : public QWidget
{
    Q_OBJECT
public:
    SnapshotCompareWindow(std::shared_ptr<OpenStore> store, const QString& stream, const QString& category,
        const Snapshot& snapshot, QWidget* parent = nullptr);
    ~SnapshotCompareWindow() override;

    void setProjection(const QString& path);
    // "_id, $.meta.savedAt": names and paths, separated by commas or spaces.
    void setIgnored(const QString& keysAndPaths);

    // What the last comparison found (empty before the first one finishes).
    const JsonDiffResult& differences() const { return m_differences; }
    QString verdict() const; // "match", "drift" or "error"
    QByteArray replayedState() const { return m_replayed; }

signals:
    void compared(const QString& verdict); // after each comparison, or an error
    void timeTravelRequested(const QString& stream, qint64 version);

private:
    void buildUi();
    void reload();
    void onLoaded(const TimeTravelSession::Loaded& loaded);
    void onFrame(const TimeTravelSession::Frame& frame);
    void compare();
    void showProblem(const QString& text);
    void selectPath(const QString& diffPath);

    std::shared_ptr<OpenStore> m_store;
    QString m_stream;
    QString m_category;
    Snapshot m_snapshot;
    QString m_projection;
    TimeTravelSession* m_session = nullptr;
    std::optional<QByteArray> m_replayedState;
    QByteArray m_replayed;
    bool m_haveReplay = false;
    JsonDiffResult m_differences;
    QString m_verdict;

    QComboBox* m_projectionBox = nullptr;
    QLineEdit* m_ignore = nullptr;
    QLabel* m_summary = nullptr;
    JsonTreeView* m_snapshotTree = nullptr;
    JsonTreeView* m_replayTree = nullptr;
    QTableWidget* m_diff = nullptr;
};

} // namespace EventScope
