#pragma once

#include "scriptwatchdog.h"

#include <QString>

#include <v8.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace EventScope {

// A V8 isolate and one context for running a user's JavaScript under limits: a cap on its heap (ArrayBuffer memory
// counts against the same cap), no code generated from strings (`eval`, `new Function`), and a watchdog for time.
// V8 aborts the whole process when a heap runs out; here the script is terminated instead and the isolate lives on.
//
// It can move between threads (every entry takes a v8::Locker), but is used by one at a time.
class ScriptIsolate
{
public:
    // Why a call stopped early.
    enum class Stop { None, Timeout, Memory };

    explicit ScriptIsolate(qint64 heapBytes);
    ~ScriptIsolate();
    ScriptIsolate(const ScriptIsolate&) = delete;
    ScriptIsolate& operator=(const ScriptIsolate&) = delete;

    v8::Isolate* isolate() const { return m_isolate; }
    // Valid inside a Scope.
    v8::Local<v8::Context> context() const { return m_context.Get(m_isolate); }
    qint64 heapBytes() const { return m_heapBytes; }

    // Enters the isolate and its context on this thread for the scope's life, with a HandleScope.
    class Scope
    {
    public:
        explicit Scope(const ScriptIsolate& isolate);

    private:
        v8::Locker m_locker;
        v8::Isolate::Scope m_isolateScope;
        v8::HandleScope m_handles;
        v8::Context::Scope m_contextScope;
    };

    // Around every call into JavaScript (inside a Scope): the call's time budget and, for a batch, the counter the
    // script moves on at every event (see ScriptWatchdog).
    void callStarted(std::chrono::milliseconds budget, const std::int32_t* progress = nullptr);
    // Why the call stopped early, if it did; the isolate is usable again either way (after a memory stop, a full
    // garbage collection has given back what the terminated call held).
    Stop callFinished();

private:
    static size_t nearHeapLimit(void* data, size_t currentLimit, size_t initialLimit);

    const qint64 m_heapBytes;
    std::unique_ptr<v8::ArrayBuffer::Allocator> m_allocator;
    v8::Isolate* m_isolate = nullptr;
    v8::Global<v8::Context> m_context;
    std::unique_ptr<ScriptWatchdog> m_watchdog;
    std::atomic<bool> m_memoryExceeded { false };
};

// Conversions between Qt's strings and V8's.
v8::Local<v8::String> toV8(v8::Isolate* isolate, const QString& text);
v8::Local<v8::String> toV8(v8::Isolate* isolate, const QByteArray& utf8);
QString toQString(v8::Isolate* isolate, v8::Local<v8::Value> value);
QByteArray toUtf8(v8::Isolate* isolate, v8::Local<v8::String> text);

} // namespace EventScope
