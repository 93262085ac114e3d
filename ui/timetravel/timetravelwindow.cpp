#include "timetravelwindow.h"

#include "handlerlabel.h"
#include "replayeventsmodel.h"

#include <core/diff/jsonpath.h>
#include <core/jobs/openstore.h>
#include <core/model/jsontext.h>
#include <core/models/jsontreemodel.h>
#include <core/workspace/projectionchoices.h>
#include <core/workspace/workspace.h>
#include <ui/inspect/jsontreeview.h>

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString compact(const QJsonValue& value)
{
    return value.isUndefined() ? QString() : QString::fromUtf8(compactJsonValue(value));
}

QTableWidgetItem* item(const QString& text)
{
    auto* cell = new QTableWidgetItem(text);
    cell->setFlags(cell->flags() & ~Qt::ItemIsEditable);
    return cell;
}

} // namespace

TimeTravelWindow::TimeTravelWindow(
    std::shared_ptr<OpenStore> store, const QString& stream, const QString& category, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_store(std::move(store))
    , m_stream(stream)
    , m_category(category)
    , m_session(new TimeTravelSession(m_store->sharedConnector(), this))
{
    setObjectName(u"timeTravelWindow"_s);
    setWindowTitle(tr("Time travel — %1").arg(stream));
    setAttribute(Qt::WA_DeleteOnClose);
    buildUi();
    connect(m_session, &TimeTravelSession::loaded, this, &TimeTravelWindow::onLoaded);
    connect(m_session, &TimeTravelSession::frameReady, this, &TimeTravelWindow::onFrame);
    connect(m_session, &TimeTravelSession::fieldHistoryReady, this, &TimeTravelWindow::onFieldHistory);
    connect(m_session, &TimeTravelSession::firstFound, this, &TimeTravelWindow::onFound);
    connect(m_session, &TimeTravelSession::failed, this, [this](const StoreError& error) {
        showMessage(error.message, true);
        emit loadFinished(false);
    });
    // Until a projection is picked for the category, the default fold shows the events and what each changed at
    // once; it is not remembered as the user's choice.
    const QString remembered = ProjectionChoices().projectionFor(m_store->location().toString(), m_category);
    load(remembered.isEmpty() ? ProjectionChoices::defaultFold() : remembered);
    resize(1100, 700);
}

TimeTravelWindow::~TimeTravelWindow() = default;

qint64 TimeTravelWindow::eventCount() const
{
    return m_events->rowCount();
}

void TimeTravelWindow::buildUi()
{
    m_projectionBox = new QComboBox;
    m_projectionBox->setObjectName(u"timeTravelProjection"_s);
    m_projectionBox->setMinimumContentsLength(30);
    auto* openFile = new QPushButton(tr("Open file…"));
    auto* reload = new QPushButton(tr("Reload"));
    reload->setToolTip(tr("Read the stream and the projection file again"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Stream <b>%1</b> — projection:").arg(m_stream.toHtmlEscaped())));
    top->addWidget(m_projectionBox, 1);
    top->addWidget(openFile);
    top->addWidget(reload);
    connect(openFile, &QPushButton::clicked, this, [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Open Projection"), {}, tr("Projections (*.js);;All files (*)"));
        if (!path.isEmpty())
            setProjection(path);
    });
    connect(reload, &QPushButton::clicked, this, &TimeTravelWindow::reload);
    connect(m_projectionBox, &QComboBox::activated, this,
        [this](int index) { setProjection(m_projectionBox->itemData(index).toString()); });

    m_events = new ReplayEventsModel(this);
    m_eventsView = new QTableView;
    m_eventsView->setObjectName(u"timeTravelEvents"_s);
    m_eventsView->setModel(m_events);
    m_eventsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_eventsView->verticalHeader()->hide();
    m_eventsView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_eventsView->horizontalHeader()->setStretchLastSection(true);
    m_eventsView->setColumnWidth(ReplayEventsModel::TypeColumn, 170);
    connect(m_eventsView, &QTableView::clicked, this, [this](const QModelIndex& index) {
        moveTo(index.row() + 1);
        const int line = index.data(ReplayEventsModel::HandlerLineRole).toInt();
        // A definition of the workspace is no file to open at a line.
        if (index.column() == ReplayEventsModel::HandlerColumn && line > 0
            && ProjectionChoices::workspaceDefinitionOf(m_projection) == 0)
            emit handlerSourceRequested(m_projection, line);
    });

    const auto stepButton = [this](QStyle::StandardPixmap icon, const QString& tip, auto slot) {
        auto* button = new QToolButton;
        button->setIcon(style()->standardIcon(icon));
        button->setToolTip(tip);
        connect(button, &QToolButton::clicked, this, slot);
        return button;
    };
    auto* first = stepButton(QStyle::SP_MediaSkipBackward, tr("Before the first event (Home)"), [this] { moveTo(0); });
    auto* back
        = stepButton(QStyle::SP_MediaSeekBackward, tr("One event back (Alt+Left)"), [this] { moveTo(m_count - 1); });
    m_play = stepButton(QStyle::SP_MediaPlay, tr("Play through the stream"), [this] { togglePlay(); });
    auto* forward
        = stepButton(QStyle::SP_MediaSeekForward, tr("One event forward (Alt+Right)"), [this] { moveTo(m_count + 1); });
    auto* last
        = stepButton(QStyle::SP_MediaSkipForward, tr("After the last event (End)"), [this] { moveTo(eventCount()); });
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(u"timeTravelSlider"_s);
    m_slider->setRange(0, 0);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        if (value != m_count)
            moveTo(value);
    });
    m_pointLabel = new QLabel;
    m_pointLabel->setObjectName(u"timeTravelPoint"_s);
    m_pointLabel->setMinimumWidth(220);
    auto* scrubber = new QHBoxLayout;
    for (QWidget* widget : std::initializer_list<QWidget*> { first, back, m_play, forward, last })
        scrubber->addWidget(widget);
    scrubber->addWidget(m_slider, 1);
    scrubber->addWidget(m_pointLabel);
    m_handlerLabel = new HandlerLabel;
    connect(m_handlerLabel, &HandlerLabel::lineRequested, this,
        [this](int line) { emit handlerSourceRequested(m_projection, line); });
    // Keys that work wherever the focus is in the window: step, jump to either end, play.
    new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Left), this, [this] { moveTo(m_count - 1); });
    new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Right), this, [this] { moveTo(m_count + 1); });
    new QShortcut(QKeySequence(Qt::Key_Home), this, [this] { moveTo(0); });
    new QShortcut(QKeySequence(Qt::Key_End), this, [this] { moveTo(eventCount()); });
    m_playTimer = new QTimer(this);
    m_playTimer->setInterval(150);
    connect(m_playTimer, &QTimer::timeout, this, [this] {
        if (m_count >= eventCount())
            togglePlay();
        else
            moveTo(m_count + 1);
    });

    m_state = new JsonTreeView(u"state"_s);
    m_state->addPathAction(tr("History of this field"), [this](const QString& path) { showFieldHistory(path); });
    m_changes = new QTableWidget(0, 4);
    m_changes->setObjectName(u"timeTravelChanges"_s);
    m_changes->setHorizontalHeaderLabels({ tr("Path"), tr("Change"), tr("Before"), tr("After") });
    m_changes->verticalHeader()->hide();
    m_changes->horizontalHeader()->setStretchLastSection(true);
    m_changes->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_changes->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    connect(m_changes, &QTableWidget::cellClicked, this,
        [this](int row, int) { selectStatePath(m_changes->item(row, 0)->text()); });
    m_history = new QTableWidget(0, 3);
    m_history->setObjectName(u"timeTravelHistory"_s);
    m_history->setHorizontalHeaderLabels({ tr("Version"), tr("Before"), tr("After") });
    m_history->verticalHeader()->hide();
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    connect(m_history, &QTableWidget::cellClicked, this,
        [this](int row, int) { moveTo(m_history->item(row, 0)->data(Qt::UserRole).toLongLong() + 1); });
    m_historyLabel = new QLabel(tr("Field history: right-click a field of the state."));

    auto* changesBox = new QWidget;
    auto* changesLayout = new QVBoxLayout(changesBox);
    changesLayout->setContentsMargins(0, 0, 0, 0);
    changesLayout->addWidget(new QLabel(tr("What this event changed")));
    changesLayout->addWidget(m_changes);
    auto* historyBox = new QWidget;
    auto* historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    historyLayout->addWidget(m_historyLabel);
    historyLayout->addWidget(m_history);
    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(changesBox);
    lower->addWidget(historyBox);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(m_state);
    right->addWidget(lower);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);

    m_predicate = new QLineEdit;
    m_predicate->setObjectName(u"timeTravelPredicate"_s);
    m_predicate->setPlaceholderText(tr("find the first event after which… e.g. s => s.balance < 0"));
    auto* find = new QPushButton(tr("Find first"));
    connect(find, &QPushButton::clicked, this, [this] { findFirst(m_predicate->text()); });
    connect(m_predicate, &QLineEdit::returnPressed, this, [this] { findFirst(m_predicate->text()); });
    auto* findRow = new QHBoxLayout;
    findRow->addWidget(m_predicate, 1);
    findRow->addWidget(find);

    auto* rightPane = new QWidget;
    auto* rightLayout = new QVBoxLayout(rightPane);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(scrubber);
    rightLayout->addWidget(m_handlerLabel);
    rightLayout->addWidget(right, 1);
    rightLayout->addLayout(findRow);
    auto* body = new QSplitter(Qt::Horizontal);
    body->addWidget(m_eventsView);
    body->addWidget(rightPane);
    body->setStretchFactor(0, 2);
    body->setStretchFactor(1, 3);
    body->setSizes({ 380, 720 }); // room for version, type and handler

    m_message = new QLabel;
    m_message->setObjectName(u"timeTravelMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(body, 1);
    layout->addWidget(m_message);
}

