#include "coveragechart.h"

#include <QPainter>

#include <algorithm>

namespace EventScope {

namespace {

const QColor kFromSnapshot(0x2d, 0x7f, 0xf9);
const QColor kFromZero(0xc9, 0xd1, 0xd9);

} // namespace

CoverageChart::CoverageChart(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("coverageChart"));
    setMinimumHeight(150);
}

void CoverageChart::setCategories(const QList<SnapshotCoverage::Category>& categories)
{
    m_categories = categories;
    update();
}

QSize CoverageChart::sizeHint() const
{
    return { 480, 180 };
}

void CoverageChart::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const int line = metrics.height();
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(
        QPoint(4, line), tr("Load time per aggregate (mean over a sample): from the latest snapshot vs from zero"));
    // The legend.
    int x = 4;
    const int legendY = line + 6;
    for (const auto& [color, text] :
        { std::pair { kFromSnapshot, tr("from the latest snapshot") }, std::pair { kFromZero, tr("from zero") } }) {
        painter.fillRect(x, legendY, 12, 10, color);
        painter.drawText(QPoint(x + 16, legendY + 10), text);
        x += 16 + metrics.horizontalAdvance(text) + 16;
    }
    QList<SnapshotCoverage::Category> measured;
    for (const auto& category : m_categories) {
        if (category.sampled > 0)
            measured.append(category);
    }
    const QRect area(4, legendY + line + 6, width() - 8, height() - (legendY + line + 6) - line - 4);
    if (measured.isEmpty() || area.height() < 20) {
        painter.drawText(area, Qt::AlignCenter, tr("Nothing measured yet"));
        return;
    }
    double top = 0;
    for (const auto& category : measured)
        top = std::max({ top, category.loadFromSnapshotMs, category.loadFromZeroMs });
    const int group = area.width() / int(measured.size());
    const int bar = std::max(6, std::min(40, group / 3));
    for (int i = 0; i < measured.size(); ++i) {
        const auto& category = measured.at(i);
        const int left = area.left() + i * group + (group - 2 * bar - 4) / 2;
        const auto drawBar = [&](int at, double ms, const QColor& color) {
            const int h = top > 0 ? int(double(area.height() - line) * ms / top) : 0;
            const QRect rect(at, area.bottom() - h, bar, h);
            painter.fillRect(rect, color);
            painter.drawText(QRect(at - 20, rect.top() - line, bar + 40, line), Qt::AlignCenter,
                QString::number(ms, 'f', ms < 10 ? 1 : 0));
        };
        drawBar(left, category.loadFromSnapshotMs, kFromSnapshot);
        drawBar(left + bar + 4, category.loadFromZeroMs, kFromZero);
        painter.drawText(
            QRect(area.left() + i * group, area.bottom() + 2, group, line), Qt::AlignCenter, category.category);
    }
}

} // namespace EventScope
