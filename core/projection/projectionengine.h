#pragma once

#include "emittedevent.h"
#include "projectiondefinition.h"
#include "projectionfault.h"

#include <core/model/event.h>

#include <QBitArray>
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>
#include <variant>

namespace EventScope {

class ProjectionRuntime;

// Runs one projection (the KurrentDB projection language, or the plain reducer form) over events fed to it, keeping
// what the server keeps: a state per partition as JSON text, the shared state of a bi-state projection, results,
// emitted events and log lines. It owns one V8 isolate (the JavaScript of ES2022, as V8 10.2 runs it) under its own
// limits of time and memory; run one engine per thread to fold disjoint partitions in parallel. An engine may move
// between threads but is used by one at a time.
class ProjectionEngine
{
public:
    struct Limits
    {
        // The server's default ProjectionExecutionTimeout, per event; its compile budget is twice that.
        std::chrono::milliseconds callBudget { 250 };
        std::chrono::milliseconds compileBudget { 500 };
        qint64 heapBytes = qint64(1) << 30; // the engine's JavaScript heap (and ArrayBuffers), past which a call stops
        qint64 stateBytes = qint64(256) << 20; // JSON text of all states together
        bool allowConsole = false; // console.log as an extension (the server faults); see docs/projections.md
    };

    // How an event's body reaches the script after the server's content-type validation (docs/projections.md,
    // "Which events a projection sees"); nullopt: it never does, whatever its type.
    enum class BodyCheck : quint8 {
        NotJson, // `isJson` false, `body` undefined
        Json,
        JsonFaulting, // passed only the lenient check: reading `body` throws
    };
    static std::optional<BodyCheck> checkBody(const Event& event);

    // A body larger than this never reaches the script (a JavaScript string holds at most 2^29 - 24 characters).
    static constexpr qint64 kMaxPayloadBytes = qint64(256) << 20;

    explicit ProjectionEngine(Limits limits);
    ProjectionEngine();
    ~ProjectionEngine();
    ProjectionEngine(const ProjectionEngine&) = delete;
    ProjectionEngine& operator=(const ProjectionEngine&) = delete;

    // Runs the script's top level and checks what it declared. `fileName` names the script in messages and stack
    // traces. Returns the fault when the server would refuse to start the projection. Call once per engine.
    std::optional<ProjectionFault> compile(const QString& script, const QString& fileName);
    bool isCompiled() const { return m_compiled; }
    const ProjectionDefinition& definition() const { return m_definition; }

    // Feeds one event: picks its partition, runs $init/$created/the handler, stores the state, computes the
    // result. Events the projection does not receive (other types, no partition, a JSON body the server's validation
    // refuses) are skipped. On a fault the stored states stay as they were before this event, and the engine stays
    // usable.
    std::optional<ProjectionFault> process(const Event& event);

    // Many events in one call into the script, which is what makes a run fast. Per event (all optional):
    // `reloadBefore` reloads its partition's state from the stored text first (see reloadStateBeforeNextEvent), and
    // `partitionKeys` gives its partition, chosen by another engine's partitionBy (partitionKeysOf).
    struct Batch
    {
        QList<Event> events;
        QBitArray reloadBefore;
        QList<std::optional<QString>> partitionKeys; // for a partitionBy projection dealt by key; nullopt: skipped
        QList<BodyCheck> checkedBodies; // checkBody() of each event, when the caller ran it already
    };
    struct BatchOutcome
    {
        qsizetype processed = 0; // events fed before the fault (all of them when there is none)
        std::optional<ProjectionFault> fault;
        QBitArray delivered; // which events reached a handler with a partition (false after `processed`)
    };
    BatchOutcome processBatch(Batch batch);

    // For a partitionBy projection: the partition of each event (nullopt: the event is skipped), without folding
    // anything, so that events can be dealt to engines by partition. A fault stops at its event (`processed`).
    struct Keys
    {
        QList<std::optional<QString>> keys;
        qsizetype processed = 0;
        std::optional<ProjectionFault> fault;
    };
    Keys partitionKeysOf(const QList<Event>& events);

    qint64 eventsDelivered() const { return m_delivered; }

    // Partitions in the order of their first event ("" is the root). The shared state of a bi-state
    // projection is not a partition here, see sharedStateJson().
    QStringList partitions() const;
    // The stored JSON text; nullopt when the partition has no state (never initialised, or null).
    std::optional<QByteArray> stateJson(const QString& partition) const;
    std::optional<QByteArray> resultJson(const QString& partition) const;
    std::optional<QByteArray> sharedStateJson() const;
    // Which code applied the partition's last event: an index into definition().handlers; nullopt when no handler
    // did (its body became the state) or no event reached it.
    std::optional<int> lastHandler(const QString& partition) const;

    // Restores a checkpoint: the stored state of a partition (nullopt: no state, $init runs on its next
    // event). The next event reloads its state from this text, as after a partition switch.
    void setStateJson(const QString& partition, const std::optional<QByteArray>& json);
    void setResultJson(const QString& partition, const std::optional<QByteArray>& json);
    void setSharedStateJson(const std::optional<QByteArray>& json);
    // The next event reloads its partition's state from its stored text even when the previous event had the same
    // partition: an engine that folds some of the partitions uses this to load states exactly where the one engine
    // folding all of them would (after another partition's event, the state is parsed from text, so a Date in it
    // becomes {}).
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
    // The same, each with the index (in its batch) of the event it came from, for a caller that merges the output of
    // several engines back into event order. -1: written outside any event.
    struct TaggedOutput
    {
        QList<std::pair<qsizetype, EmittedEvent>> emitted;
        QList<std::pair<qsizetype, QString>> log;
    };
    TaggedOutput takeTaggedOutput();
    // Whether emitted events or log lines may be waiting: false means that a take would return nothing new, so a
    // caller can skip the calls into JavaScript.
    bool hasOutput() const { return m_hasOutput; }

private:
    Limits m_limits;
    std::unique_ptr<ProjectionRuntime> d;
    ProjectionDefinition m_definition;
    QString m_fileName;
    bool m_compiled = false;
    qint64 m_delivered = 0;
    bool m_hasOutput = false;
};

} // namespace EventScope
