#include "verifyreport.h"

#include <core/model/jsontext.h>
#include <core/model/timeformat.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QByteArray pathsJson(const SnapshotCheck& check)
{
    QByteArray text = "[";
    for (qsizetype i = 0; i < check.changes.size(); ++i) {
        const JsonChange& change = check.changes.at(i);
        text += (i > 0 ? ",{\"path\":" : "{\"path\":") + compactJsonValue(change.path.toString());
        if (!change.oldValue.isUndefined())
            text += ",\"snapshot\":" + compactJsonValue(change.oldValue);
        if (!change.newValue.isUndefined())
            text += ",\"replay\":" + compactJsonValue(change.newValue);
        text += '}';
    }
    return text + ']';
}

QString escaped(const QString& text)
{
    return text.toHtmlEscaped();
}

QString shown(const QJsonValue& value)
{
    return value.isUndefined() ? u"(none)"_s : QString::fromUtf8(compactJsonValue(value));
}

} // namespace

QByteArray VerifyReport::checkLine(const SnapshotCheck& check)
{
    QByteArray line = "{\"stream\":" + compactJsonValue(check.stream)
        + ",\"version\":" + QByteArray::number(check.version)
        + ",\"status\":" + compactJsonValue(SnapshotCheck::statusName(check.status)) + ",\"paths\":" + pathsJson(check);
    if (check.status == SnapshotCheck::Status::Error)
        line += ",\"message\":" + compactJsonValue(check.message);
    return line + "}\n";
}

QByteArray VerifyReport::summaryLine(const VerifySummary& summary)
{
    return "{\"summary\":{\"snapshots\":" + QByteArray::number(summary.snapshots)
        + ",\"match\":" + QByteArray::number(summary.match) + ",\"drift\":" + QByteArray::number(summary.drift)
        + ",\"error\":" + QByteArray::number(summary.error) + ",\"events_replayed\":"
        + QByteArray::number(summary.eventsReplayed) + ",\"seconds\":" + QByteArray::number(summary.seconds, 'f', 3)
        + ",\"not_checked\":" + QByteArray::number(summary.notChecked) + "}}\n";
}

VerifyReport::VerifyReport(QString store)
    : m_store(std::move(store))
{ }

void VerifyReport::add(const SnapshotCheck& check)
{
    if (check.status == SnapshotCheck::Status::Match)
        return;
    if (m_rows.size() >= kMaxRows) {
        ++m_left;
        return;
    }
    m_rows.append(check);
}

QByteArray VerifyReport::toJson() const
{
    QByteArray text = "{\"store\":" + compactJsonValue(m_store)
        + ",\"generated\":" + compactJsonValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)) + ",\"summary\":";
    const QByteArray summary = summaryLine(m_summary);
    text += summary.mid(11, summary.size() - 13); // the object inside {"summary": ...}\n
    text += ",\"not_listed\":" + QByteArray::number(m_left) + ",\"snapshots\":[\n";
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const QByteArray line = checkLine(m_rows.at(i));
        text += (i > 0 ? ",\n" : "") + line.left(line.size() - 1);
    }
    return text + "\n]}\n";
}

QByteArray VerifyReport::toHtml() const
{
    const VerifySummary& s = m_summary;
    QString html = uR"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>EventScope snapshot verification</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #1f2328; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; } .meta { color: #57606a; margin-bottom: 1.5em; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; margin-bottom: 1.5em; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6em 1.2em; min-width: 7em; }
.card b { display: block; font-size: 1.6em; } .match b { color: #1a7f37; } .drift b { color: #b42318; }
.error b { color: #9a6700; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .35em .6em;
  border-bottom: 1px solid #d0d7de; } th { background: #f6f8fa; }
td.time { white-space: nowrap; } td.status-drift { color: #b42318; font-weight: 600; } td.status-error { color: #9a6700; font-weight: 600; }
code { font: 12px ui-monospace, monospace; background: #f6f8fa; padding: 0 .25em; border-radius: 3px; }
ul { margin: 0; padding-left: 1.1em; } .ok { color: #1a7f37; font-size: 1.2em; }
</style></head><body>
)"_s;
    html += u"<h1>Snapshot verification</h1>\n<div class=\"meta\">Store <code>%1</code> · %2 · %3 streams with "
            "snapshots · %4 events replayed in %5 s%6</div>\n"_s
                .arg(escaped(m_store), QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s))
                .arg(s.streams)
                .arg(s.eventsReplayed)
                .arg(s.seconds, 0, 'f', 2)
                .arg(s.cancelled ? u" · <b>cancelled before the end</b>"_s : QString());
    html += u"<div class=\"cards\"><div class=\"card\"><b>%1</b>snapshots</div><div class=\"card match\"><b>%2</b>"
            "match</div><div class=\"card drift\"><b>%3</b>drift</div><div class=\"card error\"><b>%4</b>error"
            "%5</div></div>\n"_s.arg(s.snapshots)
                .arg(s.match)
                .arg(s.drift)
                .arg(s.error)
                .arg(s.notChecked > 0 ? u" (%1 not checked)"_s.arg(s.notChecked) : QString());
    if (m_rows.isEmpty()) {
        html += u"<p class=\"ok\">Every snapshot is what its events say.</p>\n"_s;
    } else {
        html += u"<table><thead><tr><th>Stream</th><th>Version</th><th>Time (UTC)</th><th>Status</th>"
                "<th>What differs (snapshot → replay)</th></tr></thead><tbody>\n"_s;
        for (const SnapshotCheck& check : m_rows) {
            const QString status = SnapshotCheck::statusName(check.status);
            QString detail;
            if (check.status == SnapshotCheck::Status::Error) {
                detail = escaped(check.message);
            } else {
                detail = u"<ul>"_s;
                for (const JsonChange& change : check.changes)
                    detail += u"<li><code>%1</code>: <code>%2</code> → <code>%3</code></li>"_s.arg(
                        escaped(change.path.toString()), escaped(shown(change.oldValue)),
                        escaped(shown(change.newValue)));
                detail += u"</ul>"_s;
            }
            html
                += u"<tr><td><code>%1</code></td><td>%2</td><td class=\"time\">%3</td><td class=\"status-%4\">%4</td><td>%5</td></tr>\n"_s
                       .arg(escaped(check.stream))
                       .arg(check.version)
                       .arg(formatIsoTime(check.timeMs))
                       .arg(status, detail);
        }
        html += u"</tbody></table>\n"_s;
        if (m_left > 0)
            html += u"<p>%1 more snapshots that are not a match are left out of this page.</p>\n"_s.arg(m_left);
    }
    html += u"<p class=\"meta\">Written by EventScope. Each stream was folded once through its category's "
            "projection and compared with every snapshot at its version: objects by key, numbers by value.</p>\n"
            "</body></html>\n"_s;
    return html.toUtf8();
}

Status VerifyReport::write(const QString& path) const
{
    const QString lower = path.toLower();
    QByteArray bytes;
    if (lower.endsWith(u".json"_s))
        bytes = toJson();
    else if (lower.endsWith(u".html"_s) || lower.endsWith(u".htm"_s))
        bytes = toHtml();
    else
        return StoreError { StoreError::Kind::InvalidArgument,
            u"--report wants a file name ending in .html or .json, not '%1'"_s.arg(path) };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return StoreError { StoreError::Kind::Io, u"cannot write the report '%1': %2"_s.arg(path, file.errorString()) };
    return Done {};
}

} // namespace EventScope
