#pragma once

#include <QString>
#include <QStringList>

namespace EventScope {

// What a compiled projection declared: where its events come from, how they are partitioned, and which
// outputs it has. The projection language's selectors, after the start checks of the server passed.
struct ProjectionDefinition
{
    enum class Form {
        Projection, // fromAll() / fromStream() / ... .when({...})
        Reducer, // a script whose last expression is { init(), apply(state, event) }
    };
    enum class Source {
        All, // fromAll(): the whole log, streams starting with '$' skipped
        Streams, // fromStream(s) / fromStreams(...): these streams, merged in global order
        Categories, // fromCategory(...): the streams "<category>-...", in global order
        Unspecified, // a reducer: the caller picks a stream or a category
    };

    Form form = Form::Projection;
    Source source = Source::Unspecified;
    QStringList streams;
    QStringList categories;
    bool foreachStream = false; // one partition per stream (also a reducer)
    bool partitioned = false; // foreachStream() or partitionBy()
    bool biState = false; // $initShared or options({biState: true})
    bool outputState = false; // publishes results
    bool definesStateTransform = false; // transformBy / filterBy / $defines_state_transform: `result` is shown
    bool includeLinks = false;
    bool reorderEvents = false;
    int processingLagMs = 0;
    QString resultStreamName;
    QStringList handledEventTypes; // empty with allEvents
    bool allEvents = true; // every event reaches the script, not only handledEventTypes
    bool partitionBy = false; // partitions chosen by partitionBy(), known only once it ran

    // Where the script's functions are written, so that a user can see which code applied an event.
    struct Function
    {
        QString name; // the event type, "$any", "apply" (a reducer), "$init", "$created", "partitionBy", ...
        int line = 0; // 1-based; 0: unknown
        int column = 0; // 1-based; 0: unknown
    };
    QString fileName;
    QList<Function> handlers; // the typed handlers in declaration order, then $any (or a reducer's apply)
    QList<Function> otherFunctions; // $init, $initShared, $created, partitionBy, when the script has them

    // The handler an event of this type reaches: its typed handler, else $any (or a reducer's apply). nullptr when
    // the event is not delivered (a type the projection does not handle), or when no handler applies it (then its
    // body becomes the state).
    const Function* handlerFor(const QString& eventType) const
    {
        const Function* any = nullptr;
        for (const Function& handler : handlers) {
            if (handler.name == eventType && handledEventTypes.contains(eventType))
                return &handler;
            if (!handledEventTypes.contains(handler.name))
                any = &handler;
        }
        return allEvents ? any : nullptr;
    }
};

} // namespace EventScope
