#include "projectioneditorwindow.h"

#include "findreplacebar.h"
#include "projectioncodeeditor.h"
#include "projectionrunpanel.h"

#include <core/diff/textdiff.h>
#include <core/jobs/openstore.h>
#include <core/model/timeformat.h>
#include <core/projection/projectioncompilecheck.h>
#include <core/projection/projectionrunsession.h>
#include <core/workspace/definitionfilelink.h>

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTextEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kLineRole = Qt::UserRole + 2;
constexpr int kAutosaveMs = 250; // the longest an edit waits before it is in the workspace
constexpr int kCheckMs = 500; // the pause in typing before the live compile check

QString templateText(const QString& name)
{
    return u"// %1: a projection in the KurrentDB / EventStoreDB projection language (docs/projections.md).\n"
           "// Ctrl+R runs it over the store's history; Ctrl+S saves a revision.\n"
           "fromCategory('account')\n"
           "  .foreachStream()\n"
           "  .when({\n"
           "    $init: () => ({ count: 0 }),\n"
           "    $any: (s, e) => {\n"
           "      s.count += 1;\n"
           "    },\n"
           "  });\n"_s.arg(name);
}

// Top-level data keys of a sample of each event type, for completion.
struct StoreWords
{
    QStringList types;
    QStringList fields;
};

} // namespace

ProjectionEditorWindow::ProjectionEditorWindow(
    std::shared_ptr<OpenStore> store, const QString& workspacePath, QWidget* parent)
    : QMainWindow(parent)
    , m_store(std::move(store))
{
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1200, 800);
    buildUi();
    buildActions();
    m_check = new ProjectionCompileCheck(this);
    connect(m_check, &ProjectionCompileCheck::checked, this, &ProjectionEditorWindow::onChecked);
    if (m_store) {
        m_session = new ProjectionRunSession(m_store->sharedConnector(), this);
        connect(m_session, &ProjectionRunSession::ran, this, &ProjectionEditorWindow::onRan);
        connect(m_session, &ProjectionRunSession::compared, this, &ProjectionEditorWindow::onCompared);
        connect(m_session, &ProjectionRunSession::failed, this, &ProjectionEditorWindow::onFailed);
        connect(m_session, &ProjectionRunSession::progress, this,
            [this](qint64 events) { m_progress->setText(tr("%1 events…").arg(events)); });
    }
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(kAutosaveMs);
    connect(&m_autosave, &QTimer::timeout, this, &ProjectionEditorWindow::flushDraft);
    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(kCheckMs);
    connect(
        &m_checkTimer, &QTimer::timeout, this, [this] { m_check->check(m_editor->text(), currentName() + u".js"_s); });

    openWorkspace(workspacePath);
    loadStoreWords();
    updateTitle();
}

ProjectionEditorWindow::~ProjectionEditorWindow()
{
    flushDraft();
}

