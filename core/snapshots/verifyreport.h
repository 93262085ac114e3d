#pragma once

#include "snapshotcheck.h"

#include <core/store/result.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace EventScope {

// What `eventscope-cli verify` prints and writes: the JSON line of a check and of the summary (docs/cli.md), and
// the report file, JSON or a self-contained HTML page. The report lists every snapshot that is not a match (up to
// kMaxRows) with the counts of all of them, so that it stays readable and its size follows the problems, not the
// store.
class VerifyReport
{
public:
    static constexpr qsizetype kMaxRows = 20000;

    // {"stream", "version", "status", "paths": [{"path", "snapshot", "replay"}], "message"}: `message` for an
    // error only; a value a side does not have is left out.
    static QByteArray checkLine(const SnapshotCheck& check);
    // {"summary": {"snapshots", "match", "drift", "error", "events_replayed", "seconds", "not_checked"}}
    static QByteArray summaryLine(const VerifySummary& summary);

    explicit VerifyReport(QString store);
    void add(const SnapshotCheck& check); // keeps it unless it is a match
    void setSummary(const VerifySummary& summary) { m_summary = summary; }

    QByteArray toJson() const;
    QByteArray toHtml() const;
    // Writes JSON or HTML as the file name ends (.json, .html or .htm); other endings are an InvalidArgument.
    Status write(const QString& path) const;

private:
    QString m_store;
    VerifySummary m_summary;
    QList<SnapshotCheck> m_rows;
    qsizetype m_left = 0; // rows beyond kMaxRows
};

} // namespace EventScope
