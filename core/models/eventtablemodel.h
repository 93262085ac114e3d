#pragma once

#include "../jobs/openstore.h"
#include "../model/eventanomaly.h"
#include "../model/eventquery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QTimer>
#include <memory>

namespace EventScope {

// The events of one filter as a table of any length, loaded lazily. Rows map to keys through a
// directory: arithmetic when the store's keys are contiguous, else every 256th key, scanned on a
// worker while the first rows already show. Rows are read in windows of 256 by keyset seek on
// another worker; data() answers a placeholder (LoadingRole true) until its window arrives.
// At most kMaxWindows windows stay in memory, whatever the store's size.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PositionColumn, StreamColumn, VersionColumn, TypeColumn, TimeColumn, DataColumn, ColumnCount };
    enum Role {
        LoadingRole = Qt::UserRole + 1, // bool: the row is a placeholder
        PositionRole, // qint64, once loaded
        StreamRole, // QString
        AnomaliesRole, // int: the row's EventAnomalies flags, 0 when it keeps every rule
    };
    static constexpr int kWindowRows = 256;
    static constexpr int kMaxWindows = 64;

    explicit EventTableModel(QObject* parent = nullptr);
    ~EventTableModel() override;

    // Reads `store`: pages in its interactive lane, counting and locating in its background lane. nullptr
    // empties the model.
    void setStore(std::shared_ptr<OpenStore> store);
    // Opens the store a user typed (a path, a URI or a conninfo string); an empty location empties the model.
    void setStore(const QString& location);
    QString store() const { return m_store ? m_store->location().toString() : QString(); }
    void setFilter(const EventFilter& filter);
    EventFilter filter() const { return m_filter; }

    // True while rows are still being counted (rowCount() grows until then).
    bool isCounting() const { return m_counting; }
    bool isLoading() const;

    // The whole event of a loaded row (payloads included); nullptr for a placeholder.
    const Event* eventAt(int row) const;

    // Finds the row of the first event at or after a global position / a time, then emits rowLocated.
    void locatePosition(qint64 position);
    void locateTime(qint64 timeMs);

    // Stops counting and loading; placeholders stay until the rows are asked for again.
    void cancel();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void countingChanged(bool counting);
    void loadingChanged(bool loading);
    void rowsCounted(qint64 rows, bool finished);
    void firstRowsReady(); // the first window of a new filter is in
    void rowLocated(int row); // -1: no such event in this view
    void errorOccurred(const EventScope::StoreError& error);

private:
    struct Window
    {
        QList<Event> events;
        QStringList previews;
        QList<EventAnomalies> anomalies;
    };
    struct Directory
    {
        std::optional<DenseKeys> dense;
        QList<qint64> anchors; // key of rows 0, 256, 512, ... when not dense
        qint64 rows = 0;
    };

    void reset();
    void startCounting();
    void appendDenseRows(qint64 total);
    void growRows(qint64 rows);
    void announceFirstRows();
    void reportError(const StoreError& error);
    void requestWindow(int window) const;
    void flushRequests();
    void storeWindow(int window, Window contents);
    std::optional<qint64> anchorOf(int window) const;
    void finishLocate(Result<std::optional<qint64>> key);
    void setCounting(bool counting);

    std::shared_ptr<OpenStore> m_store;
    EventFilter m_filter;
    StoreSession* m_pageSession = nullptr; // window reads: m_store's interactive lane
    StoreSession* m_scanSession = nullptr; // counting and locating: m_store's background lane
    JobHandle m_scanJob;
    JobHandle m_batchJob;
    quint64 m_generation = 0;
    bool m_counting = false;
    bool m_firstRowsAnnounced = false;
    bool m_errorReported = false;
    Directory m_directory;

    QHash<int, Window> m_windows;
    QList<int> m_recentWindows; // least recently stored first
    mutable QSet<int> m_wanted;
    QSet<int> m_inFlight;
    mutable QTimer m_flushTimer;
};

} // namespace EventScope
