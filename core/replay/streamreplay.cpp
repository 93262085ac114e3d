#include "streamreplay.h"

#include <core/projection/projectionsource.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

QJsonValue parsedState(const std::optional<QByteArray>& text)
{
    if (!text)
        return QJsonValue(QJsonValue::Null);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*text, &error);
    if (error.error != QJsonParseError::NoError) {
        // A state that is a bare scalar ("5", "\"x\""): QJsonDocument wants an object or an array.
        const QJsonDocument wrapped = QJsonDocument::fromJson("[" + *text + "]");
        return wrapped.isArray() ? wrapped.array().at(0) : QJsonValue(QJsonValue::Null);
    }
    return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
}

bool sameValue(const JsonDiff& diff, const QJsonValue& a, const QJsonValue& b)
{
    // Field history tells "not there" from null, which compare() would not.
    if (a.isUndefined() || b.isUndefined())
        return a.isUndefined() == b.isUndefined();
    return diff.equal(a, b);
}

} // namespace

StreamReplay::StreamReplay(ProjectionEngine::Limits limits, qint64 checkpointInterval)
    : m_limits(limits)
    , m_interval(std::max<qint64>(1, checkpointInterval))
{ }

StreamReplay::~StreamReplay() = default;

Result<StreamReplay::Point> StreamReplay::load(
    EventStore& store, const QString& stream, const QString& script, const QString& fileName)
{
    return loadStream(store, stream, script, fileName, nullptr, nullptr);
}

Result<StreamReplay::Found> StreamReplay::loadUntil(
    EventStore& store, const QString& stream, const QString& script, const QString& fileName, const QString& predicate)
{
    Found found;
    const Result<Point> loaded = loadStream(store, stream, script, fileName, &predicate, &found);
    if (!loaded)
        return loaded.error();
    if (!found.count && !found.fault)
        found.fault = loaded->fault;
    return found;
}

