#pragma once

#include "../model/eventquery.h"
#include "../model/storeinfo.h"
#include "result.h"

#include <QList>
#include <QStringList>
#include <functional>
#include <memory>

namespace EventScope {

// Receives the keys a scan finds, a chunk at a time, and says whether to go on.
// `anchors` are the keys of rows 0, stride, 2*stride, ... counted from the scan's start;
// `rowsSoFar` counts every row seen. It runs inside the scan: it must not call the store (interrupt() aside).
using KeyScanSink = std::function<bool(const QList<qint64>& anchors, qint64 rowsSoFar)>;

// An open event store, read-only, as every part of EventScope sees it. One object is one
// database connection and belongs to one thread at a time; interrupt() alone may be called
// from any thread. A dialect implements it over a backend (see core/dialects/).
class EventStore
{
public:
    virtual ~EventStore() = default;

    virtual QString location() const = 0;
    virtual QString dialectName() const = 0;

    virtual Result<StoreInfo> describe() = 0;
    virtual Result<QList<CategoryInfo>> categories(const QString& streamPattern) = 0;
    virtual Result<QList<StreamInfo>> streams(const StreamQuery& query) = 0;
    virtual Result<QStringList> eventTypes() = 0;

    // A keyset page: cost depends on the page size, never on where in the store it is.
    virtual Result<EventPage> readEvents(const EventPageRequest& request) = 0;

    // Set when the store knows the keys of `filter` are contiguous, so rows map to keys
    // without a scan. Must be cheap (no full count).
    virtual Result<std::optional<DenseKeys>> denseKeys(const EventFilter& filter) = 0;

    // Walks the keys of `filter` in order, handing every stride-th key to `sink` in chunks.
    // Returns the total number of rows, or Cancelled when the sink or interrupt() stopped it.
    virtual Result<qint64> scanKeys(const EventFilter& filter, int stride, const KeyScanSink& sink) = 0;

    // The key (in filter.orderKey() units) of the first event of `filter` at or after a global
    // position / a time; nullopt when there is none.
    virtual Result<std::optional<qint64>> keyAtPosition(const EventFilter& filter, qint64 position) = 0;
    virtual Result<std::optional<qint64>> keyAtTime(const EventFilter& filter, qint64 timeMs) = 0;

    virtual Result<QList<Snapshot>> snapshots(const QString& stream) = 0;

    // Stops the query running on this connection; safe from any thread. The interrupted
    // call returns StoreError::Kind::Cancelled. clearInterrupt() readies the store for more work and
    // ends any read still open, so that the store's writers are never held up between two jobs.
    virtual void interrupt() = 0;
    virtual void clearInterrupt() = 0;
};

} // namespace EventScope
