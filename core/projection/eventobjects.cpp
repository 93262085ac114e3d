#include "eventobjects.h"

#include <core/javascript/scriptisolate.h>

#include <cstdio>
#include <iterator>

namespace EventScope {

namespace {

enum InternalField {
    kBatchField, // EventBatch*
    kIndexField, // the event's index in its batch
    kPartitionField,
    kHolderField, // keeps the batch alive
    kBodyField, // the parsed body, once read (`body` and `data` are one object)
    kMetadataField, // the parsed metadata, once read
    kReadField, // which lazy fields were read: bit (1 << LazyField)
    kFieldCount
};
enum LazyField { kBody, kData, kMetadata, kLinkMetadata, kLazyCount, kNotLazy = kLazyCount };

// yyyy-MM-ddTHH:mm:ss.fffffffZ, the server's `created` (7 fraction digits); QDateTime formatting costs a
// microsecond per event, this a few nanoseconds.
QString createdText(qint64 msSinceEpoch)
{
    qint64 days = msSinceEpoch >= 0 ? msSinceEpoch / 86400000 : (msSinceEpoch - 86399999) / 86400000;
    qint64 msOfDay = msSinceEpoch - days * 86400000;
    // Howard Hinnant's civil_from_days.
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const qint64 day = dayOfYear - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    char text[64];
    const int hours = int(msOfDay / 3600000), minutes = int(msOfDay / 60000 % 60), seconds = int(msOfDay / 1000 % 60);
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d0000Z", int(year), int(month), int(day), hours,
        minutes, seconds, int(msOfDay % 1000));
    return QString::fromLatin1(text);
}

v8::Local<v8::Value> textOrNull(v8::Isolate* isolate, const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return v8::Null(isolate);
    return toV8(isolate, bytes);
}

} // namespace

// The callbacks behind the fields; a friend of EventObjects.
struct EventFieldAccess
{
    template <typename T> static EventObjects* objects(const v8::PropertyCallbackInfo<T>& info)
    {
        return static_cast<EventObjects*>(info.Data().template As<v8::External>()->Value());
    }

    // The event behind an event object; nullptr for an object that is not one made by newEvent (a script can reach
    // the class through `e.constructor`, whose call throws, or inherit from an event with Object.create).
    static const Event* eventOf(v8::Local<v8::Object> self, BodyKind* kind = nullptr)
    {
        if (self->InternalFieldCount() != kFieldCount)
            return nullptr;
        auto* batch = static_cast<EventBatch*>(self->GetAlignedPointerFromInternalField(kBatchField));
        if (!batch)
            return nullptr;
        const int index = self->GetInternalField(kIndexField).As<v8::Int32>()->Value();
        if (kind)
            *kind = batch->kinds.at(index);
        return &batch->events.at(index);
    }

    template <typename Read> static void field(const v8::PropertyCallbackInfo<v8::Value>& info, Read read)
    {
        if (const Event* event = eventOf(info.Holder()))
            info.GetReturnValue().Set(read(info.GetIsolate(), *event));
    }

    static void eventType(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        field(info, [](v8::Isolate* isolate, const Event& event) { return toV8(isolate, event.type); });
    }
    static void streamId(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        field(info, [](v8::Isolate* isolate, const Event& event) { return toV8(isolate, event.stream); });
    }
    static void sequenceNumber(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        field(info, [](v8::Isolate* isolate, const Event& event) -> v8::Local<v8::Value> {
            return v8::Number::New(isolate, double(event.version));
        });
    }
    static void eventId(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        field(info, [](v8::Isolate* isolate, const Event& event) { return toV8(isolate, event.id); });
    }
    static void created(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        // A store that keeps no time for the event: undefined, not a made-up date.
        field(info, [](v8::Isolate* isolate, const Event& event) -> v8::Local<v8::Value> {
            if (!event.timeMs)
                return v8::Undefined(isolate);
            return toV8(isolate, createdText(*event.timeMs));
        });
    }
    static void isJson(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        BodyKind kind = BodyKind::NotJson;
        if (eventOf(info.Holder(), &kind))
            info.GetReturnValue().Set(kind != BodyKind::NotJson);
    }
    static void bodyRaw(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        field(info, [](v8::Isolate* isolate, const Event& event) { return textOrNull(isolate, event.data); });
    }
    static void metadataRaw(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        field(info, [](v8::Isolate* isolate, const Event& event) { return textOrNull(isolate, event.metadata); });
    }
    static void linkMetadataRaw(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        // EventScope reads stores, not links: an event never arrives through one.
        field(info, [](v8::Isolate* isolate, const Event&) -> v8::Local<v8::Value> { return v8::Null(isolate); });
    }
    static void partition(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        if (eventOf(info.Holder()))
            info.GetReturnValue().Set(info.Holder()->GetInternalField(kPartitionField));
    }
    static void category(v8::Local<v8::String>, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        EventObjects* self = objects(info);
        v8::Local<v8::Value> value = self->m_category.Get(info.GetIsolate());
        // In $created the server shows "" for a fromCategory projection.
        if (*self->m_createdPhase != 0 && !value->IsNull())
            value = v8::String::Empty(info.GetIsolate());
        info.GetReturnValue().Set(value);
    }

