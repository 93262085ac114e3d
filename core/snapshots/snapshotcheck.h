#pragma once

#include <core/diff/jsondiff.h>

#include <QList>
#include <QString>

#include <optional>

namespace EventScope {

// The verdict on one snapshot: the store's state against the events folded to its version.
struct SnapshotCheck
{
    enum class Status {
        Match,
        Drift, // `changes` says where
        Error, // `message` says why: the snapshot is unreadable or impossible, or the projection faulted
    };
    enum class Cause {
        None,
        Snapshot, // the snapshot itself: not JSON, ahead of its stream, before its first event
        Projection, // the projection faulted or is unusable
        NotChecked, // no projection rebuilds the stream's category: listed, never counted as a match
    };

    QString stream;
    qint64 version = 0;
    std::optional<qint64> timeMs;
    qint64 bytes = 0;
    Status status = Status::Match;
    Cause cause = Cause::None;
    QList<JsonChange> changes; // of a drift: `oldValue` is the snapshot's, `newValue` the replay's
    QString message; // of an error

    static QString statusName(Status status); // "match", "drift", "error"
};

// The counts of a verify run; `notChecked` is part of `error`.
struct VerifySummary
{
    qint64 snapshots = 0;
    qint64 match = 0;
    qint64 drift = 0;
    qint64 error = 0;
    qint64 notChecked = 0;
    qint64 projectionErrors = 0; // part of `error`
    qint64 eventsReplayed = 0;
    qint64 streams = 0; // streams with at least one snapshot
    double seconds = 0;
    bool cancelled = false;

    void add(const SnapshotCheck& check);
};

} // namespace EventScope
