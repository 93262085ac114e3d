#include "storecache.h"

#include "machineinfo.h"

#include "core/demo/demogenerator.h"
#include "core/dialects/nativeschema.h"
#include "core/dialects/storeopener.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QStorageInfo>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

namespace {

// Measured on the 1 M and 10 M demo stores (about 330 bytes an event with indexes); the margin
// covers the generator's temporary ".part" file and the indexes being built.
constexpr qint64 kBytesPerEventNeeded = 450;

QString sidecarPath(const QString& storePath)
{
    return storePath + u".json"_s;
}

} // namespace

StoreCache::StoreCache(QString directory)
    : m_directory(std::move(directory))
{ }

QString StoreCache::defaultDirectory()
{
    // GenericCacheLocation honours $XDG_CACHE_HOME and falls back to ~/.cache.
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + u"/eventscope-bench"_s;
}

QString StoreCache::storePath(qint64 events) const
{
    // The schema version is in the name, so a store of an older layout is never reused.
    return u"%1/demo-v%2-seed1-%3.sqlite"_s.arg(m_directory).arg(NativeSchema::kSchemaVersion).arg(events);
}

std::optional<CachedStore> StoreCache::reusable(qint64 events) const
{
    const QString path = storePath(events);
    QFile sidecar(sidecarPath(path));
    if (!QFileInfo::exists(path) || !sidecar.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject json = QJsonDocument::fromJson(sidecar.readAll()).object();
    if (json.value(u"events"_s).toInteger() != events)
        return std::nullopt;
    auto store = openStore(path);
    if (!store)
        return std::nullopt;
    const auto info = (*store)->describe();
    if (!info || info->events != events)
        return std::nullopt;
    CachedStore cached;
    cached.path = path;
    cached.events = events;
    cached.fileBytes = QFileInfo(path).size();
    cached.generationSeconds = json.value(u"seconds"_s).toDouble();
    cached.generationCpuSeconds = json.value(u"cpuSeconds"_s).toDouble();
    cached.generationLoad = json.value(u"loadAverage"_s).toString();
    cached.generatedAt = json.value(u"generatedAt"_s).toString();
    return cached;
}

Result<CachedStore> StoreCache::obtain(qint64 events, bool regenerate, const Progress& progress)
{
    if (!regenerate) {
        if (auto cached = reusable(events))
            return *cached;
    }
    const QString path = storePath(events);
    if (!QDir().mkpath(m_directory))
        return StoreError { StoreError::Kind::Io, u"%1: cannot create the cache directory"_s.arg(m_directory) };
    // Only our own two files, by their exact names: the cache directory may hold other things.
    QFile::remove(sidecarPath(path));
    QFile::remove(path);

    const qint64 needed = events * kBytesPerEventNeeded;
    const qint64 available = QStorageInfo(m_directory).bytesAvailable();
    if (available >= 0 && available < needed) {
        return StoreError { StoreError::Kind::Io,
            u"%1: %2 MB free, a demo store of %3 events needs about %4 MB"_s.arg(m_directory)
                .arg(available >> 20)
                .arg(events)
                .arg(needed >> 20) };
    }

    QElapsedTimer timer;
    timer.start();
    const double cpuBefore = processCpuSeconds();
    const auto summary = createDemoStore(path, DemoOptions { events, 1 }, [&progress](qint64 written, qint64 total) {
        if (progress)
            progress(written, total);
        return true;
    });
    if (!summary)
        return summary.error();

    CachedStore made;
    made.path = path;
    made.events = events;
    made.fileBytes = QFileInfo(path).size();
    made.generatedNow = true;
    made.generationSeconds = double(timer.nsecsElapsed()) / 1e9;
    made.generationCpuSeconds = processCpuSeconds() - cpuBefore;
    made.generationLoad = loadAverage();
    made.generatedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);

    QFile sidecar(sidecarPath(path));
    const QJsonObject json { { u"events"_s, events }, { u"streams"_s, summary->streams },
        { u"seconds"_s, made.generationSeconds }, { u"cpuSeconds"_s, made.generationCpuSeconds },
        { u"loadAverage"_s, made.generationLoad }, { u"generatedAt"_s, made.generatedAt },
        { u"bytes"_s, made.fileBytes } };
    if (!sidecar.open(QIODevice::WriteOnly | QIODevice::Truncate) || sidecar.write(QJsonDocument(json).toJson()) < 0)
        return StoreError { StoreError::Kind::Io,
            u"%1: cannot write: %2"_s.arg(sidecar.fileName(), sidecar.errorString()) };
    return made;
}

} // namespace EventScope::Bench