void TimeTravelWindow::fillProjectionChoices()
{
    m_projectionBox->clear();
    for (const QString& path : ProjectionChoices::builtIn(m_category))
        m_projectionBox->addItem(tr("%1 (built in)").arg(QFileInfo(path).fileName()), path);
    // The definitions the user keeps in the workspace (the projection editor's), whatever their category.
    if (Workspace* workspace = Workspace::application()) {
        if (const auto definitions = workspace->definitions()) {
            for (const WorkspaceDefinition& definition : *definitions)
                m_projectionBox->addItem(
                    tr("%1 (workspace)").arg(definition.name), ProjectionChoices::workspaceChoice(definition.id));
        }
    }
    m_projectionBox->addItem(tr("Default fold: data merged, event types counted"), ProjectionChoices::defaultFold());
    if (!m_projection.isEmpty() && m_projectionBox->findData(m_projection) < 0)
        m_projectionBox->addItem(QFileInfo(m_projection).fileName(), m_projection);
    m_projectionBox->setCurrentIndex(m_projectionBox->findData(m_projection));
}

void TimeTravelWindow::setProjection(const QString& path)
{
    ProjectionChoices().remember(m_store->location().toString(), m_category, path);
    load(path);
}

void TimeTravelWindow::load(const QString& choice)
{
    m_projection = choice;
    fillProjectionChoices();
    reload();
}

