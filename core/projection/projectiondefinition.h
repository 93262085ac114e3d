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
};

} // namespace EventScope