Result<StreamReplay::Point> StreamReplay::loadStream(EventStore& store, const QString& stream, const QString& script,
    const QString& fileName, const QString* predicate, Found* found)
{
    // The same script again (`find` loads every stream of a category in turn): keep the compiled engine, which
    // saves an isolate and a compile per stream.
    const bool reuse = m_engine && m_engine->isCompiled() && script == m_script && fileName == m_fileName;
    if (reuse) {
        m_engine->resetState();
    } else {
        m_engine = std::make_unique<ProjectionEngine>(m_limits);
        m_script = script;
        m_fileName = fileName;
    }
    m_stream = stream;
    m_events.clear();
    m_checkpoints.clear();
    m_sharedCheckpoints.clear();
    m_fault.reset();
    m_foldable = 0;
    m_engineAt = 0;
    if (auto fault = reuse ? std::nullopt : m_engine->compile(script, fileName)) {
        m_fault = fault;
        return Point { 0, std::nullopt, fault };
    }
    const ProjectionDefinition& definition = m_engine->definition();
    const bool perStream = definition.form == ProjectionDefinition::Form::Reducer || definition.foreachStream;
    if (definition.partitioned && !perStream)
        return StoreError(StoreError::Kind::InvalidArgument,
            u"'%1' partitions by its own key (partitionBy): time travel follows one state per stream, use "
            "foreachStream() or a reducer"_s.arg(fileName));
    m_partition = perStream ? stream : QString();
    if (predicate) {
        if (auto fault = m_engine->setPredicate(*predicate, u"--where"_s)) {
            found->fault = fault;
            found->badPredicate = true;
            return Point { 0, std::nullopt, std::nullopt };
        }
    }

    ProjectionEventReader reader(store, definition, ProjectionScope { stream, {} });
    m_checkpoints.push_back(std::nullopt);
    m_sharedCheckpoints.push_back(std::nullopt);
    // Without a predicate the fold goes a checkpoint interval at a time, one call into the script each.
    const auto foldPending = [&] {
        while (!m_fault && m_foldable < m_events.size()) {
            const qint64 upTo = std::min<qint64>(m_events.size(), (m_foldable / m_interval + 1) * m_interval);
            ProjectionEngine::Batch batch;
            batch.events = m_events.mid(m_foldable, upTo - m_foldable);
            const ProjectionEngine::BatchOutcome outcome = m_engine->processBatch(std::move(batch));
            m_foldable += outcome.processed;
            m_engineAt = m_foldable;
            if (outcome.fault) {
                m_fault = outcome.fault;
                break;
            }
            if (m_foldable % m_interval == 0) {
                m_checkpoints.push_back(currentState());
                m_sharedCheckpoints.push_back(definition.biState ? m_engine->sharedStateJson() : std::nullopt);
            }
        }
    };
    for (;;) {
        Result<std::optional<Event>> next = reader.next();
        if (!next)
            return next.error();
        if (!*next)
            break;
        if (m_events.size() >= kMaxEvents)
            return StoreError(StoreError::Kind::InvalidArgument,
                u"The stream '%1' has more than %2 events, more than time travel keeps in memory"_s.arg(stream).arg(
                    kMaxEvents));
        m_events.append(std::move(**next));
        if (m_fault)
            continue; // keep reading: the events after a fault are still shown, only not folded
        if (!predicate) {
            if (m_events.size() % m_interval == 0)
                foldPending();
            continue;
        }
        if (auto fault = m_engine->process(m_events.last())) {
            m_fault = fault;
            continue;
        }
        m_foldable = m_events.size();
        m_engineAt = m_foldable;
        if (m_foldable % m_interval == 0) {
            m_checkpoints.push_back(currentState());
            m_sharedCheckpoints.push_back(definition.biState ? m_engine->sharedStateJson() : std::nullopt);
        }
        const std::optional<QByteArray> state = currentState();
        if (!state)
            continue;
        const std::variant<bool, ProjectionFault> held = m_engine->testPredicate(state);
        if (const auto* fault = std::get_if<ProjectionFault>(&held)) {
            found->fault = *fault;
            found->fault->event = ProjectionFault::EventRef { stream, m_events.last().version };
            break;
        }
        if (std::get<bool>(held)) {
            found->count = m_foldable;
            break;
        }
    }
    if (!predicate)
        foldPending();
    return Point { m_foldable, currentState(), m_fault };
}

qint64 StreamReplay::countAtVersion(qint64 version) const
{
    return std::upper_bound(m_events.cbegin(), m_events.cend(), version, [](qint64 v, const Event& event) {
        return v < event.version;
    }) - m_events.cbegin();
}

qint64 StreamReplay::countAtPosition(qint64 position) const
{
    return std::upper_bound(m_events.cbegin(), m_events.cend(), position, [](qint64 p, const Event& event) {
        return p < event.position;
    }) - m_events.cbegin();
}

qint64 StreamReplay::countAtTime(qint64 msSinceEpoch) const
{
    qint64 count = 0;
    while (count < m_events.size() && m_events.at(count).timeMs.value_or(msSinceEpoch) <= msSinceEpoch)
        ++count;
    return count;
}

qint64 StreamReplay::indexOfVersion(qint64 version) const
{
    const qint64 count = countAtVersion(version);
    return count > 0 && m_events.at(count - 1).version == version ? count - 1 : -1;
}

std::optional<QByteArray> StreamReplay::currentState() const
{
    return m_engine->stateJson(m_partition);
}

void StreamReplay::restore(qint64 checkpoint)
{
    m_engine->setStateJson(m_partition, m_checkpoints.at(checkpoint));
    if (m_engine->definition().biState)
        m_engine->setSharedStateJson(m_sharedCheckpoints.at(checkpoint));
    m_engineAt = checkpoint * m_interval;
}

