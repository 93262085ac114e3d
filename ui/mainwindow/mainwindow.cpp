#include "mainwindow.h"

#include "demostorebuilder.h"
#include "disconnectedbanner.h"
#include "recentstores.h"

#include "../browse/eventtablepanel.h"
#include "../browse/streamtreepanel.h"
#include "../connections/connectiondialog.h"
#include "../connections/mappingeditor.h"
#include "../connections/passwordprompt.h"
#include "../inspect/inspectorpanel.h"
#include "../projections/projectioneditorwindow.h"
#include "../snapshots/aggregatestatewindow.h"
#include "../snapshots/snapshotcomparewindow.h"
#include "../snapshots/snapshotswindow.h"
#include "../snapshots/verifywindow.h"
#include "../timetravel/timetravelwindow.h"
#include "../widgets/storestatusbar.h"

#include <core/jobs/openstore.h>
#include <core/models/eventtablemodel.h>
#include <core/models/streamtreemodel.h>
#include <core/workspace/passwordstore.h>

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

const QString kGeometryKey = u"mainWindow/geometry"_s;
const QString kSplitterKey = u"mainWindow/splitter"_s;
const QString kDetailSplitterKey = u"mainWindow/detailSplitter"_s;
const QString kLastDirectoryKey = u"mainWindow/lastDirectory"_s;
constexpr int kStatusMessageMs = 10'000;

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_treeModel(new StreamTreeModel(this))
    , m_tableModel(new EventTableModel(this))
    , m_demoBuilder(new DemoStoreBuilder(this))
    , m_passwords(new PasswordStore(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("EventScope"));
    setAcceptDrops(true);
    createPanels();
    createMenus();
    connectModels();
    connect(m_demoBuilder, &DemoStoreBuilder::finished, this, &MainWindow::openStore);
    connect(m_demoBuilder, &DemoStoreBuilder::failed, this,
        [this](const QString& message) { showError(tr("Cannot create the demo store"), message); });

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray()))
        resize(1280, 800);
    m_mainSplitter->restoreState(settings.value(kSplitterKey).toByteArray());
    m_detailSplitter->restoreState(settings.value(kDetailSplitterKey).toByteArray());
}

MainWindow::~MainWindow()
{
    // Closing the store never waits: its lanes end their work and close their connections on their own.
}

void MainWindow::createPanels()
{
    m_treePanel = new StreamTreePanel(this);
    m_treePanel->setObjectName(u"streamTreePanel"_s);
    m_treePanel->setModel(m_treeModel);
    m_tablePanel = new EventTablePanel(this);
    m_tablePanel->setObjectName(u"eventTablePanel"_s);
    m_tablePanel->setModel(m_tableModel);
    m_inspector = new InspectorPanel(this);
    m_inspector->setObjectName(u"inspectorPanel"_s);

    m_detailSplitter = new QSplitter(Qt::Horizontal, this);
    m_detailSplitter->setObjectName(u"detailSplitter"_s);
    m_detailSplitter->addWidget(m_tablePanel);
    m_detailSplitter->addWidget(m_inspector);
    m_detailSplitter->setStretchFactor(0, 3);
    m_detailSplitter->setStretchFactor(1, 2);
    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(u"mainSplitter"_s);
    m_mainSplitter->addWidget(m_treePanel);
    m_mainSplitter->addWidget(m_detailSplitter);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({ 250, 1030 });
    m_detailSplitter->setSizes({ 680, 350 });
    m_mainSplitter->setContentsMargins(6, 6, 6, 0);
    setCentralWidget(m_mainSplitter);

    m_status = new StoreStatusBar(this);
    m_status->setObjectName(u"storeStatusBar"_s);
    statusBar()->addPermanentWidget(m_status, 1);
    m_disconnected = new DisconnectedBanner(this);
    statusBar()->addPermanentWidget(m_disconnected, 1);
    connect(m_disconnected, &DisconnectedBanner::retryRequested, this, [this] {
        if (!m_storePath.isEmpty())
            openStore(m_storePath);
    });
    connect(m_status, &StoreStatusBar::cancelRequested, this, &MainWindow::cancelLoading);

    connect(m_treePanel, &StreamTreePanel::patternChanged, m_treeModel, &StreamTreeModel::setPattern);
    connect(m_treePanel, &StreamTreePanel::scopeSelected, this, &MainWindow::setScope);
    connect(m_treePanel, &StreamTreePanel::timeTravelRequested, this, &MainWindow::openTimeTravelOn);
    connect(m_treePanel, &StreamTreePanel::snapshotsRequested, this, &MainWindow::openSnapshotsOn);
    connect(m_treePanel, &StreamTreePanel::currentStateRequested, this, &MainWindow::openCurrentState);
    connect(m_tablePanel, &EventTablePanel::barFilterChanged, this, &MainWindow::applyFilter);
    connect(m_tablePanel, &EventTablePanel::goToPositionRequested, m_tableModel, &EventTableModel::locatePosition);
    connect(m_tablePanel, &EventTablePanel::goToTimeRequested, m_tableModel, &EventTableModel::locateTime);
    connect(m_tablePanel, &EventTablePanel::currentRowChanged, this, [this](int row) {
        m_currentRow = row;
        updateInspector();
    });
}

