#include "scriptwatchdog.h"

#include <v8.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace EventScope {

namespace {

std::int32_t readProgress(const std::int32_t* progress)
{
    // The script writes the counter from its own thread; a relaxed read is enough to see that it moved.
    return progress
        ? std::atomic_ref<std::int32_t>(*const_cast<std::int32_t*>(progress)).load(std::memory_order_relaxed)
        : 0;
}

} // namespace

// The one thread behind every ScriptWatchdog, alive while any watchdog is.
class WatchdogThread
{
public:
    static WatchdogThread& instance()
    {
        // Never destroyed: an engine still alive on a thread at exit must not meet a destroyed mutex.
        static WatchdogThread* const thread = new WatchdogThread;
        return *thread;
    }

    void add(ScriptWatchdog* watchdog)
    {
        std::lock_guard lock(m_mutex);
        m_watched.push_back(watchdog);
        if (!m_thread.joinable()) {
            m_stopping = false;
            m_thread = std::thread([this] { run(); });
        }
    }

    void remove(ScriptWatchdog* watchdog)
    {
        std::thread finished;
        {
            std::lock_guard lock(m_mutex);
            m_watched.erase(std::remove(m_watched.begin(), m_watched.end(), watchdog), m_watched.end());
            if (m_watched.empty() && m_thread.joinable()) {
                m_stopping = true;
                finished = std::move(m_thread);
            }
        }
        if (finished.joinable()) {
            m_wake.notify_all();
            finished.join();
        }
    }

    void started(ScriptWatchdog* watchdog, std::chrono::milliseconds budget, const std::int32_t* progress)
    {
        bool wake = false;
        {
            std::lock_guard lock(m_mutex);
            watchdog->m_busy = true;
            watchdog->m_timedOut = false;
            watchdog->m_budget = budget;
            watchdog->m_deadline = std::chrono::steady_clock::now() + budget;
            watchdog->m_progress = progress;
            watchdog->m_lastProgress = readProgress(progress);
            // Wake the thread only when it sleeps past this deadline (or without one).
            wake = watchdog->m_deadline < m_sleepingUntil;
        }
        if (wake)
            m_wake.notify_all();
    }

    bool finished(ScriptWatchdog* watchdog)
    {
        std::lock_guard lock(m_mutex);
        watchdog->m_busy = false;
        return std::exchange(watchdog->m_timedOut, false);
    }

private:
    WatchdogThread() = default;

    void run()
    {
        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            auto earliest = std::chrono::steady_clock::time_point::max();
            for (const ScriptWatchdog* watchdog : m_watched) {
                if (watchdog->m_busy && !watchdog->m_timedOut)
                    earliest = std::min(earliest, watchdog->m_deadline);
            }
            m_sleepingUntil = earliest;
            if (earliest == std::chrono::steady_clock::time_point::max())
                m_wake.wait(lock);
            else
                m_wake.wait_until(lock, earliest);
            m_sleepingUntil = std::chrono::steady_clock::time_point::min(); // awake: nobody needs to wake it
            const auto now = std::chrono::steady_clock::now();
            for (ScriptWatchdog* watchdog : m_watched) {
                if (!watchdog->m_busy || watchdog->m_timedOut || watchdog->m_deadline > now)
                    continue;
                const std::int32_t progress = readProgress(watchdog->m_progress);
                if (progress != watchdog->m_lastProgress) {
                    // A batch moved on to another event: that event's budget starts now.
                    watchdog->m_lastProgress = progress;
                    watchdog->m_deadline = now + watchdog->m_budget;
                    continue;
                }
                // Under the lock, so callFinished() cannot slip in between: it sees m_timedOut and cancels.
                watchdog->m_timedOut = true;
                watchdog->m_isolate->TerminateExecution();
            }
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<ScriptWatchdog*> m_watched;
    std::chrono::steady_clock::time_point m_sleepingUntil = std::chrono::steady_clock::time_point::min();
    bool m_stopping = false;
    std::thread m_thread;
};

ScriptWatchdog::ScriptWatchdog(v8::Isolate* isolate)
    : m_isolate(isolate)
{
    WatchdogThread::instance().add(this);
}

ScriptWatchdog::~ScriptWatchdog()
{
    WatchdogThread::instance().remove(this);
}

void ScriptWatchdog::callStarted(std::chrono::milliseconds budget, const std::int32_t* progress)
{
    WatchdogThread::instance().started(this, budget, progress);
}

bool ScriptWatchdog::callFinished()
{
    const bool timedOut = WatchdogThread::instance().finished(this);
    if (timedOut)
        m_isolate->CancelTerminateExecution();
    return timedOut;
}

} // namespace EventScope
