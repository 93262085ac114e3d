#include "eventrowdelegate.h"

#include <core/models/eventtablemodel.h>

#include <QApplication>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace EventScope {

void EventRowDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    // A placeholder may still know its text (the position of a dense log): paint that as usual.
    if (!index.data(EventTableModel::LoadingRole).toBool() || index.data(Qt::DisplayRole).isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // Background and selection as usual, then the placeholder text in the disabled colour.
    QStyleOptionViewItem placeholder = option;
    initStyleOption(&placeholder, index);
    placeholder.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &placeholder, painter, widget);
    painter->save();
    painter->setPen(option.palette.color(QPalette::Disabled, QPalette::Text));
    const QRect text = option.rect.adjusted(4, 0, -4, 0);
    painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft, u"…"_s);
    painter->restore();
}

void EventRowDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() != EventTableModel::PositionColumn || index.data(EventTableModel::AnomaliesRole).toInt() == 0)
        return;
    const QWidget* widget = option->widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->icon = style->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, widget);
    const int side = option->fontMetrics.height() - 2;
    option->decorationSize = QSize(side, side);
}

} // namespace EventScope
