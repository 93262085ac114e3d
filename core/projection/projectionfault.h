#pragma once

#include <QString>
#include <optional>

namespace EventScope {

// Why a projection stopped: the JavaScript error (or the runtime's own rule that was broken), the line of
// the script it points at, and the event being processed. A fault at start (compiling, declaring) has no event.
struct ProjectionFault
{
    enum class Kind {
        Script, // the script threw, or broke a rule of the language (a state that cannot be stored, ...)
        Timeout, // a call ran longer than its budget and was interrupted
        Memory, // the engine grew past its memory limit and was interrupted
    };
    struct EventRef
    {
        QString stream;
        qint64 version = 0;
    };

    Kind kind = Kind::Script;
    QString message;
    std::optional<int> line; // 1-based line in the projection's file, when the error points into it
    std::optional<EventRef> event;
    QString fileName;

    // "file:line: message (event version@stream)" for a terminal or a status bar.
    QString toString() const;
};

} // namespace EventScope
