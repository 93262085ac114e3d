#pragma once

#include <core/snapshots/snapshotcheck.h>

#include <QWidget>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace EventScope {

class CoverageChart;
class OpenStore;
class VerifyResultsModel;
class VerifySession;
struct StoreError;

// Store ▸ Verify Snapshots: every snapshot of the store (or of a category) against its events, on workers. The
// snapshots that drift or cannot be checked fill the table as they are found, the counts of all of them above it;
// a row opens the side-by-side compare; the results export as HTML or JSON (the CLI's report).
class VerifyWindow : public QWidget
{
    Q_OBJECT
public:
    explicit VerifyWindow(std::shared_ptr<OpenStore> store, QWidget* parent = nullptr);
    ~VerifyWindow() override;

    VerifyResultsModel* model() const { return m_model; }
    void start();
    void cancel();
    bool exportTo(const QString& path);
    void showCoverage(); // switches to the Coverage tab and measures

signals:
    void verifyFinished(bool completed);
    void coverageMeasured(bool ok);
    void compareRequested(const QString& stream, qint64 version);

private:
    void onFinished(const VerifySummary& summary);
    void onFailed(const StoreError& error);
    void showCounts(bool finished);
    QWidget* buildCoverageTab();
    void measureCoverage();

    std::shared_ptr<OpenStore> m_store;
    VerifyResultsModel* m_model = nullptr;
    VerifySession* m_session = nullptr;
    VerifySummary m_summary;
    qint64 m_streamsSeen = 0;
    bool m_haveSummary = false;

    QLineEdit* m_category = nullptr;
    QLineEdit* m_ignore = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_export = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_counts = nullptr;
    QTableView* m_view = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTableWidget* m_coverage = nullptr;
    CoverageChart* m_chart = nullptr;
    QLabel* m_coverageLabel = nullptr;
    QPushButton* m_measure = nullptr;
};

} // namespace EventScope
