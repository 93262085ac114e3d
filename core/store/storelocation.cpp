#include "storelocation.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

bool looksLikePostgres(const QString& text)
{
    if (text.startsWith(u"postgresql://"_s) || text.startsWith(u"postgres://"_s))
        return true;
    // A conninfo string is one or more keyword=value pairs. A file of that name wins: paths may hold '='.
    static const QRegularExpression conninfo(u"^\\s*[a-z_]+\\s*="_s);
    return conninfo.match(text).hasMatch() && !QFileInfo::exists(text);
}

QString quoted(const QString& value)
{
    QString escaped = value;
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"'"_s, u"\\'"_s);
    return u'\'' + escaped + u'\'';
}

} // namespace

StoreLocation StoreLocation::sqliteFile(const QString& path)
{
    StoreLocation location;
    location.m_path = path;
    return location;
}

Result<StoreLocation> StoreLocation::parse(const QString& text, QString* password)
{
    if (!looksLikePostgres(text))
        return sqliteFile(text);

    char* error = nullptr;
    const QByteArray utf8 = text.toUtf8();
    PQconninfoOption* options = PQconninfoParse(utf8.constData(), &error);
    if (!options) {
        const QString why = error ? QString::fromUtf8(error).trimmed() : u"out of memory"_s;
        PQfreemem(error);
        return StoreError { StoreError::Kind::InvalidArgument,
            u"not a PostgreSQL connection string libpq accepts: %1"_s.arg(why) };
    }
    StoreLocation location;
    location.m_kind = Kind::Postgres;
    for (PQconninfoOption* option = options; option->keyword; ++option) {
        if (!option->val)
            continue;
        const QString keyword = QString::fromUtf8(option->keyword);
        const QString value = QString::fromUtf8(option->val);
        if (keyword == u"password"_s) {
            if (password)
                *password = value;
            continue;
        }
        location.m_parameters.append({ keyword, value });
    }
    PQconninfoFree(options);
    return location;
}

QString StoreLocation::parameter(const QString& keyword) const
{
    for (const auto& [key, value] : m_parameters) {
        if (key == keyword)
            return value;
    }
    return {};
}

QString StoreLocation::conninfo() const
{
    QStringList pairs;
    for (const auto& [key, value] : m_parameters)
        pairs.append(key + u'=' + quoted(value));
    return pairs.join(u' ');
}

QString StoreLocation::toString() const
{
    return m_kind == Kind::SqliteFile ? m_path : conninfo();
}

QString StoreLocation::displayName() const
{
    if (m_kind == Kind::SqliteFile)
        return m_path;
    const QString service = parameter(u"service"_s);
    const QString user = parameter(u"user"_s);
    const QString host = parameter(u"host"_s);
    const QString port = parameter(u"port"_s);
    const QString dbname = parameter(u"dbname"_s);
    QString name = user.isEmpty() ? QString() : user + u'@';
    name += host.isEmpty() ? (service.isEmpty() ? u"localhost"_s : service) : host;
    if (!port.isEmpty())
        name += u':' + port;
    name += u'/' + (dbname.isEmpty() ? (user.isEmpty() ? u"postgres"_s : user) : dbname);
    return u"postgresql://"_s + name;
}

} // namespace EventScope