std::optional<ProjectionFault> StreamReplay::foldTo(qint64 count)
{
    const qint64 checkpoint = count / m_interval;
    // Continue from where the engine is when that is no farther than the checkpoint: stepping forward costs
    // one event, not a restore and up to an interval.
    if (m_engineAt > count || m_engineAt < checkpoint * m_interval)
        restore(checkpoint);
    if (m_engineAt >= count)
        return std::nullopt;
    ProjectionEngine::Batch batch;
    batch.events = m_events.mid(m_engineAt, count - m_engineAt);
    ProjectionEngine::BatchOutcome outcome = m_engine->processBatch(std::move(batch));
    // On a fault the engine keeps the state before the faulting event.
    m_engineAt += outcome.processed;
    return std::move(outcome.fault);
}

StreamReplay::Point StreamReplay::stateAfter(qint64 count)
{
    Point point;
    if (!m_engine || !m_engine->isCompiled()) {
        point.fault = m_fault;
        return point;
    }
    count = std::clamp<qint64>(count, 0, m_events.size());
    if (count > m_foldable) {
        // Past the first pass's fault: the state before it, and that fault.
        point.fault = m_fault;
        count = m_foldable;
    }
    if (auto fault = foldTo(count)) {
        point.fault = fault;
        point.count = m_engineAt;
    } else {
        point.count = count;
    }
    point.state = currentState();
    return point;
}

StreamReplay::EventChanges StreamReplay::changesAtIndex(qint64 index)
{
    EventChanges changes;
    changes.event = m_events.at(index);
    const Point before = stateAfter(index);
    changes.before = before.state;
    if (before.fault) {
        changes.after = before.state;
        changes.fault = before.fault;
        return changes;
    }
    const Point after = stateAfter(index + 1);
    changes.after = after.state;
    if (after.fault) {
        changes.fault = after.fault;
        return changes;
    }
    // From the texts: the state's own key order, and integers beyond 2^53 exact.
    const Result<JsonDiffResult> diff
        = m_diff.compareJson(changes.before.value_or("null"), changes.after.value_or("null"));
    if (diff)
        changes.diff = *diff;
    return changes;
}

Result<StreamReplay::EventChanges> StreamReplay::changesAt(qint64 version)
{
    const qint64 index = indexOfVersion(version);
    if (index < 0)
        return StoreError(
            StoreError::Kind::InvalidArgument, u"The stream '%1' has no version %2"_s.arg(m_stream).arg(version));
    return changesAtIndex(index);
}

Result<QList<StreamReplay::FieldChange>> StreamReplay::fieldHistory(QStringView path)
{
    const Result<JsonPath> parsed = JsonPath::parse(path);
    if (!parsed)
        return parsed.error();
    QList<FieldChange> history;
    QJsonValue previous = valueAt(parsedState(stateAfter(0).state), *parsed);
    for (qint64 index = 0; index < m_foldable; ++index) {
        const Point point = stateAfter(index + 1);
        if (point.fault)
            break;
        QJsonValue value = valueAt(parsedState(point.state), *parsed);
        if (!sameValue(m_diff, previous, value))
            history.append(FieldChange { index, previous, value });
        previous = std::move(value);
    }
    return history;
}

StreamReplay::Found StreamReplay::findFirst(const QString& predicate)
{
    Found found;
    if (!m_engine || !m_engine->isCompiled()) {
        found.fault = m_fault;
        return found;
    }
    if (auto fault = m_engine->setPredicate(predicate, u"--where"_s)) {
        found.fault = fault;
        found.badPredicate = true;
        return found;
    }
    for (qint64 count = 1; count <= m_foldable; ++count) {
        const Point point = stateAfter(count);
        if (point.fault) {
            found.fault = point.fault;
            return found;
        }
        if (!point.state)
            continue; // no state yet ($init has not run): nothing to test, `s.balance` would throw
        const std::variant<bool, ProjectionFault> held = m_engine->testPredicate(point.state);
        if (const auto* fault = std::get_if<ProjectionFault>(&held)) {
            found.fault = *fault;
            if (count > 0)
                found.fault->event = ProjectionFault::EventRef { m_stream, m_events.at(count - 1).version };
            return found;
        }
        if (std::get<bool>(held)) {
            found.count = count;
            return found;
        }
    }
    // The fold stopped at the first pass's fault before the predicate held: say so.
    found.fault = m_fault;
    return found;
}

} // namespace EventScope
