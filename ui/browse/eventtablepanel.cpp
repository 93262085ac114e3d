#include "eventtablepanel.h"

#include "eventrowdelegate.h"
#include "windowedtableview.h"

#include <core/model/timeformat.h>
#include <core/models/eventtablemodel.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QLineEdit* makeEdit(QWidget* parent, const QString& name, const QString& placeholder, int chars)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    edit->setMinimumWidth(edit->fontMetrics().horizontalAdvance(u'0') * chars);
    edit->setProperty("hint", placeholder);
    return edit;
}

// An empty field is no bound; anything else must be a time parseIsoTime() accepts.
bool readTime(QLineEdit* edit, std::optional<qint64>& out)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty()) {
        out.reset();
        return true;
    }
    out = parseIsoTime(text);
    return out.has_value();
}

} // namespace

EventTablePanel::EventTablePanel(QWidget* parent)
    : QWidget(parent)
    , m_type(new QComboBox(this))
    , m_table(new WindowedTableView(this))
    , m_view(m_table->table())
{
    m_type->setObjectName(u"typeFilterCombo"_s);
    m_type->addItem(tr("All types"));
    m_type->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_type->setMinimumContentsLength(12);
    const QString timeHint = tr("e.g. 2024-03-14T12:28 (UTC)");
    m_since = makeEdit(this, u"sinceEdit"_s, tr("since (UTC)"), 10);
    m_until = makeEdit(this, u"untilEdit"_s, tr("until (UTC)"), 10);
    m_since->setProperty("hint", tr("Events at or after this time. %1").arg(timeHint));
    m_until->setProperty("hint", tr("Events before this time. %1").arg(timeHint));
    m_position = makeEdit(this, u"goToPositionEdit"_s, tr("global position"), 8);
    m_goToPosition = new QPushButton(tr("Go to position"), this);
    m_goToPosition->setObjectName(u"goToPositionButton"_s);
    m_time = makeEdit(this, u"goToTimeEdit"_s, tr("time (UTC)"), 10);
    m_time->setProperty("hint", tr("The first event at or after this time. %1").arg(timeHint));
    m_goToTime = new QPushButton(tr("Go to time"), this);
    m_goToTime->setObjectName(u"goToTimeButton"_s);
    for (QLineEdit* edit : { m_since, m_until, m_position, m_time })
        edit->setToolTip(edit->property("hint").toString());

    // Only a window of rows reaches the QTableView: its vertical header would keep state for every row.
    m_table->setObjectName(u"eventTableFrame"_s);
    m_table->scrollBar()->setObjectName(u"eventTableScrollBar"_s);
    m_view->setObjectName(u"eventTable"_s);
    m_view->setItemDelegate(new EventRowDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setCornerButtonEnabled(false);
    m_view->verticalHeader()->hide();
    // Uniform rows: with millions of rows any per-row measuring would read the whole store.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setHighlightSections(false);

    // Two short rows rather than one long one, so the table can be narrow beside the inspector.
    auto* filterBar = new QHBoxLayout;
    filterBar->setSpacing(6);
    filterBar->addWidget(new QLabel(tr("Type:"), this));
    filterBar->addWidget(m_type, 1);
    filterBar->addWidget(m_since, 1);
    filterBar->addWidget(m_until, 1);
    auto* goToBar = new QHBoxLayout;
    goToBar->setSpacing(6);
    goToBar->addWidget(m_position, 1);
    goToBar->addWidget(m_goToPosition);
    goToBar->addSpacing(12);
    goToBar->addWidget(m_time, 2);
    goToBar->addWidget(m_goToTime);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(filterBar);
    layout->addLayout(goToBar);
    layout->addWidget(m_table);

    connect(m_type, &QComboBox::activated, this, &EventTablePanel::applyBar);
    connect(m_since, &QLineEdit::editingFinished, this, &EventTablePanel::applyBar);
    connect(m_until, &QLineEdit::editingFinished, this, &EventTablePanel::applyBar);
    // The clear button empties the field without finishing the edit: apply that too.
    connect(m_since, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty())
            applyBar();
    });
    connect(m_until, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty())
            applyBar();
    });
    connect(m_position, &QLineEdit::returnPressed, this, &EventTablePanel::requestGoToPosition);
    connect(m_goToPosition, &QPushButton::clicked, this, &EventTablePanel::requestGoToPosition);
    connect(m_time, &QLineEdit::returnPressed, this, &EventTablePanel::requestGoToTime);
    connect(m_goToTime, &QPushButton::clicked, this, &EventTablePanel::requestGoToTime);
    connect(m_table, &WindowedTableView::currentRowChanged, this, &EventTablePanel::currentRowChanged);
}

