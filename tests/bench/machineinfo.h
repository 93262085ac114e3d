#pragma once

#include <QList>
#include <QString>
#include <utility>

namespace EventScope::Bench {

// Where and when a benchmark ran: figures mean little without the machine, the build and the commit.
// Read from /proc and the tools at hand; a field that cannot be read says "unknown".
struct MachineInfo
{
    QString cpu;
    int cores = 0;
    qint64 ramBytes = 0;
    qint64 diskFreeBytes = 0; // on the cache directory's file system
    QString cacheDirectory;
    QString date; // UTC, ISO 8601
    QString commit;
    QString buildType;
    QString qtVersion;
    QString sqliteVersion;
    QString loadAtStart; // /proc/loadavg: other work on the machine skews every figure
    QString loadAtEnd;

    static MachineInfo collect(const QString& cacheDirectory);
    QList<std::pair<QString, QString>> fields() const; // in print order
};

QString formatBytes(qint64 bytes);
QString loadAverage(); // "1-min 5-min 15-min" from /proc/loadavg

// CPU seconds this process has used so far, all threads: beside a wall time on a busy machine.
double processCpuSeconds();

} // namespace EventScope::Bench
