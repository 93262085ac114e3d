#pragma once

#include <chrono>
#include <cstdint>

namespace v8 {
class Isolate;
}

namespace EventScope {

// Stops JavaScript that runs longer than its budget, with v8::Isolate::TerminateExecution. One thread serves every
// isolate of the process: it sleeps until the earliest deadline of the calls being watched, so a call costs two
// uncontended locks and no wake-up. The thread runs while at least one watchdog exists and is joined with the last.
//
// A call that feeds many events (a batch) gives every event its own budget: the script writes the index of the event
// it is on into `progress`, and a deadline that finds the index moved starts over from there. A looping event is
// therefore stopped between one and two budgets after it started.
class ScriptWatchdog
{
public:
    explicit ScriptWatchdog(v8::Isolate* isolate);
    ~ScriptWatchdog();
    ScriptWatchdog(const ScriptWatchdog&) = delete;
    ScriptWatchdog& operator=(const ScriptWatchdog&) = delete;

    // Called on the isolate's thread around each call into JavaScript.
    void callStarted(std::chrono::milliseconds budget, const std::int32_t* progress = nullptr);
    // Whether the call was terminated for time. The termination is cancelled either way, so it can never land on a
    // later call.
    bool callFinished();

private:
    friend class WatchdogThread;

    v8::Isolate* const m_isolate;
    // Guarded by the watchdog thread's mutex.
    bool m_busy = false;
    bool m_timedOut = false;
    std::chrono::steady_clock::time_point m_deadline;
    std::chrono::milliseconds m_budget { 0 };
    const std::int32_t* m_progress = nullptr;
    std::int32_t m_lastProgress = 0;
};

} // namespace EventScope
