#include "handlerlabel.h"

using namespace Qt::StringLiterals;

namespace EventScope {

HandlerLabel::HandlerLabel(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(u"timeTravelHandler"_s);
    setTextFormat(Qt::RichText);
    setToolTip(tr("The handler that applied the current event; click it to open it in the projection editor"));
    connect(this, &QLabel::linkActivated, this, [this](const QString& link) { emit lineRequested(link.toInt()); });
}

void HandlerLabel::showEvent(const Event* event)
{
    if (!event) {
        setText(tr("Before the first event: the state is the projection's initial one."));
        return;
    }
    const ProjectionDefinition::Function* handler = m_definition.handlerFor(event->type);
    if (!handler) {
        setText(m_definition.allEvents
                ? tr("%1: no handler and no $any, so its body became the state.").arg(event->type.toHtmlEscaped())
                : tr("%1: the projection has no handler for it, so it never reached the script.")
                      .arg(event->type.toHtmlEscaped()));
        return;
    }
    const QString where = handler->line > 0
        ? tr("<a href=\"%1\">%2, line %1</a>").arg(handler->line).arg(m_definition.fileName.toHtmlEscaped())
        : m_definition.fileName.toHtmlEscaped();
    setText(tr("Applied by <b>%1</b> (%2)").arg(handler->name.toHtmlEscaped(), where));
}

} // namespace EventScope
