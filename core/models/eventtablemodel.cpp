#include "eventtablemodel.h"

#include "../model/payload.h"
#include "../model/timeformat.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

constexpr int kPreviewChars = 160;

// Reads the windows of one paint pass in one job; stops between windows when a newer pass cancels it,
// and hands back what it has read so far.
struct WindowRequest
{
    int window = 0;
    std::optional<qint64> anchor; // none: the first window, read before the directory knows its key
};
struct WindowBatch
{
    QList<int> windows;
    QList<QList<Event>> events;
    QList<QStringList> previews;
    QList<QList<EventAnomalies>> anomalies;
};

} // namespace

EventTableModel::EventTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    // All data() misses of one paint pass become one batch: the timer fires after the view has painted.
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &EventTableModel::flushRequests);
}

EventTableModel::~EventTableModel() = default;

void EventTableModel::setStore(const QString& location)
{
    if (m_store && location == store())
        return;
    setStore(location.isEmpty() ? nullptr : OpenStore::fromText(location));
}

void EventTableModel::setStore(std::shared_ptr<OpenStore> store)
{
    if (store == m_store)
        return;
    if (m_store) {
        cancel();
        m_store->disconnect(this);
    }
    m_scanJob.reset();
    m_batchJob.reset();
    m_store = std::move(store);
    m_pageSession = m_store ? &m_store->interactive() : nullptr;
    m_scanSession = m_store ? &m_store->background() : nullptr;
    if (m_store)
        connect(m_store.get(), &OpenStore::busyChanged, this, [this] { emit loadingChanged(isLoading()); });
    reset();
}

void EventTableModel::setFilter(const EventFilter& filter)
{
    m_filter = filter;
    reset();
}

bool EventTableModel::isLoading() const
{
    return (m_pageSession && m_pageSession->isBusy()) || (m_scanSession && m_scanSession->isBusy());
}

void EventTableModel::reset()
{
    beginResetModel();
    ++m_generation;
    if (m_scanJob && m_scanSession)
        m_scanSession->cancel(m_scanJob);
    if (m_batchJob && m_pageSession)
        m_pageSession->cancel(m_batchJob);
    m_scanJob.reset();
    m_batchJob.reset();
    m_directory = Directory();
    m_firstRowsAnnounced = false;
    m_errorReported = false;
    m_windows.clear();
    m_recentWindows.clear();
    m_wanted.clear();
    m_inFlight.clear();
    endResetModel();
    setCounting(false);
    if (m_scanSession)
        startCounting();
}

void EventTableModel::setCounting(bool counting)
{
    if (m_counting == counting)
        return;
    m_counting = counting;
    emit countingChanged(counting);
}

void EventTableModel::startCounting()
{
    setCounting(true);
    // The first window needs no directory (it starts at the filter's first event): read it on the page
    // connection while the other one counts, so the first rows are in when the first count arrives.
    requestWindow(0);
    const quint64 generation = m_generation;
    const EventFilter filter = m_filter;

    // Counting arrives in chunks: the sink posts each chunk of anchors to this thread, where the rows appear.
    auto deliverChunk = [this, generation](QList<qint64> anchors, qint64 rowsSoFar) {
        if (generation != m_generation)
            return;
        m_directory.anchors.append(anchors);
        growRows(std::min<qint64>(rowsSoFar, std::numeric_limits<int>::max()));
        emit rowsCounted(m_directory.rows, false);
    };

    QPointer<EventTableModel> self(this);
    m_scanJob = m_scanSession->run<std::optional<DenseKeys>>(
        this,
        [filter, deliverChunk, self](EventStore& store, JobControl& control) -> Result<std::optional<DenseKeys>> {
            auto dense = store.denseKeys(filter);
            if (!dense || *dense)
                return dense;
            auto rows = store.scanKeys(filter, kWindowRows, [&](const QList<qint64>& anchors, qint64 rowsSoFar) {
                if (control.isCancelled())
                    return false;
                QMetaObject::invokeMethod(
                    self, [deliverChunk, anchors, rowsSoFar] { deliverChunk(anchors, rowsSoFar); },
                    Qt::QueuedConnection);
                return true;
            });
            if (!rows)
                return rows.error();
            return std::optional<DenseKeys>();
        },
        [this, generation](Result<std::optional<DenseKeys>> result) {
            if (generation != m_generation)
                return;
            if (!result) {
                setCounting(false);
                if (result.error().kind != StoreError::Kind::Cancelled)
                    reportError(result.error());
                return;
            }
            if (const auto& dense = *result) {
                m_directory.dense = *dense;
                appendDenseRows(std::min<qint64>(dense->count, std::numeric_limits<int>::max()));
                return;
            }
            setCounting(false);
            emit rowsCounted(m_directory.rows, true);
            announceFirstRows();
        });
}

