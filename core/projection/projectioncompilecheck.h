#pragma once

#include "projectiondefinition.h"
#include "projectionfault.h"

#include <QObject>

#include <memory>
#include <optional>

namespace EventScope {

// Compiles a definition's text on a thread of its own, as the editor's live check while the user types: a syntax
// error or a selector the language refuses comes back with its line before anything is run. Only the newest
// check reports; a script that loops at the top level is interrupted by the engine's watchdog.
class ProjectionCompileCheck : public QObject
{
    Q_OBJECT
public:
    explicit ProjectionCompileCheck(QObject* parent = nullptr);
    ~ProjectionCompileCheck() override;

    void check(const QString& script, const QString& fileName);

signals:
    // No fault: it compiled, and `definition` is what it declared.
    void checked(
        const std::optional<EventScope::ProjectionFault>& fault, const EventScope::ProjectionDefinition& definition);

private:
    std::shared_ptr<int> m_generation;
};

} // namespace EventScope
