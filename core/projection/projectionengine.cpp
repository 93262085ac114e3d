#include "projectionengine.h"

#include "eventobjects.h"
#include "jsonbodycheck.h"

#include <core/javascript/scriptisolate.h>

#include <QFile>
#include <QHash>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

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
constexpr char kRuntimeName[] = "eventscope-projection-runtime.js";

QByteArray readRuntime()
{
    QFile file(u":/eventscope/projection/projectionruntime.js"_s);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

v8::Local<v8::String> name(v8::Isolate* isolate, const char* text)
{
    return v8::String::NewFromUtf8(isolate, text, v8::NewStringType::kInternalized).ToLocalChecked();
}

v8::Local<v8::Value> property(v8::Local<v8::Context> context, v8::Local<v8::Object> object, const char* key)
{
    return object->Get(context, name(context->GetIsolate(), key)).FromMaybe(v8::Local<v8::Value>());
}

bool boolean(v8::Local<v8::Context> context, v8::Local<v8::Object> object, const char* key)
{
    const v8::Local<v8::Value> value = property(context, object, key);
    return !value.IsEmpty() && value->BooleanValue(context->GetIsolate());
}

QStringList stringList(v8::Local<v8::Context> context, v8::Local<v8::Value> value)
{
    QStringList list;
    if (value.IsEmpty() || !value->IsArray())
        return list;
    const v8::Local<v8::Array> array = value.As<v8::Array>();
    for (uint32_t i = 0; i < array->Length(); ++i)
        list.append(toQString(context->GetIsolate(), array->Get(context, i).ToLocalChecked()));
    return list;
}

// How an event's body reaches the script, or nullopt when it does not (the server's content-type validation).
std::optional<BodyKind> bodyKindOf(const Event& event)
{
    if (event.data.size() > ProjectionEngine::kMaxPayloadBytes
        || event.metadata.size() > ProjectionEngine::kMaxPayloadBytes)
        return std::nullopt;
    const auto flaggedJson = [](const QByteArray& data) -> std::optional<BodyKind> {
        switch (checkJsonBody(data)) {
        case JsonBodyCheck::Strict:
            return BodyKind::Json;
        case JsonBodyCheck::Lenient:
            return BodyKind::JsonFaulting;
        case JsonBodyCheck::Invalid:
            break;
        }
        return std::nullopt;
    };
    switch (event.dataFormat) {
    case DataFormat::Json:
        return flaggedJson(event.data);
    case DataFormat::Bytes:
        return BodyKind::NotJson;
    case DataFormat::Unknown:
        break;
    }
    if (event.data.isEmpty())
        return BodyKind::NotJson;
    if (looksLikeJsonDocument(event.data))
        return flaggedJson(event.data);
    return checkJsonBody(event.data) == JsonBodyCheck::Strict ? BodyKind::Json : BodyKind::NotJson;
}

} // namespace

class ProjectionEngine::Private
{
public:
    explicit Private(const Limits& limits)
        : isolate(limits.heapBytes)
    {
        ScriptIsolate::Scope scope(isolate);
        v8::Isolate* v8 = isolate.isolate();
        control = v8::ArrayBuffer::NewBackingStore(v8, kControlSize * sizeof(std::int32_t));
        controlData = static_cast<std::int32_t*>(control->Data());
        std::fill_n(controlData, int(kControlSize), 0);
        controlData[kRunning] = kRunsNothing;
        events = std::make_unique<EventObjects>(v8, isolate.context(), &controlData[kCreatedPhase]);
        rootKey.Reset(v8, v8::String::Empty(v8));
    }

    ~Private()
    {
        v8::Locker locker(isolate.isolate());
        v8::Isolate::Scope isolateScope(isolate.isolate());
        v8::HandleScope handles(isolate.isolate());
        events.reset();
        for (v8::Global<v8::Function>* function :
            { &processBatch, &partitionKeys, &testPredicate, &abort, &takeEmits, &takeLog, &predicate })
            function->Reset();
        api.Reset();
        infoArray.Reset();
        rootKey.Reset();
    }

    v8::Local<v8::Function> apiFunction(const char* key)
    {
        const v8::Local<v8::Value> value = property(isolate.context(), api.Get(isolate.isolate()), key);
        return value.IsEmpty() || !value->IsFunction() ? v8::Local<v8::Function>() : value.As<v8::Function>();
    }

    // Calls a function of the runtime's API that runs no user code (no budget, no fault expected).
    v8::Local<v8::Value> callApi(const char* key, std::initializer_list<v8::Local<v8::Value>> arguments = {})
    {
        const v8::Local<v8::Function> function = apiFunction(key);
        if (function.IsEmpty())
            return {};
        std::vector<v8::Local<v8::Value>> argv(arguments);
        v8::TryCatch tryCatch(isolate.isolate());
        return function->Call(isolate.context(), v8::Undefined(isolate.isolate()), int(argv.size()), argv.data())
            .FromMaybe(v8::Local<v8::Value>());
    }