bool TimeTravelWindow::usesDefaultFold() const
{
    return m_projection == ProjectionChoices::defaultFold();
}

void TimeTravelWindow::moveToVersion(qint64 version)
{
    const auto move = [this, version] {
        const QList<Event>& events = m_events->events();
        qint64 count = 0;
        while (count < events.size() && events.at(count).version <= version)
            ++count;
        moveTo(count);
    };
    if (m_events->rowCount() > 0) {
        move();
        return;
    }
    connect(
        this, &TimeTravelWindow::loadFinished, this,
        [move](bool ok) {
            if (ok)
                move();
        },
        Qt::SingleShotConnection);
}

void TimeTravelWindow::reload()
{
    if (m_projection.isEmpty())
        return;
    const auto script = ProjectionChoices().script(m_projection);
    if (!script) {
        showMessage(tr("Cannot read the projection: %1").arg(script.error().message), true);
        emit loadFinished(false);
        return;
    }
    showMessage(tr("Reading %1 and folding it…").arg(m_stream), false);
    m_session->load(m_stream, script->text, script->fileName);
}

void TimeTravelWindow::onLoaded(const TimeTravelSession::Loaded& loaded)
{
    m_foldable = loaded.foldable;
    m_handlerLabel->setDefinition(loaded.definition);
    m_events->setEvents(loaded.events, loaded.foldable, loaded.definition);
    m_eventsView->resizeColumnToContents(ReplayEventsModel::HandlerColumn);
    m_slider->setRange(0, int(loaded.events.size()));
    if (loaded.fault) {
        showMessage(tr("The projection faulted: %1").arg(loaded.fault->toString()), true);
    } else if (usesDefaultFold()) {
        showMessage(tr("No projection is chosen for the category '%1': the default fold merges each event's data "
                       "into the state and counts the event types. Pick a projection above to replace it.")
                        .arg(m_category),
            false);
    } else {
        showMessage(
            tr("%n event(s) folded. Drag the slider, step, or click an event.", "", int(loaded.events.size())), false);
    }
    m_count = -1;
    moveTo(loaded.fault ? loaded.foldable : loaded.events.size());
    emit loadFinished(true);
}

