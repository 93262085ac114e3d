#include "streamtreemodel.h"

#include "../model/streampattern.h"

#include <QLocale>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// internalId of top-level rows; a stream row carries its category's row + 1 instead.
constexpr quintptr kTopLevel = 0;

} // namespace

StreamTreeModel::StreamTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{ }

StreamTreeModel::~StreamTreeModel() = default;

void StreamTreeModel::setStore(const QString& location)
{
    setStore(location.isEmpty() ? nullptr : OpenStore::fromText(location));
}

void StreamTreeModel::setStore(std::shared_ptr<OpenStore> store)
{
    cancelJobs();
    if (m_session)
        m_session->disconnect(this);
    m_store = std::move(store);
    m_session = m_store ? &m_store->interactive() : nullptr;
    if (m_session)
        connect(m_session, &StoreSession::busyChanged, this, &StreamTreeModel::loadingChanged);
    reload();
}

void StreamTreeModel::track(const JobHandle& job)
{
    m_jobs.removeIf([](const std::weak_ptr<JobControl>& tracked) { return tracked.expired(); });
    m_jobs.append(job);
}

// Cancels this model's jobs only: the lane is shared with the other views of the store.
void StreamTreeModel::cancelJobs()
{
    if (m_session) {
        for (const auto& tracked : std::as_const(m_jobs))
            m_session->cancel(tracked.lock());
    }
    m_jobs.clear();
}

void StreamTreeModel::setPattern(const QString& pattern)
{
    if (const auto error = StreamPattern::check(pattern)) {
        emit errorOccurred(*error);
        return;
    }
    if (pattern == m_pattern)
        return;
    m_pattern = pattern;
    reload();
}

bool StreamTreeModel::isLoading() const
{
    return m_session && m_session->isBusy();
}

void StreamTreeModel::reload()
{
    beginResetModel();
    ++m_generation;
    cancelJobs();
    m_categories.clear();
    m_totalEvents = 0;
    m_countsKnown = false;
    endResetModel();
    if (!m_session)
        return;

    // Names first, in the interactive lane: a store lists them with a few index seeks. Counting needs every
    // stream read, so it follows in the background lane and fills the "…" in. A pattern has to read the
    // streams anyway, and brings the counts at once.
    const quint64 generation = m_generation;
    const CategoryQuery query { m_pattern, {}, {}, !m_pattern.isEmpty() };
    track(m_session->run<QList<CategoryInfo>>(
        this, [query](EventStore& store, JobControl&) { return store.categories(query); },
        [this, generation, withCounts = query.withCounts](Result<QList<CategoryInfo>> result) {
            if (generation != m_generation)
                return;
            if (!result) {
                if (result.error().kind != StoreError::Kind::Cancelled)
                    emit errorOccurred(result.error());
                return;
            }
            const qsizetype count = result->size();
            if (count > 0) {
                beginInsertRows({}, 1, int(count));
                for (qsizetype i = 0; i < count; ++i) {
                    auto node = std::make_unique<CategoryNode>();
                    node->info = result->at(i);
                    node->row = int(i) + 1;
                    m_categories.push_back(std::move(node));
                }
                endInsertRows();
            }
            emit categoriesLoaded(int(count));
            if (withCounts)
                applyCounts(*result);
            else
                loadCounts();
        }));
}

void StreamTreeModel::loadCounts()
{
    const quint64 generation = m_generation;
    const CategoryQuery query { m_pattern, {}, {}, true };
    track(m_store->background().run<QList<CategoryInfo>>(
        this, [query](EventStore& store, JobControl&) { return store.categories(query); },
        [this, generation](Result<QList<CategoryInfo>> result) {
            if (generation != m_generation)
                return;
            if (!result) {
                if (result.error().kind != StoreError::Kind::Cancelled)
                    emit errorOccurred(result.error());
                return;
            }
            applyCounts(*result);
        }));
}

void StreamTreeModel::applyCounts(const QList<CategoryInfo>& counts)
{
    QHash<QString, const CategoryInfo*> byName;
    for (const CategoryInfo& info : counts)
        byName.insert(info.category, &info);
    qint64 streams = 0;
    m_totalEvents = 0;
    for (const auto& node : m_categories) {
        if (const CategoryInfo* info = byName.value(node->info.category)) {
            node->info.streams = info->streams;
            node->info.events = info->events;
        }
        streams += node->info.streams.value;
        m_totalEvents += node->info.events.value;
    }
    m_countsKnown = true;
    // "All events" and every category show their counts, now known.
    emit dataChanged(index(0, 0), index(int(m_categories.size()), ColumnCount - 1));
    emit countsLoaded(streams, m_totalEvents);
}

