#pragma once

#include <core/dialects/storeopener.h>
#include <core/model/eventquery.h>
#include <core/model/storeinfo.h>

#include <core/store/storelocation.h>

#include <core/workspace/workspace.h>

#include <QMainWindow>
#include <QPointer>
#include <memory>

class QAction;
class QMenu;
class QSplitter;

namespace EventScope {

class DemoStoreBuilder;
class EventTableModel;
class EventTablePanel;
class InspectorPanel;
class OpenStore;
class PasswordStore;
class SnapshotsWindow;
class AggregateStateWindow;
class VerifyWindow;
struct StoreError;
class StoreStatusBar;
class DisconnectedBanner;
class StreamTreeModel;
class StreamTreePanel;

// The browsing window: stream tree, events table and inspector side by side. It owns the models
// and the store session, and connects the panels' intents to them; the panels do the showing.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    QString storePath() const { return m_storePath; }
    StoreInfo storeInfo() const { return m_storeInfo; }

    // What File > Open does with the chosen file: opens the store on a worker first (file checks,
    // schema detection), and only then shows it; its counts follow. A store that cannot be read
    // leaves the current one open.
    void openStore(const QString& path);
    // The same for a location and how to read it: its password (kept in memory for this store's connections only),
    // a forced dialect, a store name, a mapping. A store no dialect recognises offers to create a mapping.
    void openLocation(const StoreLocation& location, EventScope::OpenOptions options);
    // The mapping editor on `location`; what it makes opens the store.
    void showMappingEditor(const StoreLocation& location, const EventScope::OpenOptions& options);
    // File > Connect to Database…: the connection dialog, then openLocation() with what it chose.
    void showConnectionDialog();
    // Opens the demo store in AppDataLocation, writing it first (with a progress dialog) if needed.
    void openDemoStore();

    // For scripted runs (screenshots): select a stream in the tree and a row of the table once
    // they have loaded.
    void selectStream(const QString& stream);
    void selectRowWhenLoaded(int row);

    // View > Time Travel: replays the selected stream (or the current event's) through its category's
    // projection in a window of its own; returns it, or null when no stream is selected.
    class TimeTravelWindow* openTimeTravel();
    // The same for a named stream; its category comes from the store's own rule, so the window opens once
    // that is known (timeTravelOpened).
    void openTimeTravelOn(const QString& stream);
    // Time travel on `stream`, moved to the point after its event `version` once loaded.
    void openTimeTravelAt(const QString& stream, qint64 version);
    // View > Snapshots: the snapshots of the selected stream (or the current event's), each comparable with a
    // replay; null when no stream is selected.
    class SnapshotsWindow* openSnapshots();
    void openSnapshotsOn(const QString& stream);
    // View > Verify Snapshots: every snapshot of the store against its events, in a window of its own.
    class VerifyWindow* openVerify();
    // Tools ▸ Projection Editor, on the open store (or none) and the workspace at `workspacePath` (empty: the
    // user's, Workspace::defaultPath()).
    class ProjectionEditorWindow* openProjectionEditor(const QString& workspacePath = {});
    // Bookmarks of events, kept in the workspace per store: the selected event is bookmarked (with a note), and a
    // bookmark shows its event in the global log.
    bool bookmarkCurrentEvent(const QString& note = {});
    QList<WorkspaceBookmark> bookmarks() const;
    void goToBookmark(const WorkspaceBookmark& bookmark);
    // The workspace file the projection editor uses (the GUI's --workspace); empty: Workspace::defaultPath().
    void setWorkspacePath(const QString& path) { m_workspacePath = path; }
    // Time travel on `stream` with the projection in `projectionFile`, at `version` (-1: the end).
    void openTimeTravelWith(const QString& stream, const QString& projectionFile, qint64 version);
    // Which code ran: the projection editor (the one open, or a new one) showing `projectionFile` at `line`.
    void openProjectionSource(const QString& projectionFile, int line);
    // A stream's state now (latest snapshot plus newer events), from the stream tree's context menu.
    void openCurrentState(const QString& stream);
    // The compare view of one snapshot, once it is read from the store.
    void openSnapshotCompare(const QString& stream, qint64 version);

signals:
    void storeOpened(const QString& path);
    void openFailed(const QString& path, const QString& message);
    // Every error shown to the user in a message box, so a test can see it without clicking.
    void errorShown(const QString& message);
    void timeTravelOpened(EventScope::TimeTravelWindow* window);
    void snapshotsOpened(EventScope::SnapshotsWindow* window);
    void currentStateOpened(EventScope::AggregateStateWindow* window);
    void projectionEditorOpened(EventScope::ProjectionEditorWindow* window);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    QPointer<class ProjectionEditorWindow> m_projectionEditor; // the last one opened
    // The stream the user is looking at: the tree's selection, else the current event's; with its category.
    std::pair<QString, QString> streamInScope() const;
    SnapshotsWindow* showSnapshots(const QString& stream, const QString& category);
    // A time travel window, wired to the rest of the application; shown by the caller.
    class TimeTravelWindow* newTimeTravelWindow(const QString& stream, const QString& category);

    void createPanels();
    void createMenus();
    void connectModels();
    void adoptStore(const QString& path, std::shared_ptr<OpenStore> store);
    QString storeName() const; // what the title and status bar call the open store
    // The server wants a password: the keyring's if it has one that was not just refused, else the user's.
    void askForPassword(const StoreLocation& location, const OpenOptions& refused, const StoreError& error);
    // No dialect knows the tables: say so, and offer the mapping editor.
    void offerMapping(const StoreLocation& location, const OpenOptions& options, const StoreError& error);
    void loadEventTypes();
    void loadStoreInfo();
    void setScope(const QString& category, const QString& stream);
    EventFilter currentFilter() const;
    void applyFilter();
    void updateInspector();
    void updateBusy();
    void cancelLoading();
    void fillRecentMenu();
    void showOpenDialog();
    void showAbout();
    void showError(const QString& title, const QString& message);
    // A store's error: its message, and under Details its kind and the server's SQLSTATE.
    void showError(const QString& title, const StoreError& error);
    void showBrowsingError(const StoreError& error);
    void showError(const QString& title, const QString& message, const QString& details);

    StreamTreeModel* m_treeModel = nullptr;
    EventTableModel* m_tableModel = nullptr;
    StreamTreePanel* m_treePanel = nullptr;
    EventTablePanel* m_tablePanel = nullptr;
    InspectorPanel* m_inspector = nullptr;
    StoreStatusBar* m_status = nullptr;
    DisconnectedBanner* m_disconnected = nullptr; // while the server is out of reach
    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_detailSplitter = nullptr;
    QMenu* m_recentMenu = nullptr;
    DemoStoreBuilder* m_demoBuilder = nullptr;

    std::shared_ptr<OpenStore> m_store; // shared with the models
    PasswordStore* m_passwords = nullptr; // the keyring, and the passwords typed in this session (memory only)
    QString m_storePath;
    QString m_workspacePath;
    StoreInfo m_storeInfo;
    quint64 m_openGeneration = 0; // the latest openStore() request; older answers are dropped
    QString m_scopeCategory;
    QString m_scopeStream;
    int m_currentRow = -1;
    int m_pendingRow = -1; // selectRowWhenLoaded() before the rows are there
    QString m_pendingStream; // selectStream() before its rows are shown
};

} // namespace EventScope
