#pragma once

#include <QByteArray>
#include <QString>

namespace EventScope {

// An event a projection emitted or linked (`emit`, `linkTo`, `linkStreamTo`): captured, never written.
// Links have type "$>" (data "N@stream", as a JSON string) or "$@" (data: the linked stream's name).
struct EmittedEvent
{
    QString stream;
    QString type;
    QByteArray data; // JSON text as the server's serializer writes it
    QByteArray metadata; // JSON text, or empty when there is none
    QString causedBy; // the id of the event being processed
};

} // namespace EventScope