    // The batch's info array (kInfoStride Int32 per event), grown when a batch is larger than any before.
    v8::Local<v8::Int32Array> infoFor(int events)
    {
        v8::Isolate* v8 = isolate.isolate();
        if (events > infoCapacity) {
            infoCapacity = std::max(events, 256);
            info = v8::ArrayBuffer::NewBackingStore(v8, size_t(infoCapacity) * kInfoStride * sizeof(std::int32_t));
            infoData = static_cast<std::int32_t*>(info->Data());
            const v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(v8, info);
            infoArray.Reset(v8, v8::Int32Array::New(buffer, 0, size_t(infoCapacity) * kInfoStride));
        }
        return infoArray.Get(v8);
    }

    int lineOfRunning(int running) const
    {
        if (running >= 0 && running < typedLines.size())
            return typedLines.at(running);
        switch (running) {
        case kRunsAny:
            return anyLine;
        case kRunsInit:
            return initLine;
        case kRunsInitShared:
            return initSharedLine;
        case kRunsCreated:
            return createdLine;
        case kRunsPartitionBy:
            return partitionByLine;
        default:
            return 0;
        }
    }

    // The 1-based line of a function written in the user's script; 0 for one that is not (a built-in, the runtime's).
    ProjectionDefinition::Function locate(const QString& name, v8::Local<v8::Value> value) const
    {
        ProjectionDefinition::Function function { name, 0, 0 };
        if (value.IsEmpty() || !value->IsFunction())
            return function;
        const v8::Local<v8::Function> f = value.As<v8::Function>();
        if (f->ScriptId() != userScriptId || f->GetScriptLineNumber() == v8::Function::kLineOffsetNotFound)
            return function;
        function.line = f->GetScriptLineNumber() + 1;
        function.column = f->GetScriptColumnNumber() + 1;
        return function;
    }

