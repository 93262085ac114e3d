#pragma once

#include "emittedevent.h"
#include "projectioncomparison.h"
#include "projectionengine.h"
#include "projectionresults.h"
#include "projectionsource.h"

#include <core/jobs/storeconnector.h>

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <atomic>
#include <memory>

namespace EventScope {

// What the editor asks to run: a definition's text over its source, or narrowed by `scope`.
struct ProjectionRunRequest
{
    QString script;
    QString fileName; // shown in faults ("deposits.js:3: ...")
    ProjectionScope scope;
    qint64 limitEvents = 0; // 0: all
    int threads = 0; // 0: every core (when the definition allows it)
    bool allowConsole = false;
};

// What a run left: the results, and the first emitted events and log lines (the editor lists them; a run can emit
// millions, so only kMaxListed of each are kept, with the totals).
struct ProjectionRunOutput
{
    static constexpr qsizetype kMaxListed = 10000;

    ProjectionResults results; // results.outcome.fault holds a compile fault too (no event, 0 events)
    QList<EmittedEvent> emitted;
    QStringList log;
    qint64 emittedTotal = 0;
    qint64 logTotal = 0;
    double seconds = 0;
};

// Two definitions over one read of the same events, and how their results differ.
struct ProjectionCompareOutput
{
    ProjectionResults before;
    ProjectionResults after;
    ProjectionComparison comparison;
    qint64 eventsRead = 0;
    double seconds = 0;
};

// Runs projections for a window on a thread of its own (with its own connection from the store's connector): the
// engines are created, compiled and run there, and what they produce comes back as signals on the caller's
// thread. A new run cancels the one before. Destroying the session never waits: the run is cancelled and ends by
// itself.
class ProjectionRunSession : public QObject
{
    Q_OBJECT
public:
    explicit ProjectionRunSession(std::shared_ptr<StoreConnector> connector, QObject* parent = nullptr);
    ~ProjectionRunSession() override;

    void run(const ProjectionRunRequest& request);
    // `before` and `after` share scope, limit and console settings (those of `before`).
    void compare(const ProjectionRunRequest& before, const ProjectionRunRequest& after, const JsonDiffOptions& options);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progress(qint64 eventsRead);
    void ran(const EventScope::ProjectionRunOutput& output);
    void compared(const EventScope::ProjectionCompareOutput& output);
    void failed(const EventScope::StoreError& error);

private:
    std::shared_ptr<std::atomic<bool>> begin();
    void postFailure(
        const QPointer<QObject>& guard, const std::shared_ptr<std::atomic<bool>>& cancel, const StoreError& error);

    std::shared_ptr<StoreConnector> m_connector;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_running = false;
};

} // namespace EventScope
