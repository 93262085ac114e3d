#pragma once

#include <core/model/event.h>
#include <core/projection/projectiondefinition.h>

#include <QLabel>

namespace EventScope {

// Names the code that applied time travel's current event: its handler, with a link to the handler's line in the
// projection's file, or why no handler ran.
class HandlerLabel : public QLabel
{
    Q_OBJECT

public:
    explicit HandlerLabel(QWidget* parent = nullptr);

    void setDefinition(const ProjectionDefinition& definition) { m_definition = definition; }
    // The event last applied; nullptr before the first one.
    void showEvent(const Event* event);

signals:
    void lineRequested(int line);

private:
    ProjectionDefinition m_definition;
};

} // namespace EventScope