    // The line in `scriptId` (the user's script, or the predicate's) where an error comes from: where it was thrown
    // when that is in the script, else the script's first frame on the stack (an error the runtime raised for a
    // call the script made, such as emit() with a bad body). The message's own line comes first because a stack
    // captured at a stack overflow has no source positions (its frames all say line 1).
    std::optional<int> lineIn(v8::Local<v8::Message> message, v8::Local<v8::Value> exception, int scriptId) const
    {
        v8::Isolate* v8 = isolate.isolate();
        if (!message.IsEmpty() && message->GetScriptOrigin().ScriptId() == scriptId) {
            const int line = message->GetLineNumber(isolate.context()).FromMaybe(0);
            if (line > 0)
                return line;
        }
        v8::Local<v8::StackTrace> trace;
        if (!exception.IsEmpty())
            trace = v8::Exception::GetStackTrace(exception);
        if (trace.IsEmpty() && !message.IsEmpty())
            trace = message->GetStackTrace();
        if (!trace.IsEmpty()) {
            for (int i = 0; i < trace->GetFrameCount(); ++i) {
                const v8::Local<v8::StackFrame> frame = trace->GetFrame(v8, i);
                if (frame->GetScriptId() == scriptId && frame->GetLineNumber() > 0)
                    return frame->GetLineNumber();
            }
        }
        return std::nullopt;
    }

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

QString ProjectionFault::toString() const
{
    QString text = fileName;
    if (line)
        text += u':' + QString::number(*line);
    text += (text.isEmpty() ? QString() : u": "_s) + message;
    if (event)
        text += u" (event %1@%2)"_s.arg(event->version).arg(event->stream);
    return text;
}

ProjectionEngine::ProjectionEngine()
    : ProjectionEngine(Limits {})
{ }

ProjectionEngine::ProjectionEngine(Limits limits)
    : m_limits(limits)
    , d(std::make_unique<Private>(limits))
{ }

ProjectionEngine::~ProjectionEngine() = default;

std::optional<ProjectionEngine::BodyCheck> ProjectionEngine::checkBody(const Event& event)
{
    const std::optional<BodyKind> kind = bodyKindOf(event);
    if (!kind)
        return std::nullopt;
    switch (*kind) {
    case BodyKind::NotJson:
        return BodyCheck::NotJson;
    case BodyKind::Json:
        return BodyCheck::Json;
    case BodyKind::JsonFaulting:
        return BodyCheck::JsonFaulting;
    }
    return std::nullopt;
}

namespace {

// The natives the runtime gets (projectionruntime.js's header comment).
void isScriptFunction(const v8::FunctionCallbackInfo<v8::Value>& info)
{
    const int scriptId = info.Data().As<v8::Int32>()->Value();
    info.GetReturnValue().Set(
        info.Length() > 0 && info[0]->IsFunction() && info[0].As<v8::Function>()->ScriptId() == scriptId);
}

void setPartition(const v8::FunctionCallbackInfo<v8::Value>& info)
{
    if (info.Length() >= 2 && info[0]->IsObject())
        EventObjects::setPartition(info[0].As<v8::Object>(), info[1]);
}

} // namespace

std::optional<ProjectionFault> ProjectionEngine::compile(const QString& script, const QString& fileName)
{
    const auto startFault = [&fileName](const QString& message) {
        return ProjectionFault { ProjectionFault::Kind::Script, message, std::nullopt, std::nullopt, fileName };
    };
    if (!d->api.IsEmpty())
        return startFault(u"This engine already compiled a projection; create a new engine for another one"_s);
    m_fileName = fileName;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    v8::TryCatch tryCatch(isolate);

    // The runtime first: it defines the globals the script's top level calls.
    const QByteArray runtimeText = readRuntime();
    v8::ScriptOrigin runtimeOrigin(isolate, name(isolate, kRuntimeName));
    v8::Local<v8::Script> runtime;
    v8::Local<v8::Value> factory;
    if (!v8::Script::Compile(context, toV8(isolate, runtimeText), &runtimeOrigin).ToLocal(&runtime)
        || !runtime->Run(context).ToLocal(&factory) || !factory->IsFunction())
        return startFault(u"The projection runtime did not load: %1"_s.arg(toQString(isolate, tryCatch.Exception())));

    // Compiled before the runtime runs, so that isScriptFunction knows the script's id.
    v8::ScriptOrigin origin(isolate, toV8(isolate, fileName));
    v8::Local<v8::Script> compiled;
    if (!v8::Script::Compile(context, toV8(isolate, script), &origin).ToLocal(&compiled)) {
        ProjectionFault fault = startFault(toQString(isolate, tryCatch.Exception()));
        const v8::Local<v8::Message> message = tryCatch.Message();
        if (!message.IsEmpty())
            fault.line = message->GetLineNumber(context).FromMaybe(0) > 0
                ? std::optional<int>(message->GetLineNumber(context).FromJust())
                : std::nullopt;
        return fault;
    }
    d->userScriptId = compiled->GetUnboundScript()->GetId();

    const v8::Local<v8::Object> natives = v8::Object::New(isolate);
    const v8::Local<v8::ArrayBuffer> controlBuffer = v8::ArrayBuffer::New(isolate, d->control);
    natives->Set(context, name(isolate, "control"), v8::Int32Array::New(controlBuffer, 0, kControlSize)).Check();
    natives->Set(context, name(isolate, "allowConsole"), v8::Boolean::New(isolate, m_limits.allowConsole)).Check();
    natives->Set(context, name(isolate, "eventPrototype"), d->events->prototype(context)).Check();
    natives
        ->Set(context, name(isolate, "isScriptFunction"),
            v8::Function::New(context, &isScriptFunction, v8::Integer::New(isolate, d->userScriptId)).ToLocalChecked())
        .Check();
    natives->Set(context, name(isolate, "setPartition"), v8::Function::New(context, &setPartition).ToLocalChecked())
        .Check();
    v8::Local<v8::Value> factoryArguments[] = { context->Global(), natives };
    v8::Local<v8::Value> api;
    if (!factory.As<v8::Function>()->Call(context, v8::Undefined(isolate), 2, factoryArguments).ToLocal(&api)
        || !api->IsObject())
        return startFault(u"The projection runtime did not start: %1"_s.arg(toQString(isolate, tryCatch.Exception())));
    d->api.Reset(isolate, api.As<v8::Object>());
    for (const auto& [key, function] :
        { std::pair { "processBatch", &d->processBatch }, std::pair { "partitionKeys", &d->partitionKeys },
            std::pair { "testPredicate", &d->testPredicate }, std::pair { "abort", &d->abort },
            std::pair { "takeEmits", &d->takeEmits }, std::pair { "takeLog", &d->takeLog } })
        function->Reset(isolate, d->apiFunction(key));
    d->callApi("setStateByteLimit", { v8::Number::New(isolate, double(m_limits.stateBytes)) });

    // The script's top level, under the compile budget.
    d->isolate.callStarted(m_limits.compileBudget);
    v8::Local<v8::Value> completion;
    const bool ran = compiled->Run(context).ToLocal(&completion);
    const ScriptIsolate::Stop stop = d->isolate.callFinished();
    if (!ran || stop != ScriptIsolate::Stop::None) {
        ProjectionFault fault = startFault(QString());
        if (stop == ScriptIsolate::Stop::Timeout) {
            fault.kind = ProjectionFault::Kind::Timeout;
            fault.message = u"The script ran longer than %1 ms and was stopped"_s.arg(m_limits.compileBudget.count());
        } else if (stop == ScriptIsolate::Stop::Memory) {
            fault.kind = ProjectionFault::Kind::Memory;
            fault.message
                = u"The script used more than %1 MiB of memory and was stopped"_s.arg(d->isolate.heapBytes() >> 20);
        } else {
            fault.message = toQString(isolate, tryCatch.Exception());
            fault.line = d->lineIn(tryCatch.Message(), tryCatch.Exception(), d->userScriptId);
        }
        return fault;
    }

    v8::Local<v8::Value> finish[] = { completion };
    v8::Local<v8::Value> declaredValue;
    if (!d->apiFunction("finishDeclaration")
             ->Call(context, v8::Undefined(isolate), 1, finish)
             .ToLocal(&declaredValue)) {
        ProjectionFault fault = startFault(toQString(isolate, tryCatch.Exception()));
        fault.line = d->lineIn(tryCatch.Message(), tryCatch.Exception(), d->userScriptId);
        return fault;
    }
    const v8::Local<v8::Object> declared = declaredValue.As<v8::Object>();
    ProjectionDefinition& definition = m_definition;
    definition.form = boolean(context, declared, "reducer") ? ProjectionDefinition::Form::Reducer
                                                            : ProjectionDefinition::Form::Projection;
    definition.streams = stringList(context, property(context, declared, "streams"));
    definition.categories = stringList(context, property(context, declared, "categories"));
    if (definition.form == ProjectionDefinition::Form::Reducer)
        definition.source = ProjectionDefinition::Source::Unspecified;
    else if (boolean(context, declared, "all"))
        definition.source = ProjectionDefinition::Source::All;
    else if (!definition.streams.isEmpty())
        definition.source = ProjectionDefinition::Source::Streams;
    else
        definition.source = ProjectionDefinition::Source::Categories;
    definition.foreachStream = boolean(context, declared, "foreachStream");
    definition.partitioned = boolean(context, declared, "partitioned");
    definition.partitionBy = boolean(context, declared, "partitionBy");
    definition.biState = boolean(context, declared, "biState");
    definition.outputState = boolean(context, declared, "outputState");
    definition.definesStateTransform = boolean(context, declared, "definesStateTransform");
    definition.includeLinks = boolean(context, declared, "includeLinks");
    definition.reorderEvents = boolean(context, declared, "reorderEvents");
    definition.processingLagMs = property(context, declared, "processingLag")->Int32Value(context).FromMaybe(0);
    const v8::Local<v8::Value> resultStream = property(context, declared, "resultStreamName");
    definition.resultStreamName = resultStream->IsNullOrUndefined() ? QString() : toQString(isolate, resultStream);
    definition.handledEventTypes = stringList(context, property(context, declared, "handlerTypes"));
    definition.allEvents = boolean(context, declared, "allEvents");
    definition.fileName = fileName;
    const v8::Local<v8::Value> category = property(context, declared, "category");
    d->events->setCategory(category->IsString() ? std::optional(toQString(isolate, category)) : std::nullopt);

    // Where each function is, for "which code ran" and for the line of a time-out.
    const v8::Local<v8::Object> functions = property(context, declared, "functions").As<v8::Object>();
    const v8::Local<v8::Array> typed = property(context, functions, "handlers").As<v8::Array>();
    for (qsizetype i = 0; i < definition.handledEventTypes.size(); ++i) {
        const QString& type = definition.handledEventTypes.at(i);
        definition.handlers.append(d->locate(type, typed->Get(context, uint32_t(i)).ToLocalChecked()));
        d->typedLines.append(definition.handlers.constLast().line);
        d->handlerIndex.insert(type, int(i));
    }
    const v8::Local<v8::Value> any = property(context, functions, "any");
    if (any->IsFunction()) {
        definition.handlers.append(
            d->locate(definition.form == ProjectionDefinition::Form::Reducer ? u"apply"_s : u"$any"_s, any));
        d->anyLine = definition.handlers.constLast().line;
    }
    const struct
    {
        const char* key;
        QString name;
        int* line;
    } others[] = {
        { "init", definition.form == ProjectionDefinition::Form::Reducer ? u"init"_s : u"$init"_s, &d->initLine },
        { "initShared", u"$initShared"_s, &d->initSharedLine },
        { "created", u"$created"_s, &d->createdLine },
        { "partitionBy", u"partitionBy"_s, &d->partitionByLine },
    };
    for (const auto& other : others) {
        const v8::Local<v8::Value> function = property(context, functions, other.key);
        if (!function->IsFunction())
            continue;
        definition.otherFunctions.append(d->locate(other.name, function));
        *other.line = definition.otherFunctions.constLast().line;
    }
    m_compiled = true;
    return std::nullopt;
}

std::optional<ProjectionFault> ProjectionEngine::process(const Event& event)
{
    Batch batch;
    batch.events.append(event);
    BatchOutcome outcome = processBatch(std::move(batch));
    return std::move(outcome.fault);
}

ProjectionEngine::BatchOutcome ProjectionEngine::processBatch(Batch batch)
{
    BatchOutcome outcome;
    const qsizetype count = batch.events.size();
    outcome.delivered.resize(count);
    if (!m_compiled) {
        if (count > 0)
            outcome.fault
                = ProjectionFault { ProjectionFault::Kind::Script, u"The projection is not compiled"_s, std::nullopt,
                      ProjectionFault::EventRef { batch.events.at(0).stream, batch.events.at(0).version }, m_fileName };
        return outcome;
    }

    // What reaches the script: the type filter and the body's validation run here, before anything is converted.
    QList<Event> kept;
    QList<BodyKind> kinds;
    std::vector<int> handlers, original, flags;
    std::vector<std::optional<QString>> keys;
    kept.reserve(count);
    kinds.reserve(count);
    bool reloadPending = false;
    const bool keyed = !batch.partitionKeys.isEmpty();
    for (qsizetype i = 0; i < count; ++i) {
        Event& event = batch.events[i];
        reloadPending = reloadPending || (i < batch.reloadBefore.size() && batch.reloadBefore.testBit(i));
        int handler = -1;
        if (!m_definition.allEvents) {
            const auto found = d->handlerIndex.constFind(event.type);
            if (found == d->handlerIndex.cend())
                continue;
            handler = *found;
        } else if (!m_definition.handledEventTypes.isEmpty()) {
            handler = d->handlerIndex.value(event.type, -1);
        }
        if (keyed && (i >= batch.partitionKeys.size() || !batch.partitionKeys.at(i)))
            continue; // the partitionBy that dealt it skipped it
        std::optional<BodyKind> kind;
        if (i < batch.checkedBodies.size()) {
            const BodyCheck checked = batch.checkedBodies.at(i);
            kind = checked == BodyCheck::Json   ? BodyKind::Json
                : checked == BodyCheck::NotJson ? BodyKind::NotJson
                                                : BodyKind::JsonFaulting;
        } else {
            kind = bodyKindOf(event);
        }
        if (!kind)
            continue;
        int flag = reloadPending ? kReloadFlag : 0;
        reloadPending = false;
        if (keyed) {
            keys.push_back(batch.partitionKeys.at(i));
            flag |= kKeyFlag;
        } else if (!m_definition.partitionBy) {
            flag |= kKeyFlag;
            keys.push_back(std::nullopt); // the stream, or the root: filled below
        } else {
            keys.push_back(std::nullopt);
        }
        handlers.push_back(handler);
        original.push_back(int(i));
        flags.push_back(flag);
        kinds.append(*kind);
        kept.append(std::move(event));
    }
    if (kept.isEmpty()) {
        outcome.processed = count;
        return outcome;
    }

    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    const int keptCount = int(kept.size());
    v8::Local<v8::Object> holder;
    EventBatch* eventBatch = d->events->newBatch(std::move(kept), std::move(kinds), &holder);
    const v8::Local<v8::Int32Array> infoArray = d->infoFor(keptCount);
    std::int32_t* info = d->infoData;
    std::vector<v8::Local<v8::Value>> objects(keptCount), keyValues(keptCount);
    const v8::Local<v8::String> root = d->rootKey.Get(isolate);
    const QString* lastStream = nullptr;
    v8::Local<v8::String> lastStreamKey;
    for (int j = 0; j < keptCount; ++j) {
        const Event& event = eventBatch->events.at(j);
        v8::Local<v8::Value> key;
        if (keys[j]) {
            key = toV8(isolate, *keys[j]);
        } else if ((flags[j] & kKeyFlag) != 0 && m_definition.foreachStream) {
            // Consecutive events of one stream share its string.
            if (!lastStream || *lastStream != event.stream) {
                lastStreamKey = toV8(isolate, event.stream);
                lastStream = &event.stream;
            }
            key = lastStreamKey;
        } else if ((flags[j] & kKeyFlag) != 0) {
            key = root;
        } else {
            key = v8::Undefined(isolate);
        }
        keyValues[j] = key;
        objects[j] = d->events->newEvent(eventBatch, holder, j, key->IsString() ? key : root.As<v8::Value>());
        info[j * kInfoStride] = flags[j];
        info[j * kInfoStride + 1] = handlers[j];
        info[j * kInfoStride + 2] = original[j];
    }
    v8::Local<v8::Value> arguments[] = { v8::Array::New(isolate, objects.data(), objects.size()),
        v8::Array::New(isolate, keyValues.data(), keyValues.size()), infoArray, v8::Integer::New(isolate, keptCount) };

    v8::TryCatch tryCatch(isolate);
    d->controlData[kProgress] = 0;
    d->isolate.callStarted(m_limits.callBudget, &d->controlData[kProgress]);
    const bool ran = !d->processBatch.Get(isolate)->Call(context, v8::Undefined(isolate), 4, arguments).IsEmpty();
    const ScriptIsolate::Stop stop = d->isolate.callFinished();
    int done = keptCount;
    if (!ran || stop != ScriptIsolate::Stop::None) {
        done = std::clamp(d->controlData[kProgress], 0, keptCount - 1);
        const Event& event = eventBatch->events.at(done);
        ProjectionFault fault;
        fault.fileName = m_fileName;
        fault.event = ProjectionFault::EventRef { event.stream, event.version };
        const int running = d->controlData[kRunning];
        if (stop == ScriptIsolate::Stop::Timeout) {
            fault.kind = ProjectionFault::Kind::Timeout;
            fault.message = u"The script ran longer than %1 ms and was stopped"_s.arg(m_limits.callBudget.count());
        } else if (stop == ScriptIsolate::Stop::Memory) {
            fault.kind = ProjectionFault::Kind::Memory;
            fault.message
                = u"The script used more than %1 MiB of memory and was stopped"_s.arg(d->isolate.heapBytes() >> 20);
        } else {
            fault.message = toQString(isolate, tryCatch.Exception());
            fault.line = d->lineIn(tryCatch.Message(), tryCatch.Exception(), d->userScriptId);
        }
        if (stop != ScriptIsolate::Stop::None) {
            const int line = d->lineOfRunning(running);
            fault.line = line > 0 ? std::optional(line) : std::nullopt;
        }
        tryCatch.Reset();
        d->abort.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).IsEmpty();
        outcome.fault = std::move(fault);
        outcome.processed = original[done];
    } else {
        outcome.processed = count;
    }
    for (int j = 0; j < done; ++j) {
        if ((info[j * kInfoStride] & kDeliveredFlag) != 0) {
            outcome.delivered.setBit(original[j]);
            ++m_delivered;
        }
    }
    m_hasOutput = d->controlData[kOutput] != 0;
    return outcome;
}

