#pragma once

// The projection runtime (projectionruntime.js) loaded in its own V8 isolate, and what the engine needs to talk to
// it: the control and info arrays they share, the runtime's API functions, and how a failed call becomes a fault.
// Internal to the projection engine; include only from its sources.

#include "projectionengine.h"

#include <core/javascript/scriptisolate.h>

#include <QHash>

#include <v8.h>

#include <memory>

namespace EventScope {

class EventObjects;

namespace Runtime {

// The Int32Array shared with projectionruntime.js (its kProgress, kCreatedPhase, kRunning, kOutput).
enum ControlSlot { kProgress, kCreatedPhase, kRunning, kOutput, kControlSize };
// What control[kRunning] holds besides a typed handler's index (projectionruntime.js).
constexpr int kRunsNothing = -1;
constexpr int kRunsAny = -10;
constexpr int kRunsInit = -11;
constexpr int kRunsInitShared = -12;
constexpr int kRunsCreated = -13;
constexpr int kRunsPartitionBy = -14;
constexpr int kRunsPredicate = -20;
// Per event of a batch: flags, typed handler, index in the caller's batch (projectionruntime.js's processBatch).
constexpr int kInfoStride = 3;
constexpr int kReloadFlag = 1;
constexpr int kKeyFlag = 2;
constexpr int kDeliveredFlag = 4;

// The runtime's name in stack traces, which tells its frames from the user's.
inline constexpr char kRuntimeName[] = "eventscope-projection-runtime.js";

QByteArray readSource();
v8::Local<v8::String> name(v8::Isolate* isolate, const char* text);
v8::Local<v8::Value> property(v8::Local<v8::Context> context, v8::Local<v8::Object> object, const char* key);
bool boolean(v8::Local<v8::Context> context, v8::Local<v8::Object> object, const char* key);
QStringList stringList(v8::Local<v8::Context> context, v8::Local<v8::Value> value);

} // namespace Runtime

// One engine's isolate with the runtime in it. Its fields are the engine's to use directly: this class holds what the
// engine and the runtime share and the steps every call into the script repeats, not a policy of its own.
class ProjectionRuntime
{
public:
    explicit ProjectionRuntime(const ProjectionEngine::Limits& limits);
    ~ProjectionRuntime();
    ProjectionRuntime(const ProjectionRuntime&) = delete;
    ProjectionRuntime& operator=(const ProjectionRuntime&) = delete;

    // A function of the runtime's API; empty when it has none of that name.
    v8::Local<v8::Function> apiFunction(const char* key);
    // Calls a function of the runtime's API that runs no user code (no budget, no fault expected).
    v8::Local<v8::Value> callApi(const char* key, std::initializer_list<v8::Local<v8::Value>> arguments = {});
    // The batch's info array (kInfoStride Int32 per event), grown when a batch is larger than any before.
    v8::Local<v8::Int32Array> infoFor(int events);

    // The fault of a call into the script that failed: stopped for time or memory (at the line of the function
    // that was running, `running` as control[kRunning] said), or an exception (at its line in `scriptId`'s script).
    ProjectionFault faultOf(v8::TryCatch& tryCatch, ScriptIsolate::Stop stop, std::chrono::milliseconds budget,
        int scriptId, int running, const QString& fileName) const;
    // After a failed call: the runtime forgets the event's half-done work (its emits, the live state).
    void abortCall(v8::TryCatch& tryCatch);
    // The runtime's takeEmits() and takeLog() arrays as C++, each item with the index of its event in its batch.
    ProjectionEngine::TaggedOutput takeOutput(bool emits, bool log);

    // The 1-based line of the function that control[kRunning] names; 0 when unknown.
    int lineOfRunning(int running) const;
    // Where a function written in the user's script is (line and column 0 for one that is not: a built-in, the
    // runtime's).
    ProjectionDefinition::Function locate(const QString& name, v8::Local<v8::Value> value) const;
    // The line in `scriptId` (the user's script, or the predicate's) where an error comes from.
    std::optional<int> lineIn(v8::Local<v8::Message> message, v8::Local<v8::Value> exception, int scriptId) const;

    ScriptIsolate isolate;
    std::unique_ptr<EventObjects> events;
    std::shared_ptr<v8::BackingStore> control;
    std::int32_t* controlData = nullptr;
    std::shared_ptr<v8::BackingStore> info;
    std::int32_t* infoData = nullptr;
    int infoCapacity = 0;
    v8::Global<v8::Int32Array> infoArray;
    v8::Global<v8::Object> api;
    v8::Global<v8::Function> processBatch, partitionKeys, testPredicate, abort, takeEmits, takeLog, predicate;
    v8::Global<v8::String> rootKey;
    int userScriptId = -1;
    int predicateScriptId = -1;
    QString predicateFileName;
    QHash<QString, int> handlerIndex; // event type -> index of its typed handler
    QList<int> typedLines;
    int anyLine = 0, initLine = 0, initSharedLine = 0, createdLine = 0, partitionByLine = 0;
};

} // namespace EventScope
