#pragma once

#include <QtGlobal>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

class QJSEngine;

namespace EventScope {

// Interrupts a QJSEngine whose current call runs longer than its budget, or while the process's
// resident memory has grown past a limit since the watchdog started (a script that allocates without
// bound). One watchdog thread per engine; it samples every 20 ms, so a stop comes within budget + 20 ms
// plus the engine's own reaction time (about 200 ms, docs/projections.md).
class ProjectionWatchdog
{
public:
    enum class Reason { None, Timeout, Memory };

    ProjectionWatchdog(QJSEngine& engine, qint64 memoryGrowthLimitBytes);
    ~ProjectionWatchdog();
    ProjectionWatchdog(const ProjectionWatchdog&) = delete;
    ProjectionWatchdog& operator=(const ProjectionWatchdog&) = delete;

    // Called on the engine's thread around every call into JavaScript.
    void callStarted(std::chrono::milliseconds budget);
    // Returns why the call was interrupted (None when it was not) and readies the engine for the next call.
    Reason callFinished();

private:
    void watch();
    static qint64 residentBytes();

    QJSEngine& m_engine;
    const qint64 m_memoryLimitBytes;
    qint64 m_baselineBytes = 0;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_busy = false;
    std::chrono::steady_clock::time_point m_deadline;
    Reason m_reason = Reason::None;
    std::thread m_thread;
};

} // namespace EventScope