ProjectionEngine::Keys ProjectionEngine::partitionKeysOf(const QList<Event>& events)
{
    Keys result;
    result.keys.resize(events.size());
    if (!m_compiled || !m_definition.partitionBy) {
        result.processed = events.size();
        return result;
    }
    QList<Event> kept;
    QList<BodyKind> kinds;
    std::vector<int> original;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Event& event = events.at(i);
        if (!m_definition.allEvents && !d->handlerIndex.contains(event.type))
            continue;
        const std::optional<BodyKind> kind = bodyKindOf(event);
        if (!kind)
            continue;
        kept.append(event);
        kinds.append(*kind);
        original.push_back(int(i));
    }
    if (kept.isEmpty()) {
        result.processed = events.size();
        return result;
    }
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    const int keptCount = int(kept.size());
    v8::Local<v8::Object> holder;
    EventBatch* eventBatch = d->events->newBatch(std::move(kept), std::move(kinds), &holder);
    std::vector<v8::Local<v8::Value>> objects(keptCount);
    const v8::Local<v8::String> root = d->rootKey.Get(isolate);
    const v8::Local<v8::Int32Array> infoArray = d->infoFor(keptCount);
    for (int j = 0; j < keptCount; ++j) {
        objects[j] = d->events->newEvent(eventBatch, holder, j, root);
        d->infoData[j * kInfoStride + 2] = original[j];
    }
    v8::Local<v8::Value> arguments[]
        = { v8::Array::New(isolate, objects.data(), objects.size()), infoArray, v8::Integer::New(isolate, keptCount) };
    v8::TryCatch tryCatch(isolate);
    d->controlData[kProgress] = 0;
    d->isolate.callStarted(m_limits.callBudget, &d->controlData[kProgress]);
    v8::Local<v8::Value> keys;
    const bool ran = d->partitionKeys.Get(isolate)->Call(context, v8::Undefined(isolate), 3, arguments).ToLocal(&keys);
    const ScriptIsolate::Stop stop = d->isolate.callFinished();
    if (!ran || stop != ScriptIsolate::Stop::None || !keys->IsArray()) {
        const int done = std::clamp(d->controlData[kProgress], 0, keptCount - 1);
        const Event& event = eventBatch->events.at(done);
        ProjectionFault fault;
        fault.fileName = m_fileName;
        fault.event = ProjectionFault::EventRef { event.stream, event.version };
        if (stop == ScriptIsolate::Stop::Timeout) {
            fault.kind = ProjectionFault::Kind::Timeout;
            fault.message = u"The script ran longer than %1 ms and was stopped"_s.arg(m_limits.callBudget.count());
        } else if (stop == ScriptIsolate::Stop::Memory) {
            fault.kind = ProjectionFault::Kind::Memory;
            fault.message
                = u"The script used more than %1 MiB of memory and was stopped"_s.arg(d->isolate.heapBytes() >> 20);
        } else {
            fault.message = toQString(isolate, tryCatch.Exception());
            fault.line = d->lineIn(tryCatch.Message(), tryCatch.Exception(), d->userScriptId);
        }
        if (stop != ScriptIsolate::Stop::None && d->partitionByLine > 0)
            fault.line = d->partitionByLine;
        tryCatch.Reset();
        d->abort.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).IsEmpty();
        result.fault = std::move(fault);
        result.processed = original[done];
        m_hasOutput = d->controlData[kOutput] != 0;
        return result;
    }
    const v8::Local<v8::Array> array = keys.As<v8::Array>();
    for (int j = 0; j < keptCount; ++j) {
        const v8::Local<v8::Value> key = array->Get(context, uint32_t(j)).ToLocalChecked();
        if (key->IsString())
            result.keys[original[j]] = toQString(isolate, key);
    }
    result.processed = events.size();
    m_hasOutput = d->controlData[kOutput] != 0;
    return result;
}