void TimeTravelWindow::moveTo(qint64 count)
{
    count = qBound<qint64>(0, count, eventCount());
    if (count == m_count)
        return;
    m_count = count;
    m_slider->setValue(int(count));
    m_events->setCurrentRow(int(count) - 1);
    if (count > 0) {
        // Selected as well as bold, so that the point shows in the list whatever the style. Scrolled once the view
        // has laid out its rows: right after a reset (a new stream) its header does not know them yet.
        m_eventsView->selectRow(int(count) - 1);
        QTimer::singleShot(0, m_eventsView, [this, row = int(count) - 1] {
            if (row < m_events->rowCount())
                m_eventsView->scrollTo(m_events->index(row, 0));
        });
    } else {
        m_eventsView->clearSelection();
    }
    m_session->seek(count);
}

void TimeTravelWindow::onFrame(const TimeTravelSession::Frame& frame)
{
    if (frame.count != m_count)
        return; // an older answer: a newer seek is on its way
    const qint64 total = eventCount();
    const QString version
        = frame.count > 0 ? tr(" (version %1)").arg(m_events->events().at(frame.count - 1).version) : QString();
    m_pointLabel->setText(tr("after %1 of %2 events%3").arg(frame.count).arg(total).arg(version));
    const bool applied = frame.count > 0 && frame.count <= m_events->events().size();
    m_handlerLabel->showEvent(applied ? &m_events->events().at(frame.count - 1) : nullptr);
    m_stateText = frame.state.value_or(QByteArray());
    const bool small = m_stateText.size() < 64 * 1024;
    m_state->setJsonText(m_stateText);
    if (small)
        m_state->view()->expandAll();

    m_changes->setRowCount(0);
    QSet<QString> changed; // what the event added or changed, marked in the state (a removal is only listed)
    if (frame.changes) {
        for (const JsonChange& change : frame.changes->diff.changes) {
            if (change.op != JsonChange::Op::Remove)
                changed.insert(JsonTreeView::treePath(change.path.toString()));
        }
    }
    m_state->highlight(changed);
    if (frame.changes) {
        const auto& changes = frame.changes->diff.changes;
        m_changes->setRowCount(int(changes.size()));
        for (int row = 0; row < changes.size(); ++row) {
            const JsonChange& change = changes[row];
            m_changes->setItem(row, 0, item(change.path.toString()));
            m_changes->setItem(row, 1, item(JsonChange::opName(change.op)));
            m_changes->setItem(row, 2, item(compact(change.oldValue)));
            m_changes->setItem(row, 3, item(compact(change.newValue)));
        }
        // The first changed field is selected in the state, so that what this event did is in view.
        if (!changes.isEmpty())
            selectStatePath(changes.first().path.toString());
        if (frame.changes->fault)
            showMessage(tr("This event faulted: %1").arg(frame.changes->fault->toString()), true);
    }
    emit frameShown(frame.count);
}