std::pair<QString, QString> MainWindow::streamInScope() const
{
    if (!m_scopeStream.isEmpty())
        return { m_scopeStream, m_scopeCategory };
    if (const Event* event = m_currentRow >= 0 ? m_tableModel->eventAt(m_currentRow) : nullptr)
        return { event->stream, event->category };
    return {};
}

TimeTravelWindow* MainWindow::openTimeTravel()
{
    if (!m_store)
        return nullptr;
    const auto [stream, category] = streamInScope();
    if (stream.isEmpty()) {
        showError(tr("Time Travel"),
            tr("Select a stream in the tree, or an event of it in the table, to travel through its history."));
        return nullptr;
    }
    auto* window = newTimeTravelWindow(stream, category);
    window->show();
    emit timeTravelOpened(window);
    return window;
}

TimeTravelWindow* MainWindow::newTimeTravelWindow(const QString& stream, const QString& category)
{
    auto* window = new TimeTravelWindow(m_store, stream, category, this);
    connect(window, &TimeTravelWindow::handlerSourceRequested, this, &MainWindow::openProjectionSource);
    return window;
}

void MainWindow::openProjectionSource(const QString& projectionFile, int line)
{
    ProjectionEditorWindow* editor = m_projectionEditor ? m_projectionEditor.data() : openProjectionEditor();
    editor->showSource(projectionFile, line);
    editor->show();
    editor->raise();
    editor->activateWindow();
}

void MainWindow::openTimeTravelOn(const QString& stream)
{
    openTimeTravelAt(stream, -1);
}

void MainWindow::openTimeTravelAt(const QString& stream, qint64 version)
{
    if (!m_store)
        return;
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->interactive().run<QString>(
        this, [stream](EventStore& opened, JobControl&) -> Result<QString> { return opened.streamCategory(stream); },
        [this, store, stream, version](Result<QString> category) {
            if (store.lock() != m_store || !category)
                return;
            auto* window = newTimeTravelWindow(stream, *category);
            if (version >= 0)
                window->moveToVersion(version);
            window->show();
            emit timeTravelOpened(window);
        });
}

SnapshotsWindow* MainWindow::openSnapshots()
{
    if (!m_store)
        return nullptr;
    const auto [stream, category] = streamInScope();
    if (stream.isEmpty()) {
        showError(
            tr("Snapshots"), tr("Select a stream in the tree, or an event of it in the table, to see its snapshots."));
        return nullptr;
    }
    return showSnapshots(stream, category);
}

void MainWindow::openSnapshotsOn(const QString& stream)
{
    if (!m_store)
        return;
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->interactive().run<QString>(
        this, [stream](EventStore& opened, JobControl&) -> Result<QString> { return opened.streamCategory(stream); },
        [this, store, stream](Result<QString> category) {
            if (store.lock() == m_store && category)
                showSnapshots(stream, *category);
        });
}

