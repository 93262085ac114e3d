#include "projectioncompilecheck.h"

#include "projectionengine.h"

#include <QCoreApplication>
#include <QPointer>

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
    const QPointer<ProjectionCompileCheck> guard(this);
    std::thread([guard, script, fileName, generation, current = m_generation] {
        std::optional<ProjectionFault> fault;
        ProjectionDefinition definition;
        {
            ProjectionEngine engine;
            fault = engine.compile(script, fileName);
            definition = engine.definition();
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, current, generation, fault, definition] {
                if (guard && *current == generation)
                    emit guard->checked(fault, definition);
            },
            Qt::QueuedConnection);
    }).detach();
}

} // namespace EventScope
