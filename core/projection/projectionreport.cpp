#include "projectionreport.h"

#include "projectioncomparison.h"
#include "projectionengine.h"
#include "projectionresults.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace EventScope::ProjectionReport {

namespace {

QByteArray quoted(const QString& text)
{
    const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray jsonOrNull(const std::optional<QByteArray>& json)
{
    return json ? *json : QByteArrayLiteral("null");
}

} // namespace

QByteArray partitionLine(const QString& partition, const std::optional<QByteArray>& state,
    const std::optional<std::optional<QByteArray>>& result)
{
    QByteArray line = "{\"partition\":" + quoted(partition) + ",\"state\":" + jsonOrNull(state);
    if (result)
        line += ",\"result\":" + jsonOrNull(*result);
    return line + "}\n";
}

QByteArray sharedStateLine(const std::optional<QByteArray>& state)
{
    return "{\"shared_state\":" + jsonOrNull(state) + "}\n";
}

QByteArray emitLine(const EmittedEvent& event)
{
    return "{\"emit\":{\"stream\":" + quoted(event.stream) + ",\"type\":" + quoted(event.type)
        + ",\"data\":" + (event.data.isEmpty() ? QByteArrayLiteral("null") : event.data)
        + ",\"metadata\":" + (event.metadata.isEmpty() ? QByteArrayLiteral("null") : event.metadata)
        + ",\"caused_by\":" + quoted(event.causedBy) + "}}\n";
}

QByteArray logLine(const QString& line)
{
    return "{\"log\":" + quoted(line) + "}\n";
}

QByteArray statusLine(qint64 events, const std::optional<ProjectionFault>& fault)
{
    QByteArray line = QByteArrayLiteral("{\"status\":") + (fault ? "\"faulted\"" : "\"completed\"")
        + ",\"events\":" + QByteArray::number(events);
    if (fault) {
        line += ",\"fault\":{\"message\":" + quoted(fault->message) + ",\"event\":";
        if (fault->event)
            line += "{\"stream\":" + quoted(fault->event->stream)
                + ",\"version\":" + QByteArray::number(fault->event->version) + "}";
        else
            line += "null";
        line += ",\"line\":" + (fault->line ? QByteArray::number(*fault->line) : QByteArrayLiteral("null")) + "}";
    }
    return line + "}\n";
}

QByteArray stateLines(const ProjectionResults& results)
{
    QByteArray lines;
    const ProjectionDefinition& definition = results.definition;
    QList<ProjectionResults::Partition> partitions = results.partitions;
    // The root partition of an unpartitioned projection exists even before its first event (no state yet).
    if (!definition.partitioned && partitions.isEmpty())
        partitions.append(ProjectionResults::Partition {});
    for (const ProjectionResults::Partition& partition : std::as_const(partitions)) {
        std::optional<std::optional<QByteArray>> result;
        if (definition.definesStateTransform)
            result = partition.result;
        lines += partitionLine(partition.name, partition.state, result);
    }
    if (definition.biState)
        lines += sharedStateLine(results.sharedState);
    return lines;
}

QByteArray stateLines(const ProjectionEngine& engine)
{
    return stateLines(ProjectionResults::of(engine, {}));
}

namespace {

QByteArray pathsArray(const JsonDiffResult& diff)
{
    QByteArray text = "[";
    for (qsizetype i = 0; i < diff.changes.size(); ++i) {
        const QByteArray change = diff.changes.at(i).toJsonLine();
        text += (i ? "," : "") + change.trimmed();
    }
    return text + ']';
}

} // namespace

QByteArray comparisonLines(const ProjectionComparison& comparison)
{
    QByteArray text;
    for (const ProjectionComparison::Partition& partition : comparison.partitions)
        text += "{\"partition\":" + quoted(partition.name) + ",\"change\":"
            + quoted(ProjectionComparison::changeName(partition.change)) + ",\"paths\":" + pathsArray(partition.diff)
            + (partition.diff.truncated ? ",\"truncated\":true" : "") + "}\n";
    return text;
}

QByteArray comparisonSummaryLine(const ProjectionComparison& comparison, qint64 events, double seconds)
{
    using Change = ProjectionComparison::Change;
    QByteArray line = "{\"summary\":{\"partitions\":"
        + QByteArray::number(comparison.same + comparison.partitions.size()) + ",\"same\":"
        + QByteArray::number(comparison.same) + ",\"changed\":" + QByteArray::number(comparison.count(Change::Changed))
        + ",\"added\":" + QByteArray::number(comparison.count(Change::Added))
        + ",\"removed\":" + QByteArray::number(comparison.count(Change::Removed))
        + ",\"events\":" + QByteArray::number(events) + ",\"seconds\":" + QByteArray::number(seconds, 'f', 3);
    if (comparison.sharedState)
        line += ",\"shared_state\":" + QByteArray(comparison.sharedState->isEqual() ? "\"same\"" : "\"changed\"")
            + ",\"shared_state_paths\":" + pathsArray(*comparison.sharedState);
    return line + "}}\n";
}

} // namespace EventScope::ProjectionReport