void MainWindow::openCurrentState(const QString& stream)
{
    if (!m_store)
        return;
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->interactive().run<QString>(
        this, [stream](EventStore& opened, JobControl&) -> Result<QString> { return opened.streamCategory(stream); },
        [this, store, stream](Result<QString> category) {
            if (store.lock() != m_store || !category)
                return;
            auto* window = new AggregateStateWindow(m_store, stream, *category, this);
            window->show();
            emit currentStateOpened(window);
        });
}

VerifyWindow* MainWindow::openVerify()
{
    if (!m_store)
        return nullptr;
    auto* window = new VerifyWindow(m_store, this);
    connect(window, &VerifyWindow::compareRequested, this, &MainWindow::openSnapshotCompare);
    window->show();
    return window;
}

bool MainWindow::bookmarkCurrentEvent(const QString& note)
{
    Workspace* workspace = Workspace::application();
    const Event* event = m_store && m_currentRow >= 0 ? m_tableModel->eventAt(m_currentRow) : nullptr;
    if (!workspace || !event) {
        statusBar()->showMessage(workspace ? tr("Select an event to bookmark it.")
                                           : tr("No workspace: %1").arg(Workspace::applicationError()),
            kStatusMessageMs);
        return false;
    }
    const auto added = workspace->addBookmark(
        { 0, m_store->location().toString(), event->stream, event->version, event->position, note, {} });
    statusBar()->showMessage(
        added ? tr("Bookmarked %1 v%2.").arg(event->stream).arg(event->version) : added.error().message,
        kStatusMessageMs);
    return added.ok();
}

QList<WorkspaceBookmark> MainWindow::bookmarks() const
{
    Workspace* workspace = Workspace::application();
    if (!workspace || !m_store)
        return {};
    const auto list = workspace->bookmarks(m_store->location().toString());
    return list ? *list : QList<WorkspaceBookmark> {};
}

void MainWindow::goToBookmark(const WorkspaceBookmark& bookmark)
{
    if (!m_store)
        return;
    // The global log holds every event: show it there, whatever the scope was.
    setScope({}, {});
    m_tableModel->locatePosition(bookmark.position);
}

ProjectionEditorWindow* MainWindow::openProjectionEditor(const QString& workspacePath)
{
    auto* window = new ProjectionEditorWindow(m_store,
        !workspacePath.isEmpty()         ? workspacePath
            : !m_workspacePath.isEmpty() ? m_workspacePath
                                         : Workspace::defaultPath(),
        this);
    window->setWindowFlag(Qt::Window);
    connect(window, &ProjectionEditorWindow::timeTravelRequested, this, &MainWindow::openTimeTravelWith);
    m_projectionEditor = window;
    window->show();
    emit projectionEditorOpened(window);
    return window;
}

void MainWindow::openTimeTravelWith(const QString& stream, const QString& projectionFile, qint64 version)
{
    if (!m_store)
        return;
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->interactive().run<QString>(
        this, [stream](EventStore& opened, JobControl&) -> Result<QString> { return opened.streamCategory(stream); },
        [this, store, stream, projectionFile, version](Result<QString> category) {
            if (store.lock() != m_store || !category)
                return;
            auto* window = newTimeTravelWindow(stream, *category);
            window->setProjection(projectionFile);
            if (version >= 0)
                window->moveToVersion(version);
            window->show();
            emit timeTravelOpened(window);
        });
}

void MainWindow::openSnapshotCompare(const QString& stream, qint64 version)
{
    if (!m_store)
        return;
    const std::weak_ptr<OpenStore> store = m_store;
    struct Found
    {
        QString category;
        std::optional<Snapshot> snapshot;
    };
    m_store->interactive().run<Found>(
        this,
        [stream, version](EventStore& opened, JobControl&) -> Result<Found> {
            Result<QList<Snapshot>> snapshots = opened.snapshots(stream);
            if (!snapshots)
                return snapshots.error();
            Result<QString> category = opened.streamCategory(stream);
            if (!category)
                return category.error();
            Found found { *category, std::nullopt };
            for (const Snapshot& snapshot : *snapshots) {
                if (snapshot.version == version)
                    found.snapshot = snapshot;
            }
            return found;
        },
        [this, store](Result<Found> found) {
            if (store.lock() != m_store || !found || !found->snapshot)
                return;
            auto* window
                = new SnapshotCompareWindow(m_store, found->snapshot->stream, found->category, *found->snapshot, this);
            connect(window, &SnapshotCompareWindow::timeTravelRequested, this, &MainWindow::openTimeTravelAt);
            window->show();
        });
}