std::optional<ProjectionFault> ProjectionEngine::setPredicate(const QString& source, const QString& fileName)
{
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    d->predicate.Reset();
    d->predicateFileName = fileName;
    ProjectionFault fault { ProjectionFault::Kind::Script, QString(), std::nullopt, std::nullopt, fileName };
    // Parenthesised so that `function (s) {...}` is an expression; a newline before the closing parenthesis so a
    // trailing // comment does not swallow it.
    v8::TryCatch tryCatch(isolate);
    v8::ScriptOrigin origin(isolate, toV8(isolate, fileName));
    v8::Local<v8::Script> script;
    if (!v8::Script::Compile(context, toV8(isolate, u"("_s + source + u"\n)"_s), &origin).ToLocal(&script)) {
        fault.message = toQString(isolate, tryCatch.Exception());
        const v8::Local<v8::Message> message = tryCatch.Message();
        const int line = message.IsEmpty() ? 0 : message->GetLineNumber(context).FromMaybe(0);
        fault.line = line > 0 ? std::optional(line) : std::nullopt;
        return fault;
    }
    d->predicateScriptId = script->GetUnboundScript()->GetId();
    d->isolate.callStarted(m_limits.compileBudget);
    v8::Local<v8::Value> value;
    const bool ran = script->Run(context).ToLocal(&value);
    const ScriptIsolate::Stop stop = d->isolate.callFinished();
    if (!ran || stop != ScriptIsolate::Stop::None) {
        fault.kind = stop == ScriptIsolate::Stop::Timeout ? ProjectionFault::Kind::Timeout
            : stop == ScriptIsolate::Stop::Memory         ? ProjectionFault::Kind::Memory
                                                          : ProjectionFault::Kind::Script;
        fault.message = stop == ScriptIsolate::Stop::None ? toQString(isolate, tryCatch.Exception())
                                                          : u"The predicate was stopped while it was compiled"_s;
        fault.line = d->lineIn(tryCatch.Message(), tryCatch.Exception(), d->predicateScriptId);
        return fault;
    }
    if (!value->IsFunction()) {
        fault.message = u"The predicate is not a function (write it as s => s.balance < 0)"_s;
        return fault;
    }
    d->predicate.Reset(isolate, value.As<v8::Function>());
    return std::nullopt;
}

