#include "demostorebuilder.h"

#include <core/demo/demogenerator.h>

#include <QDir>
#include <QProgressDialog>
#include <QStandardPaths>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace EventScope {

DemoStoreBuilder::DemoStoreBuilder(QWidget* dialogParent)
    : QObject(dialogParent)
    , m_dialogParent(dialogParent)
{
    connect(&m_watcher, &QFutureWatcher<QString>::finished, this, [this] {
        if (m_dialog)
            m_dialog->deleteLater();
        const QString problem = m_watcher.result();
        if (problem.isEmpty())
            emit finished(m_path);
        else if (!m_cancelled->load())
            emit failed(problem);
    });
}

DemoStoreBuilder::~DemoStoreBuilder()
{
    if (m_cancelled)
        m_cancelled->store(true);
    m_watcher.waitForFinished();
}

QString DemoStoreBuilder::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(u"demo-store.sqlite"_s);
}

void DemoStoreBuilder::start(const QString& path, qint64 events)
{
    if (isRunning())
        return;
    m_path = path;
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    QDir().mkpath(QFileInfo(path).absolutePath());

    m_dialog = new QProgressDialog(
        tr("Writing the demo store (%1 events)…").arg(events), tr("Cancel"), 0, 1000, m_dialogParent);
    m_dialog->setObjectName(u"demoProgressDialog"_s);
    m_dialog->setWindowTitle(tr("Demo store"));
    m_dialog->setMinimumDuration(0);
    m_dialog->setAutoClose(false);
    m_dialog->setAutoReset(false);
    m_dialog->setWindowModality(Qt::WindowModal);
    connect(m_dialog, &QProgressDialog::canceled, this, [cancelled = m_cancelled] { cancelled->store(true); });

    // The worker posts progress to this object, which outlives it (the destructor waits).
    auto cancelled = m_cancelled;
    m_watcher.setFuture(QtConcurrent::run([this, path, events, cancelled]() -> QString {
        const auto progress = [this, cancelled](qint64 written, qint64 total) {
            const int permille = total > 0 ? int(written * 1000 / total) : 0;
            QMetaObject::invokeMethod(
                this,
                [this, permille] {
                    if (m_dialog)
                        m_dialog->setValue(permille);
                },
                Qt::QueuedConnection);
            return !cancelled->load();
        };
        const auto created = createDemoStore(path, DemoOptions { events, 1 }, progress);
        return created ? QString() : created.error().message;
    }));
    m_dialog->show();
}

} // namespace EventScope