void TimeTravelWindow::showFieldHistory(const QString& path)
{
    // The tree names paths "$.a.b"; the replay takes them as the CLI prints them ("a.b").
    QString field = path;
    if (field.startsWith(u"$."_s))
        field = field.mid(2);
    else if (field.startsWith(u'$'))
        field = field.mid(1);
    m_historyLabel->setText(tr("Field history of %1: reading…").arg(field));
    m_session->requestFieldHistory(field);
}

void TimeTravelWindow::onFieldHistory(const QString& path, const QList<StreamReplay::FieldChange>& changes)
{
    m_historyLabel->setText(tr("Field history of %1: %n change(s)", "", int(changes.size())).arg(path));
    m_history->setRowCount(int(changes.size()));
    for (int row = 0; row < changes.size(); ++row) {
        const StreamReplay::FieldChange& change = changes[row];
        QTableWidgetItem* version = item(QString::number(m_events->events().at(change.index).version));
        version->setData(Qt::UserRole, change.index);
        m_history->setItem(row, 0, version);
        m_history->setItem(row, 1, item(compact(change.oldValue)));
        m_history->setItem(row, 2, item(compact(change.newValue)));
    }
    emit fieldHistoryShown(path, int(changes.size()));
}

void TimeTravelWindow::findFirst(const QString& predicate)
{
    if (predicate.trimmed().isEmpty())
        return;
    showMessage(tr("Searching…"), false);
    m_session->requestFindFirst(predicate);
}

void TimeTravelWindow::onFound(const QString& predicate, const StreamReplay::Found& found)
{
    if (found.badPredicate) {
        showMessage(tr("The predicate does not work: %1").arg(found.fault ? found.fault->message : QString()), true);
        emit findFinished(false);
        return;
    }
    if (!found.count) {
        showMessage(found.fault ? tr("Not found before the projection faulted: %1").arg(found.fault->toString())
                                : tr("%1 never holds in this stream.").arg(predicate),
            found.fault.has_value());
        emit findFinished(false);
        return;
    }
    showMessage(
        tr("%1 first holds after version %2.").arg(predicate).arg(m_events->events().at(*found.count - 1).version),
        false);
    moveTo(*found.count);
    emit findFinished(true);
}

void TimeTravelWindow::showMessage(const QString& text, bool problem)
{
    m_message->setText(text);
    m_message->setStyleSheet(problem ? u"color: #b00020;"_s : QString());
}

void TimeTravelWindow::togglePlay()
{
    if (m_playTimer->isActive()) {
        m_playTimer->stop();
        m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
        return;
    }
    if (m_count >= eventCount())
        moveTo(0);
    m_playTimer->start();
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
}

void TimeTravelWindow::selectStatePath(const QString& diffPath)
{
    const QString wanted = JsonTreeView::treePath(diffPath);
    const QAbstractItemModel* model = m_state->view()->model();
    const QModelIndexList found
        = model->match(model->index(0, 0), JsonTreeModel::PathRole, wanted, 1, Qt::MatchExactly | Qt::MatchRecursive);
    if (!found.isEmpty()) {
        m_state->view()->setCurrentIndex(found.first());
        m_state->view()->scrollTo(found.first());
    }
}

} // namespace EventScope