void EventTablePanel::setModel(EventTableModel* model)
{
    m_model = model;
    m_table->setModel(model);
    QHeaderView* header = m_view->horizontalHeader();
    // Widths from sample texts, never from the rows: measuring 10M rows would read the whole store.
    // Type and stream fit the common names; longer ones elide and show in the inspector.
    const auto width = [this](const QString& sample) { return fontMetrics().horizontalAdvance(sample) + 12; };
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->resizeSection(EventTableModel::PositionColumn, width(u"00000000"_s));
    header->resizeSection(EventTableModel::StreamColumn, width(u"customer-0000"_s));
    header->resizeSection(EventTableModel::VersionColumn, width(u"Version"_s));
    header->resizeSection(EventTableModel::TypeColumn, width(u"CustomerRegistered"_s));
    header->resizeSection(EventTableModel::TimeColumn, width(u"2024-03-14T12:28:25.038Z"_s));
}

void EventTablePanel::setEventTypes(const QStringList& types)
{
    const QString chosen = m_type->currentIndex() > 0 ? m_type->currentText() : QString();
    m_type->clear();
    m_type->addItem(tr("All types"));
    m_type->addItems(types);
    const int index = chosen.isEmpty() ? 0 : m_type->findText(chosen);
    m_type->setCurrentIndex(qMax(0, index));
    if (index < 0)
        applyBar();
}

int EventTablePanel::currentRow() const
{
    return m_table->currentRow();
}

void EventTablePanel::selectRow(int row)
{
    if (!m_model || row < 0 || row >= m_model->rowCount())
        return;
    m_table->setCurrentRow(row, EventTableModel::PositionColumn, QAbstractItemView::PositionAtCenter);
}

void EventTablePanel::showLocatedRow(int row)
{
    if (row < 0) {
        QToolTip::showText(m_view->mapToGlobal(QPoint(0, 0)), tr("No such event in this view"), m_view);
        return;
    }
    selectRow(row);
    m_view->setFocus();
}

void EventTablePanel::applyBar()
{
    EventFilter filter;
    filter.type = m_type->currentIndex() > 0 ? m_type->currentText() : QString();
    const QString problem = tr("Not a time: use 2024-03-14, 2024-03-14T12:28:25.038Z or milliseconds since 1970");
    const bool sinceOk = readTime(m_since, filter.sinceMs);
    const bool untilOk = readTime(m_until, filter.untilMs);
    markInvalid(m_since, sinceOk ? QString() : problem);
    markInvalid(m_until, untilOk ? QString() : problem);
    if (!sinceOk || !untilOk || filter == m_barFilter)
        return;
    m_barFilter = filter;
    emit barFilterChanged(filter);
}

void EventTablePanel::requestGoToPosition()
{
    bool ok = false;
    const qint64 position = m_position->text().trimmed().toLongLong(&ok);
    markInvalid(m_position, ok ? QString() : tr("Not a position: type a whole number"));
    if (ok)
        emit goToPositionRequested(position);
}

void EventTablePanel::requestGoToTime()
{
    const std::optional<qint64> time = parseIsoTime(m_time->text().trimmed());
    markInvalid(m_time,
        time ? QString() : tr("Not a time: use 2024-03-14, 2024-03-14T12:28:25.038Z or milliseconds since 1970"));
    if (time)
        emit goToTimeRequested(*time);
}

void EventTablePanel::markInvalid(QLineEdit* edit, const QString& problem)
{
    // The field's own hint comes back once the text is fine again.
    edit->setStyleSheet(problem.isEmpty() ? QString() : u"QLineEdit { color: #b00020; }"_s);
    edit->setToolTip(problem.isEmpty() ? edit->property("hint").toString() : problem);
    if (!problem.isEmpty()) {
        QToolTip::showText(edit->mapToGlobal(QPoint(0, edit->height())), problem, edit);
    }
}

} // namespace EventScope
