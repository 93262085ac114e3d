#include "mappingfieldrow.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

MappingFieldRow::MappingFieldRow(QString field, Kind kind, const QString& placeholder, QWidget* parent)
    : QWidget(parent)
    , m_field(std::move(field))
{
    setObjectName(m_field);
    m_expression = new QComboBox(this);
    m_expression->setObjectName(m_field + u"/expression"_s);
    m_expression->setEditable(true);
    // Typed text is an expression, not a new choice: the list stays the table's columns.
    m_expression->setInsertPolicy(QComboBox::NoInsert);
    m_expression->lineEdit()->setPlaceholderText(placeholder);
    m_expression->lineEdit()->setClearButtonEnabled(true);
    m_expression->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_expression->setMinimumContentsLength(16);
    m_expression->setToolTip(tr("A column of the table, or any SQL expression over one row"));

    auto* line = new QHBoxLayout;
    line->setContentsMargins(0, 0, 0, 0);
    line->addWidget(m_expression, 1);
    if (kind == Kind::Time) {
        m_unit = new QComboBox(this);
        m_unit->setObjectName(m_field + u"/unit"_s);
        m_unit->setToolTip(tr("How the column counts time"));
        m_unit->addItem(tr("native"), int(TimeUnit::Native));
        m_unit->addItem(tr("ISO 8601 text"), int(TimeUnit::Iso));
        m_unit->addItem(tr("epoch seconds"), int(TimeUnit::EpochSeconds));
        m_unit->addItem(tr("epoch ms"), int(TimeUnit::EpochMilliseconds));
        m_unit->addItem(tr("epoch µs"), int(TimeUnit::EpochMicroseconds));
        line->addWidget(m_unit);
        connect(m_unit, &QComboBox::currentIndexChanged, this, &MappingFieldRow::edited);
    } else if (kind == Kind::Payload) {
        m_encoding = new QComboBox(this);
        m_encoding->setObjectName(m_field + u"/encoding"_s);
        m_encoding->setToolTip(tr("How the payload is stored"));
        m_encoding->addItem(tr("JSON"), int(PayloadEncoding::Json));
        m_encoding->addItem(tr("text"), int(PayloadEncoding::Text));
        m_encoding->addItem(tr("bytes"), int(PayloadEncoding::Bytes));
        m_encoding->addItem(tr("base64"), int(PayloadEncoding::Base64));
        m_encoding->addItem(tr("zlib"), int(PayloadEncoding::Zlib));
        m_encoding->addItem(tr("gzip"), int(PayloadEncoding::Gzip));
        line->addWidget(m_encoding);
        connect(m_encoding, &QComboBox::currentIndexChanged, this, &MappingFieldRow::edited);
    }

    m_error = new QLabel(this);
    m_error->setObjectName(m_field + u"/error"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setVisible(false);
    QPalette palette = m_error->palette();
    palette.setColor(QPalette::WindowText, QColor(0xb0, 0x20, 0x20));
    m_error->setPalette(palette);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(line);
    layout->addWidget(m_error);

    connect(m_expression, &QComboBox::editTextChanged, this, &MappingFieldRow::edited);
}

QString MappingFieldRow::expression() const
{
    return m_expression->currentText().trimmed();
}

void MappingFieldRow::setExpression(const QString& expression)
{
    m_expression->setEditText(expression);
}

void MappingFieldRow::setChoices(const QStringList& choices)
{
    const QString text = m_expression->currentText();
    const QSignalBlocker blocker(m_expression);
    m_expression->clear();
    m_expression->addItems(choices);
    m_expression->setEditText(text);
}

TimeField MappingFieldRow::time() const
{
    return TimeField { expression(), m_unit ? TimeUnit(m_unit->currentData().toInt()) : TimeUnit::Native };
}

void MappingFieldRow::setTime(const TimeField& time)
{
    setExpression(time.expression);
    if (m_unit)
        m_unit->setCurrentIndex(m_unit->findData(int(time.unit)));
}

PayloadField MappingFieldRow::payload() const
{
    return PayloadField { expression(),
        m_encoding ? PayloadEncoding(m_encoding->currentData().toInt()) : PayloadEncoding::Json };
}

void MappingFieldRow::setPayload(const PayloadField& payload)
{
    setExpression(payload.expression);
    if (m_encoding)
        m_encoding->setCurrentIndex(m_encoding->findData(int(payload.encoding)));
}

QString MappingFieldRow::error() const
{
    return m_error->text();
}

void MappingFieldRow::setError(const QString& error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

} // namespace EventScope
