#include "projectionruntime.h"

#include "eventobjects.h"

#include <QFile>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace Runtime {

QByteArray readSource()
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

} // namespace Runtime

using namespace Runtime;

ProjectionRuntime::ProjectionRuntime(const ProjectionEngine::Limits& limits)
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

ProjectionRuntime::~ProjectionRuntime()
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

v8::Local<v8::Function> ProjectionRuntime::apiFunction(const char* key)
{
    const v8::Local<v8::Value> value = property(isolate.context(), api.Get(isolate.isolate()), key);
    return value.IsEmpty() || !value->IsFunction() ? v8::Local<v8::Function>() : value.As<v8::Function>();
}

v8::Local<v8::Value> ProjectionRuntime::callApi(const char* key, std::initializer_list<v8::Local<v8::Value>> arguments)
{
    const v8::Local<v8::Function> function = apiFunction(key);
    if (function.IsEmpty())
        return {};
    std::vector<v8::Local<v8::Value>> argv(arguments);
    v8::TryCatch tryCatch(isolate.isolate());
    return function->Call(isolate.context(), v8::Undefined(isolate.isolate()), int(argv.size()), argv.data())
        .FromMaybe(v8::Local<v8::Value>());
}

v8::Local<v8::Int32Array> ProjectionRuntime::infoFor(int events)
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

ProjectionFault ProjectionRuntime::faultOf(v8::TryCatch& tryCatch, ScriptIsolate::Stop stop,
    std::chrono::milliseconds budget, int scriptId, int running, const QString& fileName) const
{
    ProjectionFault fault;
    fault.fileName = fileName;
    switch (stop) {
    case ScriptIsolate::Stop::Timeout:
        fault.kind = ProjectionFault::Kind::Timeout;
        fault.message = u"The script ran longer than %1 ms and was stopped"_s.arg(budget.count());
        break;
    case ScriptIsolate::Stop::Memory:
        fault.kind = ProjectionFault::Kind::Memory;
        fault.message = u"The script used more than %1 MiB of memory and was stopped"_s.arg(isolate.heapBytes() >> 20);
        break;
    case ScriptIsolate::Stop::None:
        fault.message = toQString(isolate.isolate(), tryCatch.Exception());
        fault.line = lineIn(tryCatch.Message(), tryCatch.Exception(), scriptId);
        return fault;
    }
    // A terminated call leaves no stack: the line is where the function that ran is written.
    const int line = lineOfRunning(running);
    fault.line = line > 0 ? std::optional(line) : std::nullopt;
    return fault;
}

void ProjectionRuntime::abortCall(v8::TryCatch& tryCatch)
{
    tryCatch.Reset();
    abort.Get(isolate.isolate())->Call(isolate.context(), v8::Undefined(isolate.isolate()), 0, nullptr).IsEmpty();
}

ProjectionEngine::TaggedOutput ProjectionRuntime::takeOutput(bool emits, bool log)
{
    ProjectionEngine::TaggedOutput output;
    v8::Isolate* v8 = isolate.isolate();
    const v8::Local<v8::Context> context = isolate.context();
    const auto take = [&](v8::Global<v8::Function>& function) -> v8::Local<v8::Array> {
        v8::Local<v8::Value> value;
        if (!function.Get(v8)->Call(context, v8::Undefined(v8), 0, nullptr).ToLocal(&value) || !value->IsArray())
            return v8::Array::New(v8);
        return value.As<v8::Array>();
    };
    const auto utf8 = [&](v8::Local<v8::Value> value) {
        return value->IsString() ? toUtf8(v8, value.As<v8::String>()) : QByteArray();
    };
    const auto index = [&](v8::Local<v8::Value> value) { return qsizetype(value->Int32Value(context).FromMaybe(-1)); };
    if (emits) {
        const v8::Local<v8::Array> array = take(takeEmits);
        for (uint32_t i = 0; i < array->Length(); ++i) {
            const v8::Local<v8::Array> item = array->Get(context, i).ToLocalChecked().As<v8::Array>();
            const auto at = [&](uint32_t field) { return item->Get(context, field).ToLocalChecked(); };
            output.emitted.append({ index(at(5)),
                { toQString(v8, at(0)), toQString(v8, at(1)), utf8(at(2)), utf8(at(3)), toQString(v8, at(4)) } });
        }
    }
    if (log) {
        const v8::Local<v8::Array> array = take(takeLog);
        for (uint32_t i = 0; i + 1 < array->Length(); i += 2)
            output.log.append({ index(array->Get(context, i).ToLocalChecked()),
                toQString(v8, array->Get(context, i + 1).ToLocalChecked()) });
    }
    return output;
}

int ProjectionRuntime::lineOfRunning(int running) const
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

ProjectionDefinition::Function ProjectionRuntime::locate(const QString& name, v8::Local<v8::Value> value) const
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

std::optional<int> ProjectionRuntime::lineIn(
    v8::Local<v8::Message> message, v8::Local<v8::Value> exception, int scriptId) const
{
    // Where it was thrown when that is in the script, else the script's first frame on the stack (an error the
    // runtime raised for a call the script made, such as emit() with a bad body). The message's own line comes
    // first because a stack captured at a stack overflow has no source positions (its frames all say line 1).
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

} // namespace EventScope