void ProjectionEditorWindow::buildUi()
{
    auto* outer = new QSplitter(Qt::Vertical, this);
    auto* top = new QSplitter(Qt::Horizontal, outer);

    // Left: the workspace's definitions and the current one's revisions.
    auto* left = new QWidget(top);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(4, 4, 0, 4);
    leftLayout->addWidget(new QLabel(tr("Definitions"), left));
    m_definitions = new QListWidget(left);
    leftLayout->addWidget(m_definitions, 2);
    leftLayout->addWidget(new QLabel(tr("Revisions (double-click: diff, restore)"), left));
    m_revisions = new QTreeWidget(left);
    m_revisions->setHeaderLabels({ tr("#"), tr("Saved"), tr("Message") });
    m_revisions->setRootIsDecorated(false);
    m_revisions->header()->setStretchLastSection(true);
    leftLayout->addWidget(m_revisions, 3);
    connect(m_definitions, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { openDefinition(item->data(kIdRole).toLongLong()); });
    connect(m_definitions, &QListWidget::itemClicked, this,
        [this](QListWidgetItem* item) { openDefinition(item->data(kIdRole).toLongLong()); });
    connect(m_revisions, &QTreeWidget::itemDoubleClicked, this,
        [this](QTreeWidgetItem* item) { showRevisionDiff(item->data(0, kIdRole).toLongLong()); });

    // Middle: the run controls, the editor, find/replace and the issues.
    auto* middle = new QWidget(top);
    auto* middleLayout = new QVBoxLayout(middle);
    middleLayout->setContentsMargins(0, 4, 4, 0);
    auto* controls = new QHBoxLayout;
    m_scope = new QComboBox(middle);
    m_scope->addItem(tr("Its source"), int(Scope::Source));
    m_scope->addItem(tr("One stream"), int(Scope::Stream));
    m_scope->addItem(tr("One category"), int(Scope::Category));
    m_scope->addItem(tr("Positions"), int(Scope::Positions));
    m_scope->addItem(tr("Times"), int(Scope::Times));
    m_scope->setToolTip(tr("What the run reads: the definition's own source, or narrowed to a stream, a category, a "
                           "range of global positions or of times"));
    m_scopeFirst = new QLineEdit(middle);
    m_scopeSecond = new QLineEdit(middle);
    m_runButton = new QPushButton(tr("Run"), middle);
    m_runButton->setToolTip(tr("Run over the store's history (Ctrl+R)"));
    m_cancelButton = new QPushButton(tr("Cancel"), middle);
    m_cancelButton->setEnabled(false);
    m_progress = new QLabel(middle);
    m_compareBefore = new QComboBox(middle);
    m_compareAfter = new QComboBox(middle);
    m_compareButton = new QPushButton(tr("Compare"), middle);
    m_compareButton->setToolTip(
        tr("Run both over one read of the events and list the partitions that differ (Ctrl+Shift+R)"));
    controls->addWidget(new QLabel(tr("Run over"), middle));
    controls->addWidget(m_scope);
    controls->addWidget(m_scopeFirst, 1);
    controls->addWidget(m_scopeSecond, 1);
    controls->addWidget(m_runButton);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_progress);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Compare"), middle));
    controls->addWidget(m_compareBefore);
    controls->addWidget(new QLabel(tr("with"), middle));
    controls->addWidget(m_compareAfter);
    controls->addWidget(m_compareButton);
    middleLayout->addLayout(controls);
    const auto updateScopeFields = [this] {
        const auto scope = Scope(m_scope->currentData().toInt());
        m_scopeFirst->setVisible(scope != Scope::Source);
        m_scopeSecond->setVisible(scope == Scope::Positions || scope == Scope::Times);
        m_scopeFirst->setPlaceholderText(scope == Scope::Stream ? tr("stream, e.g. account-1")
                : scope == Scope::Category                      ? tr("category, e.g. account")
                : scope == Scope::Positions                     ? tr("from position")
                                                                : tr("since, e.g. 2024-01-01T00:30:00Z"));
        m_scopeSecond->setPlaceholderText(scope == Scope::Positions ? tr("to position") : tr("until"));
    };
    connect(m_scope, &QComboBox::currentIndexChanged, this, updateScopeFields);
    updateScopeFields();
    connect(m_runButton, &QPushButton::clicked, this, &ProjectionEditorWindow::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &ProjectionEditorWindow::cancelRun);
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const QVariant before = m_compareBefore->currentData();
        const QVariant after = m_compareAfter->currentData();
        compare(before.isValid() ? std::optional(before.toLongLong()) : std::nullopt,
            after.toLongLong() > 0 ? std::optional(after.toLongLong()) : std::nullopt);
    });

    auto* editorSplit = new QSplitter(Qt::Vertical, middle);
    auto* editorBox = new QWidget(editorSplit);
    auto* editorLayout = new QVBoxLayout(editorBox);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(0);
    m_editor = new ProjectionCodeEditor(editorBox);
    m_findBar = new FindReplaceBar(m_editor, editorBox);
    editorLayout->addWidget(m_editor, 1);
    editorLayout->addWidget(m_findBar);
    m_issues = new QListWidget(editorSplit);
    m_issues->setToolTip(tr("Problems of the definition; click one to go to its line"));
    editorSplit->setStretchFactor(0, 5);
    editorSplit->setStretchFactor(1, 1);
    middleLayout->addWidget(editorSplit, 1);
    m_linkLabel = new QLabel(middle);
    m_linkLabel->setVisible(false);
    middleLayout->addWidget(m_linkLabel);
    connect(m_editor, &QsciScintilla::textChanged, this, &ProjectionEditorWindow::textEdited);
    connect(m_issues, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        const int line = item->data(kLineRole).toInt();
        if (line > 0) {
            m_editor->setCursorPosition(line - 1, 0);
            m_editor->ensureLineVisible(line - 1);
            m_editor->setFocus();
        }
    });

    top->addWidget(left);
    top->addWidget(middle);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 4);
    m_runPanel = new ProjectionRunPanel(outer);
    outer->addWidget(top);
    outer->addWidget(m_runPanel);
    outer->setStretchFactor(0, 3);
    outer->setStretchFactor(1, 2);
    setCentralWidget(outer);
    connect(m_runPanel, &ProjectionRunPanel::lineRequested, this, [this](int line) {
        m_editor->setCursorPosition(line - 1, 0);
        m_editor->ensureLineVisible(line - 1);
        m_editor->setFocus();
    });
    connect(m_runPanel, &ProjectionRunPanel::timeTravelRequested, this, [this](const QString& stream, qint64 version) {
        const QString file = writeForTimeTravel();
        if (!file.isEmpty())
            emit timeTravelRequested(stream, file, version);
    });
}