SnapshotsWindow* MainWindow::showSnapshots(const QString& stream, const QString& category)
{
    auto* window = new SnapshotsWindow(m_store, stream, category, this);
    connect(window, &SnapshotsWindow::timeTravelRequested, this, &MainWindow::openTimeTravelAt);
    connect(window, &SnapshotsWindow::compareOpened, this, [this](SnapshotCompareWindow* compare) {
        connect(compare, &SnapshotCompareWindow::timeTravelRequested, this, &MainWindow::openTimeTravelAt,
            Qt::UniqueConnection);
    });
    window->show();
    emit snapshotsOpened(window);
    return window;
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::showOpenDialog);
    open->setObjectName(u"openAction"_s);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(u"recentMenu"_s);
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    QAction* demo = file->addAction(tr("Open &Demo Store"), this, &MainWindow::openDemoStore);
    demo->setObjectName(u"openDemoAction"_s);
    QAction* connectTo = file->addAction(tr("&Connect to Database…"), this, &MainWindow::showConnectionDialog);
    connectTo->setObjectName(u"connectAction"_s);
    connectTo->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(u"quitAction"_s);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* reload = view->addAction(tr("&Reload Store"), this, [this] {
        if (!m_storePath.isEmpty())
            openStore(m_storePath);
    });
    reload->setObjectName(u"reloadAction"_s);
    reload->setShortcut(QKeySequence::Refresh);
    QAction* timeTravel = view->addAction(tr("&Time Travel on Stream…"), this, [this] { openTimeTravel(); });
    timeTravel->setObjectName(u"timeTravelAction"_s);
    timeTravel->setShortcut(tr("Ctrl+T"));
    timeTravel->setStatusTip(tr("Replay the selected stream through a projection, event by event"));
    QAction* snapshots = view->addAction(tr("&Snapshots of Stream…"), this, [this] { openSnapshots(); });
    snapshots->setObjectName(u"snapshotsAction"_s);
    snapshots->setShortcut(tr("Ctrl+Shift+S"));
    snapshots->setStatusTip(tr("The snapshots the store keeps of the selected stream, each comparable with a replay"));
    QAction* verify = view->addAction(tr("&Verify Snapshots…"), this, [this] { openVerify(); });
    verify->setObjectName(u"verifyAction"_s);
    verify->setShortcut(tr("Ctrl+Shift+V"));
    verify->setStatusTip(tr("Check every snapshot of the store against its events"));
    QAction* editor = view->addAction(tr("&Projection Editor…"), this, [this] { openProjectionEditor(); });
    editor->setObjectName(u"projectionEditorAction"_s);
    editor->setShortcut(tr("Ctrl+Shift+E"));
    editor->setStatusTip(tr("Write projection definitions, run them over the store's history and compare revisions"));
    view->addSeparator();
    QAction* streams = view->addAction(tr("&Streams Panel"));
    streams->setObjectName(u"toggleStreamsAction"_s);
    streams->setCheckable(true);
    streams->setChecked(true);
    connect(streams, &QAction::toggled, m_treePanel, &QWidget::setVisible);
    QAction* inspector = view->addAction(tr("&Inspector Panel"));
    inspector->setObjectName(u"toggleInspectorAction"_s);
    inspector->setCheckable(true);
    inspector->setChecked(true);
    connect(inspector, &QAction::toggled, m_inspector, &QWidget::setVisible);
    QAction* below = view->addAction(tr("Inspector &Below the Table"));
    below->setObjectName(u"inspectorBelowAction"_s);
    below->setCheckable(true);
    connect(below, &QAction::toggled, this,
        [this](bool on) { m_detailSplitter->setOrientation(on ? Qt::Vertical : Qt::Horizontal); });

    QMenu* bookmarks = menuBar()->addMenu(tr("&Bookmarks"));
    connect(bookmarks, &QMenu::aboutToShow, this, [this, bookmarks] {
        bookmarks->clear();
        // The key is shown, not bound: the window's own Ctrl+D action below works with the menu closed.
        QAction* add = bookmarks->addAction(tr("&Bookmark This Event…\tCtrl+D"), this, [this] {
            bool ok = false;
            const QString note
                = QInputDialog::getText(this, tr("Bookmark"), tr("Note (optional):"), QLineEdit::Normal, {}, &ok);
            if (ok)
                bookmarkCurrentEvent(note);
        });
        add->setEnabled(m_store && m_currentRow >= 0);
        bookmarks->addSeparator();
        const QList<WorkspaceBookmark> list = this->bookmarks();
        if (list.isEmpty())
            bookmarks->addAction(tr("No bookmarks in this store"))->setEnabled(false);
        for (const WorkspaceBookmark& bookmark : list) {
            QString text = u"%1 v%2 (#%3)"_s.arg(bookmark.stream).arg(bookmark.version).arg(bookmark.position);
            if (!bookmark.note.isEmpty())
                text += u" — "_s + bookmark.note;
            QMenu* entry = bookmarks->addMenu(text);
            entry->addAction(tr("Show"), this, [this, bookmark] { goToBookmark(bookmark); });
            entry->addAction(tr("Remove"), this, [bookmark] {
                if (Workspace* workspace = Workspace::application())
                    workspace->removeBookmark(bookmark.id);
            });
        }
    });
    // The shortcut works with the menu closed too.
    auto* bookmarkShortcut = new QAction(this);
    bookmarkShortcut->setShortcut(tr("Ctrl+D"));
    connect(bookmarkShortcut, &QAction::triggered, this, [this] { bookmarkCurrentEvent(); });
    addAction(bookmarkShortcut);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About EventScope"), this, &MainWindow::showAbout);
    about->setObjectName(u"aboutAction"_s);
}

