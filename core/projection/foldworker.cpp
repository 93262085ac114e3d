#include "foldworker.h"

#include <cstring>
#include <limits>

namespace EventScope {

namespace {

qint64 readSize(const char*& p)
{
    qint64 size = 0;
    std::memcpy(&size, p, sizeof size);
    p += sizeof size;
    return size;
}

QString readText(const char*& p)
{
    const qint64 size = readSize(p);
    QString text(size, Qt::Uninitialized);
    std::memcpy(text.data(), p, size_t(size) * sizeof(QChar));
    p += size * qint64(sizeof(QChar));
    return text;
}

} // namespace

void PackedEvents::append(const Event& event, const QString* key)
{
    const qint64 numbers[] = { event.position, event.version, event.timeMs.value_or(0), qint64(event.dataFormat),
        key ? 1 : 0, event.timeMs ? 1 : 0 };
    m_bytes.append(reinterpret_cast<const char*>(numbers), sizeof numbers);
    for (const QString* text : { &event.stream, &event.category, &event.type, &event.id, key }) {
        if (!text)
            continue;
        appendSize(text->size());
        m_bytes.append(reinterpret_cast<const char*>(text->constData()), text->size() * qsizetype(sizeof(QChar)));
    }
    for (const QByteArray* bytes : { &event.data, &event.metadata }) {
        appendSize(bytes->size());
        m_bytes.append(*bytes);
    }
    ++m_count;
}

void PackedEvents::unpack(QList<Event>& events, QList<std::optional<QString>>& keys) const
{
    events.reserve(m_count);
    const char* p = m_bytes.constData();
    for (qsizetype i = 0; i < m_count; ++i) {
        qint64 numbers[6];
        std::memcpy(numbers, p, sizeof numbers);
        p += sizeof numbers;
        Event& event = events.emplace_back();
        event.position = numbers[0];
        event.version = numbers[1];
        if (numbers[5] != 0)
            event.timeMs = numbers[2];
        event.dataFormat = DataFormat(numbers[3]);
        for (QString* text : { &event.stream, &event.category, &event.type, &event.id })
            *text = readText(p);
        if (numbers[4] != 0)
            keys.append(readText(p));
        for (QByteArray* bytes : { &event.data, &event.metadata }) {
            const qint64 size = readSize(p);
            *bytes = QByteArray(p, size);
            p += size;
        }
    }
}

void PackedEvents::appendSize(qint64 size)
{
    m_bytes.append(reinterpret_cast<const char*>(&size), sizeof size);
}

FoldEngines::FoldEngines(const QList<LaneSpec>& specs, const ProjectionEngine::Limits& limits)
{
    for (const LaneSpec& spec : specs) {
        Lane lane;
        lane.engine = std::make_unique<ProjectionEngine>(limits);
        lane.compileFault = lane.engine->compile(spec.script, spec.fileName);
        lane.dealing = spec.dealing;
        m_lanes.push_back(std::move(lane));
    }
}

std::vector<LaneOutcome> FoldEngines::fold(std::vector<LaneBatch>& batches)
{
    std::vector<LaneOutcome> outcomes(m_lanes.size());
    for (size_t l = 0; l < m_lanes.size() && l < batches.size(); ++l)
        fold(m_lanes[l], batches[l], outcomes[l]);
    return outcomes;
}

std::vector<LaneFinal> FoldEngines::finals()
{
    std::vector<LaneFinal> finals;
    for (Lane& lane : m_lanes) {
        LaneFinal final;
        qint64 order = 0;
        for (const QString& name : lane.engine->partitions()) {
            // A Whole definition has one engine: its own order is the order of first events.
            const qint64 first = lane.dealing == Dealing::Whole
                ? order++
                : lane.firstIndex.value(name, std::numeric_limits<qint64>::max());
            final.partitions.append({ first,
                { name, lane.engine->stateJson(name), lane.engine->resultJson(name),
                    lane.engine->lastHandler(name) } });
        }
        if (lane.engine->definition().biState) {
            final.sharedState = lane.engine->sharedStateJson();
            final.hasSharedState = true;
        }
        finals.push_back(std::move(final));
    }
    return finals;
}

void FoldEngines::fold(Lane& lane, LaneBatch& work, LaneOutcome& outcome)
{
    if (work.size() == 0 || lane.faulted)
        return;
    if (lane.compileFault) {
        outcome.fault = lane.compileFault; // the caller compiled it: only a broken machine gets here
        lane.faulted = true;
        return;
    }
    ProjectionEngine::Batch batch;
    if (work.events.size() > 0) {
        work.events.unpack(batch.events, batch.partitionKeys);
    } else {
        batch.events = std::move(work.direct);
        batch.partitionKeys = std::move(work.directKeys);
    }
    batch.reloadBefore = std::move(work.reloadBefore);
    batch.checkedBodies = std::move(work.checkedBodies);
    // The partition of each event, for the order of first events.
    QStringList partitions;
    if (lane.dealing == Dealing::ByStream) {
        for (const Event& event : std::as_const(batch.events))
            partitions.append(event.stream);
    } else if (lane.dealing == Dealing::ByKey) {
        for (const std::optional<QString>& key : std::as_const(batch.partitionKeys))
            partitions.append(key.value_or(QString()));
    }
    const ProjectionEngine::BatchOutcome fed = lane.engine->processBatch(std::move(batch));
    if (fed.fault) {
        outcome.fault = fed.fault;
        outcome.faultAt = fed.processed < work.index.size() ? work.index.at(fed.processed) : -1;
        lane.faulted = true;
    }
    if (lane.dealing != Dealing::Whole) {
        for (qsizetype i = 0; i < fed.delivered.size(); ++i) {
            if (fed.delivered.testBit(i) && !lane.firstIndex.contains(partitions.at(i)))
                lane.firstIndex.insert(partitions.at(i), work.index.at(i));
        }
    }
    if (lane.engine->hasOutput()) {
        ProjectionEngine::TaggedOutput output = lane.engine->takeTaggedOutput();
        const auto place = [&work](qsizetype at) { return at >= 0 && at < work.index.size() ? work.index.at(at) : -1; };
        for (auto& [at, event] : output.emitted)
            outcome.emitted.append({ place(at), std::move(event) });
        for (auto& [at, line] : output.log)
            outcome.log.append({ place(at), std::move(line) });
    }
}

FoldWorker::FoldWorker(QList<LaneSpec> lanes, const ProjectionEngine::Limits& limits)
    : m_thread([this, lanes = std::move(lanes), limits] { loop(lanes, limits); })
{ }

FoldWorker::~FoldWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void FoldWorker::post(std::vector<LaneBatch> batches)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(batches));
    }
    m_wake.notify_all();
}

