#include "projectionrunsession.h"

#include "parallelprojectionrunner.h"

#include <core/jobs/mainthread.h>

#include <QElapsedTimer>

#include <thread>

namespace EventScope {

namespace {

ProjectionEngine::Limits limitsOf(const ProjectionRunRequest& request)
{
    ProjectionEngine::Limits limits;
    limits.allowConsole = request.allowConsole;
    return limits;
}

// A compile fault as the results of a run that read nothing.
ProjectionResults faultedAtStart(ProjectionFault fault)
{
    ProjectionResults results;
    results.outcome.fault = std::move(fault);
    return results;
}

} // namespace

ProjectionRunSession::ProjectionRunSession(std::shared_ptr<StoreConnector> connector, QObject* parent)
    : QObject(parent)
    , m_connector(std::move(connector))
{
    qRegisterMetaType<EventScope::ProjectionRunOutput>();
    qRegisterMetaType<EventScope::ProjectionCompareOutput>();
    qRegisterMetaType<EventScope::StoreError>();
}

ProjectionRunSession::~ProjectionRunSession()
{
    cancel();
}

std::shared_ptr<std::atomic<bool>> ProjectionRunSession::begin()
{
    cancel();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_running = true;
    return m_cancel;
}

void ProjectionRunSession::run(const ProjectionRunRequest& request)
{
    const QPointer<QObject> guard(this);
    std::thread([this, guard, connector = m_connector, cancel = begin(), request] {
        QElapsedTimer timer;
        timer.start();
        const auto fail = [&](const StoreError& error) { postFailure(guard, cancel, error); };
        Result<std::unique_ptr<EventStore>> store = connector->connect();
        if (!store)
            return fail(store.error());
        ProjectionRunOutput output;
        ProjectionEngine engine(limitsOf(request));
        if (auto fault = engine.compile(request.script, request.fileName))
            output.results = faultedAtStart(std::move(*fault));
        else {
            ParallelProjectionRunner::Sink sink;
            sink.emitted = [&output](const EmittedEvent& event) {
                if (++output.emittedTotal <= ProjectionRunOutput::kMaxListed)
                    output.emitted.append(event);
            };
            sink.logged = [&output](const QString& line) {
                if (++output.logTotal <= ProjectionRunOutput::kMaxListed)
                    output.log.append(line);
            };
            sink.restart = [&output] {
                output.emitted.clear();
                output.log.clear();
                output.emittedTotal = output.logTotal = 0;
            };
            sink.progress = [&](qint64 read) {
                if (cancel->load())
                    return false;
                postToMainThread(guard, [this, cancel, read] {
                    if (!cancel->load())
                        emit progress(read);
                });
                return true;
            };
            ParallelProjectionRunner::Settings settings;
            settings.threads = request.threads;
            settings.limitEvents = request.limitEvents;
            settings.cancel = cancel.get();
            settings.limits = limitsOf(request);
            Result<ProjectionResults> results = ParallelProjectionRunner::run(
                **store, engine, request.script, request.fileName, request.scope, settings, sink);
            if (!results)
                return fail(results.error());
            output.results = std::move(*results);
        }
        output.seconds = double(timer.nsecsElapsed()) / 1e9;
        postToMainThread(guard, [this, cancel, output = std::move(output)] {
            if (cancel->load())
                return; // a newer run, or cancelled: nobody waits for this one
            m_running = false;
            emit ran(output);
        });
    }).detach();
}

void ProjectionRunSession::compare(
    const ProjectionRunRequest& before, const ProjectionRunRequest& after, const JsonDiffOptions& options)
{
    const QPointer<QObject> guard(this);
    std::thread([this, guard, connector = m_connector, cancel = begin(), before, after, options] {
        QElapsedTimer timer;
        timer.start();
        const auto fail = [&](const StoreError& error) { postFailure(guard, cancel, error); };
        Result<std::unique_ptr<EventStore>> store = connector->connect();
        if (!store)
            return fail(store.error());
        ProjectionCompareOutput output;
        ProjectionEngine first(limitsOf(before));
        ProjectionEngine second(limitsOf(after));
        auto firstFault = first.compile(before.script, before.fileName);
        auto secondFault = second.compile(after.script, after.fileName);
        if (firstFault || secondFault) {
            if (firstFault)
                output.before = faultedAtStart(std::move(*firstFault));
            if (secondFault)
                output.after = faultedAtStart(std::move(*secondFault));
        } else {
            ParallelProjectionRunner::Settings settings;
            settings.limitEvents = before.limitEvents;
            settings.cancel = cancel.get();
            settings.threads = before.threads;
            settings.limits = limitsOf(before);
            const auto progressed = [&](qint64 read) {
                postToMainThread(guard, [this, cancel, read] {
                    if (!cancel->load())
                        emit progress(read);
                });
                return !cancel->load();
            };
            auto results = ParallelProjectionRunner::runTogether(**store,
                { { &first, before.script, before.fileName }, { &second, after.script, after.fileName } }, before.scope,
                settings, progressed);
            if (!results)
                return fail(results.error());
            output.eventsRead = results->eventsRead;
            output.before = std::move(results->results[0]);
            output.after = std::move(results->results[1]);
            if (!output.before.outcome.fault && !output.after.outcome.fault)
                output.comparison = ProjectionComparison::of(output.before, output.after, options);
        }
        output.seconds = double(timer.nsecsElapsed()) / 1e9;
        postToMainThread(guard, [this, cancel, output = std::move(output)] {
            if (cancel->load())
                return;
            m_running = false;
            emit compared(output);
        });
    }).detach();
}

void ProjectionRunSession::postFailure(
    const QPointer<QObject>& guard, const std::shared_ptr<std::atomic<bool>>& cancel, const StoreError& error)
{
    // Called on the run's thread; `this` is used only on the main thread, once `guard` says it is still there.
    postToMainThread(guard, [this, cancel, error] {
        if (cancel->load())
            return;
        m_running = false;
        emit failed(error);
    });
}

void ProjectionRunSession::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
    m_running = false;
}

} // namespace EventScope