void ProjectionEditorWindow::buildActions()
{
    QMenu* definition = menuBar()->addMenu(tr("&Definition"));
    const auto add = [this](QMenu* menu, const QString& text, const QKeySequence& keys, auto slot) {
        QAction* action = menu->addAction(text);
        if (!keys.isEmpty())
            action->setShortcut(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    add(definition, tr("&New…"), QKeySequence::New, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("New Definition"), tr("Name:"), QLineEdit::Normal,
            tr("projection-%1").arg(m_definitions->count() + 1), &ok);
        if (ok)
            newDefinition(name.trimmed());
    });
    add(definition, tr("&Import .js File…"), QKeySequence(), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Definition"), {}, tr("JavaScript (*.js)"));
        if (!path.isEmpty())
            importFile(path);
    });
    add(definition, tr("&Export .js File…"), QKeySequence(), [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Definition"), currentName() + u".js"_s, tr("JavaScript (*.js)"));
        if (!path.isEmpty())
            exportFile(path);
    });
    add(definition, tr("&Link to a File…"), QKeySequence(), [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Link to a File in Your Repository"),
            currentName() + u".js"_s, tr("JavaScript (*.js)"), nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            linkFile(path);
    });
    definition->addSeparator();
    add(definition, tr("&Save Revision"), QKeySequence::Save, [this] { saveRevision(); });
    add(definition, tr("Save Revision with &Message…"), QKeySequence(tr("Ctrl+Alt+S")), [this] {
        bool ok = false;
        const QString message
            = QInputDialog::getText(this, tr("Save Revision"), tr("Message:"), QLineEdit::Normal, {}, &ok);
        if (ok)
            saveRevision(message);
    });
    definition->addSeparator();
    add(definition, tr("&Close"), QKeySequence::Close, [this] { close(); });

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    add(edit, tr("&Undo"), QKeySequence::Undo, [this] { m_editor->undo(); });
    add(edit, tr("&Redo"), QKeySequence::Redo, [this] { m_editor->redo(); });
    edit->addSeparator();
    add(edit, tr("&Find…"), QKeySequence::Find, [this] { m_findBar->showFind(); });
    add(edit, tr("Find &Next"), QKeySequence::FindNext, [this] { m_findBar->findNext(); });
    add(edit, tr("Find &Previous"), QKeySequence::FindPrevious, [this] { m_findBar->findPrevious(); });
    add(edit, tr("&Replace…"), QKeySequence(tr("Ctrl+H")), [this] { m_findBar->showReplace(); });
    add(edit, tr("&Complete"), QKeySequence(tr("Ctrl+Space")), [this] { m_editor->autoCompleteFromAll(); });

    QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
    QAction* runAction = add(runMenu, tr("&Run over History"), QKeySequence(tr("Ctrl+R")), [this] { run(); });
    runAction->setShortcuts({ QKeySequence(tr("Ctrl+R")), QKeySequence(Qt::Key_F5) });
    add(runMenu, tr("&Cancel"), QKeySequence(tr("Ctrl+.")), [this] { cancelRun(); });
    add(runMenu, tr("Compare with the &Saved Revision"), QKeySequence(tr("Ctrl+Shift+R")), [this] { compare(); });
}

