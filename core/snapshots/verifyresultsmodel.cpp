#include "verifyresultsmodel.h"

#include <core/model/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QString valueText(const QJsonValue& value)
{
    return value.isUndefined() ? u"(none)"_s : QString::fromUtf8(compactJsonValue(value));
}

QString detailOf(const SnapshotCheck& check)
{
    if (check.status == SnapshotCheck::Status::Error)
        return check.message;
    QStringList parts;
    for (const JsonChange& change : check.changes)
        parts.append(
            u"%1: %2 → %3"_s.arg(change.path.toString(), valueText(change.oldValue), valueText(change.newValue)));
    return parts.join(u"; "_s);
}

} // namespace

VerifyResultsModel::VerifyResultsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void VerifyResultsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_counts = {};
    endResetModel();
}

void VerifyResultsModel::addChecks(const QList<SnapshotCheck>& checks)
{
    QList<SnapshotCheck> problems;
    for (const SnapshotCheck& check : checks) {
        m_counts.add(check);
        if (check.status != SnapshotCheck::Status::Match)
            problems.append(check);
    }
    if (!checks.isEmpty())
        ++m_counts.streams;
    if (problems.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + problems.size() - 1));
    m_rows.append(problems);
    endInsertRows();
}

const SnapshotCheck* VerifyResultsModel::checkAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int VerifyResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int VerifyResultsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant VerifyResultsModel::data(const QModelIndex& index, int role) const
{
    const SnapshotCheck* check = index.isValid() ? checkAt(index.row()) : nullptr;
    if (!check)
        return {};
    if (role == StatusRole)
        return int(check->status);
    if (role == Qt::TextAlignmentRole && index.column() == VersionColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case StreamColumn:
        return check->stream;
    case VersionColumn:
        return check->version;
    case StatusColumn:
        return check->cause == SnapshotCheck::Cause::NotChecked ? tr("not checked")
                                                                : SnapshotCheck::statusName(check->status);
    case DetailColumn:
        return detailOf(*check);
    }
    return {};
}

QVariant VerifyResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StreamColumn:
        return tr("Stream");
    case VersionColumn:
        return tr("Version");
    case StatusColumn:
        return tr("Status");
    case DetailColumn:
        return tr("What differs (snapshot → replay), or why it could not be checked");
    }
    return {};
}

} // namespace EventScope
