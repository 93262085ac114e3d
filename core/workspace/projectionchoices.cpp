#include "projectionchoices.h"

#include "workspace.h"

#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace EventScope {

ProjectionChoices::ProjectionChoices(Workspace* workspace)
    : m_workspace(workspace ? workspace : Workspace::application())
{ }

QString ProjectionChoices::chosen(const QString& store, const QString& key) const
{
    if (!m_workspace)
        return {};
    const auto value = m_workspace->setting(store, key);
    return value && *value ? **value : QString();
}

void ProjectionChoices::choose(const QString& store, const QString& key, const QString& projection)
{
    if (!m_workspace)
        return;
    // A failed save only loses a convenience: the choice is offered again next time.
    if (projection.isEmpty())
        m_workspace->removeSetting(store, key);
    else
        m_workspace->setSetting(store, key, projection);
}

QString ProjectionChoices::snapshotProjectionFor(const QString& store, const QString& category) const
{
    const QString remembered = chosen(store, u"snapshotProjection/"_s + category);
    if (!remembered.isEmpty())
        return remembered;
    const QString builtIn = builtInSnapshotProjection(category);
    return builtIn.isEmpty() ? projectionFor(store, category) : builtIn;
}

void ProjectionChoices::rememberSnapshotProjection(
    const QString& store, const QString& category, const QString& projection)
{
    choose(store, u"snapshotProjection/"_s + category, projection);
}

QString ProjectionChoices::snapshotIgnored(const QString& store, const QString& category) const
{
    return chosen(store, u"snapshotIgnore/"_s + category);
}

void ProjectionChoices::rememberSnapshotIgnored(
    const QString& store, const QString& category, const QString& keysAndPaths)
{
    choose(store, u"snapshotIgnore/"_s + category, keysAndPaths.trimmed());
}

QString ProjectionChoices::builtInSnapshotProjection(const QString& category)
{
    const QString path = u":/eventscope/demo-projections/%1.snapshot.js"_s.arg(category);
    return QFile::exists(path) ? path : QString();
}

QString ProjectionChoices::projectionFor(const QString& store, const QString& category) const
{
    const QString remembered = chosen(store, u"projection/"_s + category);
    return remembered.isEmpty() ? builtIn(category).value(0) : remembered;
}

void ProjectionChoices::remember(const QString& store, const QString& category, const QString& projection)
{
    choose(store, u"projection/"_s + category, projection);
}

QString ProjectionChoices::defaultFold()
{
    return u":/eventscope/projection/defaultfold.js"_s;
}

QString ProjectionChoices::workspaceChoice(qint64 definition)
{
    return u"workspace:%1"_s.arg(definition);
}

qint64 ProjectionChoices::workspaceDefinitionOf(const QString& choice)
{
    static constexpr QStringView prefix = u"workspace:";
    return choice.startsWith(prefix) ? QStringView(choice).mid(prefix.size()).toLongLong() : 0;
}

Result<ProjectionChoices::Script> ProjectionChoices::script(const QString& choice) const
{
    if (const qint64 id = workspaceDefinitionOf(choice)) {
        if (!m_workspace)
            return StoreError { StoreError::Kind::Io, Workspace::applicationError() };
        const Result<WorkspaceDefinition> definition = m_workspace->definition(id);
        if (!definition)
            return definition.error();
        return Script { definition->headRevision > 0 ? definition->content : definition->draft.value_or(QString()),
            definition->name + u".js"_s };
    }
    QFile file(choice);
    if (!file.open(QIODevice::ReadOnly))
        return StoreError { StoreError::Kind::NotReadable, u"cannot read %1: %2"_s.arg(choice, file.errorString()) };
    return Script { QString::fromUtf8(file.readAll()), QFileInfo(choice).fileName() };
}

QStringList ProjectionChoices::builtIn(const QString& category)
{
    QStringList found;
    for (const char* form : { "projection", "reducer" }) {
        const QString path = u":/eventscope/demo-projections/%1.%2.js"_s.arg(category, QLatin1StringView(form));
        if (QFile::exists(path))
            found.append(path);
    }
    return found;
}

} // namespace EventScope
