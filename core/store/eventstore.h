#pragma once

#include "../model/eventquery.h"
#include "../model/storeinfo.h"
#include "connection.h"
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

// An open event store, read-only, as every part of EventScope sees it: a dialect (core/dialects/, what the
// tables mean) over one Connection (core/store/, the transport). One object belongs to one thread at a time;
// interrupt() alone may be called from any thread.
//
// The public calls are the contract, kept here once for every dialect: arguments are checked (a stream
// pattern is compiled once, a stride is positive) before the dialect sees them, and every call ends its read
// on return, so an idle EventScope never holds up the store's writers. Dialects implement the protected
// read*() functions and may assume valid arguments.
class EventStore
{
public:
    explicit EventStore(std::unique_ptr<Connection> connection);
    virtual ~EventStore();
    EventStore(const EventStore&) = delete;
    EventStore& operator=(const EventStore&) = delete;

    const StoreLocation& location() const { return m_connection->location(); }
    virtual QString dialectName() const = 0;

    // The category a stream's name gives by this store's own convention, without asking the store. Where the store
    // keeps the category (Marten's stream type, Axon's aggregate type, a topic, a mapped column), the name may not
    // say it: ask streamCategory().
    virtual QString categoryOf(const QString& stream) const;
    // The category of a stream as the store holds it: its first event's, one seek on the stream's index; the
    // name's category (categoryOf) for a stream without events.
    Result<QString> streamCategory(const QString& stream);

    Result<StoreInfo> describe();
    // Categories ordered by name, a page at a time (keyset on the name).
    Result<QList<CategoryInfo>> categories(const CategoryQuery& query);
    Result<QList<StreamInfo>> streams(const StreamQuery& query);
    Result<QStringList> eventTypes();

    // A keyset page: cost depends on the page size, never on where in the store it is.
    Result<EventPage> readEvents(const EventPageRequest& request);

    // Set when the store knows the keys of `filter` are contiguous, so rows map to keys
    // without a scan. Cheap (no full count).
    Result<std::optional<DenseKeys>> denseKeys(const EventFilter& filter);

    // Walks the keys of `filter` in order, handing every stride-th key to `sink` in chunks.
    // Returns the total number of rows, or Cancelled when the sink or interrupt() stopped it.
    Result<qint64> scanKeys(const EventFilter& filter, int stride, const KeyScanSink& sink);

    // The key (in filter.orderKey() units) of the first event of `filter` at or after a global
    // position / a time; nullopt when there is none.
    Result<std::optional<qint64>> keyAtPosition(const EventFilter& filter, qint64 position);
    Result<std::optional<qint64>> keyAtTime(const EventFilter& filter, qint64 timeMs);

    Result<QList<Snapshot>> snapshots(const QString& stream);

    // The database's plan for one of the dialect's queries, one line per step, without running it: what the
    // query-plan tests read.
    Result<QStringList> explain(const SqlQuery& query);

    // Stops the query running on this connection; safe from any thread. The interrupted call returns
    // StoreError::Kind::Cancelled. clearInterrupt() readies the store for more work and ends any read still
    // open.
    void interrupt();
    void clearInterrupt();

protected:
    Connection& connection() const { return *m_connection; }

    // For a pattern the database cannot match itself: the streams of `query` without it, read in keyset pages
    // of a thousand through readStreams(), each name matched here.
    Result<QList<StreamInfo>> readStreamsMatchedHere(const StreamQuery& query);
    // Categories made from a list of streams (their names, stream and event counts), for `query`'s page.
    static QList<CategoryInfo> groupIntoCategories(const QList<StreamInfo>& streams, const CategoryQuery& query);

    virtual Result<StoreInfo> readInfo() = 0;
    virtual Result<QList<CategoryInfo>> readCategories(const CategoryQuery& query) = 0;
    virtual Result<QList<StreamInfo>> readStreams(const StreamQuery& query) = 0;
    virtual Result<QStringList> readEventTypes() = 0;
    virtual Result<EventPage> readPage(const EventPageRequest& request) = 0;
    virtual Result<std::optional<DenseKeys>> readDenseKeys(const EventFilter& filter) = 0;
    virtual Result<qint64> readKeys(const EventFilter& filter, int stride, const KeyScanSink& sink) = 0;
    virtual Result<std::optional<qint64>> readKeyAtPosition(const EventFilter& filter, qint64 position) = 0;
    virtual Result<std::optional<qint64>> readKeyAtTime(const EventFilter& filter, qint64 timeMs) = 0;
    virtual Result<QList<Snapshot>> readSnapshots(const QString& stream) = 0;

private:
    std::unique_ptr<Connection> m_connection;
};

} // namespace EventScope
