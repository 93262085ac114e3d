#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace EventScope {

// What a store says an event's data is, where it says so (a JSON column, a content-type flag). Most stores keep bytes
// and do not say: then it is Unknown, and each view decides by looking (payload.h; the projection engine, see
// docs/projections.md, "Which events a projection sees").
enum class DataFormat : quint8 {
    Unknown,
    Json, // the store flags it as JSON: empty or broken data is an error in the store
    Bytes, // the store flags it as not JSON
};

// One event as EventScope shows it, whatever store it came from.
// Payloads stay the raw bytes the store holds; payload.h decides how to present them.
struct Event
{
    qint64 position = 0; // global position: ascending over the whole store, may have gaps
    QString stream;
    QString category;
    qint64 version = 0; // position inside the stream, as the store numbers it
    QString type;
    std::optional<qint64> timeMs; // UTC, milliseconds since the Unix epoch; nullopt where the store keeps none
    QString id;
    QByteArray data;
    QByteArray metadata;
    DataFormat dataFormat = DataFormat::Unknown;
};

} // namespace EventScope