std::variant<bool, ProjectionFault> ProjectionEngine::testPredicate(const std::optional<QByteArray>& stateJson)
{
    if (d->predicate.IsEmpty())
        return ProjectionFault { ProjectionFault::Kind::Script, u"No predicate was set"_s, std::nullopt, std::nullopt,
            d->predicateFileName };
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    v8::Local<v8::Value> arguments[] = { d->predicate.Get(isolate),
        stateJson ? toV8(isolate, *stateJson).As<v8::Value>() : v8::Null(isolate).As<v8::Value>() };
    v8::TryCatch tryCatch(isolate);
    d->isolate.callStarted(m_limits.callBudget);
    v8::Local<v8::Value> held;
    const bool ran = d->testPredicate.Get(isolate)->Call(context, v8::Undefined(isolate), 2, arguments).ToLocal(&held);
    const ScriptIsolate::Stop stop = d->isolate.callFinished();
    if (ran && stop == ScriptIsolate::Stop::None)
        return held->BooleanValue(isolate);
    ProjectionFault fault { ProjectionFault::Kind::Script, QString(), std::nullopt, std::nullopt,
        d->predicateFileName };
    if (stop == ScriptIsolate::Stop::Timeout) {
        fault.kind = ProjectionFault::Kind::Timeout;
        fault.message = u"The script ran longer than %1 ms and was stopped"_s.arg(m_limits.callBudget.count());
    } else if (stop == ScriptIsolate::Stop::Memory) {
        fault.kind = ProjectionFault::Kind::Memory;
        fault.message
            = u"The script used more than %1 MiB of memory and was stopped"_s.arg(d->isolate.heapBytes() >> 20);
    } else {
        fault.message = toQString(isolate, tryCatch.Exception());
        fault.line = d->lineIn(tryCatch.Message(), tryCatch.Exception(), d->predicateScriptId);
    }
    tryCatch.Reset();
    d->abort.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).IsEmpty();
    return fault;
}