// Contiguous keys need no scan. A view attached straight to this model pays per inserted row (QTableView's
// QHeaderView keeps an entry per section): ten million rows in one insert stalled the GUI thread 0.3-0.6 s.
// The main window now shows rows through WindowProxyModel, which passes on no more than a window, but any
// other view still would; so a first slice of 65,536 rows lets the first page paint at once and the rest
// follows a million rows per event-loop turn.
void EventTableModel::appendDenseRows(qint64 total)
{
    const qint64 slice = m_directory.rows == 0 ? (1 << 16) : (1 << 20);
    const qint64 rows = std::min(total, m_directory.rows + slice);
    growRows(rows);
    if (rows < total) {
        emit rowsCounted(rows, false);
        const quint64 generation = m_generation;
        QTimer::singleShot(0, this, [this, generation, total] {
            if (generation == m_generation)
                appendDenseRows(total);
        });
        return;
    }
    setCounting(false);
    emit rowsCounted(rows, true);
    announceFirstRows();
}

// firstRowsReady() once per filter: when the first window is in and rows to show it exist (the two
// arrive from different workers, in either order), or when counting found no row at all.
// Rows appear as counting finds them; the first ones may complete the first page.
void EventTableModel::growRows(qint64 rows)
{
    if (rows <= m_directory.rows)
        return;
    const bool first = m_directory.rows == 0;
    beginInsertRows({}, int(m_directory.rows), int(rows - 1));
    m_directory.rows = rows;
    endInsertRows();
    if (first) {
        requestWindow(0);
        announceFirstRows();
    }
}

// One message per filter: the count and the windows fail together when the store goes bad.
void EventTableModel::reportError(const StoreError& error)
{
    if (m_errorReported)
        return;
    m_errorReported = true;
    emit errorOccurred(error);
}

void EventTableModel::announceFirstRows()
{
    if (m_firstRowsAnnounced)
        return;
    const bool empty = !m_counting && m_directory.rows == 0;
    if (empty || (m_directory.rows > 0 && m_windows.contains(0))) {
        m_firstRowsAnnounced = true;
        emit firstRowsReady();
    }
}

std::optional<qint64> EventTableModel::anchorOf(int window) const
{
    if (m_directory.dense)
        return m_directory.dense->first + qint64(window) * kWindowRows;
    if (window < m_directory.anchors.size())
        return m_directory.anchors[window];
    return std::nullopt;
}