void ProjectionEditorWindow::openWorkspace(const QString& path)
{
    auto opened = Workspace::open(path);
    if (!opened) {
        m_workspaceError = opened.error().message;
        showMessage(tr("The workspace cannot be opened, so nothing can be saved: %1").arg(m_workspaceError), true);
        m_editor->setReadOnly(true);
        return;
    }
    m_workspace = std::move(*opened);
    reloadDefinitions();
    const auto definitions = m_workspace->definitions();
    if (definitions && !definitions->isEmpty()) {
        // Reopen the definition that has unsaved edits, else the first.
        qint64 open = definitions->first().id;
        for (const WorkspaceDefinition& definition : *definitions)
            if (definition.draft) {
                open = definition.id;
                break;
            }
        openDefinition(open);
    } else
        newDefinition(tr("events-per-account"));
}

void ProjectionEditorWindow::reloadDefinitions(std::optional<qint64> select)
{
    if (!m_workspace)
        return;
    const auto definitions = m_workspace->definitions();
    if (!definitions) {
        showMessage(definitions.error().message, true);
        return;
    }
    const QSignalBlocker blocker(m_definitions);
    m_definitions->clear();
    for (const WorkspaceDefinition& definition : *definitions) {
        auto* item = new QListWidgetItem(
            definition.name + (definition.linkedFile.isEmpty() ? QString() : u" ⇄"_s), m_definitions);
        item->setData(kIdRole, definition.id);
        if (!definition.linkedFile.isEmpty())
            item->setToolTip(tr("Linked to %1").arg(definition.linkedFile));
        if (select && *select == definition.id)
            m_definitions->setCurrentItem(item);
    }
}

void ProjectionEditorWindow::reloadRevisions()
{
    m_revisions->clear();
    const QVariant before = m_compareBefore->currentData();
    m_compareBefore->clear();
    m_compareAfter->clear();
    m_compareAfter->addItem(tr("the editor's text"), qint64(-1));
    if (!m_workspace || !m_definitionId)
        return;
    const auto revisions = m_workspace->revisions(*m_definitionId);
    if (!revisions) {
        showMessage(revisions.error().message, true);
        return;
    }
    for (const WorkspaceRevision& revision : *revisions) {
        auto* item = new QTreeWidgetItem(m_revisions,
            { u"r%1"_s.arg(revision.number), revision.time.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s),
                revision.message });
        item->setData(0, kIdRole, revision.id);
        item->setToolTip(2, tr("SHA-256 %1").arg(revision.hash));
        const QString label = revision.number == revisions->first().number ? tr("r%1 (saved)").arg(revision.number)
                                                                           : u"r%1"_s.arg(revision.number);
        m_compareBefore->addItem(label, revision.id);
        m_compareAfter->addItem(label, revision.id);
    }
    m_revisions->resizeColumnToContents(0);
    m_revisions->resizeColumnToContents(1);
    const int keep = m_compareBefore->findData(before);
    if (keep >= 0)
        m_compareBefore->setCurrentIndex(keep);
}

bool ProjectionEditorWindow::hasUnsavedChanges() const
{
    return m_definitionId && m_editor->text() != m_savedText;
}

bool ProjectionEditorWindow::newDefinition(const QString& name, const QString& text)
{
    if (!m_workspace)
        return false;
    flushDraft();
    const auto created = m_workspace->createDefinition(name, text.isEmpty() ? templateText(name) : text, tr("Created"));
    if (!created) {
        showMessage(created.error().message, true);
        return false;
    }
    reloadDefinitions(created->id);
    return openDefinition(created->id);
}

bool ProjectionEditorWindow::openDefinition(qint64 id)
{
    if (!m_workspace)
        return false;
    if (m_definitionId == id)
        return true;
    flushDraft();
    const auto definition = m_workspace->definition(id);
    if (!definition) {
        showMessage(definition.error().message, true);
        return false;
    }
    m_definitionId = id;
    m_savedText = definition->content;
    m_runFault.reset();
    m_checkFault.reset();
    loadIntoEditor(definition->draft.value_or(definition->content));
    reloadDefinitions(id);
    reloadRevisions();
    followLinkedFile(definition->linkedFile);
    m_runPanel->clear();
    if (definition->draft)
        showMessage(tr("Restored the unsaved edits of '%1'.").arg(definition->name));
    updateTitle();
    m_checkTimer.start(0);
    return true;
}

bool ProjectionEditorWindow::openDefinitionNamed(const QString& name)
{
    if (!m_workspace)
        return false;
    const auto found = m_workspace->definitionNamed(name);
    return found && *found && openDefinition((*found)->id);
}

void ProjectionEditorWindow::loadIntoEditor(const QString& text)
{
    m_loading = true;
    m_editor->setText(text);
    m_loading = false;
}

