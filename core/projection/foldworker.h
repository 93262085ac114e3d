#pragma once

// The workers of ParallelProjectionRunner: the events it deals to a share of the partitions, the engines that fold
// them, and the thread those engines run on. Internal to the runner; include only from its sources.

#include "emittedevent.h"
#include "projectionengine.h"
#include "projectionfault.h"
#include "projectionresults.h"

#include <core/model/event.h>

#include <QBitArray>
#include <QHash>
#include <QList>
#include <QString>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace EventScope {

// How a definition's events are dealt to the workers.
enum class Dealing {
    ByStream, // foreachStream(): the stream is the partition
    ByKey, // partitionBy(): the key its function gives, computed on the reader's thread
    Whole, // one partition, or a shared state: every event to one worker
};

// Events copied into one buffer on the reader's thread and rebuilt on the worker's. Handing the events over as they
// are cost the run twice the CPU on two cores: their strings (shared by every event of a stream or a type) and
// payloads were allocated on the reader's thread and counted and freed on the workers', so cache lines and the
// allocator's locks went back and forth for every event. A buffer is one allocation per batch, and nothing in it is
// shared.
class PackedEvents
{
public:
    // `key`: the event's partition key, for a definition dealt by key; nullptr for none.
    void append(const Event& event, const QString* key);
    qsizetype size() const { return m_count; }
    // On the worker: the events, and the key of each event packed with one.
    void unpack(QList<Event>& events, QList<std::optional<QString>>& keys) const;

private:
    void appendSize(qint64 size);

    QByteArray m_bytes;
    qsizetype m_count = 0;
};

// The events of one batch that one worker folds for one definition.
struct LaneBatch
{
    PackedEvents events; // for a worker
    QList<Event> direct; // for the reader's own share: its events need not cross a thread
    QList<std::optional<QString>> directKeys;
    qsizetype size() const { return events.size() + direct.size(); }
    QBitArray reloadBefore;
    QList<ProjectionEngine::BodyCheck> checkedBodies;
    QList<qint64> index; // each event's place in the source
};

// What a worker hands back for one definition and one batch.
struct LaneOutcome
{
    std::optional<ProjectionFault> fault;
    qint64 faultAt = -1; // the faulting event's place in the source
    QList<std::pair<qint64, EmittedEvent>> emitted;
    QList<std::pair<qint64, QString>> log;
};

struct FinalPartition
{
    qint64 firstIndex = 0;
    ProjectionResults::Partition partition;
};

struct LaneFinal
{
    QList<FinalPartition> partitions;
    std::optional<QByteArray> sharedState;
    bool hasSharedState = false;
};

struct LaneSpec
{
    QString script;
    QString fileName;
    Dealing dealing = Dealing::Whole;
};

// The engines of one share of the partitions (one engine per definition), folding the batches dealt to that share,
// in order. They live on a worker thread (FoldWorker), or in line on the reader's thread.
class FoldEngines
{
public:
    FoldEngines(const QList<LaneSpec>& specs, const ProjectionEngine::Limits& limits);

    // One batch per definition, in the order of the specs.
    std::vector<LaneOutcome> fold(std::vector<LaneBatch>& batches);
    // Per definition, the partitions these engines folded, each with its first event's place.
    std::vector<LaneFinal> finals();

private:
    struct Lane
    {
        std::unique_ptr<ProjectionEngine> engine;
        std::optional<ProjectionFault> compileFault;
        Dealing dealing = Dealing::Whole;
        QHash<QString, qint64> firstIndex;
        bool faulted = false;
    };

    static void fold(Lane& lane, LaneBatch& work, LaneOutcome& outcome);

    std::vector<Lane> m_lanes;
};

// FoldEngines on a thread of their own. The reader queues batches and later takes their outcomes in the same order;
// a few batches may wait in the queue, so that the reader never waits for a worker before it reads on. The engines
// are created, used and destroyed on the worker thread.
class FoldWorker
{
public:
    FoldWorker(QList<LaneSpec> lanes, const ProjectionEngine::Limits& limits);
    ~FoldWorker();
    FoldWorker(const FoldWorker&) = delete;
    FoldWorker& operator=(const FoldWorker&) = delete;

    void post(std::vector<LaneBatch> batches);
    // The outcome of the oldest batch posted and not taken yet.
    std::vector<LaneOutcome> wait();
    // No more batches: the final states of this worker's share.
    std::vector<LaneFinal> finish();

private:
    void loop(const QList<LaneSpec>& specs, const ProjectionEngine::Limits& limits);

    std::mutex m_mutex;
    std::condition_variable m_wake; // to the worker: a batch, finish or stop
    std::condition_variable m_done; // to the reader: a batch's outcome, or the final states
    std::deque<std::vector<LaneBatch>> m_queue;
    std::deque<std::vector<LaneOutcome>> m_outcomes;
    bool m_finish = false;
    bool m_finished = false;
    bool m_stop = false;
    std::vector<LaneFinal> m_final;
    std::thread m_thread; // last: started once the members above exist
};

} // namespace EventScope