void EventTableModel::requestWindow(int window) const
{
    if (m_windows.contains(window) || m_inFlight.contains(window))
        return;
    m_wanted.insert(window);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void EventTableModel::flushRequests()
{
    if (!m_pageSession || m_wanted.isEmpty())
        return;
    // A newer paint pass wins: the previous batch stops after the window it is reading.
    if (m_batchJob)
        m_batchJob->cancel();

    QList<WindowRequest> requests;
    for (const int window : std::as_const(m_wanted)) {
        if (m_windows.contains(window))
            continue;
        if (const auto anchor = anchorOf(window)) {
            requests.append({ window, *anchor });
            m_inFlight.insert(window);
        } else if (window == 0) {
            requests.append({ 0, std::nullopt });
            m_inFlight.insert(0);
        }
    }
    m_wanted.clear();
    if (requests.isEmpty())
        return;
    std::sort(requests.begin(), requests.end(),
        [](const WindowRequest& a, const WindowRequest& b) { return a.window < b.window; });

    const quint64 generation = m_generation;
    const EventFilter filter = m_filter;
    m_batchJob = m_pageSession->run<WindowBatch>(
        this,
        [filter, requests](EventStore& store, JobControl& control) -> Result<WindowBatch> {
            WindowBatch batch;
            for (const WindowRequest& request : requests) {
                if (control.isCancelled())
                    break;
                EventPageRequest page;
                page.filter = filter;
                if (request.anchor)
                    page.start = KeyBound { *request.anchor, true };
                page.limit = kWindowRows;
                auto read = store.readEvents(page);
                if (!read)
                    return read.error();
                QStringList previews;
                previews.reserve(read->events.size());
                for (const Event& event : std::as_const(read->events))
                    previews.append(payloadPreview(event.data, kPreviewChars));
                // Each row beside the one before it; a window's first row beside the window before when this
                // batch read that one too.
                QList<EventAnomalies> anomalies;
                anomalies.reserve(read->events.size());
                const Event* previous = !batch.windows.isEmpty() && batch.windows.constLast() == request.window - 1
                        && !batch.events.constLast().isEmpty()
                    ? &batch.events.constLast().constLast()
                    : nullptr;
                for (const Event& event : std::as_const(read->events)) {
                    anomalies.append(anomaliesOf(event, previous, filter.orderKey() == OrderKey::StreamVersion));
                    previous = &event;
                }
                batch.windows.append(request.window);
                batch.events.append(std::move(read->events));
                batch.previews.append(std::move(previews));
                batch.anomalies.append(std::move(anomalies));
            }
            return batch;
        },
        [this, generation, requests](Result<WindowBatch> result) {
            if (generation != m_generation)
                return;
            for (const WindowRequest& request : requests)
                m_inFlight.remove(request.window);
            if (!result) {
                if (result.error().kind != StoreError::Kind::Cancelled)
                    reportError(result.error());
                return;
            }
            for (qsizetype i = 0; i < result->windows.size(); ++i)
                storeWindow(result->windows[i],
                    Window { std::move(result->events[i]), std::move(result->previews[i]),
                        std::move(result->anomalies[i]) });
            announceFirstRows();
        });
}

void EventTableModel::storeWindow(int window, Window contents)
{
    m_windows.insert(window, std::move(contents));
    m_recentWindows.removeOne(window);
    m_recentWindows.append(window);
    while (m_recentWindows.size() > kMaxWindows)
        m_windows.remove(m_recentWindows.takeFirst());
    const int first = window * kWindowRows;
    const int last = int(std::min<qint64>(m_directory.rows, qint64(first) + kWindowRows)) - 1;
    if (last >= first)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

const Event* EventTableModel::eventAt(int row) const
{
    const auto window = m_windows.constFind(row / kWindowRows);
    if (window == m_windows.cend())
        return nullptr;
    const int offset = row % kWindowRows;
    return offset < window->events.size() ? &window->events[offset] : nullptr;
}

int EventTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_directory.rows);
}

int EventTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_directory.rows)
        return {};
    const int windowIndex = index.row() / kWindowRows;
    const auto window = m_windows.constFind(windowIndex);
    const int offset = index.row() % kWindowRows;
    const bool loaded = window != m_windows.cend() && offset < window->events.size();
    if (!loaded) {
        if (role == Qt::DisplayRole || role == LoadingRole)
            requestWindow(windowIndex);
        if (role == LoadingRole)
            return true;
        if (role == Qt::DisplayRole && index.column() == PositionColumn && m_directory.dense
            && m_filter.orderKey() == OrderKey::GlobalPosition)
            return m_directory.dense->first + index.row(); // known without reading: keys are contiguous
        return {};
    }
    const Event& event = window->events[offset];
    switch (role) {
    case LoadingRole:
        return false;
    case PositionRole:
        return event.position;
    case StreamRole:
        return event.stream;
    case AnomaliesRole:
        return int(window->anomalies[offset].toInt());
    case Qt::ToolTipRole:
        if (index.column() == DataColumn)
            return window->previews[offset];
        if (index.column() == PositionColumn && window->anomalies[offset])
            return anomalyDescription(window->anomalies[offset]);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == PositionColumn || index.column() == VersionColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case PositionColumn:
            return event.position;
        case StreamColumn:
            return event.stream;
        case VersionColumn:
            return event.version;
        case TypeColumn:
            return event.type;
        case TimeColumn:
            return formatIsoTime(event.timeMs);
        case DataColumn:
            return window->previews[offset];
        }
        return {};
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PositionColumn:
        return tr("Position");
    case StreamColumn:
        return tr("Stream");
    case VersionColumn:
        return tr("Version");
    case TypeColumn:
        return tr("Type");
    case TimeColumn:
        return tr("Time (UTC)");
    case DataColumn:
        return tr("Data");
    }
    return {};
}

