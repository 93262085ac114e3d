#pragma once

#include "../jobs/openstore.h"
#include "../model/storeinfo.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace EventScope {

// Categories and their streams as a two-level tree, with "All events" as the first top-level row.
// Categories load at once (one grouped query); a category's streams load when it is expanded,
// 500 at a time, through canFetchMore()/fetchMore(). A regular expression narrows both levels.
class StreamTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, EventsColumn, ColumnCount };
    enum class NodeKind { AllEvents, Category, Stream };
    enum Role {
        NodeKindRole = Qt::UserRole + 1, // int(NodeKind)
        StreamRole, // QString: the stream name (Stream rows)
        CategoryRole, // QString: the category (Category and Stream rows)
        EventCountRole, // qint64
    };
    static constexpr int kStreamsPerFetch = 500;

    explicit StreamTreeModel(QObject* parent = nullptr);
    ~StreamTreeModel() override;

    // Lists the categories and streams of `store` in its interactive lane; nullptr empties the model.
    void setStore(std::shared_ptr<OpenStore> store);
    // Opens the store a user typed (a path, a URI or a conninfo string); an empty location empties the model.
    void setStore(const QString& location);
    // A regular expression searched in stream names; an invalid one emits errorOccurred and changes nothing.
    void setPattern(const QString& pattern);
    QString pattern() const { return m_pattern; }
    bool isLoading() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

signals:
    void loadingChanged(bool loading);
    // The category names are in (their counts may still be "…").
    void categoriesLoaded(int categories);
    // Every category's counts are in, and the totals of the whole tree.
    void countsLoaded(qint64 streams, qint64 events);
    void errorOccurred(const EventScope::StoreError& error);

private:
    struct CategoryNode
    {
        CategoryInfo info;
        int row = 0;
        QList<StreamInfo> streams;
        bool fetching = false;
        bool complete = false;
    };

    void reload();
    void loadCounts();
    void applyCounts(const QList<CategoryInfo>& counts);
    CategoryNode* categoryOf(const QModelIndex& index) const;

    void track(const JobHandle& job);
    void cancelJobs();

    std::shared_ptr<OpenStore> m_store;
    StoreSession* m_session = nullptr; // m_store's interactive lane, shared with other models
    QList<std::weak_ptr<JobControl>> m_jobs; // this model's jobs in that lane
    QString m_pattern;
    quint64 m_generation = 0;
    qint64 m_totalEvents = 0;
    bool m_countsKnown = false;
    std::vector<std::unique_ptr<CategoryNode>> m_categories;
};

} // namespace EventScope
