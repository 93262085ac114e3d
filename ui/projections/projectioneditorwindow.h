#pragma once

#include <core/projection/projectionfault.h>
#include <core/projection/projectionsource.h>
#include <core/workspace/workspace.h>

#include <QMainWindow>
#include <QTimer>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace EventScope {

class DefinitionFileLink;
class FindReplaceBar;
class OpenStore;
class ProjectionCodeEditor;
class ProjectionCompileCheck;
class ProjectionRunPanel;
class ProjectionRunSession;
struct ProjectionCompareOutput;
struct ProjectionDefinition;
struct ProjectionRunOutput;
struct StoreError;

// Tools ▸ Projection Editor: the projection definitions of the workspace, edited in a JavaScript editor that
// knows the projection language and the store's event types, run against the open store's history, and compared
// revision against revision. Every keystroke reaches the workspace as a draft within a moment, so that closing or
// killing EventScope mid-edit loses nothing; Save makes a revision.
class ProjectionEditorWindow : public QMainWindow
{
    Q_OBJECT
public:
    // What a run reads: the definition's own source, or one stream, one category, a range of global positions or
    // a range of times on top of it.
    enum class Scope { Source, Stream, Category, Positions, Times };

    // `store` may be null (no store open: editing only). `workspacePath`: Workspace::defaultPath() in the app.
    ProjectionEditorWindow(std::shared_ptr<OpenStore> store, const QString& workspacePath, QWidget* parent = nullptr);
    ~ProjectionEditorWindow() override;

    bool hasWorkspace() const { return m_workspace != nullptr; }
    Workspace* workspace() const { return m_workspace.get(); }
    ProjectionCodeEditor* editor() const { return m_editor; }
    ProjectionRunPanel* runPanel() const { return m_runPanel; }
    QListWidget* issuesList() const { return m_issues; }
    QListWidget* definitionsList() const { return m_definitions; }
    QTreeWidget* revisionsList() const { return m_revisions; }
    FindReplaceBar* findBar() const { return m_findBar; }
    std::optional<qint64> currentDefinition() const { return m_definitionId; }
    bool hasUnsavedChanges() const;

    // Creates a definition (the template when `text` is empty) and opens it. False with a message when the name
    // is taken or empty.
    bool newDefinition(const QString& name, const QString& text = {});
    bool openDefinition(qint64 id);
    bool openDefinitionNamed(const QString& name);
    bool saveRevision(const QString& message = {});
    bool importFile(const QString& path);
    bool exportFile(const QString& path);
    bool linkFile(const QString& path);
    // Which code ran, from time travel: the definition of the projection file `path` opened at `line`. A file on
    // disk is the definition linked to it (imported and linked the first time); a built-in one is imported once.
    bool showSource(const QString& path, int line);
    bool restoreRevision(qint64 revisionId);
    // The text diff (diff -u) from revision `revisionId` to the editor's text.
    QString revisionDiff(qint64 revisionId) const;
    // Writes the draft now (the autosave timer does it a moment after each change).
    void flushDraft();

    void setScope(Scope scope, const QString& first = {}, const QString& second = {});
    void run();
    void cancelRun();
    // Runs revision `before` and the editor's text (`after` empty) or revision `after` over one read of the
    // events, and shows which partitions changed. Without arguments: the saved head against the editor's text.
    void compare(
        std::optional<qint64> beforeRevision = std::nullopt, std::optional<qint64> afterRevision = std::nullopt);
    bool isRunning() const;

signals:
    void runFinished(bool completed);
    void compareFinished(bool completed);
    void checkFinished(bool compiled);
    void storeWordsLoaded();
    // "Open in Time Travel" on a partition or a failed event: the definition is written to `projectionFile` first.
    void timeTravelRequested(const QString& stream, const QString& projectionFile, qint64 version);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildUi();
    void buildActions();
    void openWorkspace(const QString& path);
    void reloadDefinitions(std::optional<qint64> select = std::nullopt);
    void reloadRevisions();
    void loadIntoEditor(const QString& text);
    void textEdited();
    void updateTitle();
    void showMessage(const QString& text, bool error = false);
    void showFaults(const QList<ProjectionFault>& faults);
    void onRan(const ProjectionRunOutput& output);
    void onCompared(const ProjectionCompareOutput& output);
    void onFailed(const StoreError& error);
    void onChecked(const std::optional<ProjectionFault>& fault, const ProjectionDefinition& definition);
    std::optional<ProjectionScope> scopeFromControls(QString* problem) const;
    // The scope to run over, or nullopt after saying why nothing can run (no store, a bad range).
    std::optional<ProjectionScope> readyToRun();
    void loadStoreWords();
    void followLinkedFile(const QString& path);
    QString currentName() const;
    QString writeForTimeTravel() const;
    void runStarted(const QString& what);
    void runEnded();
    void showRevisionDiff(qint64 revisionId);

    std::shared_ptr<OpenStore> m_store;
    std::unique_ptr<Workspace> m_workspace;
    QString m_workspaceError;
    std::optional<qint64> m_definitionId;
    QString m_savedText; // the head revision's text
    bool m_loading = false;

    ProjectionCodeEditor* m_editor = nullptr;
    FindReplaceBar* m_findBar = nullptr;
    QListWidget* m_issues = nullptr;
    QListWidget* m_definitions = nullptr;
    QTreeWidget* m_revisions = nullptr;
    ProjectionRunPanel* m_runPanel = nullptr;
    QComboBox* m_scope = nullptr;
    QLineEdit* m_scopeFirst = nullptr;
    QLineEdit* m_scopeSecond = nullptr;
    QComboBox* m_compareBefore = nullptr;
    QComboBox* m_compareAfter = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_compareButton = nullptr;
    QLabel* m_progress = nullptr;
    QLabel* m_linkLabel = nullptr;

    ProjectionRunSession* m_session = nullptr;
    ProjectionCompileCheck* m_check = nullptr;
    DefinitionFileLink* m_link = nullptr;
    QTimer m_autosave;
    QTimer m_checkTimer;
    QString m_compareBeforeName;
    QString m_compareAfterName;
    std::optional<ProjectionFault> m_checkFault;
    std::optional<ProjectionFault> m_runFault;
};

} // namespace EventScope
