#include "projectioncompilecheck.h"

#include "projectionengine.h"

#include <core/jobs/mainthread.h>

#include <thread>

namespace EventScope {

ProjectionCompileCheck::ProjectionCompileCheck(QObject* parent)
    : QObject(parent)
    , m_generation(std::make_shared<int>(0))
{
    qRegisterMetaType<std::optional<EventScope::ProjectionFault>>();
    qRegisterMetaType<EventScope::ProjectionDefinition>();
}

ProjectionCompileCheck::~ProjectionCompileCheck() = default;

void ProjectionCompileCheck::check(const QString& script, const QString& fileName)
{
    const int generation = ++*m_generation;
    const QPointer<QObject> guard(this);
    std::thread([guard, script, fileName, generation, current = m_generation] {
        std::optional<ProjectionFault> fault;
        ProjectionDefinition definition;
        {
            ProjectionEngine engine;
            fault = engine.compile(script, fileName);
            definition = engine.definition();
        }
        postToMainThread(guard, [guard, current, generation, fault, definition] {
            if (*current == generation)
                emit static_cast<ProjectionCompileCheck*>(guard.data())->checked(fault, definition);
        });
    }).detach();
}

} // namespace EventScope
