#include "definitionfilelink.h"

#include "workspace.h"

#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace EventScope {

DefinitionFileLink::DefinitionFileLink(
    Workspace& workspace, qint64 definition, const QString& filePath, QObject* parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_definition(definition)
    , m_filePath(QFileInfo(filePath).absoluteFilePath())
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(150);
    connect(&m_settle, &QTimer::timeout, this, &DefinitionFileLink::reload);
    const auto changed = [this] {
        watch();
        m_settle.start();
    };
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, changed);
    // A replaced file shows up as a change of its folder while the file itself is briefly gone.
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, changed);
    watch();
}

void DefinitionFileLink::watch()
{
    if (QFileInfo::exists(m_filePath) && !m_watcher.files().contains(m_filePath))
        m_watcher.addPath(m_filePath);
    const QString folder = QFileInfo(m_filePath).absolutePath();
    if (!m_watcher.directories().contains(folder))
        m_watcher.addPath(folder);
}

void DefinitionFileLink::reload()
{
    QFile file(m_filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        emit failed(u"cannot read the linked file %1: %2"_s.arg(m_filePath, file.errorString()));
        return;
    }
    const QString content = QString::fromUtf8(file.readAll());
    const auto head = m_workspace.definition(m_definition);
    if (!head) {
        emit failed(head.error().message);
        return;
    }
    if (head->content == content)
        return;
    const auto revision
        = m_workspace.saveRevision(m_definition, content, u"Reloaded from %1"_s.arg(QFileInfo(m_filePath).fileName()));
    if (!revision) {
        emit failed(revision.error().message);
        return;
    }
    emit reloaded(revision->id, content);
}

} // namespace EventScope