QStringList ProjectionEngine::partitions() const
{
    if (!m_compiled)
        return {};
    ScriptIsolate::Scope scope(d->isolate);
    return stringList(d->isolate.context(), d->callApi("partitions"));
}

namespace {

std::optional<QByteArray> textOf(v8::Isolate* isolate, v8::Local<v8::Value> value)
{
    if (value.IsEmpty() || !value->IsString())
        return std::nullopt;
    return toUtf8(isolate, value.As<v8::String>());
}

} // namespace

std::optional<QByteArray> ProjectionEngine::stateJson(const QString& partition) const
{
    if (!m_compiled)
        return std::nullopt;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    return textOf(isolate, d->callApi("stateText", { toV8(isolate, partition) }));
}

std::optional<QByteArray> ProjectionEngine::resultJson(const QString& partition) const
{
    if (!m_compiled)
        return std::nullopt;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    return textOf(isolate, d->callApi("resultText", { toV8(isolate, partition) }));
}

std::optional<int> ProjectionEngine::lastHandler(const QString& partition) const
{
    if (!m_compiled)
        return std::nullopt;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Value> value = d->callApi("lastHandler", { toV8(isolate, partition) });
    const int code = value.IsEmpty() ? kRunsNothing : value->Int32Value(d->isolate.context()).FromMaybe(kRunsNothing);
    if (code >= 0 && code < m_definition.handlers.size())
        return code; // a typed handler: they come first, in the order of handledEventTypes
    if (code == kRunsAny && m_definition.handlers.size() > m_definition.handledEventTypes.size())
        return int(m_definition.handledEventTypes.size()); // $any, or a reducer's apply: right after them
    return std::nullopt;
}

