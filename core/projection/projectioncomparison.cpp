#include "projectioncomparison.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// The JSON text compared for one partition (see the header).
QByteArray comparedValue(const ProjectionResults::Partition& partition, bool withResult)
{
    const QByteArray state = partition.state.value_or("null");
    if (!withResult)
        return state;
    return "{\"state\":" + state + ",\"result\":" + partition.result.value_or("null") + '}';
}

JsonDiffResult diffOf(const JsonDiff& diff, const QByteArray& before, const QByteArray& after)
{
    const Result<JsonDiffResult> result = diff.compareJson(before, after);
    if (result)
        return *result;
    // Not JSON after all: report the whole value as changed, as text.
    JsonDiffResult whole;
    if (before != after)
        whole.changes.append(
            { JsonPath {}, JsonChange::Op::Change, QString::fromUtf8(before), QString::fromUtf8(after) });
    return whole;
}

// A partition only one run has: one change of the whole value ($), an add or a remove.
JsonDiffResult wholeValue(JsonChange::Op op, const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + json + "]", &error);
    const QJsonValue value
        = error.error == QJsonParseError::NoError ? document.array().at(0) : QJsonValue(QString::fromUtf8(json));
    JsonDiffResult result;
    JsonChange change { JsonPath {}, op };
    (op == JsonChange::Op::Add ? change.newValue : change.oldValue) = value;
    result.changes.append(change);
    return result;
}

} // namespace

qsizetype ProjectionComparison::count(Change change) const
{
    return std::count_if(
        partitions.begin(), partitions.end(), [change](const Partition& p) { return p.change == change; });
}

QString ProjectionComparison::changeName(Change change)
{
    switch (change) {
    case Change::Changed:
        return u"changed"_s;
    case Change::Added:
        return u"added"_s;
    case Change::Removed:
        return u"removed"_s;
    }
    return {};
}

ProjectionComparison ProjectionComparison::of(
    const ProjectionResults& before, const ProjectionResults& after, const JsonDiffOptions& options)
{
    const JsonDiff diff(options);
    const bool withResult = before.definition.definesStateTransform || after.definition.definesStateTransform;
    ProjectionComparison comparison;

    QHash<QString, qsizetype> afterIndex;
    afterIndex.reserve(after.partitions.size());
    for (qsizetype i = 0; i < after.partitions.size(); ++i)
        afterIndex.insert(after.partitions.at(i).name, i);
    QSet<QString> seen;
    seen.reserve(before.partitions.size());

    for (const ProjectionResults::Partition& old : before.partitions) {
        seen.insert(old.name);
        const QByteArray oldValue = comparedValue(old, withResult);
        const auto match = afterIndex.constFind(old.name);
        if (match == afterIndex.cend()) {
            comparison.partitions.append(
                { old.name, Change::Removed, wholeValue(JsonChange::Op::Remove, oldValue), oldValue, {} });
            continue;
        }
        const QByteArray newValue = comparedValue(after.partitions.at(*match), withResult);
        JsonDiffResult changes = oldValue == newValue ? JsonDiffResult {} : diffOf(diff, oldValue, newValue);
        if (changes.isEqual())
            ++comparison.same;
        else
            comparison.partitions.append({ old.name, Change::Changed, std::move(changes), oldValue, newValue });
    }
    for (const ProjectionResults::Partition& added : after.partitions) {
        if (seen.contains(added.name))
            continue;
        const QByteArray newValue = comparedValue(added, withResult);
        comparison.partitions.append(
            { added.name, Change::Added, wholeValue(JsonChange::Op::Add, newValue), {}, newValue });
    }
    if (before.definition.biState || after.definition.biState)
        comparison.sharedState = diffOf(diff, before.sharedState.value_or("null"), after.sharedState.value_or("null"));
    return comparison;
}

} // namespace EventScope