void ProjectionEditorWindow::textEdited()
{
    if (m_loading)
        return;
    m_autosave.start();
    m_checkTimer.start();
    if (m_runFault) {
        m_runFault.reset(); // its line may have moved
        showFaults(m_checkFault ? QList { *m_checkFault } : QList<ProjectionFault> {});
    }
    updateTitle();
}

void ProjectionEditorWindow::flushDraft()
{
    m_autosave.stop();
    if (!m_workspace || !m_definitionId)
        return;
    const QString text = m_editor->text();
    const Status saved = text == m_savedText ? m_workspace->clearDraft(*m_definitionId)
                                             : m_workspace->saveDraft(*m_definitionId, text);
    if (!saved)
        showMessage(tr("Your edits could not be kept: %1").arg(saved.error().message), true);
}

bool ProjectionEditorWindow::saveRevision(const QString& message)
{
    if (!m_workspace || !m_definitionId)
        return false;
    m_autosave.stop();
    const QString text = m_editor->text();
    const auto revision = m_workspace->saveRevision(*m_definitionId, text, message);
    if (!revision) {
        showMessage(revision.error().message, true);
        return false;
    }
    m_savedText = text;
    reloadRevisions();
    updateTitle();
    showMessage(tr("Saved revision r%1.").arg(revision->number));
    // A linked definition writes through to its file, so that the repository sees the edit.
    const auto definition = m_workspace->definition(*m_definitionId);
    if (definition && !definition->linkedFile.isEmpty()) {
        if (const Status written = m_workspace->exportFile(*m_definitionId, definition->linkedFile); !written)
            showMessage(written.error().message, true);
    }
    return true;
}

bool ProjectionEditorWindow::importFile(const QString& path)
{
    if (!m_workspace)
        return false;
    flushDraft();
    const auto imported = m_workspace->importFile(path);
    if (!imported) {
        showMessage(imported.error().message, true);
        return false;
    }
    reloadDefinitions(imported->id);
    return openDefinition(imported->id);
}

bool ProjectionEditorWindow::showSource(const QString& path, int line)
{
    if (!m_workspace)
        return false;
    const bool builtIn = path.startsWith(u':');
    const QString absolute = builtIn ? path : QFileInfo(path).absoluteFilePath();
    const QString name = QFileInfo(path).completeBaseName() + (builtIn ? tr(" (built in)") : QString());
    std::optional<qint64> found;
    if (const auto all = m_workspace->definitions()) {
        for (const WorkspaceDefinition& definition : *all) {
            if ((!builtIn && definition.linkedFile == absolute) || (builtIn && definition.name == name))
                found = definition.id;
        }
    }
    if (found) {
        if (!openDefinition(*found))
            return false;
    } else {
        flushDraft();
        const auto imported = m_workspace->importFile(path, name);
        if (!imported) {
            showMessage(imported.error().message, true);
            return false;
        }
        reloadDefinitions(imported->id);
        if (!openDefinition(imported->id) || (!builtIn && !linkFile(absolute)))
            return false;
    }
    if (line > 0) {
        m_editor->setCursorPosition(line - 1, 0);
        m_editor->ensureLineVisible(line - 1);
        m_editor->setFocus();
    }
    return true;
}

