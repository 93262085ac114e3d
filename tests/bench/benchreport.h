#pragma once

#include "machineinfo.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QTextStream>
#include <optional>

namespace EventScope::Bench {

enum class Verdict {
    Pass, // the figure meets its target
    Miss, // measured, but the target is not met
    Info, // measured, no target applies at this size
    NotBuilt, // the feature does not exist yet
    Failed, // the measure could not run (an error, not a slow answer)
};

// One row of the benchmark's table: EventScope's figure, the reference figure from the same run,
// and the verdict against the target. `value`/`reference` are numbers in `unit` for --json.
struct Measurement
{
    Measurement(QString key, QString measure, qint64 events = 0, QString unit = {})
        : key(std::move(key))
        , measure(std::move(measure))
        , events(events)
        , unit(std::move(unit))
    { }

    QString key; // stable machine name, e.g. "open.core"
    QString measure; // what was measured, in words
    qint64 events = 0; // the store's size; 0 when the row is not about one store
    QString unit;
    std::optional<double> value;
    QString figure; // `value` as printed (may hold more, e.g. median and p95)
    std::optional<double> reference;
    QString referenceFigure;
    std::optional<double> ratio; // value / reference
    QString target;
    Verdict verdict = Verdict::Info;
    QString note; // how it was measured, or why it failed
    QString shortfall; // on a miss: by how much, e.g. "by 29% (1.06 < 1.5)"

    // Judge the row by one more bound (a row may have several): PASS while every bound holds, else MISS with
    // the shortfall of each bound missed.
    void requireAtMost(double value, double limit);
    void requireAtLeast(double value, double limit);

    QJsonObject toJson() const;
};

QString verdictText(Verdict verdict);
// `row` marked Failed, with what went wrong as its note.
Measurement failedWith(Measurement row, const QString& why);
QString formatMs(double ms);
QString formatCount(qint64 count); // 1000000 -> "1 M", 20000 -> "20 k"

// The whole result: the machine, how the run was made, and the rows; printed as a Markdown table
// (so it can go into docs/performance.md as it is) or as JSON.
class BenchReport
{
public:
    MachineInfo machine;
    QStringList method; // how the figures were taken, one sentence each
    QList<Measurement> rows;

    void printMarkdown(QTextStream& out) const;
    QByteArray toJson() const;
    bool anyFailed() const;
};

} // namespace EventScope::Bench
