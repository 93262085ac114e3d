#pragma once

#include "../jobs/storeconnector.h"
#include "streamreplay.h"

#include <QObject>
#include <QPointer>
#include <atomic>
#include <memory>

class QThread;

namespace EventScope {

class TimeTravelWorker;

// Time travel for a window: one StreamReplay on a thread of its own, with its own connection to the store, so
// that folding a long stream or a slow projection never holds up the GUI. Requests go in as calls, answers come
// back as signals on the caller's thread. Seeks coalesce: while one is being answered, only the newest waiting
// seek is answered next, so dragging a slider never builds a queue.
//
// Destroying the session never waits: the worker finishes what it is doing and deletes itself on its thread.
class TimeTravelSession : public QObject
{
    Q_OBJECT
public:
    struct Loaded
    {
        QString stream;
        QList<Event> events; // the whole stream, oldest first
        qint64 foldable = 0; // events folded without a fault
        std::optional<ProjectionFault> fault; // of the compile (foldable 0) or of the event at `foldable`
        ProjectionDefinition definition; // what the script declared, with where its handlers are written
    };

    // The state after `count` events and what the last of them (the event at count - 1) changed.
    struct Frame
    {
        qint64 count = 0;
        std::optional<QByteArray> state;
        std::optional<ProjectionFault> fault;
        std::optional<StreamReplay::EventChanges> changes; // none at count 0
    };

    explicit TimeTravelSession(std::shared_ptr<StoreConnector> connector, QObject* parent = nullptr);
    ~TimeTravelSession() override;

    // Reads `stream` and folds it once through the script; answers with loaded() or failed().
    void load(const QString& stream, const QString& script, const QString& fileName);
    void seek(qint64 count);
    void requestFieldHistory(const QString& path);
    void requestFindFirst(const QString& predicate);

    bool isLoading() const { return m_loading; }

signals:
    void loaded(const EventScope::TimeTravelSession::Loaded& loaded);
    void frameReady(const EventScope::TimeTravelSession::Frame& frame);
    void fieldHistoryReady(const QString& path, const QList<EventScope::StreamReplay::FieldChange>& changes);
    void firstFound(const QString& predicate, const EventScope::StreamReplay::Found& found);
    void failed(const EventScope::StoreError& error);
    void loadingChanged(bool loading);

private:
    // Runs `work` on the worker thread; `answer` runs back on this object's thread unless it is gone by then.
    void post(std::function<void(TimeTravelWorker&)> work);
    void setLoading(bool loading);

    QThread* m_thread = nullptr;
    QPointer<TimeTravelWorker> m_worker;
    std::shared_ptr<std::atomic<quint64>> m_latestSeek;
    quint64 m_loadGeneration = 0;
    bool m_loading = false;
};

} // namespace EventScope
