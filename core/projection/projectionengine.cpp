#include "projectionengine.h"

#include "eventobjects.h"
#include "jsonbodycheck.h"
#include "projectionruntime.h"

#include <core/javascript/scriptisolate.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

// The names shared with projectionruntime.js (its control slots, info flags, what kRunning holds).
using namespace Runtime;

namespace {

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
    , d(std::make_unique<ProjectionRuntime>(limits))
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
    const QByteArray runtimeText = readSource();
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
    if (!ran || stop != ScriptIsolate::Stop::None)
        return d->faultOf(tryCatch, stop, m_limits.compileBudget, d->userScriptId, kRunsNothing, fileName);

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
        ProjectionFault fault
            = d->faultOf(tryCatch, stop, m_limits.callBudget, d->userScriptId, d->controlData[kRunning], m_fileName);
        fault.event = ProjectionFault::EventRef { event.stream, event.version };
        d->abortCall(tryCatch);
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
        ProjectionFault fault
            = d->faultOf(tryCatch, stop, m_limits.callBudget, d->userScriptId, kRunsPartitionBy, m_fileName);
        fault.event = ProjectionFault::EventRef { event.stream, event.version };
        d->abortCall(tryCatch);
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
    ProjectionFault fault
        = d->faultOf(tryCatch, stop, m_limits.callBudget, d->predicateScriptId, kRunsPredicate, d->predicateFileName);
    d->abortCall(tryCatch);
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
    if (!m_compiled || !m_hasOutput)
        return {};
    ScriptIsolate::Scope scope(d->isolate);
    TaggedOutput output = d->takeOutput(true, true);
    m_hasOutput = d->controlData[kOutput] != 0;
    return output;
}

QList<EmittedEvent> ProjectionEngine::takeEmitted()
{
    // Only the emitted events are taken: the log lines wait for takeLog().
    if (!m_compiled || !m_hasOutput)
        return {};
    ScriptIsolate::Scope scope(d->isolate);
    QList<EmittedEvent> list;
    for (auto& [index, event] : d->takeOutput(true, false).emitted)
        list.append(std::move(event));
    m_hasOutput = d->controlData[kOutput] != 0;
    return list;
}

QStringList ProjectionEngine::takeLog()
{
    if (!m_compiled || !m_hasOutput)
        return {};
    ScriptIsolate::Scope scope(d->isolate);
    QStringList list;
    for (auto& [index, line] : d->takeOutput(false, true).log)
        list.append(std::move(line));
    m_hasOutput = d->controlData[kOutput] != 0;
    return list;
}

} // namespace EventScope