    static LazyField lazyField(EventObjects* self, v8::Local<v8::Name> name)
    {
        if (!name->IsString())
            return kNotLazy;
        for (int i = 0; i < kLazyCount; ++i) {
            if (name->StrictEquals(self->m_lazyNames[i].Get(self->m_isolate)))
                return LazyField(i);
        }
        return kNotLazy;
    }

    static int readMask(v8::Local<v8::Object> self)
    {
        return self->GetInternalField(kReadField).As<v8::Int32>()->Value();
    }

    // A lazy field exists once read: then it reads as a read-only own property (body and data are one object).
    // Kept in internal fields rather than defined as real properties, which costs V8 a slow define per event.
    static void lazyGetter(v8::Local<v8::Name> name, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        EventObjects* self = objects(info);
        const LazyField lazy = lazyField(self, name);
        BodyKind kind = BodyKind::NotJson;
        const v8::Local<v8::Object> holder = info.Holder();
        const Event* event = lazy == kNotLazy ? nullptr : eventOf(holder, &kind);
        if (!event)
            return; // not ours: the ordinary lookup goes on
        v8::Isolate* isolate = info.GetIsolate();
        const int read = readMask(holder);
        v8::Local<v8::Value> value;
        switch (lazy) {
        case kBody:
        case kData:
            if ((read & ((1 << kBody) | (1 << kData))) != 0) {
                value = holder->GetInternalField(kBodyField);
            } else if (kind == BodyKind::NotJson) {
                value = v8::Undefined(isolate);
            } else if (!v8::JSON::Parse(isolate->GetCurrentContext(), toV8(isolate, event->data)).ToLocal(&value)) {
                return; // a body only the lenient check passed: the SyntaxError reaches the script
            }
            holder->SetInternalField(kBodyField, value);
            holder->SetInternalField(kReadField, v8::Integer::New(isolate, read | (1 << kBody) | (1 << kData)));
            break;
        case kMetadata:
            if ((read & (1 << kMetadata)) != 0) {
                value = holder->GetInternalField(kMetadataField);
            } else if (event->metadata.isEmpty()) {
                value = v8::Null(isolate);
            } else if (!v8::JSON::Parse(isolate->GetCurrentContext(), toV8(isolate, event->metadata)).ToLocal(&value)) {
                // Parsed whatever isJson says; metadata that is not JSON faults when read, as on the server.
                return;
            }
            holder->SetInternalField(kMetadataField, value);
            holder->SetInternalField(kReadField, v8::Integer::New(isolate, read | (1 << kMetadata)));
            break;
        case kLinkMetadata:
            value = v8::Null(isolate);
            holder->SetInternalField(kReadField, v8::Integer::New(isolate, read | (1 << kLinkMetadata)));
            break;
        case kNotLazy:
            return;
        }
        info.GetReturnValue().Set(value);
    }

    // `'body' in e`, Object.keys(e), getOwnPropertyDescriptor: a lazy field is there once read, read-only.
    static void lazyQuery(v8::Local<v8::Name> name, const v8::PropertyCallbackInfo<v8::Integer>& info)
    {
        EventObjects* self = objects(info);
        const LazyField lazy = lazyField(self, name);
        if (lazy == kNotLazy || !eventOf(info.Holder()) || (readMask(info.Holder()) & (1 << lazy)) == 0)
            return; // without an answer here, V8 would ask the getter, which reads the field
        info.GetReturnValue().Set(v8::ReadOnly | v8::DontDelete);
    }

    static void lazyEnumerator(const v8::PropertyCallbackInfo<v8::Array>& info)
    {
        EventObjects* self = objects(info);
        if (!eventOf(info.Holder()))
            return;
        const int read = readMask(info.Holder());
        std::vector<v8::Local<v8::Value>> names;
        for (int i = 0; i < kLazyCount; ++i) {
            if ((read & (1 << i)) != 0)
                names.push_back(self->m_lazyNames[i].Get(info.GetIsolate()));
        }
        info.GetReturnValue().Set(v8::Array::New(info.GetIsolate(), names.data(), names.size()));
    }

