#pragma once

#include "emittedevent.h"
#include "projectiondefinition.h"
#include "projectionfault.h"

#include <core/model/event.h>

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>
#include <variant>

class QJSEngine;
class QJSValue;

namespace EventScope {

class ProjectionWatchdog;
class ScriptValueBuilder;

// Runs one projection (the KurrentDB projection language, or the plain reducer form) over events fed to it
// one at a time, keeping what the server keeps: a state per partition as JSON text, the shared state of a
// bi-state projection, results, emitted events and log lines. It owns one QJSEngine and belongs to the
// thread that created it; run one engine per thread to fold disjoint partitions in parallel.
class ProjectionEngine
{
public:
    struct Limits
    {
        // The server's default ProjectionExecutionTimeout; its compile budget is twice that.
        std::chrono::milliseconds callBudget { 250 };
        std::chrono::milliseconds compileBudget { 500 };
        qint64 memoryGrowthBytes = qint64(1) << 30; // resident memory a call may add before it is stopped
        qint64 stateBytes = qint64(256) << 20; // JSON text of all states together
        bool allowConsole = false; // console.log as an extension (the server faults); see docs/projections.md
    };

    explicit ProjectionEngine(Limits limits);
    ProjectionEngine();
    ~ProjectionEngine();
    ProjectionEngine(const ProjectionEngine&) = delete;
    ProjectionEngine& operator=(const ProjectionEngine&) = delete;

    // Runs the script's top level and checks what it declared. `fileName` is used in messages only.
    // Returns the fault when the server would refuse to start the projection. Call once per engine.
    std::optional<ProjectionFault> compile(const QString& script, const QString& fileName);
    bool isCompiled() const { return m_compiled; }
    const ProjectionDefinition& definition() const { return m_definition; }

    // Feeds one event: picks its partition, runs $init/$created/the handler, stores the state, computes the
    // result. Events the projection does not receive (other types, no partition) are skipped. On a fault the
    // stored states stay as they were before this event, and the engine stays usable.
    std::optional<ProjectionFault> process(const Event& event);
    qint64 eventsDelivered() const { return m_delivered; }

    // Partitions in the order of their first event ("" is the root). The shared state of a bi-state
    // projection is not a partition here, see sharedStateJson().
    QStringList partitions() const;
    // The stored JSON text; nullopt when the partition has no state (never initialised, or null).
    std::optional<QByteArray> stateJson(const QString& partition) const;
    std::optional<QByteArray> resultJson(const QString& partition) const;
    std::optional<QByteArray> sharedStateJson() const;

    // Restores a checkpoint: the stored state of a partition (nullopt: no state, $init runs on its next
    // event). The next event reloads its state from this text, as after a partition switch.
    void setStateJson(const QString& partition, const std::optional<QByteArray>& json);
    void setResultJson(const QString& partition, const std::optional<QByteArray>& json);
    void setSharedStateJson(const std::optional<QByteArray>& json);
    // The next event reloads its partition's state from its stored text even when the previous event had the same
    // partition. A QJSEngine object that lost a key and got it back keeps its old place, while the text puts it last
    // (as V8 does): an engine that folds some of the partitions uses this to load states exactly where the one
    // engine folding all of them would (after another partition's event).
    void reloadStateBeforeNextEvent();
    // Forgets every state, result, emitted event and log line; the compiled definition stays.
    void resetState();

    // Time travel's "find first where": a JavaScript function of a state (`s => s.balance < 0`), compiled in this
    // engine beside the projection. `fileName` names it in faults. Replaces the previous predicate.
    std::optional<ProjectionFault> setPredicate(const QString& source, const QString& fileName);
    // Calls the predicate on a state given as JSON text (nullopt: null) under the call budget: whether the result
    // is truthy, or the fault when it threw or ran too long.
    std::variant<bool, ProjectionFault> testPredicate(const std::optional<QByteArray>& stateJson);

    // What the script emitted and logged since the last take, in order.
    QList<EmittedEvent> takeEmitted();
    QStringList takeLog();
    // Whether emitted events or log lines may be waiting after the last process() call: false means that a take
    // would return nothing new, so a caller that tags output with its event can skip two calls into JavaScript.
    bool hasOutput() const { return m_hasOutput; }

private:
    std::optional<ProjectionFault> faultFrom(const QJSValue& error, const Event* event, int reason);
    std::optional<int> lineOfHandler(const QString& eventType) const;
    std::optional<QByteArray> textOf(const QJSValue& value) const;

    Limits m_limits;
    std::unique_ptr<QJSEngine> m_engine;
    std::unique_ptr<ProjectionWatchdog> m_watchdog;
    std::unique_ptr<ScriptValueBuilder> m_builder;
    std::unique_ptr<QJSValue> m_api;
    std::unique_ptr<QJSValue> m_processFunction;
    std::unique_ptr<QJSValue> m_predicate;
    QString m_predicateFileName;
    ProjectionDefinition m_definition;
    QSet<QString> m_handledTypes; // m_definition.handledEventTypes, for the filter in process()
    QString m_script;
    QString m_fileName;
    bool m_compiled = false;
    qint64 m_delivered = 0;
    bool m_hasOutput = false;
};

} // namespace EventScope
