#include "projectionchoices.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace EventScope {

ProjectionChoices::ProjectionChoices(QSettings* settings)
    : m_settings(settings)
{ }

// A store location may hold any character QSettings treats specially ('/', '\\'): the key is its hash.
QString ProjectionChoices::key(const QString& store, const QString& category, const QString& group) const
{
    const QByteArray hash = QCryptographicHash::hash((store + u'\n' + category).toUtf8(), QCryptographicHash::Sha1);
    return group + u'/' + QString::fromLatin1(hash.toHex());
}

QString ProjectionChoices::snapshotProjectionFor(const QString& store, const QString& category) const
{
    QSettings fallback;
    const QSettings& settings = m_settings ? *m_settings : fallback;
    const QString chosen = settings.value(key(store, category, u"snapshotProjections"_s)).toString();
    if (!chosen.isEmpty())
        return chosen;
    const QString builtIn = builtInSnapshotProjection(category);
    return builtIn.isEmpty() ? projectionFor(store, category) : builtIn;
}

void ProjectionChoices::rememberSnapshotProjection(
    const QString& store, const QString& category, const QString& projection)
{
    QSettings fallback;
    QSettings& settings = m_settings ? *m_settings : fallback;
    settings.setValue(key(store, category, u"snapshotProjections"_s), projection);
}

QString ProjectionChoices::builtInSnapshotProjection(const QString& category)
{
    const QString path = u":/eventscope/demo-projections/%1.snapshot.js"_s.arg(category);
    return QFile::exists(path) ? path : QString();
}

QString ProjectionChoices::projectionFor(const QString& store, const QString& category) const
{
    QSettings fallback;
    const QSettings& settings = m_settings ? *m_settings : fallback;
    const QString chosen = settings.value(key(store, category)).toString();
    if (!chosen.isEmpty())
        return chosen;
    return builtIn(category).value(0);
}

void ProjectionChoices::remember(const QString& store, const QString& category, const QString& projection)
{
    QSettings fallback;
    QSettings& settings = m_settings ? *m_settings : fallback;
    settings.setValue(key(store, category), projection);
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
