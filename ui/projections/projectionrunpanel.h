#pragma once

#include <core/projection/projectionrunsession.h>

#include <QTabWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace EventScope {

class JsonTreeView;
class ProjectionComparisonModel;
class ProjectionResultsModel;

// What a run of the editor's definition produced, in tabs: the state (and result) per partition in a list that
// can be searched, each shown as a JSON tree; the shared state; the captured emitted events and links with the
// log() output; the event that failed; and the per-partition diff of a comparison between two revisions.
class ProjectionRunPanel : public QTabWidget
{
    Q_OBJECT
public:
    explicit ProjectionRunPanel(QWidget* parent = nullptr);

    void showRun(const ProjectionRunOutput& output);
    void showComparison(const ProjectionCompareOutput& output, const QString& beforeName, const QString& afterName);
    void clear();

    ProjectionResultsModel* resultsModel() const { return m_results; }
    QSortFilterProxyModel* resultsProxy() const { return m_resultsProxy; }
    ProjectionComparisonModel* comparisonModel() const { return m_comparison; }
    QTableView* partitionsView() const { return m_partitionsView; }
    QTableView* comparisonView() const { return m_comparisonView; }
    QTableWidget* emittedTable() const { return m_emitted; }
    QString summaryText() const;
    QString failureText() const;

    // Shows partition `row` of the results (in model rows) as selected, with its state tree.
    void selectPartition(int row);

    QWidget* resultsTab() const { return m_resultsTab; }
    QWidget* outputTab() const { return m_outputTab; }
    QWidget* failuresTab() const { return m_failuresTab; }
    QWidget* compareTab() const { return m_compareTab; }

signals:
    // "Open in Time Travel" on a partition that is a stream, or on the event that failed.
    void timeTravelRequested(const QString& stream, qint64 version);
    // The line of the script a fault points at, or where the handler of a partition's last event is written.
    void lineRequested(int line);

private:
    QWidget* buildResultsTab();
    QWidget* buildOutputTab();
    QWidget* buildFailuresTab();
    QWidget* buildCompareTab();
    void showPartition(const QModelIndex& proxyIndex);
    void showComparedPartition(const QModelIndex& index);
    void showFault(const std::optional<ProjectionFault>& fault, const QString& prefix);

    ProjectionResultsModel* m_results = nullptr;
    QSortFilterProxyModel* m_resultsProxy = nullptr;
    ProjectionComparisonModel* m_comparison = nullptr;

    QWidget* m_resultsTab = nullptr;
    QWidget* m_outputTab = nullptr;
    QWidget* m_failuresTab = nullptr;
    QWidget* m_compareTab = nullptr;
    QLabel* m_summary = nullptr;
    QLineEdit* m_search = nullptr;
    QTableView* m_partitionsView = nullptr;
    JsonTreeView* m_stateTree = nullptr;
    JsonTreeView* m_resultTree = nullptr;
    JsonTreeView* m_sharedTree = nullptr;
    QTableWidget* m_emitted = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QLabel* m_outputCounts = nullptr;
    QLabel* m_failure = nullptr;
    QPushButton* m_failureLine = nullptr;
    QPushButton* m_failureEvent = nullptr;
    std::optional<ProjectionFault> m_fault;
    QLabel* m_compareSummary = nullptr;
    QTableView* m_comparisonView = nullptr;
    QTableWidget* m_pathsTable = nullptr;
    JsonTreeView* m_beforeTree = nullptr;
    JsonTreeView* m_afterTree = nullptr;
    bool m_partitionsAreStreams = false;
};

} // namespace EventScope
