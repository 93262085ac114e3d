#include "projectioncomparisonmodel.h"

#include <core/model/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString shortened(const QString& text)
{
    return text.size() > 120 ? text.left(120) + u'…' : text;
}

} // namespace

ProjectionComparisonModel::ProjectionComparisonModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ProjectionComparisonModel::setComparison(const ProjectionComparison& comparison)
{
    beginResetModel();
    m_comparison = comparison;
    endResetModel();
}

void ProjectionComparisonModel::clear()
{
    setComparison({});
}

const ProjectionComparison::Partition* ProjectionComparisonModel::partitionAt(int row) const
{
    return row >= 0 && row < m_comparison.partitions.size() ? &m_comparison.partitions.at(row) : nullptr;
}

QString ProjectionComparisonModel::describe(const JsonChange& change)
{
    const QString path = change.path.toString();
    switch (change.op) {
    case JsonChange::Op::Add:
        return u"%1 added: %2"_s.arg(path, shortened(QString::fromUtf8(compactJsonValue(change.newValue))));
    case JsonChange::Op::Remove:
        return u"%1 removed (was %2)"_s.arg(path, shortened(QString::fromUtf8(compactJsonValue(change.oldValue))));
    case JsonChange::Op::Change:
        break;
    }
    return u"%1: %2 → %3"_s.arg(path, shortened(QString::fromUtf8(compactJsonValue(change.oldValue))),
        shortened(QString::fromUtf8(compactJsonValue(change.newValue))));
}

int ProjectionComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_comparison.partitions.size());
}

int ProjectionComparisonModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProjectionComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ProjectionComparison::Partition& partition = m_comparison.partitions.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case PartitionColumn:
            return partition.name.isEmpty() ? u"(root)"_s : partition.name;
        case ChangeColumn:
            return ProjectionComparison::changeName(partition.change);
        case PathsColumn:
            return partition.diff.truncated ? u"%1+"_s.arg(partition.diff.changes.size())
                                            : QString::number(partition.diff.changes.size());
        case FirstPathColumn:
            return partition.diff.changes.isEmpty() ? QString() : describe(partition.diff.changes.first());
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == PathsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case PartitionRole:
        return partition.name;
    case ChangeRole:
        return int(partition.change);
    }
    return {};
}

QVariant ProjectionComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PartitionColumn:
        return tr("Partition");
    case ChangeColumn:
        return tr("Change");
    case PathsColumn:
        return tr("Paths");
    case FirstPathColumn:
        return tr("First difference");
    }
    return {};
}

} // namespace EventScope
