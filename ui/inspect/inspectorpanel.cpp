#include "inspectorpanel.h"

#include "jsontreeview.h"
#include <core/model/jsontext.h>

#include <core/model/payload.h>
#include <core/model/timeformat.h>

#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QPlainTextEdit* makeTextView(const QString& name, QWidget* parent)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

QString sizeText(qsizetype bytes)
{
    return bytes == 1 ? QObject::tr("1 byte") : QObject::tr("%1 bytes").arg(bytes);
}

} // namespace

InspectorPanel::InspectorPanel(QWidget* parent)
    : QWidget(parent)
    , m_problem(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_payloadTree(new JsonTreeView(u"payload"_s, this))
    , m_payloadRaw(makeTextView(u"payloadRaw"_s, this))
    , m_metadataTree(new JsonTreeView(u"metadata"_s, this))
    , m_metadataRaw(makeTextView(u"metadataRaw"_s, this))
    , m_hex(makeTextView(u"payloadHex"_s, this))
    , m_header(new QWidget(this))
{
    auto* grid = new QGridLayout(m_header);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(2);
    // Position and version are short and share a line; the rest get the whole width.
    m_position = addField(tr("Position"), u"inspectorPosition"_s, 0, 0);
    m_version = addField(tr("Version"), u"inspectorVersion"_s, 0, 2);
    m_stream = addField(tr("Stream"), u"inspectorStream"_s, 1, 0, 3);
    m_type = addField(tr("Type"), u"inspectorType"_s, 2, 0, 3);
    m_time = addField(tr("Time"), u"inspectorTime"_s, 3, 0, 3);
    m_id = addField(tr("Event id"), u"inspectorEventId"_s, 4, 0, 3);
    m_payload = addField(tr("Payload"), u"inspectorPayload"_s, 5, 0, 3);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);

    m_problem->setObjectName(u"payloadProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(
        u"QLabel { background: #fff3cd; color: #664d03; border: 1px solid #e0c36a; padding: 3px; }"_s);
    m_problem->hide();

    auto* metadata = new QSplitter(Qt::Vertical, this);
    metadata->setObjectName(u"metadataSplitter"_s);
    metadata->addWidget(m_metadataTree);
    metadata->addWidget(m_metadataRaw);

    m_tabs->setObjectName(u"inspectorTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_payloadTree, tr("Tree"));
    m_tabs->addTab(m_payloadRaw, tr("Raw"));
    m_tabs->addTab(metadata, tr("Metadata"));
    m_tabs->addTab(m_hex, tr("Hex"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_header);
    layout->addWidget(m_problem);
    layout->addWidget(m_tabs, 1);
    clearEvent(tr("No event selected"));
}

QLabel* InspectorPanel::addField(const QString& title, const QString& name, int row, int column, int span)
{
    auto* grid = static_cast<QGridLayout*>(m_header->layout());
    auto* caption = new QLabel(title + u':', m_header);
    caption->setForegroundRole(QPalette::PlaceholderText);
    auto* value = new QLabel(m_header);
    value->setObjectName(name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setMinimumWidth(20);
    grid->addWidget(caption, row, column);
    grid->addWidget(value, row, column + 1, 1, span);
    return value;
}

void InspectorPanel::setEvent(const Event& event)
{
    m_shownPosition = event.position;
    m_position->setText(QString::number(event.position));
    m_stream->setText(event.stream);
    m_version->setText(QString::number(event.version));
    m_type->setText(event.type);
    m_time->setText(formatIsoTime(event.timeMs));
    m_id->setText(event.id);

    const DecodedPayload data = decodePayload(event.data);
    m_payload->setText(u"%1, %2"_s.arg(payloadKindName(data.kind), sizeText(event.data.size())));
    switch (data.kind) {
    case PayloadKind::Json:
        m_problem->hide();
        break;
    case PayloadKind::Empty:
        m_problem->setText(tr("This event has no payload."));
        m_problem->show();
        break;
    case PayloadKind::Text:
    case PayloadKind::Binary:
        m_problem->setText(tr("Payload %1 — shown as it is stored.").arg(data.problem));
        m_problem->show();
        break;
    }

    if (data.kind == PayloadKind::Json)
        m_payloadTree->setJsonText(event.data);
    else
        m_payloadTree->clear();
    showRaw(m_payloadRaw, event.data);
    if (classifyPayload(event.metadata) == PayloadKind::Json)
        m_metadataTree->setJsonText(event.metadata);
    else
        m_metadataTree->clear();
    showRaw(m_metadataRaw, event.metadata);
    m_hex->setPlainText(hexDump(event.data));

    // Leave the Tree tab when it has nothing to show: text reads best raw, bytes as hex.
    if (m_tabs->currentWidget() == m_payloadTree && data.kind == PayloadKind::Text)
        m_tabs->setCurrentWidget(m_payloadRaw);
    else if (m_tabs->currentWidget() == m_payloadTree && data.kind == PayloadKind::Binary)
        m_tabs->setCurrentWidget(m_hex);
    m_header->setEnabled(true);
    m_tabs->setEnabled(true);
}

void InspectorPanel::clearEvent(const QString& why)
{
    m_shownPosition = -1;
    for (QLabel* label : { m_position, m_stream, m_version, m_type, m_time, m_id, m_payload })
        label->clear();
    m_position->setText(why);
    m_problem->hide();
    m_payloadTree->clear();
    m_payloadRaw->clear();
    m_metadataTree->clear();
    m_metadataRaw->clear();
    m_hex->clear();
    m_tabs->setEnabled(false);
}

void InspectorPanel::showRaw(QPlainTextEdit* edit, const QByteArray& bytes)
{
    switch (classifyPayload(bytes)) {
    case PayloadKind::Empty:
        edit->setPlainText({});
        break;
    case PayloadKind::Json:
        edit->setPlainText(prettyJson(bytes));
        break;
    case PayloadKind::Text:
        edit->setPlainText(QString::fromUtf8(bytes));
        break;
    case PayloadKind::Binary:
        edit->setPlainText(hexDump(bytes));
        break;
    }
}

} // namespace EventScope
