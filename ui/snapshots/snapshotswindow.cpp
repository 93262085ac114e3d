#include "snapshotswindow.h"

#include "snapshotcomparewindow.h"
#include <ui/inspect/jsontreeview.h>

#include <core/jobs/openstore.h>
#include <core/models/snapshotlistmodel.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

SnapshotsWindow::SnapshotsWindow(
    std::shared_ptr<OpenStore> store, const QString& stream, const QString& category, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_store(std::move(store))
    , m_stream(stream)
    , m_category(category)
    , m_model(new SnapshotListModel(this))
{
    setObjectName(u"snapshotsWindow"_s);
    setWindowTitle(tr("Snapshots — %1").arg(stream));
    setAttribute(Qt::WA_DeleteOnClose);

    m_summary = new QLabel(tr("Reading the snapshots of %1…").arg(stream));
    m_summary->setObjectName(u"snapshotsSummary"_s);
    m_view = new QTableView;
    m_view->setObjectName(u"snapshotsTable"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(SnapshotListModel::VersionColumn, 80);
    m_view->setColumnWidth(SnapshotListModel::TimeColumn, 200);
    m_state = new JsonTreeView(u"snapshotState"_s);
    m_compare = new QPushButton(tr("&Compare with Replay"));
    m_compare->setObjectName(u"snapshotsCompare"_s);
    m_compare->setToolTip(tr("Fold the stream to this snapshot's version and show both states with their diff"));
    m_travel = new QPushButton(tr("&Time Travel Here"));
    m_travel->setToolTip(tr("Open time travel on the stream at this snapshot's version"));
    m_compare->setEnabled(false);
    m_travel->setEnabled(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_compare);
    buttons->addWidget(m_travel);
    buttons->addStretch(1);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_view, 1);
    leftLayout->addLayout(buttons);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_state);
    split->setStretchFactor(1, 1);
    split->setSizes({ 400, 500 });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SnapshotsWindow::showSelected);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) { compareRow(index.row()); });
    connect(m_compare, &QPushButton::clicked, this, [this] { compareRow(m_view->currentIndex().row()); });
    connect(m_travel, &QPushButton::clicked, this, [this] {
        if (const Snapshot* snapshot = m_model->snapshotAt(m_view->currentIndex().row()))
            emit timeTravelRequested(m_stream, snapshot->version);
    });

    m_store->interactive().run<QList<Snapshot>>(
        this, [stream](EventStore& opened, JobControl&) { return opened.snapshots(stream); },
        [this](Result<QList<Snapshot>> snapshots) {
            if (!snapshots) {
                m_summary->setText(tr("The store could not list the snapshots: %1").arg(snapshots.error().message));
                emit loaded(-1);
                return;
            }
            m_model->setSnapshots(std::move(*snapshots));
            const int count = m_model->rowCount();
            if (count == 0) {
                m_summary->setText(tr("The store keeps no snapshot of %1.").arg(m_stream));
            } else {
                m_summary->setText(tr("%n snapshot(s) of %1, the latest at version %2. Double-click one to compare it "
                                      "with a replay of the events.",
                    "", count)
                                       .arg(m_stream)
                                       .arg(m_model->snapshots().constLast().version));
                m_view->selectRow(count - 1);
            }
            emit loaded(count);
        });
    resize(900, 560);
}

SnapshotsWindow::~SnapshotsWindow() = default;

void SnapshotsWindow::showSelected()
{
    const Snapshot* snapshot = m_model->snapshotAt(m_view->currentIndex().row());
    m_compare->setEnabled(snapshot != nullptr);
    m_travel->setEnabled(snapshot != nullptr);
    if (!snapshot) {
        m_state->clear();
        return;
    }
    m_state->setJsonText(snapshot->state);
    m_state->view()->expandToDepth(0);
}

SnapshotCompareWindow* SnapshotsWindow::compareRow(int row)
{
    const Snapshot* snapshot = m_model->snapshotAt(row);
    if (!snapshot)
        return nullptr;
    auto* window = new SnapshotCompareWindow(m_store, m_stream, m_category, *snapshot, parentWidget());
    connect(window, &SnapshotCompareWindow::timeTravelRequested, this, &SnapshotsWindow::timeTravelRequested);
    window->show();
    emit compareOpened(window);
    return window;
}

} // namespace EventScope