std::vector<LaneOutcome> FoldWorker::wait()
{
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return !m_outcomes.empty(); });
    std::vector<LaneOutcome> outcome = std::move(m_outcomes.front());
    m_outcomes.pop_front();
    return outcome;
}

std::vector<LaneFinal> FoldWorker::finish()
{
    std::unique_lock lock(m_mutex);
    m_finish = true;
    m_wake.notify_all();
    m_done.wait(lock, [this] { return m_finished; });
    return std::move(m_final);
}

void FoldWorker::loop(const QList<LaneSpec>& specs, const ProjectionEngine::Limits& limits)
{
    FoldEngines engines(specs, limits);
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return !m_queue.empty() || m_finish || m_stop; });
        if (m_stop)
            return;
        if (!m_queue.empty()) {
            std::vector<LaneBatch> batches = std::move(m_queue.front());
            m_queue.pop_front();
            lock.unlock();
            std::vector<LaneOutcome> outcomes = engines.fold(batches);
            lock.lock();
            m_outcomes.push_back(std::move(outcomes));
            m_done.notify_all();
            continue;
        }
        lock.unlock();
        std::vector<LaneFinal> finals = engines.finals();
        lock.lock();
        m_final = std::move(finals);
        m_finished = true;
        m_done.notify_all();
        return;
    }
}

} // namespace EventScope