    static void lazyDeleter(v8::Local<v8::Name> name, const v8::PropertyCallbackInfo<v8::Boolean>& info)
    {
        EventObjects* self = objects(info);
        const LazyField lazy = lazyField(self, name);
        if (lazy == kNotLazy || !eventOf(info.Holder()) || (readMask(info.Holder()) & (1 << lazy)) == 0)
            return;
        info.GetReturnValue().Set(false); // DontDelete
    }

    // A write to a lazy field is refused like a write to any other field.
    static void lazySetter(
        v8::Local<v8::Name> name, v8::Local<v8::Value> value, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        EventObjects* self = objects(info);
        if (lazyField(self, name) == kNotLazy || !eventOf(info.Holder()))
            return;
        info.GetReturnValue().Set(value); // intercepted: nothing is written
        if (info.ShouldThrowOnError())
            throwReadOnly(info.GetIsolate(), name);
    }

    static void lazyDefiner(
        v8::Local<v8::Name> name, const v8::PropertyDescriptor&, const v8::PropertyCallbackInfo<v8::Value>& info)
    {
        EventObjects* self = objects(info);
        if (lazyField(self, name) == kNotLazy || !eventOf(info.Holder()))
            return;
        info.GetReturnValue().Set(v8::Undefined(info.GetIsolate()));
        if (info.ShouldThrowOnError())
            throwReadOnly(info.GetIsolate(), name);
    }

    static void throwReadOnly(v8::Isolate* isolate, v8::Local<v8::Name> name)
    {
        isolate->ThrowException(v8::Exception::TypeError(v8::String::Concat(isolate,
            v8::String::Concat(isolate,
                v8::String::NewFromUtf8Literal(isolate, "Cannot assign to read only property '"),
                name.As<v8::String>()),
            v8::String::NewFromUtf8Literal(isolate, "' of an event"))));
    }

    static void construct(const v8::FunctionCallbackInfo<v8::Value>& info)
    {
        info.GetIsolate()->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8Literal(info.GetIsolate(), "Event objects are made by the projection engine")));
    }
};

EventObjects::EventObjects(v8::Isolate* isolate, v8::Local<v8::Context> context, const std::int32_t* createdPhase)
    : m_isolate(isolate)
    , m_createdPhase(createdPhase)
{
    m_context.Reset(isolate, context);
    const char* const lazyNames[kLazyCount] = { "body", "data", "metadata", "linkMetadata" };
    for (int i = 0; i < kLazyCount; ++i)
        m_lazyNames[i].Reset(
            isolate, v8::String::NewFromUtf8(isolate, lazyNames[i], v8::NewStringType::kInternalized).ToLocalChecked());
    m_category.Reset(isolate, v8::Null(isolate));

    v8::Local<v8::External> data = v8::External::New(isolate, this);
    v8::Local<v8::FunctionTemplate> eventClass = v8::FunctionTemplate::New(isolate, &EventFieldAccess::construct);
    eventClass->SetClassName(v8::String::NewFromUtf8Literal(isolate, "ProjectionEvent"));
    v8::Local<v8::ObjectTemplate> instance = eventClass->InstanceTemplate();
    instance->SetInternalFieldCount(kFieldCount);
    defineFields(instance, data);
    m_eventClass.Reset(isolate, eventClass);

    v8::Local<v8::ObjectTemplate> holder = v8::ObjectTemplate::New(isolate);
    holder->SetInternalFieldCount(1);
    m_holderTemplate.Reset(isolate, holder);

    v8::Local<v8::Object> prototype = eventClass->GetFunction(context)
                                          .ToLocalChecked()
                                          ->Get(context, v8::String::NewFromUtf8Literal(isolate, "prototype"))
                                          .ToLocalChecked()
                                          .As<v8::Object>();
    m_prototype.Reset(isolate, prototype);
}

