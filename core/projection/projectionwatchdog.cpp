#include "projectionwatchdog.h"

#include <QJSEngine>

#include <cstdio>
#include <unistd.h>

namespace EventScope {

namespace {
constexpr auto kSampleInterval = std::chrono::milliseconds(20);
}

ProjectionWatchdog::ProjectionWatchdog(QJSEngine& engine, qint64 memoryGrowthLimitBytes)
    : m_engine(engine)
    , m_memoryLimitBytes(memoryGrowthLimitBytes)
    , m_baselineBytes(residentBytes())
    , m_thread([this] { watch(); })
{ }

ProjectionWatchdog::~ProjectionWatchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void ProjectionWatchdog::callStarted(std::chrono::milliseconds budget)
{
    // Per event this is one uncontended lock and a clock read (about 40 ns): cheap beside the call itself.
    std::lock_guard lock(m_mutex);
    m_deadline = std::chrono::steady_clock::now() + budget;
    m_busy = true;
}

ProjectionWatchdog::Reason ProjectionWatchdog::callFinished()
{
    std::lock_guard lock(m_mutex);
    m_busy = false;
    const Reason reason = m_reason;
    if (reason != Reason::None) {
        m_reason = Reason::None;
        m_engine.setInterrupted(false);
    }
    return reason;
}

void ProjectionWatchdog::watch()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, kSampleInterval);
        if (m_stopping || !m_busy || m_reason != Reason::None)
            continue;
        // The lock keeps callFinished() out, so an interrupt never lands on a later call.
        if (std::chrono::steady_clock::now() > m_deadline)
            m_reason = Reason::Timeout;
        else if (m_memoryLimitBytes > 0 && residentBytes() - m_baselineBytes > m_memoryLimitBytes)
            m_reason = Reason::Memory;
        if (m_reason != Reason::None)
            m_engine.setInterrupted(true);
    }
}

qint64 ProjectionWatchdog::residentBytes()
{
    // Linux: the second field of /proc/self/statm is the resident set in pages.
    FILE* file = std::fopen("/proc/self/statm", "r");
    if (!file)
        return 0;
    long long size = 0, resident = 0;
    const int read = std::fscanf(file, "%lld %lld", &size, &resident);
    std::fclose(file);
    return read == 2 ? qint64(resident) * qint64(sysconf(_SC_PAGESIZE)) : 0;
}

} // namespace EventScope