void MainWindow::connectModels()
{
    connect(m_tableModel, &EventTableModel::rowsCounted, m_status, &StoreStatusBar::setRows);
    connect(m_tableModel, &EventTableModel::rowsCounted, this, [this] {
        if (m_pendingRow >= 0)
            selectRowWhenLoaded(m_pendingRow);
    });
    connect(m_tableModel, &EventTableModel::countingChanged, this, &MainWindow::updateBusy);
    connect(m_tableModel, &EventTableModel::loadingChanged, this, &MainWindow::updateBusy);
    connect(m_treeModel, &StreamTreeModel::loadingChanged, this, &MainWindow::updateBusy);
    connect(m_tableModel, &EventTableModel::rowLocated, m_tablePanel, &EventTablePanel::showLocatedRow);
    connect(m_tableModel, &QAbstractItemModel::modelReset, this, [this] {
        m_currentRow = -1;
        updateInspector();
    });
    // The selected row may have been a placeholder: fill the inspector when its window arrives.
    connect(
        m_tableModel, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
            if (m_currentRow >= from.row() && m_currentRow <= to.row())
                updateInspector();
        });
    // Errors while browsing (a failed page, a bad pattern) go to the status bar, not a dialog; a lost server
    // stays there, with Retry, until the store is read again.
    connect(m_tableModel, &EventTableModel::errorOccurred, this, &MainWindow::showBrowsingError);
    connect(m_tableModel, &EventTableModel::firstRowsReady, m_disconnected, &QWidget::hide); // read again
    connect(m_treeModel, &StreamTreeModel::errorOccurred, this, &MainWindow::showBrowsingError);
    // Start on "All events" as soon as the tree has rows.
    connect(m_treeModel, &QAbstractItemModel::modelReset, this, [this] {
        if (m_treeModel->rowCount() > 0 && !m_treePanel->view()->currentIndex().isValid())
            m_treePanel->view()->setCurrentIndex(m_treeModel->index(0, 0));
    });
    connect(m_treeModel, &StreamTreeModel::categoriesLoaded, this, [this] {
        if (m_treeModel->rowCount() > 0 && !m_treePanel->view()->currentIndex().isValid())
            m_treePanel->view()->setCurrentIndex(m_treeModel->index(0, 0));
    });
}

