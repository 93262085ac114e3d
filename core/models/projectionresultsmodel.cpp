#include "projectionresultsmodel.h"

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString preview(const std::optional<QByteArray>& json)
{
    if (!json)
        return u"(none)"_s;
    QString text = QString::fromUtf8(json->left(ProjectionResultsModel::kPreviewCharacters * 4));
    if (text.size() > ProjectionResultsModel::kPreviewCharacters)
        text = text.left(ProjectionResultsModel::kPreviewCharacters) + u'…';
    return text;
}

} // namespace

ProjectionResultsModel::ProjectionResultsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ProjectionResultsModel::setResults(const ProjectionResults& results)
{
    beginResetModel();
    m_results = results;
    endResetModel();
}

void ProjectionResultsModel::clear()
{
    setResults({});
}

int ProjectionResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_results.partitions.size());
}

int ProjectionResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProjectionResultsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ProjectionResults::Partition& partition = m_results.partitions.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case PartitionColumn:
            return partition.name.isEmpty() ? u"(root)"_s : partition.name;
        case StateColumn:
            return preview(partition.state);
        case ResultColumn:
            return showsResults() ? preview(partition.result) : QString();
        case HandlerColumn:
            if (const ProjectionDefinition::Function* handler = lastHandler(partition))
                return handler->line > 0 ? tr("%1 (line %2)").arg(handler->name).arg(handler->line) : handler->name;
            return tr("(no handler: the body)");
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == PartitionColumn)
            return partition.name.isEmpty() ? tr("The root partition") : partition.name;
        if (index.column() == HandlerColumn && lastHandler(partition))
            return tr("The handler that applied this partition's last event; click to go to its line");
        return {};
    case HandlerLineRole:
        if (const ProjectionDefinition::Function* handler = lastHandler(partition))
            return handler->line;
        return 0;
    case PartitionRole:
        return partition.name;
    case StateRole:
        return partition.state ? QVariant(*partition.state) : QVariant();
    case ResultRole:
        return partition.result ? QVariant(*partition.result) : QVariant();
    }
    return {};
}

QVariant ProjectionResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PartitionColumn:
        return tr("Partition");
    case StateColumn:
        return tr("State");
    case ResultColumn:
        return tr("Result");
    case HandlerColumn:
        return tr("Last handler");
    }
    return {};
}

const ProjectionDefinition::Function* ProjectionResultsModel::lastHandler(
    const ProjectionResults::Partition& partition) const
{
    const QList<ProjectionDefinition::Function>& handlers = m_results.definition.handlers;
    return partition.lastHandler && *partition.lastHandler < handlers.size() ? &handlers.at(*partition.lastHandler)
                                                                             : nullptr;
}

} // namespace EventScope
