#pragma once

#include <core/snapshots/snapshotcoverage.h>

#include <QWidget>

namespace EventScope {

// A small grouped bar chart: per category, the time a load takes from the latest snapshot beside the time from
// zero. Painted by hand: two bars per category do not need a chart library.
class CoverageChart : public QWidget
{
    Q_OBJECT
public:
    explicit CoverageChart(QWidget* parent = nullptr);

    void setCategories(const QList<SnapshotCoverage::Category>& categories);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<SnapshotCoverage::Category> m_categories;
};

} // namespace EventScope
