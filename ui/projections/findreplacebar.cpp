#include "findreplacebar.h"

#include "projectioncodeeditor.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>

namespace EventScope {

FindReplaceBar::FindReplaceBar(ProjectionCodeEditor* editor, QWidget* parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_case(new QCheckBox(tr("Match case"), this))
    , m_word(new QCheckBox(tr("Whole word"), this))
    , m_regex(new QCheckBox(tr("Regular expression"), this))
    , m_status(new QLabel(this))
    , m_replaceRow(new QWidget(this))
{
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    m_replace->setPlaceholderText(tr("Replace with"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    auto* findRow = new QHBoxLayout;
    auto* previous = new QPushButton(tr("Previous"), this);
    auto* next = new QPushButton(tr("Next"), this);
    auto* close = new QPushButton(tr("Close"), this);
    findRow->addWidget(m_find, 1);
    findRow->addWidget(previous);
    findRow->addWidget(next);
    findRow->addWidget(m_case);
    findRow->addWidget(m_word);
    findRow->addWidget(m_regex);
    findRow->addWidget(m_status);
    findRow->addWidget(close);
    layout->addLayout(findRow);
    auto* replaceRow = new QHBoxLayout(m_replaceRow);
    replaceRow->setContentsMargins(0, 0, 0, 0);
    auto* replaceOne = new QPushButton(tr("Replace"), m_replaceRow);
    auto* replaceEvery = new QPushButton(tr("Replace All"), m_replaceRow);
    replaceRow->addWidget(m_replace, 1);
    replaceRow->addWidget(replaceOne);
    replaceRow->addWidget(replaceEvery);
    replaceRow->addStretch(0);
    layout->addWidget(m_replaceRow);

    connect(m_find, &QLineEdit::returnPressed, this, &FindReplaceBar::findNext);
    connect(next, &QPushButton::clicked, this, &FindReplaceBar::findNext);
    connect(previous, &QPushButton::clicked, this, &FindReplaceBar::findPrevious);
    connect(replaceOne, &QPushButton::clicked, this, [this] {
        report(m_editor->replaceAndFind(
            m_find->text(), m_replace->text(), m_case->isChecked(), m_word->isChecked(), m_regex->isChecked()));
    });
    connect(replaceEvery, &QPushButton::clicked, this, &FindReplaceBar::replaceAll);
    connect(close, &QPushButton::clicked, this, [this] {
        hide();
        m_editor->setFocus();
    });
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, close, &QPushButton::click);
    hide();
}

void FindReplaceBar::showFind()
{
    setReplaceVisible(false);
    if (m_editor->hasSelectedText() && !m_editor->selectedText().contains(u'\n'))
        m_find->setText(m_editor->selectedText());
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindReplaceBar::showReplace()
{
    showFind();
    setReplaceVisible(true);
}

void FindReplaceBar::setReplaceVisible(bool visible)
{
    m_replaceRow->setVisible(visible);
}

bool FindReplaceBar::findNext()
{
    const bool found
        = m_editor->findText(m_find->text(), true, m_case->isChecked(), m_word->isChecked(), m_regex->isChecked());
    report(found);
    return found;
}

bool FindReplaceBar::findPrevious()
{
    const bool found
        = m_editor->findText(m_find->text(), false, m_case->isChecked(), m_word->isChecked(), m_regex->isChecked());
    report(found);
    return found;
}

int FindReplaceBar::replaceAll()
{
    const int count = m_editor->replaceAll(
        m_find->text(), m_replace->text(), m_case->isChecked(), m_word->isChecked(), m_regex->isChecked());
    m_status->setText(tr("%n replaced", nullptr, count));
    return count;
}

void FindReplaceBar::report(bool found)
{
    m_status->setText(found || m_find->text().isEmpty() ? QString() : tr("Not found"));
}

} // namespace EventScope
