#include "projectionrunpanel.h"

#include <ui/inspect/jsontreeview.h>

#include <core/model/jsontext.h>
#include <core/models/projectioncomparisonmodel.h>
#include <core/models/projectionresultsmodel.h>

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QTableView* newTable(QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    return view;
}

QString valueText(const QJsonValue& value)
{
    return value.isUndefined() ? QString() : QString::fromUtf8(compactJsonValue(value));
}

} // namespace

ProjectionRunPanel::ProjectionRunPanel(QWidget* parent)
    : QTabWidget(parent)
    , m_results(new ProjectionResultsModel(this))
    , m_resultsProxy(new QSortFilterProxyModel(this))
    , m_comparison(new ProjectionComparisonModel(this))
{
    m_resultsProxy->setSourceModel(m_results);
    m_resultsProxy->setFilterKeyColumn(-1); // the name and the state text
    m_resultsProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_resultsTab = buildResultsTab();
    m_outputTab = buildOutputTab();
    m_failuresTab = buildFailuresTab();
    m_compareTab = buildCompareTab();
    addTab(m_resultsTab, tr("Results"));
    addTab(m_outputTab, tr("Emitted && Log"));
    addTab(m_failuresTab, tr("Failures"));
    addTab(m_compareTab, tr("Compare"));
    clear();
}

QWidget* ProjectionRunPanel::buildResultsTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    auto* top = new QHBoxLayout;
    m_summary = new QLabel(tab);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_search = new QLineEdit(tab);
    m_search->setPlaceholderText(tr("Search partitions and states"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(320);
    connect(m_search, &QLineEdit::textChanged, m_resultsProxy, &QSortFilterProxyModel::setFilterFixedString);
    top->addWidget(m_summary, 1);
    top->addWidget(m_search);
    layout->addLayout(top);

    auto* splitter = new QSplitter(Qt::Horizontal, tab);
    m_partitionsView = newTable(splitter);
    m_partitionsView->setModel(m_resultsProxy);
    m_partitionsView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_partitionsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) { showPartition(current); });
    // Which code ran: a click on the last handler goes to its line in the editor.
    connect(m_partitionsView, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const int line = index.data(ProjectionResultsModel::HandlerLineRole).toInt();
        if (index.column() == ProjectionResultsModel::HandlerColumn && line > 0)
            emit lineRequested(line);
    });
    connect(m_partitionsView, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        const QModelIndex index = m_partitionsView->indexAt(at);
        if (!index.isValid())
            return;
        const QString partition = index.data(ProjectionResultsModel::PartitionRole).toString();
        QMenu menu(this);
        QAction* travel = menu.addAction(tr("Open in Time Travel"));
        travel->setEnabled(m_partitionsAreStreams && !partition.isEmpty());
        if (!travel->isEnabled())
            travel->setToolTip(tr("Only a partition that is a stream (foreachStream) replays in time travel"));
        if (menu.exec(m_partitionsView->viewport()->mapToGlobal(at)) == travel)
            emit timeTravelRequested(partition, -1);
    });
    auto* trees = new QSplitter(Qt::Vertical, splitter);
    m_stateTree = new JsonTreeView(tr("State"), trees);
    m_resultTree = new JsonTreeView(tr("Result"), trees);
    m_sharedTree = new JsonTreeView(tr("Shared state"), trees);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);
    return tab;
}

QWidget* ProjectionRunPanel::buildOutputTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_outputCounts = new QLabel(tab);
    layout->addWidget(m_outputCounts);
    auto* splitter = new QSplitter(Qt::Vertical, tab);
    m_emitted = new QTableWidget(0, 4, splitter);
    m_emitted->setHorizontalHeaderLabels({ tr("Stream"), tr("Type"), tr("Data"), tr("Metadata") });
    m_emitted->verticalHeader()->hide();
    m_emitted->horizontalHeader()->setStretchLastSection(true);
    m_emitted->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_emitted->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_emitted->setWordWrap(false);
    m_log = new QPlainTextEdit(splitter);
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("log() output"));
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(splitter, 1);
    return tab;
}

QWidget* ProjectionRunPanel::buildFailuresTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_failure = new QLabel(tab);
    m_failure->setWordWrap(true);
    m_failure->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failure->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* buttons = new QHBoxLayout;
    m_failureLine = new QPushButton(tr("Go to Line"), tab);
    m_failureEvent = new QPushButton(tr("Open the Event in Time Travel"), tab);
    connect(m_failureLine, &QPushButton::clicked, this, [this] {
        if (m_fault && m_fault->line)
            emit lineRequested(*m_fault->line);
    });
    connect(m_failureEvent, &QPushButton::clicked, this, [this] {
        if (m_fault && m_fault->event)
            emit timeTravelRequested(m_fault->event->stream, m_fault->event->version);
    });
    buttons->addWidget(m_failureLine);
    buttons->addWidget(m_failureEvent);
    buttons->addStretch(1);
    layout->addWidget(m_failure);
    layout->addLayout(buttons);
    layout->addStretch(1);
    return tab;
}