std::optional<QByteArray> ProjectionEngine::sharedStateJson() const
{
    return stateJson(QString());
}

void ProjectionEngine::setStateJson(const QString& partition, const std::optional<QByteArray>& json)
{
    if (!m_compiled)
        return;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    d->callApi("setStateText",
        { toV8(isolate, partition),
            json && !json->isEmpty() ? toV8(isolate, *json).As<v8::Value>() : v8::Null(isolate).As<v8::Value>() });
}

void ProjectionEngine::setResultJson(const QString& partition, const std::optional<QByteArray>& json)
{
    if (!m_compiled)
        return;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    d->callApi("setResultText",
        { toV8(isolate, partition),
            json && !json->isEmpty() ? toV8(isolate, *json).As<v8::Value>() : v8::Null(isolate).As<v8::Value>() });
}

void ProjectionEngine::setSharedStateJson(const std::optional<QByteArray>& json)
{
    setStateJson(QString(), json);
}

void ProjectionEngine::resetState()
{
    if (m_compiled) {
        ScriptIsolate::Scope scope(d->isolate);
        d->callApi("reset");
    }
    m_delivered = 0;
    m_hasOutput = false;
}

void ProjectionEngine::reloadStateBeforeNextEvent()
{
    if (!m_compiled)
        return;
    ScriptIsolate::Scope scope(d->isolate);
    d->callApi("reload");
}

ProjectionEngine::TaggedOutput ProjectionEngine::takeTaggedOutput()
{
    TaggedOutput output;
    if (!m_compiled || !m_hasOutput)
        return output;
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    const auto take = [&](v8::Global<v8::Function>& function) -> v8::Local<v8::Array> {
        v8::Local<v8::Value> value;
        if (!function.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&value)
            || !value->IsArray())
            return v8::Array::New(isolate);
        return value.As<v8::Array>();
    };
    const auto utf8 = [&](v8::Local<v8::Value> value) {
        return value->IsString() ? toUtf8(isolate, value.As<v8::String>()) : QByteArray();
    };
    const v8::Local<v8::Array> emits = take(d->takeEmits);
    for (uint32_t i = 0; i < emits->Length(); ++i) {
        const v8::Local<v8::Array> item = emits->Get(context, i).ToLocalChecked().As<v8::Array>();
        const auto at = [&](uint32_t index) { return item->Get(context, index).ToLocalChecked(); };
        EmittedEvent event { toQString(isolate, at(0)), toQString(isolate, at(1)), utf8(at(2)), utf8(at(3)),
            toQString(isolate, at(4)) };
        output.emitted.append({ qsizetype(at(5)->Int32Value(context).FromMaybe(-1)), std::move(event) });
    }
    const v8::Local<v8::Array> lines = take(d->takeLog);
    for (uint32_t i = 0; i + 1 < lines->Length(); i += 2)
        output.log.append({ qsizetype(lines->Get(context, i).ToLocalChecked()->Int32Value(context).FromMaybe(-1)),
            toQString(isolate, lines->Get(context, i + 1).ToLocalChecked()) });
    m_hasOutput = d->controlData[kOutput] != 0;
    return output;
}

QList<EmittedEvent> ProjectionEngine::takeEmitted()
{
    // Only the emitted events are taken: the log lines wait for takeLog().
    if (!m_compiled || !m_hasOutput)
        return {};
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    QList<EmittedEvent> list;
    v8::Local<v8::Value> value;
    if (!d->takeEmits.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&value)
        || !value->IsArray())
        return list;
    const v8::Local<v8::Array> emits = value.As<v8::Array>();
    for (uint32_t i = 0; i < emits->Length(); ++i) {
        const v8::Local<v8::Array> item = emits->Get(context, i).ToLocalChecked().As<v8::Array>();
        const auto at = [&](uint32_t index) { return item->Get(context, index).ToLocalChecked(); };
        const auto utf8 = [&](v8::Local<v8::Value> v) {
            return v->IsString() ? toUtf8(isolate, v.As<v8::String>()) : QByteArray();
        };
        list.append({ toQString(isolate, at(0)), toQString(isolate, at(1)), utf8(at(2)), utf8(at(3)),
            toQString(isolate, at(4)) });
    }
    m_hasOutput = d->controlData[kOutput] != 0;
    return list;
}

QStringList ProjectionEngine::takeLog()
{
    if (!m_compiled || !m_hasOutput)
        return {};
    ScriptIsolate::Scope scope(d->isolate);
    v8::Isolate* isolate = d->isolate.isolate();
    const v8::Local<v8::Context> context = d->isolate.context();
    QStringList list;
    v8::Local<v8::Value> value;
    if (!d->takeLog.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&value)
        || !value->IsArray())
        return list;
    const v8::Local<v8::Array> lines = value.As<v8::Array>();
    for (uint32_t i = 1; i < lines->Length(); i += 2)
        list.append(toQString(isolate, lines->Get(context, i).ToLocalChecked()));
    m_hasOutput = d->controlData[kOutput] != 0;
    return list;
}

} // namespace EventScope
