#include "scriptisolate.h"

#include "v8platform.h"

#include <algorithm>
#include <cstdlib>

namespace EventScope {

namespace {

// ArrayBuffer memory lives outside V8's heap; this allocator holds it to the same cap, so `new ArrayBuffer(2 ** 32)`
// is a RangeError in the script, not a process out of memory. Buffers may be freed on V8's background threads.
class CappedAllocator final : public v8::ArrayBuffer::Allocator
{
public:
    explicit CappedAllocator(size_t capBytes)
        : m_capBytes(capBytes)
    { }

    void* Allocate(size_t length) override
    {
        return reserve(length) ? release(std::calloc(length ? length : 1, 1), length) : nullptr;
    }

    void* AllocateUninitialized(size_t length) override
    {
        return reserve(length) ? release(std::malloc(length ? length : 1), length) : nullptr;
    }

    void Free(void* data, size_t length) override
    {
        std::free(data);
        m_usedBytes.fetch_sub(length, std::memory_order_relaxed);
    }

private:
    bool reserve(size_t length)
    {
        const size_t before = m_usedBytes.fetch_add(length, std::memory_order_relaxed);
        if (before + length <= m_capBytes)
            return true;
        m_usedBytes.fetch_sub(length, std::memory_order_relaxed);
        return false;
    }

    void* release(void* data, size_t length)
    {
        if (!data)
            m_usedBytes.fetch_sub(length, std::memory_order_relaxed);
        return data;
    }

    const size_t m_capBytes;
    std::atomic<size_t> m_usedBytes { 0 };
};

// Room a terminated script gets to unwind after hitting the cap, before V8 would call the limit callback again.
constexpr size_t kUnwindHeadroomBytes = size_t(32) << 20;

} // namespace

ScriptIsolate::ScriptIsolate(qint64 heapBytes)
    : m_heapBytes(std::max<qint64>(heapBytes, qint64(16) << 20))
    , m_allocator(std::make_unique<CappedAllocator>(size_t(m_heapBytes)))
{
    V8Platform::ensureInitialized();
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = m_allocator.get();
    params.constraints.ConfigureDefaultsFromHeapSize(0, size_t(m_heapBytes));
    m_isolate = v8::Isolate::New(params);
    m_isolate->AddNearHeapLimitCallback(&ScriptIsolate::nearHeapLimit, this);
    // Errors keep a structured stack, so that a fault can name the line of the user's script it came from.
    m_isolate->SetCaptureStackTraceForUncaughtExceptions(true, 32);

    v8::Locker locker(m_isolate);
    v8::Isolate::Scope isolateScope(m_isolate);
    v8::HandleScope handles(m_isolate);
    v8::Local<v8::Context> context = v8::Context::New(m_isolate);
    // `eval` and `new Function` are disabled on the server too.
    context->AllowCodeGenerationFromStrings(false);
    context->SetErrorMessageForCodeGenerationFromStrings(
        v8::String::NewFromUtf8Literal(m_isolate, "String compilation is disabled in projections"));
    m_context.Reset(m_isolate, context);
    m_watchdog = std::make_unique<ScriptWatchdog>(m_isolate);
}

ScriptIsolate::~ScriptIsolate()
{
    m_watchdog.reset();
    {
        v8::Locker locker(m_isolate);
        m_context.Reset();
    }
    m_isolate->Dispose();
}

ScriptIsolate::Scope::Scope(const ScriptIsolate& isolate)
    : m_locker(isolate.m_isolate)
    , m_isolateScope(isolate.m_isolate)
    , m_handles(isolate.m_isolate)
    , m_contextScope(isolate.context())
{ }

void ScriptIsolate::callStarted(std::chrono::milliseconds budget, const std::int32_t* progress)
{
    m_watchdog->callStarted(budget, progress);
}

ScriptIsolate::Stop ScriptIsolate::callFinished()
{
    const bool timedOut = m_watchdog->callFinished();
    if (m_memoryExceeded.exchange(false)) {
        m_isolate->CancelTerminateExecution();
        // Put the cap back where it was (the callback raised it to let the script unwind), and collect what the
        // terminated call left behind.
        m_isolate->RemoveNearHeapLimitCallback(&ScriptIsolate::nearHeapLimit, size_t(m_heapBytes));
        m_isolate->AddNearHeapLimitCallback(&ScriptIsolate::nearHeapLimit, this);
        m_isolate->LowMemoryNotification();
        return Stop::Memory;
    }
    return timedOut ? Stop::Timeout : Stop::None;
}

size_t ScriptIsolate::nearHeapLimit(void* data, size_t currentLimit, size_t /*initialLimit*/)
{
    auto* self = static_cast<ScriptIsolate*>(data);
    self->m_memoryExceeded = true;
    self->m_isolate->TerminateExecution();
    return currentLimit + kUnwindHeadroomBytes;
}

// A text longer than V8's longest string (2^29 - 24 characters) comes out empty rather than aborting the process;
// the engine refuses such payloads before they get here (ProjectionEngine::kMaxPayloadBytes).
v8::Local<v8::String> toV8(v8::Isolate* isolate, const QString& text)
{
    return v8::String::NewFromTwoByte(
        isolate, reinterpret_cast<const uint16_t*>(text.utf16()), v8::NewStringType::kNormal, int(text.size()))
        .FromMaybe(v8::String::Empty(isolate));
}

v8::Local<v8::String> toV8(v8::Isolate* isolate, const QByteArray& utf8)
{
    return v8::String::NewFromUtf8(isolate, utf8.constData(), v8::NewStringType::kNormal, int(utf8.size()))
        .FromMaybe(v8::String::Empty(isolate));
}

QString toQString(v8::Isolate* isolate, v8::Local<v8::Value> value)
{
    if (value.IsEmpty())
        return {};
    v8::Local<v8::String> text;
    if (value->IsString())
        text = value.As<v8::String>();
    else if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&text))
        return {};
    QString result(text->Length(), Qt::Uninitialized);
    text->Write(isolate, reinterpret_cast<uint16_t*>(result.data()), 0, -1, v8::String::NO_NULL_TERMINATION);
    return result;
}

QByteArray toUtf8(v8::Isolate* isolate, v8::Local<v8::String> text)
{
    QByteArray result(text->Utf8Length(isolate), Qt::Uninitialized);
    text->WriteUtf8(isolate, result.data(), int(result.size()), nullptr,
        v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
    return result;
}

} // namespace EventScope