void EventObjects::defineFields(v8::Local<v8::ObjectTemplate> instance, v8::Local<v8::Value> data)
{
    // In the order of the reference's table (section 7); the lazy four join as they are read.
    const auto attributes = static_cast<v8::PropertyAttribute>(v8::ReadOnly | v8::DontDelete);
    const struct
    {
        const char* name;
        v8::AccessorGetterCallback getter;
    } fields[] = {
        { "eventType", &EventFieldAccess::eventType },
        { "streamId", &EventFieldAccess::streamId },
        { "sequenceNumber", &EventFieldAccess::sequenceNumber },
        { "eventId", &EventFieldAccess::eventId },
        { "created", &EventFieldAccess::created },
        { "isJson", &EventFieldAccess::isJson },
        { "bodyRaw", &EventFieldAccess::bodyRaw },
        { "metadataRaw", &EventFieldAccess::metadataRaw },
        { "linkMetadataRaw", &EventFieldAccess::linkMetadataRaw },
        { "partition", &EventFieldAccess::partition },
        { "category", &EventFieldAccess::category },
    };
    // V8 gives an instance its template's accessors in the reverse order of their definition.
    for (auto field = std::rbegin(fields); field != std::rend(fields); ++field) {
        instance->SetAccessor(
            v8::String::NewFromUtf8(m_isolate, field->name, v8::NewStringType::kInternalized).ToLocalChecked(),
            field->getter, nullptr, data, v8::DEFAULT, attributes);
    }
    instance->SetHandler(v8::NamedPropertyHandlerConfiguration(&EventFieldAccess::lazyGetter,
        &EventFieldAccess::lazySetter, &EventFieldAccess::lazyQuery, &EventFieldAccess::lazyDeleter,
        &EventFieldAccess::lazyEnumerator, &EventFieldAccess::lazyDefiner, nullptr, data,
        static_cast<v8::PropertyHandlerFlags>(
            int(v8::PropertyHandlerFlags::kNonMasking) | int(v8::PropertyHandlerFlags::kOnlyInterceptStrings))));
}

EventObjects::~EventObjects()
{
    for (EventBatch* batch : m_batches) {
        batch->holder.Reset();
        delete batch;
    }
}

void EventObjects::setCategory(const std::optional<QString>& category)
{
    if (category)
        m_category.Reset(m_isolate, toV8(m_isolate, *category));
    else
        m_category.Reset(m_isolate, v8::Null(m_isolate));
}

v8::Local<v8::Object> EventObjects::prototype(v8::Local<v8::Context>) const
{
    return m_prototype.Get(m_isolate);
}

EventBatch* EventObjects::newBatch(QList<Event> events, QList<BodyKind> kinds, v8::Local<v8::Object>* holder)
{
    auto* batch = new EventBatch;
    batch->events = std::move(events);
    batch->kinds = std::move(kinds);
    batch->owner = this;
    for (const Event& event : std::as_const(batch->events))
        batch->bytes += 128 + event.data.size() + event.metadata.size();
    v8::Local<v8::Context> context = m_context.Get(m_isolate);
    *holder = m_holderTemplate.Get(m_isolate)->NewInstance(context).ToLocalChecked();
    (*holder)->SetAlignedPointerInInternalField(0, batch);
    batch->holder.Reset(m_isolate, *holder);
    batch->holder.SetWeak(batch, &EventObjects::batchCollected, v8::WeakCallbackType::kParameter);
    m_batches.insert(batch);
    m_isolate->AdjustAmountOfExternalAllocatedMemory(batch->bytes - std::exchange(m_collectedBytes, 0));
    return batch;
}

v8::Local<v8::Object> EventObjects::newEvent(
    EventBatch* batch, v8::Local<v8::Object> holder, int index, v8::Local<v8::Value> partition)
{
    v8::Local<v8::Object> event
        = m_eventClass.Get(m_isolate)->InstanceTemplate()->NewInstance(m_context.Get(m_isolate)).ToLocalChecked();
    event->SetAlignedPointerInInternalField(kBatchField, batch);
    event->SetInternalField(kIndexField, v8::Integer::New(m_isolate, index));
    event->SetInternalField(kPartitionField, partition);
    event->SetInternalField(kHolderField, holder);
    event->SetInternalField(kReadField, v8::Integer::New(m_isolate, 0));
    return event;
}

void EventObjects::setPartition(v8::Local<v8::Object> event, v8::Local<v8::Value> partition)
{
    if (event->InternalFieldCount() == kFieldCount)
        event->SetInternalField(kPartitionField, partition);
}

void EventObjects::batchCollected(const v8::WeakCallbackInfo<EventBatch>& info)
{
    // Inside a garbage collection: no V8 call but resetting the handle. V8 hears of the freed bytes later.
    EventBatch* batch = info.GetParameter();
    batch->holder.Reset();
    batch->owner->m_batches.erase(batch);
    batch->owner->m_collectedBytes += batch->bytes;
    delete batch;
}

} // namespace EventScope