StreamTreeModel::CategoryNode* StreamTreeModel::categoryOf(const QModelIndex& index) const
{
    // A category row: top level, row >= 1. A stream row: internalId = its category's row.
    if (!index.isValid())
        return nullptr;
    const int row = index.internalId() == kTopLevel ? index.row() : int(index.internalId());
    if (row < 1 || row > int(m_categories.size()))
        return nullptr;
    return m_categories[size_t(row - 1)].get();
}

QModelIndex StreamTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row > int(m_categories.size()) || (!m_session && row > 0) || (row == 0 && !m_store))
            return {};
        return createIndex(row, column, kTopLevel);
    }
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return {};
    const CategoryNode* category = categoryOf(parent);
    if (!category || row >= category->streams.size())
        return {};
    return createIndex(row, column, quintptr(category->row));
}

QModelIndex StreamTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(int(child.internalId()), 0, kTopLevel);
}

int StreamTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return !m_store ? 0 : 1 + int(m_categories.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    const CategoryNode* category = categoryOf(parent);
    return category ? int(category->streams.size()) : 0;
}

int StreamTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool StreamTreeModel::hasChildren(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return rowCount() > 0;
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return false;
    const CategoryNode* category = categoryOf(parent);
    return category && (!category->info.streams.isKnown() || category->info.streams.value > 0);
}

bool StreamTreeModel::canFetchMore(const QModelIndex& parent) const
{
    if (!parent.isValid() || parent.internalId() != kTopLevel)
        return false;
    const CategoryNode* category = categoryOf(parent);
    return category && !category->complete && !category->fetching;
}

void StreamTreeModel::fetchMore(const QModelIndex& parent)
{
    CategoryNode* category = categoryOf(parent);
    if (!category || category->complete || category->fetching || !m_session)
        return;
    category->fetching = true;
    StreamQuery query;
    query.pattern = m_pattern;
    query.category = category->info.category;
    query.limit = kStreamsPerFetch;
    if (!category->streams.isEmpty())
        query.after = category->streams.constLast().stream;
    const quint64 generation = m_generation;
    const int categoryRow = category->row;
    track(m_session->run<QList<StreamInfo>>(
        this, [query](EventStore& store, JobControl&) { return store.streams(query); },
        [this, generation, categoryRow](Result<QList<StreamInfo>> result) {
            if (generation != m_generation)
                return;
            CategoryNode* node = m_categories[size_t(categoryRow - 1)].get();
            node->fetching = false;
            if (!result) {
                if (result.error().kind != StoreError::Kind::Cancelled)
                    emit errorOccurred(result.error());
                return;
            }
            node->complete = result->size() < kStreamsPerFetch;
            if (result->isEmpty())
                return;
            const int first = int(node->streams.size());
            beginInsertRows(index(categoryRow, 0), first, first + int(result->size()) - 1);
            node->streams.append(*result);
            endInsertRows();
        }));
}

QVariant StreamTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const bool topLevel = index.internalId() == kTopLevel;
    if (topLevel && index.row() == 0) {
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == NameColumn)
                return tr("All events");
            return !m_countsKnown ? QVariant(formatCount(Count::unknown()))
                                  : QVariant(QLocale().toString(m_totalEvents));
        case NodeKindRole:
            return int(NodeKind::AllEvents);
        case EventCountRole:
            return m_countsKnown ? QVariant(m_totalEvents) : QVariant();
        case Qt::TextAlignmentRole:
            return index.column() == EventsColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
        default:
            return {};
        }
    }
    const CategoryNode* category = categoryOf(index);
    if (!category)
        return {};
    if (topLevel) {
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == NameColumn)
                return category->info.category;
            return formatCount(category->info.events);
        case Qt::ToolTipRole:
            return tr("%1 streams, %2 events")
                .arg(formatCount(category->info.streams), formatCount(category->info.events));
        case NodeKindRole:
            return int(NodeKind::Category);
        case CategoryRole:
            return category->info.category;
        case EventCountRole:
            return category->info.events.isKnown() ? QVariant(category->info.events.value) : QVariant();
        case Qt::TextAlignmentRole:
            return index.column() == EventsColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
        default:
            return {};
        }
    }
    if (index.row() >= category->streams.size())
        return {};
    const StreamInfo& stream = category->streams[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return stream.stream;
        return formatCount(stream.events);
    case Qt::ToolTipRole:
        return tr("%1: %2 events, last version %3")
            .arg(stream.stream, formatCount(stream.events))
            .arg(stream.lastVersion);
    case NodeKindRole:
        return int(NodeKind::Stream);
    case StreamRole:
        return stream.stream;
    case CategoryRole:
        return stream.category;
    case EventCountRole:
        return stream.events.isKnown() ? QVariant(stream.events.value) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == EventsColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    default:
        return {};
    }
}

QVariant StreamTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Stream") : tr("Events");
}

} // namespace EventScope