QWidget* ProjectionRunPanel::buildCompareTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_compareSummary = new QLabel(tab);
    m_compareSummary->setWordWrap(true);
    layout->addWidget(m_compareSummary);
    auto* splitter = new QSplitter(Qt::Horizontal, tab);
    m_comparisonView = newTable(splitter);
    m_comparisonView->setModel(m_comparison);
    connect(m_comparisonView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) { showComparedPartition(current); });
    auto* right = new QSplitter(Qt::Vertical, splitter);
    m_pathsTable = new QTableWidget(0, 4, right);
    m_pathsTable->setHorizontalHeaderLabels({ tr("Path"), tr("Change"), tr("Before"), tr("After") });
    m_pathsTable->verticalHeader()->hide();
    m_pathsTable->horizontalHeader()->setStretchLastSection(true);
    m_pathsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* trees = new QSplitter(Qt::Horizontal, right);
    m_beforeTree = new JsonTreeView(tr("Before"), trees);
    m_afterTree = new JsonTreeView(tr("After"), trees);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({ 440, 660 });
    m_pathsTable->verticalHeader()->setDefaultSectionSize(m_pathsTable->fontMetrics().height() + 6);
    layout->addWidget(splitter, 1);
    return tab;
}

void ProjectionRunPanel::clear()
{
    m_results->clear();
    m_comparison->clear();
    m_summary->setText(tr("Run the definition (Ctrl+R) to see its results."));
    m_stateTree->clear();
    m_resultTree->clear();
    m_sharedTree->clear();
    m_resultTree->setVisible(false);
    m_sharedTree->setVisible(false);
    m_emitted->setRowCount(0);
    m_log->clear();
    m_outputCounts->setText(tr("Nothing emitted yet."));
    showFault(std::nullopt, {});
    m_compareSummary->setText(tr("Compare the editor's text with a saved revision (Ctrl+Shift+R): both run over "
                                 "one read of the same events, and the partitions that differ are listed here."));
    m_pathsTable->setRowCount(0);
    m_beforeTree->clear();
    m_afterTree->clear();
}

