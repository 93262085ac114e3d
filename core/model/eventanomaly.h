#pragma once

#include "event.h"

#include <QFlags>
#include <QStringList>

namespace EventScope {

// What is wrong with a row that real stores hold and that EventScope still shows as stored, with a marker:
// it never drops or repairs a row. Some are the row's own (a payload that is not what it claims), others
// only show beside the row before it in the view's order (a gap in a stream's versions, a time that goes
// backwards).
enum class EventAnomaly : quint16 {
    NullData = 0x1, // the store holds NULL where the event's data should be
    InvalidJson = 0x2, // data or metadata starts like a JSON object or array but does not parse
    InvalidUtf8 = 0x4, // text that is not valid UTF-8 (binary serializers' bytes are not flagged)
    EmptyStream = 0x8, // the stream name is empty or only spaces
    OddStream = 0x10, // the stream name has control characters or is longer than 1000 characters
    VersionGap = 0x20, // in one stream's order: versions skip after the row before
    VersionDuplicate = 0x40, // in one stream's order: the same version as the row before
    TimeBackwards = 0x80, // in global order: earlier than the row before
    HugePayload = 0x100, // data and metadata together are 10 MB or more
};
Q_DECLARE_FLAGS(EventAnomalies, EventAnomaly)
Q_DECLARE_OPERATORS_FOR_FLAGS(EventAnomalies)

constexpr qsizetype kHugePayloadBytes = 10 * 1024 * 1024;

// The anomalies of `event`, comparing with `previous` (the row before it in the same view) when there is one:
// versions when the view is one stream's (`streamOrder`), times when it is the global log.
EventAnomalies anomaliesOf(const Event& event, const Event* previous, bool streamOrder);

// Short names ("invalid-json", "version-gap", ...) in flag order: what the CLI prints.
QStringList anomalyNames(EventAnomalies anomalies);
// One sentence per anomaly, for a tooltip.
QString anomalyDescription(EventAnomalies anomalies);

} // namespace EventScope
