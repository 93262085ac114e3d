#include "storestatusbar.h"

#include "numbers.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace EventScope {

StoreStatusBar::StoreStatusBar(QWidget* parent)
    : QWidget(parent)
    , m_store(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_rows(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    m_store->setObjectName(u"statusStoreLabel"_s);
    m_counts->setObjectName(u"statusCountsLabel"_s);
    m_rows->setObjectName(u"statusRowsLabel"_s);
    m_busy->setObjectName(u"statusBusyIndicator"_s);
    m_cancel->setObjectName(u"statusCancelButton"_s);

    m_store->setText(tr("No store open"));
    m_busy->setRange(0, 0); // indeterminate: counting has no known end
    m_busy->setMaximumWidth(100);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAutoRaise(true);
    setBusy(false);
    connect(m_cancel, &QToolButton::clicked, this, &StoreStatusBar::cancelRequested);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addWidget(m_store);
    layout->addWidget(m_counts);
    layout->addWidget(m_rows);
    layout->addWidget(m_busy);
    layout->addWidget(m_cancel);
}

void StoreStatusBar::setStore(const QString& fileName, const std::optional<StoreInfo>& info)
{
    m_store->setText(fileName);
    if (!info) {
        m_counts->setText(tr("counting…"));
        return;
    }
    m_store->setToolTip(info->location);
    m_counts->setText(tr("%1 events · %2 streams · %3 categories")
                          .arg(formatCount(info->events), formatCount(info->streams), formatCount(info->categories)));
}

void StoreStatusBar::setRows(qint64 rows, bool finished)
{
    m_rows->setText(finished ? tr("%1 rows in view").arg(formatCount(rows))
                             : tr("%1 rows in view, counting…").arg(formatCount(rows)));
}

void StoreStatusBar::setBusy(bool busy)
{
    m_busy->setVisible(busy);
    m_cancel->setVisible(busy);
}

} // namespace EventScope
