#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <atomic>

class QProgressDialog;
class QWidget;

namespace EventScope {

// Writes the demo store on a worker thread behind a progress dialog with Cancel. The GUI
// thread only updates the dialog; the file appears (renamed into place) only when complete.
class DemoStoreBuilder : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kDefaultEvents = 200'000;

    explicit DemoStoreBuilder(QWidget* dialogParent);
    ~DemoStoreBuilder() override; // cancels a running build and waits for it

    // Where the demo store lives: AppDataLocation/demo-store.sqlite.
    static QString defaultPath();

    bool isRunning() const { return m_watcher.isRunning(); }
    void start(const QString& path, qint64 events = kDefaultEvents);

signals:
    void finished(const QString& path);
    void failed(const QString& message); // not emitted for a cancel

private:
    QPointer<QWidget> m_dialogParent;
    QPointer<QProgressDialog> m_dialog;
    QFutureWatcher<QString> m_watcher; // the result: empty when done, else the error message
    std::shared_ptr<std::atomic<bool>> m_cancelled;
    QString m_path;
};

} // namespace EventScope
