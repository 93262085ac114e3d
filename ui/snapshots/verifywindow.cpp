#include "verifywindow.h"

#include "coveragechart.h"
#include <core/jobs/openstore.h>

#include <core/snapshots/snapshotcoverage.h>
#include <core/snapshots/verifyreport.h>
#include <core/snapshots/verifyresultsmodel.h>
#include <core/snapshots/verifysession.h>
#include <core/workspace/projectionchoices.h>

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

VerifyWindow::VerifyWindow(std::shared_ptr<OpenStore> store, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_store(std::move(store))
    , m_model(new VerifyResultsModel(this))
    , m_session(new VerifySession(m_store->sharedConnector(), this))
{
    setObjectName(u"verifyWindow"_s);
    setWindowTitle(tr("Verify snapshots — %1").arg(m_store->location().toString()));
    setAttribute(Qt::WA_DeleteOnClose);

    m_category = new QLineEdit;
    m_category->setPlaceholderText(tr("every category"));
    m_category->setClearButtonEnabled(true);
    m_ignore = new QLineEdit;
    m_ignore->setPlaceholderText(tr("keys or paths to ignore: _id, $.meta.savedAt"));
    m_ignore->setClearButtonEnabled(true);
    m_ignore->setText(ProjectionChoices().snapshotIgnored(m_store->location().toString(), {}));
    m_start = new QPushButton(tr("&Verify"));
    m_start->setObjectName(u"verifyStart"_s);
    m_cancel = new QPushButton(tr("&Cancel"));
    m_cancel->setEnabled(false);
    m_export = new QPushButton(tr("&Export Report…"));
    m_export->setEnabled(false);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Category:")));
    top->addWidget(m_category, 1);
    top->addWidget(new QLabel(tr("Ignore:")));
    top->addWidget(m_ignore, 2);
    top->addWidget(m_start);
    top->addWidget(m_cancel);
    top->addWidget(m_export);

    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(8);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_counts = new QLabel(tr("Each stream is folded once through its category's snapshot projection and compared "
                             "with every snapshot at its version."));
    m_counts->setObjectName(u"verifyCounts"_s);
    m_counts->setTextFormat(Qt::RichText);
    m_counts->setWordWrap(true);

    m_view = new QTableView;
    m_view->setObjectName(u"verifyResults"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(VerifyResultsModel::StreamColumn, 220);
    m_view->setColumnWidth(VerifyResultsModel::VersionColumn, 70);
    m_view->setColumnWidth(VerifyResultsModel::StatusColumn, 90);
    m_view->setToolTip(tr("Double-click a snapshot to compare it with a replay, side by side"));

    auto* verifyTab = new QWidget;
    auto* verifyLayout = new QVBoxLayout(verifyTab);
    verifyLayout->addLayout(top);
    verifyLayout->addWidget(m_busy);
    verifyLayout->addWidget(m_counts);
    verifyLayout->addWidget(m_view, 1);
    m_tabs = new QTabWidget;
    m_tabs->addTab(verifyTab, tr("&Verify"));
    m_tabs->addTab(buildCoverageTab(), tr("C&overage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);

    connect(m_start, &QPushButton::clicked, this, &VerifyWindow::start);
    connect(m_cancel, &QPushButton::clicked, this, &VerifyWindow::cancel);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Report"), u"snapshot-report.html"_s, tr("HTML report (*.html);;JSON (*.json)"));
        if (!path.isEmpty() && !exportTo(path))
            QMessageBox::warning(this, tr("Export Report"), tr("The report could not be written to %1.").arg(path));
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const SnapshotCheck* check = m_model->checkAt(index.row()))
            emit compareRequested(check->stream, check->version);
    });
    connect(m_session, &VerifySession::checksReady, this, [this](const QList<SnapshotCheck>& checks) {
        m_model->addChecks(checks);
        showCounts(false);
    });
    connect(m_session, &VerifySession::progress, this, [this](qint64 streams) {
        m_streamsSeen = streams;
        showCounts(false);
    });
    connect(m_session, &VerifySession::finished, this, &VerifyWindow::onFinished);
    connect(m_session, &VerifySession::failed, this, &VerifyWindow::onFailed);
    resize(1100, 640);
}

VerifyWindow::~VerifyWindow() = default;

void VerifyWindow::start()
{
    SnapshotVerifier::Settings settings;
    settings.category = m_category->text().trimmed();
    ProjectionChoices().rememberSnapshotIgnored(m_store->location().toString(), {}, m_ignore->text());
    const QStringList ignored = m_ignore->text().split(QRegularExpression(u"[,\\s]+"_s), Qt::SkipEmptyParts);
    for (const QString& entry : ignored) {
        if (const Status added = settings.diff.addIgnore(entry); !added) {
            m_counts->setText(tr("<b>Ignore:</b> %1").arg(added.error().message.toHtmlEscaped()));
            return;
        }
    }
    const QString store = m_store->location().toString();
    m_model->clear();
    m_streamsSeen = 0;
    m_haveSummary = false;
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_export->setEnabled(false);
    m_busy->show();
    showCounts(false);
    m_store->interactive().run<QList<CategoryInfo>>(
        this, [](EventStore& opened, JobControl&) { return opened.categories({}); },
        [this, settings, store](Result<QList<CategoryInfo>> categories) mutable {
            if (!categories) {
                onFailed(categories.error());
                return;
            }
            // The projection each category's snapshots are rebuilt with: the one chosen in the compare view, else
            // the built-in one (the demo store's), else the time-travel choice.
            SnapshotProjections projections;
            ProjectionChoices choices;
            for (const CategoryInfo& category : *categories) {
                const QString path = choices.snapshotProjectionFor(store, category.category);
                QFile file(path);
                if (!path.isEmpty() && file.open(QIODevice::ReadOnly))
                    projections.add(category.category, { QString::fromUtf8(file.readAll()), path.section(u'/', -1) });
            }
            m_session->start(std::move(projections), std::move(settings));
        });
}

void VerifyWindow::cancel()
{
    m_session->cancel();
    m_busy->hide();
    m_start->setEnabled(true);
    m_cancel->setEnabled(false);
    m_export->setEnabled(m_model->counts().snapshots > 0);
    m_counts->setText(m_counts->text() + tr(" — <b>cancelled</b>"));
    emit verifyFinished(false);
}

bool VerifyWindow::exportTo(const QString& path)
{
    VerifyReport report(m_store->location().toString());
    for (int row = 0; row < m_model->rowCount(); ++row)
        report.add(*m_model->checkAt(row));
    VerifySummary summary = m_haveSummary ? m_summary : m_model->counts();
    summary.cancelled = !m_haveSummary;
    report.setSummary(summary);
    return bool(report.write(path));
}

void VerifyWindow::onFinished(const VerifySummary& summary)
{
    m_summary = summary;
    m_haveSummary = true;
    m_busy->hide();
    m_start->setEnabled(true);
    m_cancel->setEnabled(false);
    m_export->setEnabled(true);
    showCounts(true);
    emit verifyFinished(true);
}

void VerifyWindow::onFailed(const StoreError& error)
{
    m_busy->hide();
    m_start->setEnabled(true);
    m_cancel->setEnabled(false);
    m_counts->setText(tr("<b>The store could not be read:</b> %1").arg(error.message.toHtmlEscaped()));
    emit verifyFinished(false);
}

void VerifyWindow::showCounts(bool finished)
{
    const VerifySummary& c = m_model->counts();
    QString text = tr("<b>%1</b> snapshots in %2 streams: <span style='color:#1a7f37'><b>%3</b> match</span>, "
                      "<span style='color:#b42318'><b>%4</b> drift</span>, <span style='color:#9a6700'><b>%5</b> "
                      "error</span>")
                       .arg(c.snapshots)
                       .arg(c.streams)
                       .arg(c.match)
                       .arg(c.drift)
                       .arg(c.error);
    if (c.notChecked > 0)
        text += tr(" (%1 not checked: no projection for their category)").arg(c.notChecked);
    if (finished)
        text += tr(". %1 events replayed in %2 s.").arg(m_summary.eventsReplayed).arg(m_summary.seconds, 0, 'f', 2);
    else
        text += tr(" — %1 streams looked at…").arg(m_streamsSeen);
    if (finished && c.snapshots > 0 && c.drift == 0 && c.error == 0)
        text += tr(" Every snapshot is what its events say.");
    m_counts->setText(text);
}

QWidget* VerifyWindow::buildCoverageTab()
{
    auto* tab = new QWidget;
    m_measure = new QPushButton(tr("&Measure"));
    m_measure->setObjectName(u"coverageMeasure"_s);
    m_coverageLabel = new QLabel(tr("Per category: the snapshots' interval, the events a load still folds after the "
                                    "latest snapshot, and the time a load takes from it against from zero."));
    m_coverageLabel->setWordWrap(true);
    m_coverage = new QTableWidget(0, 9);
    m_coverage->setObjectName(u"coverageTable"_s);
    m_coverage->setHorizontalHeaderLabels(
        { tr("Category"), tr("Streams"), tr("With snapshots"), tr("Snapshots"), tr("Interval (events)"),
            tr("Events since last (mean)"), tr("Most since last"), tr("Load from snapshot"), tr("Load from zero") });
    m_coverage->verticalHeader()->hide();
    m_coverage->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_coverage->horizontalHeader()->setStretchLastSection(true);
    m_coverage->setColumnWidth(6, 220);
    m_chart = new CoverageChart;
    auto* top = new QHBoxLayout;
    top->addWidget(m_coverageLabel, 1);
    top->addWidget(m_measure);
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(top);
    layout->addWidget(m_coverage, 2);
    layout->addWidget(m_chart, 1);
    connect(m_measure, &QPushButton::clicked, this, &VerifyWindow::measureCoverage);
    return tab;
}

void VerifyWindow::showCoverage()
{
    m_tabs->setCurrentIndex(1);
    measureCoverage();
}

void VerifyWindow::measureCoverage()
{
    m_measure->setEnabled(false);
    m_coverageLabel->setText(tr("Measuring: every stream's snapshots, and loads of a sample of each category…"));
    const QString store = m_store->location().toString();
    m_store->background().run<QList<SnapshotCoverage::Category>>(
        this,
        [store](EventStore& opened, JobControl&) -> Result<QList<SnapshotCoverage::Category>> {
            Result<QList<CategoryInfo>> categories = opened.categories({});
            if (!categories)
                return categories.error();
            SnapshotProjections projections;
            ProjectionChoices choices;
            for (const CategoryInfo& category : *categories) {
                const QString path = choices.snapshotProjectionFor(store, category.category);
                QFile file(path);
                if (!path.isEmpty() && file.open(QIODevice::ReadOnly))
                    projections.add(category.category, { QString::fromUtf8(file.readAll()), path.section(u'/', -1) });
            }
            return SnapshotCoverage::measure(opened, projections);
        },
        [this](Result<QList<SnapshotCoverage::Category>> measured) {
            m_measure->setEnabled(true);
            if (!measured) {
                m_coverageLabel->setText(tr("Cannot measure: %1").arg(measured.error().message.toHtmlEscaped()));
                emit coverageMeasured(false);
                return;
            }
            m_coverage->setRowCount(int(measured->size()));
            const auto number = [](double value, int decimals = 0) {
                auto* item = new QTableWidgetItem(QLocale().toString(value, 'f', decimals));
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                return item;
            };
            for (int row = 0; row < measured->size(); ++row) {
                const SnapshotCoverage::Category& c = measured->at(row);
                m_coverage->setItem(row, 0, new QTableWidgetItem(c.category));
                m_coverage->setItem(row, 1, number(double(c.streams)));
                m_coverage->setItem(row, 2, number(double(c.streamsWithSnapshots)));
                m_coverage->setItem(row, 3, number(double(c.snapshots)));
                m_coverage->setItem(row, 4, number(c.meanInterval, 1));
                m_coverage->setItem(row, 5, number(c.meanEventsSinceSnapshot, 1));
                m_coverage->setItem(
                    row, 6, new QTableWidgetItem(tr("%1 (%2)").arg(c.maxEventsSinceSnapshot).arg(c.worstStream)));
                m_coverage->setItem(row, 7,
                    c.sampled > 0 ? new QTableWidgetItem(tr("%1 ms").arg(c.loadFromSnapshotMs, 0, 'f', 2))
                                  : new QTableWidgetItem(tr("—")));
                m_coverage->setItem(row, 8,
                    c.sampled > 0 ? new QTableWidgetItem(tr("%1 ms").arg(c.loadFromZeroMs, 0, 'f', 2))
                                  : new QTableWidgetItem(tr("—")));
            }
            m_coverage->resizeColumnsToContents();
            m_chart->setCategories(*measured);
            m_coverageLabel->setText(tr("Load times are the mean over up to %1 streams with snapshots per category, "
                                        "reading and folding (not compiling the projection).")
                                         .arg(SnapshotCoverage::kSampleStreams));
            emit coverageMeasured(true);
        });
}

} // namespace EventScope