void EventTableModel::cancel()
{
    if (m_scanJob && m_scanSession)
        m_scanSession->cancel(m_scanJob);
    if (m_batchJob && m_pageSession)
        m_pageSession->cancel(m_batchJob);
    m_inFlight.clear();
}

void EventTableModel::locatePosition(qint64 position)
{
    if (!m_scanSession)
        return;
    const EventFilter filter = m_filter;
    const quint64 generation = m_generation;
    m_scanSession->run<std::optional<qint64>>(
        this, [filter, position](EventStore& store, JobControl&) { return store.keyAtPosition(filter, position); },
        [this, generation](Result<std::optional<qint64>> key) {
            if (generation == m_generation)
                finishLocate(std::move(key));
        });
}

void EventTableModel::locateTime(qint64 timeMs)
{
    if (!m_scanSession)
        return;
    const EventFilter filter = m_filter;
    const quint64 generation = m_generation;
    m_scanSession->run<std::optional<qint64>>(
        this, [filter, timeMs](EventStore& store, JobControl&) { return store.keyAtTime(filter, timeMs); },
        [this, generation](Result<std::optional<qint64>> key) {
            if (generation == m_generation)
                finishLocate(std::move(key));
        });
}

// Turns the key of the located event into its row: arithmetic for contiguous keys, else the anchor
// before it plus the offset inside that window, read by keyset like any other window.
void EventTableModel::finishLocate(Result<std::optional<qint64>> key)
{
    if (!key) {
        if (key.error().kind != StoreError::Kind::Cancelled)
            reportError(key.error());
        return;
    }
    if (!*key) {
        emit rowLocated(-1);
        return;
    }
    const qint64 target = **key;
    if (m_directory.dense) {
        const qint64 row = target - m_directory.dense->first;
        emit rowLocated(row >= 0 && row < m_directory.rows ? int(row) : -1);
        return;
    }
    const auto after = std::upper_bound(m_directory.anchors.cbegin(), m_directory.anchors.cend(), target);
    if (after == m_directory.anchors.cbegin()) {
        emit rowLocated(-1);
        return;
    }
    const int window = int(after - m_directory.anchors.cbegin()) - 1;
    const quint64 generation = m_generation;
    const auto rowInWindow = [this, window, target]() -> std::optional<int> {
        const auto loaded = m_windows.constFind(window);
        if (loaded == m_windows.cend())
            return std::nullopt;
        const OrderKey order = m_filter.orderKey();
        for (qsizetype i = 0; i < loaded->events.size(); ++i) {
            if (orderKeyOf(loaded->events[i], order) >= target)
                return window * kWindowRows + int(i);
        }
        return -1;
    };
    if (const auto row = rowInWindow()) {
        emit rowLocated(*row < m_directory.rows ? *row : -1);
        return;
    }
    // Wait for the window, then answer once.
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(this, &EventTableModel::dataChanged, this, [this, connection, generation, rowInWindow] {
        if (generation != m_generation) {
            disconnect(*connection);
            return;
        }
        if (const auto row = rowInWindow()) {
            disconnect(*connection);
            emit rowLocated(*row < m_directory.rows ? *row : -1);
        }
    });
    requestWindow(window);
}

} // namespace EventScope
