#pragma once

#include "core/store/result.h"

#include <QString>
#include <functional>

namespace EventScope::Bench {

// A demo store in the cache, and how long it took to generate (now, or when it was first made).
struct CachedStore
{
    QString path;
    qint64 events = 0;
    qint64 fileBytes = 0;
    bool generatedNow = false;
    double generationSeconds = 0; // wall clock
    double generationCpuSeconds = 0; // all threads of the generating process
    QString generationLoad; // the load average when it finished
    QString generatedAt; // UTC, ISO 8601
};

// Generates demo stores once and reuses them across runs: generating 10 M events takes about a
// minute and 3 GB, too much to repeat. Beside each store a sidecar JSON file records how long the
// generation took, so a cached run still reports it. A store without its sidecar (a run that died
// between the two) is generated again.
class StoreCache
{
public:
    explicit StoreCache(QString directory);

    // $XDG_CACHE_HOME/eventscope-bench, else ~/.cache/eventscope-bench.
    static QString defaultDirectory();

    QString directory() const { return m_directory; }
    QString storePath(qint64 events) const;

    using Progress = std::function<void(qint64 written, qint64 total)>;
    Result<CachedStore> obtain(qint64 events, bool regenerate, const Progress& progress);

private:
    std::optional<CachedStore> reusable(qint64 events) const;

    QString m_directory;
};

} // namespace EventScope::Bench
