#include "jsontreeview.h"

#include <core/models/jsontreemodel.h>

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMenu>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Beyond this many rows "expand all" on every new event would cost more than it helps.
constexpr int kAutoExpandRows = 2000;

int countRows(const QAbstractItemModel* model, const QModelIndex& parent, int limit)
{
    int rows = model->rowCount(parent);
    for (int row = 0; row < model->rowCount(parent) && rows < limit; ++row)
        rows += countRows(model, model->index(row, 0, parent), limit - rows);
    return rows;
}

// Paints the rows the model marks (HighlightedRole): bold, on a pale yellow, like a changed line in a diff.
class HighlightDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(JsonTreeModel::HighlightedRole).toBool()) {
            option->font.setBold(true);
            option->backgroundBrush = QColor(0xff, 0xf1, 0xb8);
        }
    }
};

} // namespace

JsonTreeView::JsonTreeView(const QString& name, QWidget* parent)
    : QWidget(parent)
    , m_model(new JsonTreeModel(this))
    , m_view(new QTreeView(this))
    , m_copyValue(new QPushButton(tr("Copy value"), this))
    , m_copyPath(new QPushButton(tr("Copy path"), this))
{
    auto* expandAll = new QPushButton(tr("Expand all"), this);
    auto* collapse = new QPushButton(tr("Collapse"), this);
    m_view->setObjectName(name + u"Tree"_s);
    m_copyValue->setObjectName(name + u"CopyValue"_s);
    m_copyPath->setObjectName(name + u"CopyPath"_s);
    expandAll->setObjectName(name + u"ExpandAll"_s);
    collapse->setObjectName(name + u"Collapse"_s);

    m_view->setModel(m_model);
    m_view->setItemDelegate(new HighlightDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(JsonTreeModel::KeyColumn, QHeaderView::Interactive);
    m_view->header()->setSectionResizeMode(JsonTreeModel::ValueColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(JsonTreeModel::TypeColumn, QHeaderView::Fixed);
    m_view->header()->resizeSection(
        JsonTreeModel::KeyColumn, fontMetrics().horizontalAdvance(u"overdraftLimitCents"_s) + 40);
    m_view->header()->resizeSection(JsonTreeModel::TypeColumn, fontMetrics().horizontalAdvance(u"boolean"_s) + 16);

    connect(expandAll, &QPushButton::clicked, m_view, &QTreeView::expandAll);
    connect(collapse, &QPushButton::clicked, this, [this] {
        m_view->collapseAll();
        m_view->expandToDepth(0);
    });
    connect(m_copyValue, &QPushButton::clicked, this, &JsonTreeView::copyValue);
    connect(m_copyPath, &QPushButton::clicked, this, &JsonTreeView::copyPath);
    connect(m_view, &QTreeView::customContextMenuRequested, this, &JsonTreeView::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &JsonTreeView::updateButtons);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    buttons->addWidget(expandAll);
    buttons->addWidget(collapse);
    buttons->addStretch();
    buttons->addWidget(m_copyValue);
    buttons->addWidget(m_copyPath);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(buttons);
    layout->addWidget(m_view);
    updateButtons();
}

void JsonTreeView::setJsonText(const QByteArray& json)
{
    m_model->setJsonText(json);
    if (countRows(m_model, {}, kAutoExpandRows) < kAutoExpandRows)
        m_view->expandAll();
    else
        m_view->expandToDepth(0);
    if (m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(0, 0));
    updateButtons();
}

void JsonTreeView::clear()
{
    m_model->clear();
    updateButtons();
}

void JsonTreeView::copyValue()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return;
    // A string is copied as its text (escapes decoded), anything else as compact JSON.
    QString text = current.data(JsonTreeModel::JsonTextRole).toString();
    if (current.siblingAtColumn(JsonTreeModel::TypeColumn).data().toString() == u"string"_s)
        text = QJsonDocument::fromJson(QByteArray('[' + text.toUtf8() + ']')).array().first().toString();
    QApplication::clipboard()->setText(text);
}

void JsonTreeView::copyPath()
{
    const QModelIndex current = m_view->currentIndex();
    if (current.isValid())
        QApplication::clipboard()->setText(current.data(JsonTreeModel::PathRole).toString());
}

void JsonTreeView::updateButtons()
{
    const bool hasCurrent = m_view->currentIndex().isValid();
    m_copyValue->setEnabled(hasCurrent);
    m_copyPath->setEnabled(hasCurrent);
}

void JsonTreeView::showContextMenu(const QPoint& at)
{
    const QModelIndex index = m_view->indexAt(at);
    if (!index.isValid())
        return;
    m_view->setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(tr("Copy value"), this, &JsonTreeView::copyValue);
    menu.addAction(tr("Copy path"), this, &JsonTreeView::copyPath);
    const QString path = index.data(JsonTreeModel::PathRole).toString();
    for (const auto& [text, action] : std::as_const(m_pathActions))
        menu.addAction(text, this, [action, path] { action(path); });
    menu.exec(m_view->viewport()->mapToGlobal(at));
}

void JsonTreeView::addPathAction(const QString& text, std::function<void(const QString& path)> action)
{
    m_pathActions.append({ text, std::move(action) });
}

void JsonTreeView::highlight(const QSet<QString>& paths)
{
    m_model->setHighlightedPaths(paths);
    // Show every marked row: expand its ancestors.
    for (const QString& path : paths) {
        const QModelIndexList found = m_model->match(
            m_model->index(0, 0), JsonTreeModel::PathRole, path, 1, Qt::MatchExactly | Qt::MatchRecursive);
        for (QModelIndex parent = found.value(0).parent(); parent.isValid(); parent = parent.parent())
            m_view->expand(parent);
    }
}

QString JsonTreeView::treePath(const QString& diffPath)
{
    if (diffPath == u"$"_s || diffPath.isEmpty())
        return u"$"_s;
    if (diffPath.startsWith(u'$'))
        return diffPath;
    return diffPath.startsWith(u'[') ? u"$"_s + diffPath : u"$."_s + diffPath;
}

} // namespace EventScope
