#pragma once

#include <QStyledItemDelegate>

namespace EventScope {

// Paints the event table's cells; a row whose window has not arrived yet (LoadingRole) shows a
// grey "…" instead of empty text, so a fast scroll looks like loading, not like missing data. A row that
// breaks the rules (EventTableModel::AnomaliesRole) gets a warning marker before its position; its tooltip
// says what is wrong.
class EventRowDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

} // namespace EventScope
