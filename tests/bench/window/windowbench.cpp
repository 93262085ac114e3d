// Measures the real MainWindow on large stores, offscreen: what a user waits for and whether the
// window ever freezes. Each store runs in a child process of its own, so peak memory is per store.
// Usage: eventscope-window-bench [STORE ...]   (default: the stores eventscope-bench keeps in its cache)

#include <core/models/eventtablemodel.h>
#include <ui/mainwindow/mainwindow.h>

#include <QAbstractProxyModel>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

// The longest time the event loop went without running a 5 ms timer, minus the interval: a freeze.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_longest = std::max(m_longest, now - m_last - 5);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 takeLongest()
    {
        const qint64 longest = m_longest;
        m_longest = 0;
        return longest;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longest = 0;
};

qint64 peakRssKb()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

template <typename Predicate> bool waitFor(Predicate done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return done();
}

// One store, in this process: prints one JSON object.
int measureOne(const QString& path)
{
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    // The table holds a window of the model's rows; the scrollbar beside it spans all of them.
    auto* view = window.findChild<QTableView*>(u"eventTable"_s);
    auto* rows = view ? qobject_cast<QAbstractProxyModel*>(view->model()) : nullptr;
    auto* model = rows ? qobject_cast<EventTableModel*>(rows->sourceModel()) : nullptr;
    auto* bar = window.findChild<QScrollBar*>(u"eventTableScrollBar"_s);
    if (!model || !bar)
        return 1;
    const auto loaded
        = [model](int row) { return !model->data(model->index(row, 0), EventTableModel::LoadingRole).toBool(); };

    StallMeter stalls;
    QElapsedTimer clock;
    clock.start();
    window.openStore(path);
    const bool shown = waitFor([&] { return model->rowCount() > 0 && loaded(0); }, 30000);
    const qint64 firstRows = clock.elapsed();
    const bool counted = waitFor([&] { return model->rowCount() > 0 && !model->isCounting(); }, 120000);
    const qint64 allCounted = clock.elapsed();
    const qint64 openStall = stalls.takeLongest();

    QTest::qWait(200);
    stalls.takeLongest();
    view->setFocus();
    clock.restart();
    QTest::keyClick(view, Qt::Key_End, Qt::ControlModifier);
    const int lastRow = model->rowCount() - 1;
    const bool atEnd = waitFor([&] { return loaded(lastRow); }, 30000);
    const qint64 toEnd = clock.elapsed();
    const qint64 endStall = stalls.takeLongest();

    // Drag the scrollbar from the bottom to the top in 40 steps, as a hand would.
    for (int step = 40; step >= 0; --step) {
        bar->setValue(int(qint64(bar->maximum()) * step / 40));
        QTest::qWait(8);
    }
    clock.restart();
    const int top = rows->mapToSource(rows->index(view->rowAt(0), 0)).row();
    const bool topLoaded = waitFor([&] { return loaded(top); }, 30000);
    const qint64 afterDrag = clock.elapsed();
    const qint64 dragStall = stalls.takeLongest();

    const QJsonObject result {
        { u"store"_s, QFileInfo(path).fileName() },
        { u"rows"_s, model->rowCount() },
        { u"ok"_s, shown && counted && atEnd && topLoaded },
        { u"first_rows_ms"_s, firstRows },
        { u"all_counted_ms"_s, allCounted },
        { u"open_longest_stall_ms"_s, openStall },
        { u"ctrl_end_ms"_s, toEnd },
        { u"ctrl_end_longest_stall_ms"_s, endStall },
        { u"after_drag_ms"_s, afterDrag },
        { u"drag_longest_stall_ms"_s, dragStall },
        { u"peak_rss_mb"_s, double(peakRssKb()) / 1024.0 },
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}

QStringList defaultStores()
{
    const QDir cache(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + u"/eventscope-bench"_s);
    QStringList stores;
    // 100 M (about 33 GB) is measured only when it is cached: `eventscope-bench --sizes 100000000` makes it.
    for (const char* size : { "1000000", "10000000", "100000000" }) {
        const QString path = cache.filePath(u"demo-v1-seed1-%1.sqlite"_s.arg(QLatin1StringView(size)));
        if (QFile::exists(path))
            stores.append(path);
    }
    return stores;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"EventScopeWindowBench"_s); // keeps the user's recent stores apart
    QStringList arguments = app.arguments().mid(1);
    if (arguments.size() == 2 && arguments.first() == u"--one"_s)
        return measureOne(arguments.last());

    const QStringList stores = arguments.isEmpty() ? defaultStores() : arguments;
    if (stores.isEmpty()) {
        std::fprintf(stderr, "eventscope-window-bench: no stores given and none cached; run eventscope-bench first\n");
        return 2;
    }
    std::printf("| store | rows | first rows | all counted | longest stall while opening | Ctrl+End | stall | "
                "rows after a 40-step drag | stall | peak RSS |\n|---|---|---|---|---|---|---|---|---|---|\n");
    QList<double> peaks;
    for (const QString& store : stores) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), { u"--one"_s, store });
        if (!child.waitForFinished(300000) || child.exitCode() != 0) {
            std::fprintf(stderr, "eventscope-window-bench: measuring %s failed\n", qPrintable(store));
            return 1;
        }
        const QJsonObject r
            = QJsonDocument::fromJson(child.readAllStandardOutput().trimmed().split('\n').constLast()).object();
        peaks.append(r.value(u"peak_rss_mb"_s).toDouble());
        std::printf("| %s | %lld | %lld ms | %lld ms | %lld ms | %lld ms | %lld ms | %lld ms | %lld ms | %.1f MB |%s\n",
            qPrintable(r.value(u"store"_s).toString()), qint64(r.value(u"rows"_s).toDouble()),
            qint64(r.value(u"first_rows_ms"_s).toDouble()), qint64(r.value(u"all_counted_ms"_s).toDouble()),
            qint64(r.value(u"open_longest_stall_ms"_s).toDouble()), qint64(r.value(u"ctrl_end_ms"_s).toDouble()),
            qint64(r.value(u"ctrl_end_longest_stall_ms"_s).toDouble()), qint64(r.value(u"after_drag_ms"_s).toDouble()),
            qint64(r.value(u"drag_longest_stall_ms"_s).toDouble()), r.value(u"peak_rss_mb"_s).toDouble(),
            r.value(u"ok"_s).toBool() ? "" : " (timed out)");
    }
    for (qsizetype i = 1; i < peaks.size(); ++i)
        std::printf("\npeak RSS ratio, store %lld / the first: %.2f", qint64(i + 1), peaks[i] / peaks[0]);
    std::printf("\n");
    return 0;
}
