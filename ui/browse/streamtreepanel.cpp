#include "streamtreepanel.h"

#include <core/models/streamtreemodel.h>

#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QRegularExpression>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

StreamTreePanel::StreamTreePanel(QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
{
    m_filter->setObjectName(u"streamFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Filter streams (regular expression)"));
    m_filter->setClearButtonEnabled(true);
    m_view->setObjectName(u"streamTree"_s);
    m_view->setUniformRowHeights(true);
    m_view->setIndentation(12); // two levels only: keep the width for the stream names
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setStretchLastSection(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        const QString stream = m_view->indexAt(at).data(StreamTreeModel::StreamRole).toString();
        if (stream.isEmpty())
            return;
        QMenu menu(this);
        menu.addAction(tr("&Time Travel…"), this, [this, stream] { emit timeTravelRequested(stream); });
        menu.addAction(tr("&Snapshots…"), this, [this, stream] { emit snapshotsRequested(stream); });
        menu.addAction(tr("Current &State…"), this, [this, stream] { emit currentStateRequested(stream); });
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });

    m_filterDelay.setSingleShot(true);
    m_filterDelay.setInterval(kFilterDelayMs);
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_filterDelay.start(); });
    connect(m_filter, &QLineEdit::returnPressed, this, &StreamTreePanel::emitPattern);
    connect(&m_filterDelay, &QTimer::timeout, this, &StreamTreePanel::emitPattern);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);
}

void StreamTreePanel::setModel(StreamTreeModel* model)
{
    m_model = model;
    m_view->setModel(model);
    // Never ResizeToContents: a category can hold a million streams.
    m_view->header()->setSectionResizeMode(StreamTreeModel::NameColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(StreamTreeModel::EventsColumn, QHeaderView::Fixed);
    m_view->header()->resizeSection(
        StreamTreeModel::EventsColumn, fontMetrics().horizontalAdvance(u"00,000,000"_s) + 6);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& current) { onCurrentChanged(current); });
    connect(model, &QAbstractItemModel::rowsInserted, this, &StreamTreePanel::continuePendingSelection);
    connect(model, &QAbstractItemModel::modelReset, this, &StreamTreePanel::continuePendingSelection);
}

void StreamTreePanel::emitPattern()
{
    m_filterDelay.stop();
    const QString pattern = m_filter->text();
    const QRegularExpression expression(pattern);
    if (!expression.isValid()) {
        m_filter->setStyleSheet(u"QLineEdit { color: #b00020; }"_s);
        m_filter->setToolTip(tr("Not a valid regular expression: %1").arg(expression.errorString()));
        return;
    }
    m_filter->setStyleSheet({});
    m_filter->setToolTip({});
    emit patternChanged(pattern);
}

void StreamTreePanel::onCurrentChanged(const QModelIndex& current)
{
    if (!current.isValid())
        return;
    const QModelIndex row = current.siblingAtColumn(StreamTreeModel::NameColumn);
    const auto kind = StreamTreeModel::NodeKind(row.data(StreamTreeModel::NodeKindRole).toInt());
    switch (kind) {
    case StreamTreeModel::NodeKind::AllEvents:
        emit scopeSelected({}, {});
        break;
    case StreamTreeModel::NodeKind::Category:
        emit scopeSelected(row.data(StreamTreeModel::CategoryRole).toString(), {});
        break;
    case StreamTreeModel::NodeKind::Stream:
        emit scopeSelected(
            row.data(StreamTreeModel::CategoryRole).toString(), row.data(StreamTreeModel::StreamRole).toString());
        break;
    }
}

void StreamTreePanel::selectStream(const QString& category, const QString& stream)
{
    m_pendingCategory = category;
    m_pendingStream = stream;
    continuePendingSelection();
}

void StreamTreePanel::continuePendingSelection()
{
    if (!m_model || m_pendingCategory.isEmpty())
        return;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex category = m_model->index(row, 0);
        if (category.data(StreamTreeModel::CategoryRole).toString() != m_pendingCategory
            || StreamTreeModel::NodeKind(category.data(StreamTreeModel::NodeKindRole).toInt())
                != StreamTreeModel::NodeKind::Category)
            continue;
        if (m_pendingStream.isEmpty()) {
            m_pendingCategory.clear();
            m_view->setCurrentIndex(category);
            return;
        }
        m_view->expand(category);
        for (int child = 0; child < m_model->rowCount(category); ++child) {
            const QModelIndex stream = m_model->index(child, 0, category);
            if (stream.data(StreamTreeModel::StreamRole).toString() == m_pendingStream) {
                m_pendingCategory.clear();
                m_pendingStream.clear();
                m_view->setCurrentIndex(stream);
                m_view->scrollTo(stream, QAbstractItemView::PositionAtCenter);
                return;
            }
        }
        // Not loaded yet: ask for the next batch; rowsInserted brings us back here.
        if (m_model->canFetchMore(category))
            m_model->fetchMore(category);
        return;
    }
}

} // namespace EventScope