bool ProjectionEditorWindow::exportFile(const QString& path)
{
    if (!m_workspace || !m_definitionId)
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_editor->text().toUtf8()) < 0 || !file.commit()) {
        showMessage(tr("Cannot write %1: %2").arg(path, file.errorString()), true);
        return false;
    }
    showMessage(tr("Exported to %1.").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool ProjectionEditorWindow::linkFile(const QString& path)
{
    if (!m_workspace || !m_definitionId)
        return false;
    // The file is the source of truth once linked: an existing one is read in; a new one gets the editor's text.
    if (!QFileInfo::exists(path) && !exportFile(path))
        return false;
    if (const Status linked = m_workspace->linkFile(*m_definitionId, path); !linked) {
        showMessage(linked.error().message, true);
        return false;
    }
    followLinkedFile(QFileInfo(path).absoluteFilePath());
    m_link->reload();
    reloadDefinitions(m_definitionId);
    return true;
}

void ProjectionEditorWindow::followLinkedFile(const QString& path)
{
    delete m_link;
    m_link = nullptr;
    m_linkLabel->setVisible(!path.isEmpty());
    if (path.isEmpty() || !m_workspace || !m_definitionId)
        return;
    m_linkLabel->setText(
        tr("Linked to %1: changes to the file become revisions here.").arg(QDir::toNativeSeparators(path)));
    m_link = new DefinitionFileLink(*m_workspace, *m_definitionId, path, this);
    connect(m_link, &DefinitionFileLink::reloaded, this, [this](qint64, const QString& content) {
        const bool edited = hasUnsavedChanges();
        m_savedText = content;
        if (!edited)
            loadIntoEditor(content);
        else
            flushDraft(); // the reload saved a revision and dropped the draft: keep the user's edits
        reloadRevisions();
        updateTitle();
        showMessage(edited ? tr("The linked file changed; it is the new saved revision. Your unsaved edits are kept.")
                           : tr("Reloaded from the linked file."));
        m_checkTimer.start(0);
    });
    connect(m_link, &DefinitionFileLink::failed, this, [this](const QString& message) { showMessage(message, true); });
}

bool ProjectionEditorWindow::restoreRevision(qint64 revisionId)
{
    if (!m_workspace || !m_definitionId)
        return false;
    const auto restored = m_workspace->restore(*m_definitionId, revisionId);
    if (!restored) {
        showMessage(restored.error().message, true);
        return false;
    }
    m_savedText = restored->content;
    loadIntoEditor(restored->content);
    reloadRevisions();
    updateTitle();
    showMessage(tr("%1 (r%2).").arg(restored->message).arg(restored->number));
    m_checkTimer.start(0);
    return true;
}

QString ProjectionEditorWindow::revisionDiff(qint64 revisionId) const
{
    if (!m_workspace)
        return {};
    const auto revision = m_workspace->revision(revisionId);
    if (!revision)
        return {};
    return TextDiff::unified(TextDiff::lines(revision->content, m_editor->text()));
}

void ProjectionEditorWindow::showRevisionDiff(qint64 revisionId)
{
    const auto revision = m_workspace ? m_workspace->revision(revisionId) : Result<WorkspaceRevision>(StoreError {});
    if (!revision)
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("r%1 against the editor's text").arg(revision->number));
    dialog.resize(800, 600);
    auto* layout = new QVBoxLayout(&dialog);
    auto* text = new QTextEdit(&dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QString html = u"<pre style='margin:0'>"_s;
    const QString diff = revisionDiff(revisionId);
    for (const QString& line : diff.split(u'\n')) {
        const QString escaped = line.toHtmlEscaped();
        if (line.startsWith(u'+'))
            html += u"<span style='background:#e6ffec'>"_s + escaped + u"</span>\n"_s;
        else if (line.startsWith(u'-'))
            html += u"<span style='background:#ffebe9'>"_s + escaped + u"</span>\n"_s;
        else if (line.startsWith(u"@@"_s))
            html += u"<span style='color:#0969da'>"_s + escaped + u"</span>\n"_s;
        else
            html += escaped + u'\n';
    }
    text->setHtml(html + u"</pre>"_s);
    if (diff.isEmpty())
        text->setPlainText(tr("The editor's text is the same as r%1.").arg(revision->number));
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QPushButton* restore = buttons->addButton(tr("Restore r%1").arg(revision->number), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(restore, &QPushButton::clicked, &dialog, [&] {
        restoreRevision(revisionId);
        dialog.accept();
    });
    layout->addWidget(buttons);
    dialog.exec();
}

void ProjectionEditorWindow::setScope(Scope scope, const QString& first, const QString& second)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
    m_scopeFirst->setText(first);
    m_scopeSecond->setText(second);
}

std::optional<ProjectionScope> ProjectionEditorWindow::scopeFromControls(QString* problem) const
{
    ProjectionScope scope;
    const QString first = m_scopeFirst->text().trimmed();
    const QString second = m_scopeSecond->text().trimmed();
    switch (Scope(m_scope->currentData().toInt())) {
    case Scope::Source:
        break;
    case Scope::Stream:
        if (first.isEmpty())
            return *problem = tr("Name the stream to run over."), std::nullopt;
        scope.stream = first;
        break;
    case Scope::Category:
        if (first.isEmpty())
            return *problem = tr("Name the category to run over."), std::nullopt;
        scope.category = first;
        break;
    case Scope::Positions: {
        bool okFirst = true, okSecond = true;
        if (!first.isEmpty())
            scope.fromPosition = first.toLongLong(&okFirst);
        if (!second.isEmpty())
            scope.toPosition = second.toLongLong(&okSecond);
        if (!okFirst || !okSecond)
            return *problem = tr("Positions are whole numbers."), std::nullopt;
        break;
    }
    case Scope::Times:
        if (!first.isEmpty() && !(scope.sinceMs = parseIsoTime(first)))
            return *problem = tr("'%1' is not a time like 2024-01-01T00:30:00Z.").arg(first), std::nullopt;
        if (!second.isEmpty() && !(scope.untilMs = parseIsoTime(second)))
            return *problem = tr("'%1' is not a time like 2024-01-01T00:30:00Z.").arg(second), std::nullopt;
        break;
    }
    return scope;
}

std::optional<ProjectionScope> ProjectionEditorWindow::readyToRun()
{
    if (!m_session) {
        showMessage(tr("Open a store to run definitions over its history."), true);
        return std::nullopt;
    }
    QString problem;
    const auto scope = scopeFromControls(&problem);
    if (!scope)
        showMessage(problem, true);
    return scope;
}

void ProjectionEditorWindow::run()
{
    const auto scope = readyToRun();
    if (!scope)
        return;
    flushDraft();
    ProjectionRunRequest request;
    request.script = m_editor->text();
    request.fileName = currentName() + u".js"_s;
    request.scope = *scope;
    m_session->run(request);
    runStarted(tr("Running %1…").arg(currentName()));
}

void ProjectionEditorWindow::compare(std::optional<qint64> beforeRevision, std::optional<qint64> afterRevision)
{
    const auto scope = readyToRun();
    if (!scope || !m_workspace || !m_definitionId)
        return;
    const auto definition = m_workspace->definition(*m_definitionId);
    if (!definition)
        return;
    const qint64 beforeId = beforeRevision.value_or(definition->headRevision);
    const auto before = m_workspace->revision(beforeId);
    if (!before) {
        showMessage(before.error().message, true);
        return;
    }
    ProjectionRunRequest first;
    first.script = before->content;
    first.fileName = u"r%1.js"_s.arg(before->number);
    first.scope = *scope;
    ProjectionRunRequest second;
    second.scope = *scope;
    if (afterRevision) {
        const auto after = m_workspace->revision(*afterRevision);
        if (!after) {
            showMessage(after.error().message, true);
            return;
        }
        second.script = after->content;
        second.fileName = u"r%1.js"_s.arg(after->number);
    } else {
        second.script = m_editor->text();
        second.fileName = currentName() + u".js"_s;
    }
    m_compareBeforeName = u"r%1"_s.arg(before->number);
    m_compareAfterName = afterRevision ? second.fileName.chopped(3) : tr("the editor's text");
    flushDraft();
    m_session->compare(first, second, {});
    runStarted(tr("Comparing %1 with %2…").arg(m_compareAfterName, m_compareBeforeName));
}

bool ProjectionEditorWindow::isRunning() const
{
    return m_session && m_session->isRunning();
}

void ProjectionEditorWindow::cancelRun()
{
    if (!m_session || !m_session->isRunning())
        return;
    m_session->cancel();
    runEnded();
    showMessage(tr("Cancelled."));
    emit runFinished(false);
}

void ProjectionEditorWindow::runStarted(const QString& what)
{
    m_runButton->setEnabled(false);
    m_compareButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setText(what);
}

void ProjectionEditorWindow::runEnded()
{
    m_runButton->setEnabled(true);
    m_compareButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    m_progress->clear();
}

void ProjectionEditorWindow::onRan(const ProjectionRunOutput& output)
{
    runEnded();
    m_runPanel->showRun(output);
    m_runFault = output.results.outcome.fault;
    QList<ProjectionFault> faults;
    if (m_runFault)
        faults.append(*m_runFault);
    else if (m_checkFault)
        faults.append(*m_checkFault);
    showFaults(faults);
    showMessage(m_runFault
            ? tr("The run faulted: %1").arg(m_runFault->toString())
            : tr("Ran over %1 events in %2 s.").arg(output.results.outcome.eventsRead).arg(output.seconds, 0, 'f', 2),
        m_runFault.has_value());
    emit runFinished(!m_runFault && !output.results.outcome.cancelled);
}

void ProjectionEditorWindow::onCompared(const ProjectionCompareOutput& output)
{
    runEnded();
    m_runPanel->showComparison(output, m_compareBeforeName, m_compareAfterName);
    const bool faulted = output.before.outcome.fault || output.after.outcome.fault;
    if (output.after.outcome.fault && m_compareAfterName == tr("the editor's text")) {
        m_runFault = output.after.outcome.fault;
        showFaults({ *m_runFault });
    }
    showMessage(faulted ? tr("A run faulted; see Failures.")
                        : tr("%n partition(s) differ.", nullptr, int(output.comparison.partitions.size())),
        faulted);
    emit compareFinished(!faulted);
}

void ProjectionEditorWindow::onFailed(const StoreError& error)
{
    runEnded();
    showMessage(tr("The store could not be read: %1").arg(error.message), true);
    emit runFinished(false);
    emit compareFinished(false);
}

void ProjectionEditorWindow::onChecked(const std::optional<ProjectionFault>& fault, const ProjectionDefinition&)
{
    m_checkFault = fault;
    QList<ProjectionFault> faults;
    if (m_runFault)
        faults.append(*m_runFault);
    if (fault)
        faults.append(*fault);
    showFaults(faults);
    emit checkFinished(!fault);
}

void ProjectionEditorWindow::showFaults(const QList<ProjectionFault>& faults)
{
    m_editor->clearFaults();
    m_issues->clear();
    for (const ProjectionFault& fault : faults) {
        QString text = fault.line ? tr("Line %1: %2").arg(*fault.line).arg(fault.message) : fault.message;
        if (fault.event)
            text += tr(" (on event %1 of %2)").arg(fault.event->version).arg(fault.event->stream);
        auto* item = new QListWidgetItem(text, m_issues);
        item->setData(kLineRole, fault.line.value_or(0));
        item->setForeground(QColor(0xb0, 0x20, 0x20));
        if (fault.line)
            m_editor->markFault(*fault.line, fault.message);
    }
    if (faults.isEmpty())
        new QListWidgetItem(tr("No problems found."), m_issues);
}

void ProjectionEditorWindow::loadStoreWords()
{
    if (!m_store)
        return;
    m_store->background().run<StoreWords>(
        this,
        [](EventStore& store, JobControl&) -> Result<StoreWords> {
            StoreWords words;
            const auto types = store.eventTypes();
            if (!types)
                return types.error();
            words.types = *types;
            QSet<QString> fields;
            // A page of each of the first types: enough to learn the data's field names, cheap on any store.
            for (const QString& type : words.types.mid(0, 50)) {
                EventPageRequest request;
                request.filter.type = type;
                request.limit = 10;
                const auto page = store.readEvents(request);
                if (!page)
                    continue;
                for (const Event& event : page->events) {
                    const QJsonObject data = QJsonDocument::fromJson(event.data).object();
                    for (auto it = data.begin(); it != data.end(); ++it)
                        fields.insert(it.key());
                }
            }
            words.fields = QStringList(fields.begin(), fields.end());
            return words;
        },
        [this](Result<StoreWords> words) {
            if (!words)
                return;
            m_editor->setStoreWords(words->types, words->fields);
            emit storeWordsLoaded();
        });
}

QString ProjectionEditorWindow::currentName() const
{
    if (!m_workspace || !m_definitionId)
        return tr("untitled");
    const auto definition = m_workspace->definition(*m_definitionId);
    return definition ? definition->name : tr("untitled");
}

QString ProjectionEditorWindow::writeForTimeTravel() const
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/projections"_s;
    QDir().mkpath(folder);
    QString name = currentName();
    name.replace(QRegularExpression(u"[^A-Za-z0-9._-]"_s), u"_"_s);
    const QString path = folder + u'/' + name + u".js"_s;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_editor->text().toUtf8()) < 0 || !file.commit())
        return {};
    return path;
}

void ProjectionEditorWindow::updateTitle()
{
    QString title = tr("Projection Editor — %1").arg(currentName());
    if (hasUnsavedChanges())
        title += u" •"_s;
    if (m_store)
        title += u" — "_s + m_store->location().displayName();
    setWindowTitle(title);
}

void ProjectionEditorWindow::showMessage(const QString& text, bool error)
{
    statusBar()->setStyleSheet(error ? u"color: #b02020"_s : QString());
    statusBar()->showMessage(text);
}

void ProjectionEditorWindow::closeEvent(QCloseEvent* event)
{
    flushDraft();
    if (m_session)
        m_session->cancel();
    event->accept();
}

} // namespace EventScope
