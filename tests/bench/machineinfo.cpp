#include "machineinfo.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QThread>

#include <sqlite3.h>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace EventScope::Bench {

namespace {

QString procField(const QString& file, const QString& name)
{
    QFile proc(file);
    if (!proc.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QString text = QString::fromUtf8(proc.readAll());
    const QRegularExpression line(
        u"^%1\\s*:\\s*(.*)$"_s.arg(QRegularExpression::escape(name)), QRegularExpression::MultilineOption);
    return line.match(text).captured(1).trimmed();
}

QString gitCommit()
{
    QProcess git;
    git.start(u"git"_s, { u"-C"_s, QStringLiteral(EVENTSCOPE_SOURCE_DIR), u"rev-parse"_s, u"--short"_s, u"HEAD"_s });
    if (!git.waitForFinished(5000) || git.exitStatus() != QProcess::NormalExit || git.exitCode() != 0)
        return u"unknown (no git, or no commit yet)"_s;
    QString commit = QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    QProcess status;
    status.start(u"git"_s,
        { u"-C"_s, QStringLiteral(EVENTSCOPE_SOURCE_DIR), u"status"_s, u"--porcelain"_s, u"--untracked-files=no"_s });
    if (status.waitForFinished(5000) && !status.readAllStandardOutput().trimmed().isEmpty())
        commit += u" (with uncommitted changes)"_s;
    return commit;
}

} // namespace

QString formatBytes(qint64 bytes)
{
    if (bytes >= (qint64(1) << 30))
        return u"%1 GiB"_s.arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 1);
    return u"%1 MiB"_s.arg(double(bytes) / double(1 << 20), 0, 'f', 1);
}

QString loadAverage()
{
    QFile proc(u"/proc/loadavg"_s);
    if (!proc.open(QIODevice::ReadOnly | QIODevice::Text))
        return u"unknown"_s;
    return QString::fromLatin1(proc.readAll()).section(u' ', 0, 2);
}

double processCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

MachineInfo MachineInfo::collect(const QString& cacheDirectory)
{
    MachineInfo info;
    info.cpu = procField(u"/proc/cpuinfo"_s, u"model name"_s);
    if (info.cpu.isEmpty())
        info.cpu = u"unknown"_s;
    info.cores = QThread::idealThreadCount();
    // MemTotal is in kB (kibibytes, despite the unit's name).
    info.ramBytes = procField(u"/proc/meminfo"_s, u"MemTotal"_s).section(u' ', 0, 0).toLongLong() * 1024;
    info.cacheDirectory = cacheDirectory;
    info.diskFreeBytes = QStorageInfo(cacheDirectory).bytesAvailable();
    info.date = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    info.commit = gitCommit();
    info.buildType = QStringLiteral(EVENTSCOPE_BUILD_TYPE);
    if (info.buildType.isEmpty())
        info.buildType = u"(none)"_s;
    info.qtVersion = QString::fromLatin1(qVersion());
    info.sqliteVersion = QString::fromLatin1(sqlite3_libversion());
    info.loadAtStart = loadAverage();
    return info;
}

QList<std::pair<QString, QString>> MachineInfo::fields() const
{
    return {
        { u"date"_s, date },
        { u"commit"_s, commit },
        { u"build"_s, buildType },
        { u"cpu"_s, cpu },
        { u"cores"_s, QString::number(cores) },
        { u"ram"_s, formatBytes(ramBytes) },
        { u"disk free"_s, u"%1 (%2)"_s.arg(formatBytes(diskFreeBytes), cacheDirectory) },
        { u"qt"_s, qtVersion },
        { u"sqlite"_s, sqliteVersion },
        { u"load average (1/5/15 min) at start"_s, loadAtStart },
        { u"load average at end"_s, loadAtEnd },
    };
}

} // namespace EventScope::Bench