void ProjectionRunPanel::showRun(const ProjectionRunOutput& output)
{
    const ProjectionResults& results = output.results;
    m_partitionsAreStreams = results.definition.foreachStream;
    m_results->setResults(results);
    m_partitionsView->resizeColumnToContents(ProjectionResultsModel::PartitionColumn);
    m_partitionsView->resizeColumnToContents(ProjectionResultsModel::HandlerColumn);
    m_partitionsView->setColumnHidden(ProjectionResultsModel::ResultColumn, !m_results->showsResults());
    m_resultTree->setVisible(m_results->showsResults());
    m_sharedTree->setVisible(results.definition.biState);
    if (results.definition.biState)
        m_sharedTree->setJsonText(results.sharedState.value_or("null"));
    const ProjectionRunOutcome& outcome = results.outcome;
    QString summary = tr("%n partition(s)", nullptr, int(results.partitions.size())) + u" · "_s
        + tr("%n event(s)", nullptr, int(std::min<qint64>(outcome.eventsRead, INT_MAX)))
        + u" · %1 s"_s.arg(output.seconds, 0, 'f', 2);
    if (results.threads > 1)
        summary += u" · "_s + tr("%1 threads").arg(results.threads);
    if (outcome.fault)
        summary += u" · "_s + tr("faulted (see Failures)");
    else if (outcome.cancelled)
        summary += u" · "_s + tr("cancelled");
    m_summary->setText(summary);

    m_emitted->setRowCount(int(output.emitted.size()));
    for (int row = 0; row < output.emitted.size(); ++row) {
        const EmittedEvent& event = output.emitted.at(row);
        const QStringList cells { event.stream, event.type, QString::fromUtf8(event.data),
            QString::fromUtf8(event.metadata) };
        for (int column = 0; column < cells.size(); ++column)
            m_emitted->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    m_log->setPlainText(output.log.join(u'\n'));
    m_outputCounts->setText(tr("%1 emitted or linked events, %2 log lines (captured, never written)%3")
                                .arg(output.emittedTotal)
                                .arg(output.logTotal)
                                .arg(output.emittedTotal > output.emitted.size() || output.logTotal > output.log.size()
                                        ? tr("; the first %1 of each are listed").arg(ProjectionRunOutput::kMaxListed)
                                        : QString()));
    showFault(outcome.fault, {});
    if (m_results->rowCount() > 0)
        selectPartition(0);
    else {
        m_stateTree->clear();
        m_resultTree->clear();
    }
    setCurrentWidget(outcome.fault && results.partitions.isEmpty() ? m_failuresTab : m_resultsTab);
}

void ProjectionRunPanel::selectPartition(int row)
{
    const QModelIndex proxy = m_resultsProxy->mapFromSource(m_results->index(row, 0));
    if (proxy.isValid())
        m_partitionsView->setCurrentIndex(proxy);
}

void ProjectionRunPanel::showPartition(const QModelIndex& proxyIndex)
{
    if (!proxyIndex.isValid()) {
        m_stateTree->clear();
        m_resultTree->clear();
        return;
    }
    const QVariant state = proxyIndex.siblingAtColumn(0).data(ProjectionResultsModel::StateRole);
    m_stateTree->setJsonText(state.isValid() ? state.toByteArray() : QByteArrayLiteral("null"));
    const QVariant result = proxyIndex.siblingAtColumn(0).data(ProjectionResultsModel::ResultRole);
    m_resultTree->setJsonText(result.isValid() ? result.toByteArray() : QByteArrayLiteral("null"));
}

void ProjectionRunPanel::showFault(const std::optional<ProjectionFault>& fault, const QString& prefix)
{
    m_fault = fault;
    if (!fault) {
        m_failure->setText(tr("No event failed."));
        m_failureLine->setEnabled(false);
        m_failureEvent->setEnabled(false);
        return;
    }
    QString text = prefix + fault->message.toHtmlEscaped();
    if (fault->line)
        text += u"<br>"_s + tr("Line %1 of %2").arg(*fault->line).arg(fault->fileName.toHtmlEscaped());
    if (fault->event)
        text += u"<br>"_s
            + tr("On event %1 of stream <b>%2</b>")
                  .arg(fault->event->version)
                  .arg(fault->event->stream.toHtmlEscaped());
    else
        text += u"<br>"_s + tr("Before any event: the definition did not start.");
    m_failure->setText(u"<b>"_s + tr("The run stopped:") + u"</b> "_s + text);
    m_failureLine->setEnabled(fault->line.has_value());
    m_failureEvent->setEnabled(fault->event.has_value());
}

void ProjectionRunPanel::showComparison(
    const ProjectionCompareOutput& output, const QString& beforeName, const QString& afterName)
{
    const ProjectionComparison& comparison = output.comparison;
    m_comparison->setComparison(comparison);
    for (int column = 0; column < ProjectionComparisonModel::FirstPathColumn; ++column)
        m_comparisonView->resizeColumnToContents(column);
    m_pathsTable->setRowCount(0);
    m_beforeTree->clear();
    m_afterTree->clear();
    const auto& fault = output.before.outcome.fault ? output.before.outcome.fault : output.after.outcome.fault;
    if (fault) {
        showFault(fault, (output.before.outcome.fault ? beforeName : afterName).toHtmlEscaped() + u": "_s);
        m_compareSummary->setText(
            tr("%1 faulted: no comparison (see Failures).").arg(output.before.outcome.fault ? beforeName : afterName));
        setCurrentWidget(m_failuresTab);
        return;
    }
    using Change = ProjectionComparison::Change;
    QString text = tr("<b>%1</b> against <b>%2</b>, over the same %3 events read once (%4 s): ")
                       .arg(afterName.toHtmlEscaped(), beforeName.toHtmlEscaped())
                       .arg(output.eventsRead)
                       .arg(output.seconds, 0, 'f', 2)
        + tr("%1 changed, %2 added, %3 removed, %4 the same.")
              .arg(comparison.count(Change::Changed))
              .arg(comparison.count(Change::Added))
              .arg(comparison.count(Change::Removed))
              .arg(comparison.same);
    if (comparison.sharedState)
        text += u" "_s
            + (comparison.sharedState->isEqual() ? tr("The shared state is the same.")
                                                 : tr("The shared state differs (%n path(s)).", nullptr,
                                                     int(comparison.sharedState->changes.size())));
    if (comparison.identical())
        text += u" "_s + tr("The two are identical.");
    m_compareSummary->setText(text);
    showFault(std::nullopt, {});
    if (m_comparison->rowCount() > 0)
        m_comparisonView->setCurrentIndex(m_comparison->index(0, 0));
    setCurrentWidget(m_compareTab);
}

void ProjectionRunPanel::showComparedPartition(const QModelIndex& index)
{
    const ProjectionComparison::Partition* partition = m_comparison->partitionAt(index.row());
    m_pathsTable->setRowCount(0);
    if (!partition) {
        m_beforeTree->clear();
        m_afterTree->clear();
        return;
    }
    m_pathsTable->setRowCount(int(partition->diff.changes.size()));
    QSet<QString> paths;
    for (int row = 0; row < partition->diff.changes.size(); ++row) {
        const JsonChange& change = partition->diff.changes.at(row);
        paths.insert(JsonTreeView::treePath(change.path.toString()));
        const QStringList cells { change.path.toString(), JsonChange::opName(change.op), valueText(change.oldValue),
            valueText(change.newValue) };
        for (int column = 0; column < cells.size(); ++column)
            m_pathsTable->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    m_pathsTable->resizeColumnsToContents();
    if (partition->before.isEmpty())
        m_beforeTree->clear();
    else
        m_beforeTree->setJsonText(partition->before);
    if (partition->after.isEmpty())
        m_afterTree->clear();
    else
        m_afterTree->setJsonText(partition->after);
    m_beforeTree->highlight(paths);
    m_afterTree->highlight(paths);
}

QString ProjectionRunPanel::summaryText() const
{
    return m_summary->text();
}

QString ProjectionRunPanel::failureText() const
{
    return m_failure->text();
}

} // namespace EventScope
