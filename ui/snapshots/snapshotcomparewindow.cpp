#include "snapshotcomparewindow.h"

#include <ui/inspect/jsontreeview.h>

#include <core/jobs/openstore.h>
#include <core/model/jsontext.h>
#include <core/models/jsontreemodel.h>
#include <core/snapshots/snapshotverifier.h>
#include <core/workspace/projectionchoices.h>

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// A value as compact JSON; "—" when the side does not have it.
QString shown(const QJsonValue& value)
{
    return value.isUndefined() ? u"—"_s : QString::fromUtf8(compactJsonValue(value));
}

} // namespace

SnapshotCompareWindow::SnapshotCompareWindow(std::shared_ptr<OpenStore> store, const QString& stream,
    const QString& category, const Snapshot& snapshot, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_store(std::move(store))
    , m_stream(stream)
    , m_category(category)
    , m_snapshot(snapshot)
    , m_session(new TimeTravelSession(m_store->sharedConnector(), this))
{
    setObjectName(u"snapshotCompareWindow"_s);
    setWindowTitle(tr("Snapshot v%1 of %2 against a replay").arg(snapshot.version).arg(stream));
    setAttribute(Qt::WA_DeleteOnClose);
    buildUi();
    connect(m_session, &TimeTravelSession::loaded, this, &SnapshotCompareWindow::onLoaded);
    connect(m_session, &TimeTravelSession::frameReady, this, &SnapshotCompareWindow::onFrame);
    connect(
        m_session, &TimeTravelSession::failed, this, [this](const StoreError& error) { showProblem(error.message); });
    m_snapshotTree->setJsonText(m_snapshot.state);
    m_snapshotTree->view()->expandToDepth(1);
    const QString remembered = ProjectionChoices().snapshotProjectionFor(m_store->location().toString(), m_category);
    if (remembered.isEmpty())
        showProblem(tr("No projection rebuilds the category '%1' yet: pick one (Open file…).").arg(m_category));
    else
        setProjection(remembered);
    resize(1150, 720);
}

SnapshotCompareWindow::~SnapshotCompareWindow() = default;

void SnapshotCompareWindow::buildUi()
{
    m_projectionBox = new QComboBox;
    m_projectionBox->setObjectName(u"compareProjection"_s);
    m_projectionBox->setMinimumContentsLength(28);
    QStringList builtIn = ProjectionChoices::builtIn(m_category);
    if (const QString snapshot = ProjectionChoices::builtInSnapshotProjection(m_category); !snapshot.isEmpty())
        builtIn.prepend(snapshot);
    for (const QString& path : std::as_const(builtIn))
        m_projectionBox->addItem(QFileInfo(path).fileName() + tr(" (built in)"), path);
    auto* openFile = new QPushButton(tr("Open file…"));
    connect(openFile, &QPushButton::clicked, this, [this] {
        const QString path
            = QFileDialog::getOpenFileName(this, tr("Open Projection"), {}, tr("Projections (*.js);;All files (*)"));
        if (!path.isEmpty())
            setProjection(path);
    });
    connect(m_projectionBox, &QComboBox::activated, this,
        [this](int index) { setProjection(m_projectionBox->itemData(index).toString()); });
    m_ignore = new QLineEdit;
    m_ignore->setObjectName(u"compareIgnore"_s);
    m_ignore->setPlaceholderText(tr("keys or paths to ignore: _id, $.meta.savedAt"));
    m_ignore->setClearButtonEnabled(true);
    m_ignore->setText(ProjectionChoices().snapshotIgnored(m_store->location().toString(), m_category));
    connect(m_ignore, &QLineEdit::editingFinished, this, &SnapshotCompareWindow::compare);
    auto* travel = new QPushButton(tr("Time Travel at v%1").arg(m_snapshot.version));
    travel->setObjectName(u"compareTimeTravel"_s);
    connect(travel, &QPushButton::clicked, this, [this] { emit timeTravelRequested(m_stream, m_snapshot.version); });

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Projection:")));
    top->addWidget(m_projectionBox, 1);
    top->addWidget(openFile);
    top->addWidget(new QLabel(tr("Ignore:")));
    top->addWidget(m_ignore, 1);
    top->addWidget(travel);

    m_summary = new QLabel;
    m_summary->setObjectName(u"compareSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);

    m_snapshotTree = new JsonTreeView(u"snapshot"_s);
    m_replayTree = new JsonTreeView(u"replay"_s);
    const auto titled = [](const QString& title, QWidget* widget) {
        auto* box = new QWidget;
        auto* layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        auto* label = new QLabel(title);
        label->setTextFormat(Qt::RichText);
        layout->addWidget(label);
        layout->addWidget(widget, 1);
        return box;
    };
    auto* sides = new QSplitter(Qt::Horizontal);
    sides->addWidget(titled(tr("<b>Snapshot</b> (as stored)"), m_snapshotTree));
    sides->addWidget(titled(tr("<b>Replay</b> (the events folded to the same version)"), m_replayTree));

    m_diff = new QTableWidget(0, 4);
    m_diff->setObjectName(u"compareDiff"_s);
    m_diff->setHorizontalHeaderLabels({ tr("Path"), tr("Change"), tr("Snapshot"), tr("Replay") });
    m_diff->horizontalHeader()->setStretchLastSection(true);
    m_diff->verticalHeader()->hide();
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diff->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_diff->setColumnWidth(0, 260);
    m_diff->setColumnWidth(2, 280);
    connect(m_diff, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (const QTableWidgetItem* item = m_diff->item(row, 0))
            selectPath(item->text());
    });

    auto* vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(sides);
    vertical->addWidget(m_diff);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(vertical, 1);
}

void SnapshotCompareWindow::setProjection(const QString& path)
{
    m_projection = path;
    int index = m_projectionBox->findData(path);
    if (index < 0) {
        m_projectionBox->addItem(QFileInfo(path).fileName(), path);
        index = m_projectionBox->count() - 1;
    }
    m_projectionBox->setCurrentIndex(index);
    ProjectionChoices().rememberSnapshotProjection(m_store->location().toString(), m_category, path);
    reload();
}

void SnapshotCompareWindow::setIgnored(const QString& keysAndPaths)
{
    m_ignore->setText(keysAndPaths);
    compare();
}

QString SnapshotCompareWindow::verdict() const
{
    return m_verdict;
}

void SnapshotCompareWindow::reload()
{
    QFile file(m_projection);
    if (!file.open(QIODevice::ReadOnly)) {
        showProblem(tr("Cannot read %1: %2").arg(m_projection, file.errorString()));
        return;
    }
    m_haveReplay = false;
    m_summary->setText(tr("Folding %1 up to version %2…").arg(m_stream.toHtmlEscaped()).arg(m_snapshot.version));
    m_session->load(m_stream, QString::fromUtf8(file.readAll()), QFileInfo(m_projection).fileName());
}

void SnapshotCompareWindow::onLoaded(const TimeTravelSession::Loaded& loaded)
{
    if (loaded.events.isEmpty()) {
        showProblem(tr("The stream has no events, but a snapshot at version %1.").arg(m_snapshot.version));
        return;
    }
    const qint64 lastVersion = loaded.events.constLast().version;
    if (m_snapshot.version > lastVersion) {
        showProblem(tr("The snapshot is ahead of its stream: version %1, but the last event is version %2.")
                        .arg(m_snapshot.version)
                        .arg(lastVersion));
        return;
    }
    qint64 count = 0;
    while (count < loaded.events.size() && loaded.events.at(count).version <= m_snapshot.version)
        ++count;
    if (count == 0) {
        showProblem(tr("The snapshot is at version %1, before the stream's first event (version %2).")
                        .arg(m_snapshot.version)
                        .arg(loaded.events.constFirst().version));
        return;
    }
    if (loaded.fault && (loaded.foldable < count)) {
        showProblem(tr("The projection faulted before version %1: %2")
                        .arg(m_snapshot.version)
                        .arg(loaded.fault->toString().toHtmlEscaped()));
        return;
    }
    m_session->seek(count);
}

void SnapshotCompareWindow::onFrame(const TimeTravelSession::Frame& frame)
{
    if (frame.fault) {
        showProblem(tr("The projection faulted: %1").arg(frame.fault->toString().toHtmlEscaped()));
        return;
    }
    m_replayedState = frame.state;
    m_replayed = frame.state.value_or(QByteArray());
    m_haveReplay = true;
    m_replayTree->setJsonText(m_replayed);
    m_replayTree->view()->expandToDepth(1);
    compare();
}

void SnapshotCompareWindow::compare()
{
    if (!m_haveReplay)
        return;
    ProjectionChoices().rememberSnapshotIgnored(m_store->location().toString(), m_category, m_ignore->text());
    JsonDiffOptions options = snapshotDiffOptions();
    const QStringList ignored = m_ignore->text().split(QRegularExpression(u"[,\\s]+"_s), Qt::SkipEmptyParts);
    for (const QString& entry : ignored) {
        if (const Status added = options.addIgnore(entry); !added) {
            showProblem(tr("Ignore: %1").arg(added.error().message.toHtmlEscaped()));
            return;
        }
    }
    const auto result = JsonDiff(options).compareJson(m_snapshot.state, m_replayedState.value_or("null"));
    if (!result) {
        showProblem(tr("The snapshot's state cannot be compared: %1")
                        .arg(QString(result.error().message)
                                 .replace(u"The \"before\" document"_s, tr("The snapshot's state"))
                                 .toHtmlEscaped()));
        return;
    }
    m_differences = *result;
    m_diff->setRowCount(0);
    for (const JsonChange& change : m_differences.changes) {
        const int row = m_diff->rowCount();
        m_diff->insertRow(row);
        m_diff->setItem(row, 0, new QTableWidgetItem(change.path.toString()));
        m_diff->setItem(row, 1,
            new QTableWidgetItem(change.op == JsonChange::Op::Add ? tr("only in the replay")
                    : change.op == JsonChange::Op::Remove         ? tr("only in the snapshot")
                                                                  : tr("differs")));
        m_diff->setItem(row, 2, new QTableWidgetItem(shown(change.oldValue)));
        m_diff->setItem(row, 3, new QTableWidgetItem(shown(change.newValue)));
    }
    QSet<QString> differing;
    for (const JsonChange& change : m_differences.changes)
        differing.insert(JsonTreeView::treePath(change.path.toString()));
    m_snapshotTree->highlight(differing);
    m_replayTree->highlight(differing);
    m_verdict = m_differences.isEqual() ? u"match"_s : u"drift"_s;
    if (m_differences.isEqual()) {
        m_summary->setText(tr("<span style='color:#1a7f37'><b>Match.</b></span> Snapshot v%1 of %2 (%3 bytes) is what "
                              "the events give at that version through %4.")
                               .arg(m_snapshot.version)
                               .arg(m_stream.toHtmlEscaped())
                               .arg(m_snapshot.state.size())
                               .arg(QFileInfo(m_projection).fileName().toHtmlEscaped()));
    } else {
        m_summary->setText(tr("<span style='color:#b42318'><b>Drift:</b></span> %n path(s) differ between snapshot "
                              "v%1 of %2 and the events folded to that version through %3.",
            "", int(m_differences.changes.size()))
                               .arg(m_snapshot.version)
                               .arg(m_stream.toHtmlEscaped())
                               .arg(QFileInfo(m_projection).fileName().toHtmlEscaped()));
        m_diff->selectRow(0);
    }
    emit compared(m_verdict);
}

void SnapshotCompareWindow::showProblem(const QString& text)
{
    m_verdict = u"error"_s;
    m_summary->setText(u"<span style='color:#b42318'><b>%1</b></span> %2"_s.arg(tr("Cannot compare:"), text));
    emit compared(m_verdict);
}

void SnapshotCompareWindow::selectPath(const QString& diffPath)
{
    const QString wanted = JsonTreeView::treePath(diffPath);
    for (JsonTreeView* tree : { m_snapshotTree, m_replayTree }) {
        const QAbstractItemModel* model = tree->view()->model();
        const QModelIndexList found = model->match(
            model->index(0, 0), JsonTreeModel::PathRole, wanted, 1, Qt::MatchExactly | Qt::MatchRecursive);
        if (!found.isEmpty()) {
            tree->view()->setCurrentIndex(found.first());
            tree->view()->scrollTo(found.first());
        }
    }
}

} // namespace EventScope
