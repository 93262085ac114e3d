#include "benchreport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

namespace {

// Pads every column to its widest cell, so the Markdown also reads well in a terminal.
void printTable(QTextStream& out, const QList<QStringList>& table)
{
    QList<qsizetype> widths;
    for (const QStringList& row : table) {
        widths.resize(std::max(widths.size(), row.size()));
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    for (qsizetype r = 0; r < table.size(); ++r) {
        out << u"|"_s;
        for (qsizetype i = 0; i < widths.size(); ++i)
            out << u' ' << table[r].value(i).leftJustified(widths[i]) << u" |"_s;
        out << u'\n';
        if (r == 0) {
            out << u"|"_s;
            for (qsizetype width : widths)
                out << u' ' << QString(width, u'-') << u" |"_s;
            out << u'\n';
        }
    }
}

} // namespace

QString verdictText(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass:
        return u"PASS"_s;
    case Verdict::Miss:
        return u"MISS"_s;
    case Verdict::Info:
        return u"info"_s;
    case Verdict::NotBuilt:
        return u"not yet built"_s;
    case Verdict::Failed:
        return u"FAILED"_s;
    }
    return {};
}

namespace {

QString boundNumber(double value)
{
    return QString::number(value, 'g', 3);
}

} // namespace

void Measurement::requireAtMost(double value, double limit)
{
    if (value <= limit) {
        if (verdict != Verdict::Miss)
            verdict = Verdict::Pass;
        return;
    }
    verdict = Verdict::Miss;
    const QString miss
        = u"by %1% (%2 > %3)"_s.arg(std::ceil((value / limit - 1) * 100)).arg(boundNumber(value), boundNumber(limit));
    shortfall = shortfall.isEmpty() ? miss : shortfall + u"; "_s + miss;
}

void Measurement::requireAtLeast(double value, double limit)
{
    if (value >= limit) {
        if (verdict != Verdict::Miss)
            verdict = Verdict::Pass;
        return;
    }
    verdict = Verdict::Miss;
    const QString miss
        = u"by %1% (%2 < %3)"_s.arg(std::ceil((1 - value / limit) * 100)).arg(boundNumber(value), boundNumber(limit));
    shortfall = shortfall.isEmpty() ? miss : shortfall + u"; "_s + miss;
}

Measurement failedWith(Measurement row, const QString& why)
{
    row.verdict = Verdict::Failed;
    row.figure = u"—"_s;
    row.note = row.measure + u": "_s + why;
    return row;
}

QString formatMs(double ms)
{
    if (ms < 10)
        return u"%1 ms"_s.arg(ms, 0, 'f', 2);
    if (ms < 1000)
        return u"%1 ms"_s.arg(ms, 0, 'f', 1);
    return u"%1 s"_s.arg(ms / 1000, 0, 'f', 2);
}

QString formatCount(qint64 count)
{
    if (count >= 1'000'000 && count % 100'000 == 0)
        return u"%1 M"_s.arg(double(count) / 1e6);
    if (count >= 1000 && count % 100 == 0)
        return u"%1 k"_s.arg(double(count) / 1e3);
    return QString::number(count);
}

QJsonObject Measurement::toJson() const
{
    QJsonObject object { { u"key"_s, key }, { u"measure"_s, measure }, { u"unit"_s, unit }, { u"figure"_s, figure },
        { u"target"_s, target }, { u"verdict"_s, verdictText(verdict) } };
    if (events > 0)
        object.insert(u"events"_s, events);
    if (value)
        object.insert(u"value"_s, *value);
    if (reference) {
        object.insert(u"reference"_s, *reference);
        object.insert(u"referenceFigure"_s, referenceFigure);
    }
    if (ratio)
        object.insert(u"ratio"_s, *ratio);
    if (!note.isEmpty())
        object.insert(u"note"_s, note);
    if (!shortfall.isEmpty())
        object.insert(u"shortfall"_s, shortfall);
    return object;
}

void BenchReport::printMarkdown(QTextStream& out) const
{
    out << u"# eventscope-bench\n\n"_s;
    for (const auto& [name, value] : machine.fields())
        out << u"- "_s << name << u": "_s << value << u'\n';
    out << u'\n';
    for (const QString& sentence : method)
        out << u"- "_s << sentence << u'\n';
    out << u'\n';

    QList<QStringList> table { { u"measure"_s, u"store"_s, u"EventScope"_s, u"reference"_s, u"ratio"_s, u"target"_s,
        u"result"_s } };
    QStringList notes;
    for (const Measurement& row : rows) {
        QString result = verdictText(row.verdict);
        if (row.verdict == Verdict::Miss && !row.shortfall.isEmpty())
            result += u' ' + row.shortfall;
        if (!row.note.isEmpty()) {
            notes.append(row.note);
            result += u" [%1]"_s.arg(notes.size());
        }
        table.append({ row.measure, row.events > 0 ? formatCount(row.events) : QString(), row.figure,
            row.referenceFigure.isEmpty() ? u"—"_s : row.referenceFigure,
            row.ratio ? u"%1x"_s.arg(*row.ratio, 0, 'g', 3) : u"—"_s, row.target, result });
    }
    printTable(out, table);
    if (!notes.isEmpty()) {
        out << u'\n';
        for (qsizetype i = 0; i < notes.size(); ++i)
            out << u"["_s << (i + 1) << u"] "_s << notes[i] << u'\n';
    }
    out.flush();
}

QByteArray BenchReport::toJson() const
{
    QJsonObject machineObject;
    for (const auto& [name, value] : machine.fields())
        machineObject.insert(name, value);
    QJsonArray rowArray;
    for (const Measurement& row : rows)
        rowArray.append(row.toJson());
    const QJsonObject root { { u"machine"_s, machineObject }, { u"method"_s, QJsonArray::fromStringList(method) },
        { u"measurements"_s, rowArray } };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool BenchReport::anyFailed() const
{
    return std::any_of(
        rows.cbegin(), rows.cend(), [](const Measurement& row) { return row.verdict == Verdict::Failed; });
}

} // namespace EventScope::Bench
