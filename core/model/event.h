#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace EventScope {

// One event as EventScope shows it, whatever store it came from.
// Payloads stay the raw bytes the store holds; payload.h decides how to present them.
struct Event
{
    qint64 position = 0; // global position: ascending over the whole store, may have gaps
    QString stream;
    QString category;
    qint64 version = 0; // position inside the stream, as the store numbers it
    QString type;
    qint64 timeMs = 0; // UTC, milliseconds since the Unix epoch
    QString id;
    QByteArray data;
    QByteArray metadata;
};

} // namespace EventScope