void MainWindow::openStore(const QString& path)
{
    QString password;
    const auto location = StoreLocation::parse(path, &password);
    if (!location) {
        emit openFailed(path, location.error().message);
        showError(tr("Cannot open store"), location.error().message);
        return;
    }
    openLocation(*location, OpenOptions::withPassword(password));
}

void MainWindow::showConnectionDialog()
{
    auto* dialog = new ConnectionDialog(*m_passwords, nullptr, this);
    dialog->setObjectName(u"connectionDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_store && m_store->location().kind() == StoreLocation::Kind::Postgres)
        dialog->setLocation(m_store->location());
    connect(dialog, &ConnectionDialog::openRequested, this, &MainWindow::openLocation);
    dialog->open();
}

void MainWindow::askForPassword(const StoreLocation& location, const OpenOptions& refused, const StoreError& error)
{
    m_passwords->read(location, this, [this, location, refused, error](const PasswordStore::Reply& reply) {
        OpenOptions options = refused;
        if (reply.status == PasswordStore::Reply::Status::Ok && reply.password != refused.password) {
            options.password = reply.password;
            openLocation(location, options);
            return;
        }
        auto* prompt = new PasswordPrompt(location, error.message, this);
        prompt->setObjectName(u"passwordPrompt"_s);
        prompt->setAttribute(Qt::WA_DeleteOnClose);
        connect(prompt, &QDialog::accepted, this, [this, prompt, options] {
            const StoreLocation asked = prompt->location();
            const QString password = prompt->password();
            if (prompt->rememberPassword()) {
                m_passwords->write(asked, password, this, [this](const PasswordStore::Reply& written) {
                    if (written.status != PasswordStore::Reply::Status::Ok)
                        statusBar()->showMessage(written.message, kStatusMessageMs);
                });
            } else {
                m_passwords->keepForSession(asked, password);
            }
            OpenOptions typed = options;
            typed.password = password;
            openLocation(asked, typed);
        });
        prompt->open();
    });
}

void MainWindow::offerMapping(const StoreLocation& location, const OpenOptions& options, const StoreError& error)
{
    // The same box as every other error (a test reads it the same way), with one more way out.
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Not an event store EventScope knows"), error.message, QMessageBox::Close, this);
    box->setObjectName(u"errorMessageBox"_s);
    box->setInformativeText(tr("If the events are in a table of your own, a mapping says which columns mean what."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* create = box->addButton(tr("Create a &Mapping…"), QMessageBox::AcceptRole);
    create->setObjectName(u"createMappingButton"_s);
    box->setDefaultButton(create);
    connect(create, &QPushButton::clicked, this, [this, location, options] { showMappingEditor(location, options); });
    box->open();
    emit errorShown(error.message);
}

void MainWindow::showMappingEditor(const StoreLocation& location, const OpenOptions& options)
{
    auto* editor = new MappingEditor(location, options.password, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    if (options.mapping)
        editor->setMapping(*options.mapping);
    connect(editor, &QDialog::accepted, this, [this, editor, location, options] {
        const auto mapping = editor->mapping();
        if (!mapping)
            return; // the editor does not accept a mapping that does not read
        OpenOptions mapped = options;
        mapped.mapping = *mapping;
        openLocation(location, mapped);
    });
    editor->open();
}

void MainWindow::openLocation(const StoreLocation& location, OpenOptions options)
{
    // A reload or a recent store reuses the password given earlier in this session (kept in memory only).
    if (options.password.isEmpty())
        options.password = m_passwords->sessionPassword(location);
    const QString password = options.password;
    const quint64 generation = ++m_openGeneration;
    const QString path = location.toString();
    statusBar()->showMessage(tr("Opening %1…").arg(location.displayName()));
    // A store of its own: if it is unreadable, nothing of the current one has changed. The job itself does
    // nothing: the lane opens the store (file checks or connecting, schema detection) before any job, so its
    // result says whether the store can be read. The counts come after the first page.
    auto probe = std::make_shared<OpenStore>(location, options);
    probe->interactive().run<Done>(
        this, [](EventStore&, JobControl&) { return Result<Done>(Done {}); },
        [this, probe, path, generation, location, options, password](Result<Done> opened) {
            if (generation != m_openGeneration)
                return;
            statusBar()->clearMessage();
            if (!opened && opened.error().kind == StoreError::Kind::Authentication) {
                askForPassword(location, options, opened.error());
                return;
            }
            if (!opened && opened.error().kind == StoreError::Kind::UnknownSchema && !options.mapping) {
                emit openFailed(path, opened.error().message);
                offerMapping(location, options, opened.error());
                return;
            }
            if (!opened) {
                emit openFailed(path, opened.error().message);
                showError(tr("Cannot open store"), opened.error());
                return;
            }
            // However it was given (a URI, the dialog, the prompt), a password that worked serves Reload too.
            if (!password.isEmpty())
                m_passwords->keepForSession(location, password);
            adoptStore(path, probe);
        });
}

QString MainWindow::storeName() const
{
    if (!m_store)
        return {};
    const StoreLocation& location = m_store->location();
    return location.kind() == StoreLocation::Kind::SqliteFile ? QFileInfo(location.path()).fileName()
                                                              : location.displayName();
}

void MainWindow::adoptStore(const QString& path, std::shared_ptr<OpenStore> store)
{
    if (m_store)
        m_store->disconnect(this);
    m_store = std::move(store);
    connect(m_store.get(), &OpenStore::busyChanged, this, &MainWindow::updateBusy);
    m_storePath = path;
    m_storeInfo = StoreInfo();
    RecentStores::add(path);

    const QString fileName = storeName();
    setWindowTitle(tr("EventScope — %1").arg(fileName));
    m_status->setStore(fileName, std::nullopt);
    m_status->setRows(0, false);
    m_scopeCategory.clear();
    m_scopeStream.clear();
    m_pendingRow = -1;
    m_treePanel->view()->setCurrentIndex({});
    m_treeModel->setStore(m_store);
    m_tableModel->setStore(m_store);
    m_tableModel->setFilter(currentFilter());
    loadEventTypes();
    loadStoreInfo();
    m_disconnected->hide();
    emit storeOpened(path);
}

void MainWindow::loadStoreInfo()
{
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->background().run<StoreInfo>(
        this, [](EventStore& store, JobControl&) { return store.describe(); },
        [this, store](Result<StoreInfo> info) {
            if (store.lock() != m_store)
                return; // a store opened since
            if (!info) {
                if (info.error().kind != StoreError::Kind::Cancelled)
                    showBrowsingError(info.error());
                return;
            }
            m_storeInfo = *info;
            m_status->setStore(storeName(), m_storeInfo);
        });
}

void MainWindow::loadEventTypes()
{
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->background().run<QStringList>(
        this, [](EventStore& store, JobControl&) { return store.eventTypes(); },
        [this, store](Result<QStringList> types) {
            if (store.lock() != m_store)
                return; // a store opened since
            if (types)
                m_tablePanel->setEventTypes(*types);
            else if (types.error().kind != StoreError::Kind::Cancelled)
                showBrowsingError(types.error());
        });
}

void MainWindow::setScope(const QString& category, const QString& stream)
{
    m_scopeCategory = stream.isEmpty() ? category : QString();
    m_scopeStream = stream;
    applyFilter();
}

EventFilter MainWindow::currentFilter() const
{
    EventFilter filter = m_tablePanel->barFilter();
    filter.category = m_scopeCategory;
    filter.stream = m_scopeStream;
    return filter;
}

void MainWindow::applyFilter()
{
    const EventFilter filter = currentFilter();
    if (filter != m_tableModel->filter())
        m_tableModel->setFilter(filter);
}

void MainWindow::updateInspector()
{
    const Event* event = m_currentRow >= 0 ? m_tableModel->eventAt(m_currentRow) : nullptr;
    if (!event) {
        m_inspector->clearEvent(m_currentRow >= 0 ? tr("Loading…") : tr("No event selected"));
        return;
    }
    // dataChanged also arrives for rows already shown: keep the tree's expansion then.
    if (event->position != m_inspector->shownPosition())
        m_inspector->setEvent(*event);
}

void MainWindow::updateBusy()
{
    const bool busy = m_tableModel->isCounting() || m_tableModel->isLoading() || m_treeModel->isLoading()
        || (m_store && m_store->isBusy());
    m_status->setBusy(busy);
}

void MainWindow::cancelLoading()
{
    m_tableModel->cancel();
    if (m_store) {
        m_store->interactive().cancelAll();
        m_store->background().cancelAll();
    }
    updateBusy();
}

void MainWindow::selectStream(const QString& stream)
{
    m_pendingStream = stream;
    if (!m_store)
        return;
    // The store says which category a stream is in (a column, or its own naming rule): ask it.
    const std::weak_ptr<OpenStore> store = m_store;
    m_store->interactive().run<QString>(
        this, [stream](EventStore& events, JobControl&) -> Result<QString> { return events.streamCategory(stream); },
        [this, store, stream](Result<QString> category) {
            if (store.lock() == m_store && category)
                m_treePanel->selectStream(*category, stream);
        });
}

void MainWindow::selectRowWhenLoaded(int row)
{
    // After selectStream(), wait for that stream's rows rather than pick a row of the previous view.
    const bool rightView = m_pendingStream.isEmpty() || m_tableModel->filter().stream == m_pendingStream;
    if (rightView && row < m_tableModel->rowCount()) {
        m_pendingRow = -1;
        m_pendingStream.clear();
        m_tablePanel->selectRow(row);
    } else {
        m_pendingRow = row;
    }
}

void MainWindow::openDemoStore()
{
    const QString path = DemoStoreBuilder::defaultPath();
    if (QFileInfo::exists(path))
        openStore(path);
    else
        m_demoBuilder->start(path);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList paths = RecentStores::load();
    for (const QString& path : paths)
        m_recentMenu->addAction(path, this, [this, path] { openStore(path); });
    if (paths.isEmpty()) {
        m_recentMenu->addAction(tr("No recent stores"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [] { RecentStores::clear(); });
}

void MainWindow::showOpenDialog()
{
    QSettings settings;
    const QString path
        = QFileDialog::getOpenFileName(this, tr("Open Event Store"), settings.value(kLastDirectoryKey).toString(),
            tr("SQLite event stores (*.sqlite *.sqlite3 *.db);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(kLastDirectoryKey, QFileInfo(path).absolutePath());
    openStore(path);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About EventScope"),
        tr("<h3>EventScope %1</h3><p>A desktop explorer for event stores: browse streams and events, "
           "inspect payloads, all read-only.</p>")
            .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::showBrowsingError(const StoreError& error)
{
    if (DisconnectedBanner::isDisconnection(error))
        m_disconnected->showFor(error);
    else
        statusBar()->showMessage(error.message, kStatusMessageMs);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    showError(title, message, {});
}

void MainWindow::showError(const QString& title, const StoreError& error)
{
    // The SQLSTATE is the part of a server's refusal that reads the same in every language.
    QString details = tr("Kind: %1").arg(StoreError::kindName(error.kind));
    if (!error.sqlState.isEmpty())
        details += u'\n' + tr("SQLSTATE: %1").arg(error.sqlState);
    showError(title, error.message, details);
}

void MainWindow::showError(const QString& title, const QString& message, const QString& details)
{
    // open(), not exec(): the window keeps running (and a test can read and close the box).
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(u"errorMessageBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDetailedText(details);
    box->open();
    emit errorShown(message);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    openStore(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kSplitterKey, m_mainSplitter->saveState());
    settings.setValue(kDetailSplitterKey, m_detailSplitter->saveState());
    QMainWindow::closeEvent(event);
}

} // namespace EventScope
