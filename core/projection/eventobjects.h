#pragma once

#include <core/model/event.h>

#include <QList>
#include <QString>

#include <v8.h>

#include <cstdint>
#include <optional>
#include <unordered_set>

namespace EventScope {

// How the script reads an event's body, after the server's content-type validation (jsonbodycheck.h).
enum class BodyKind : quint8 {
    NotJson, // `isJson` false, `body` undefined, `bodyRaw` the text
    Json, // `body` is the parsed document
    JsonFaulting, // flagged JSON that only the lenient check passed: reading `body` throws, as on the server
};

// The events of one call into the script. A handler may keep an event object after the call (in its state, in a
// global), so the batch is owned by its JavaScript holder and freed when the last event object made from it is
// collected; the events are read only when the script reads a field.
struct EventBatch
{
    QList<Event> events;
    QList<BodyKind> kinds;
    v8::Global<v8::Object> holder; // weak
    qint64 bytes = 0; // reported to V8 as external memory, so that dropped batches are collected soon
    class EventObjects* owner = nullptr;
};

// Makes the event objects handlers receive (../shared/reference/projection-language.md, section 7), as the server's
// are: every field is read-only (a write is ignored, or a TypeError in strict mode), and `body`, `data`, `metadata`
// and `linkMetadata` come into being on first read, so `Object.keys(e)` and `'body' in e` do not show them before.
// Nothing is converted to JavaScript until the script reads it: a handler that reads only `e.body` costs one string
// and one JSON.parse.
//
// One per engine, used inside the engine's isolate scope.
class EventObjects
{
public:
    EventObjects(v8::Isolate* isolate, v8::Local<v8::Context> context, const std::int32_t* createdPhase);
    ~EventObjects();
    EventObjects(const EventObjects&) = delete;
    EventObjects& operator=(const EventObjects&) = delete;

    // The `category` field: the category of a fromCategory('c') projection, nullopt (null) otherwise.
    void setCategory(const std::optional<QString>& category);
    // The prototype every event object has: the runtime's state serializer tells event objects by it.
    v8::Local<v8::Object> prototype(v8::Local<v8::Context> context) const;

    // Takes the events of a call; `holder` keeps them alive for the event objects made from them.
    EventBatch* newBatch(QList<Event> events, QList<BodyKind> kinds, v8::Local<v8::Object>* holder);
    // The object for the event at `index` of `batch`; `partition` is its `partition` field ("" until known).
    v8::Local<v8::Object> newEvent(
        EventBatch* batch, v8::Local<v8::Object> holder, int index, v8::Local<v8::Value> partition);
    // Sets the `partition` field once partitionBy has chosen it (the runtime calls this).
    static void setPartition(v8::Local<v8::Object> event, v8::Local<v8::Value> partition);

private:
    static void batchCollected(const v8::WeakCallbackInfo<EventBatch>& info);
    void defineFields(v8::Local<v8::ObjectTemplate> instance, v8::Local<v8::Value> data);

    v8::Isolate* const m_isolate;
    const std::int32_t* const m_createdPhase; // non-zero while $created runs: `category` reads ""
    v8::Global<v8::Context> m_context;
    v8::Global<v8::FunctionTemplate> m_eventClass;
    v8::Global<v8::ObjectTemplate> m_holderTemplate;
    v8::Global<v8::Object> m_prototype;
    v8::Global<v8::Value> m_category;
    v8::Global<v8::String> m_lazyNames[4]; // body, data, metadata, linkMetadata
    std::unordered_set<EventBatch*> m_batches; // alive, freed with the engine if V8 never collected them
    qint64 m_collectedBytes = 0; // freed since V8 was last told (it cannot be told from inside a collection)

    friend struct EventFieldAccess;
};

} // namespace EventScope
