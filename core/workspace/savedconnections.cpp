#include "savedconnections.h"

#include "workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QVariantMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// A list of records as an earlier EventScope kept them in QSettings (an array of plain strings), read once to take
// them over into the workspace.
struct RecordListSetting
{
    QLatin1StringView key;

    QList<QVariantMap> read(QSettings& settings) const
    {
        QList<QVariantMap> records;
        const int size = settings.beginReadArray(key);
        for (int i = 0; i < size; ++i) {
            settings.setArrayIndex(i);
            QVariantMap record;
            for (const QString& field : settings.childKeys())
                record.insert(field, settings.value(field).toString());
            records.append(record);
        }
        settings.endArray();
        return records;
    }
};

constexpr RecordListSetting kSaved { "connections/saved"_L1 };
constexpr RecordListSetting kRecent { "connections/recent"_L1 };

// A location as stored: its kind spelt out, because a file path may look like a conninfo string.
const QString kKindKey = u"kind"_s;
const QString kLocationKey = u"location"_s;
const QString kNameKey = u"name"_s;
const QString kDialectKey = u"dialect"_s;
const QString kStoreNameKey = u"storeName"_s;
const QString kMappingKey = u"mapping"_s;
const QString kSqlite = u"sqlite"_s;
const QString kPostgres = u"postgresql"_s;

QVariantMap toMap(const StoreLocation& location)
{
    return QVariantMap {
        { kKindKey, location.kind() == StoreLocation::Kind::Postgres ? kPostgres : kSqlite },
        { kLocationKey, location.toString() },
    };
}

std::optional<StoreLocation> fromMap(const QVariantMap& map)
{
    const QString text = map.value(kLocationKey).toString();
    if (text.isEmpty())
        return std::nullopt;
    if (map.value(kKindKey).toString() == kSqlite)
        return StoreLocation::sqliteFile(text);
    // A password cannot be in what we saved, but if someone edited the file by hand, drop it here too.
    auto parsed = StoreLocation::parse(text);
    if (!parsed || parsed->kind() != StoreLocation::Kind::Postgres)
        return std::nullopt;
    return *parsed;
}

} // namespace

namespace {

const QString kRecentKey = u"recentConnections"_s; // a workspace setting of no store: a JSON array
const QString kImportedKey = u"importedQSettings"_s;

QByteArray toJson(const QVariantMap& map)
{
    return QJsonDocument(QJsonObject::fromVariantMap(map)).toJson(QJsonDocument::Compact);
}

QVariantMap fromJson(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object().toVariantMap();
}

QVariantMap connectionMap(const SavedConnection& connection)
{
    QVariantMap map = toMap(connection.location);
    // Only what is set, so that a plain connection stays short.
    if (!connection.dialect.isEmpty())
        map.insert(kDialectKey, connection.dialect);
    if (!connection.storeName.isEmpty())
        map.insert(kStoreNameKey, connection.storeName);
    if (!connection.mapping.isEmpty())
        map.insert(kMappingKey, QString::fromUtf8(connection.mapping));
    return map;
}

} // namespace

SavedConnections::SavedConnections(Workspace* workspace)
    : m_workspace(workspace)
{
    if (!m_workspace) {
        m_workspace = Workspace::application();
        if (m_workspace) {
            QSettings settings;
            importSettings(settings, *m_workspace);
        }
    }
}

QList<SavedConnection> SavedConnections::saved() const
{
    QList<SavedConnection> connections;
    if (!m_workspace)
        return connections;
    const auto rows = m_workspace->connections();
    if (!rows)
        return connections;
    for (const auto& [name, json] : *rows) {
        const QVariantMap map = fromJson(json);
        const auto location = fromMap(map);
        if (!name.isEmpty() && location)
            connections.append(SavedConnection { name, *location, map.value(kDialectKey).toString(),
                map.value(kStoreNameKey).toString(), map.value(kMappingKey).toString().toUtf8() });
    }
    std::sort(connections.begin(), connections.end(), [](const SavedConnection& a, const SavedConnection& b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return connections;
}

void SavedConnections::save(const SavedConnection& connection)
{
    if (m_workspace)
        m_workspace->saveConnection(connection.name, toJson(connectionMap(connection)));
}

void SavedConnections::remove(const QString& name)
{
    if (m_workspace)
        m_workspace->removeConnection(name);
}

QList<StoreLocation> SavedConnections::recent() const
{
    QList<StoreLocation> locations;
    if (!m_workspace)
        return locations;
    const auto stored = m_workspace->setting({}, kRecentKey);
    if (!stored || !*stored)
        return locations;
    for (const QJsonValue& entry : QJsonDocument::fromJson((**stored).toUtf8()).array()) {
        const auto location = fromMap(entry.toObject().toVariantMap());
        if (location && !locations.contains(*location))
            locations.append(*location);
        if (locations.size() == kMaxRecent)
            break;
    }
    return locations;
}

void SavedConnections::addRecent(const StoreLocation& location)
{
    if (location.isEmpty())
        return;
    QList<StoreLocation> locations = recent();
    locations.removeAll(location);
    locations.prepend(location);
    writeRecent(std::as_const(locations).first(std::min<qsizetype>(locations.size(), kMaxRecent)));
}

void SavedConnections::clearRecent()
{
    writeRecent({});
}

void SavedConnections::writeRecent(const QList<StoreLocation>& locations)
{
    if (!m_workspace)
        return;
    QJsonArray entries;
    for (const StoreLocation& each : locations)
        entries.append(QJsonObject::fromVariantMap(toMap(each)));
    m_workspace->setSetting({}, kRecentKey, QString::fromUtf8(QJsonDocument(entries).toJson(QJsonDocument::Compact)));
}

int SavedConnections::importSettings(QSettings& settings, Workspace& workspace)
{
    const auto done = workspace.setting({}, kImportedKey);
    if (!done || *done)
        return 0;
    int copied = 0;
    SavedConnections target(&workspace);
    for (const QVariantMap& map : kSaved.read(settings)) {
        const QString name = map.value(kNameKey).toString();
        const auto location = fromMap(map);
        if (name.isEmpty() || !location)
            continue;
        target.save(SavedConnection { name, *location, map.value(kDialectKey).toString(),
            map.value(kStoreNameKey).toString(), map.value(kMappingKey).toString().toUtf8() });
        ++copied;
    }
    QList<StoreLocation> recent;
    for (const QVariantMap& map : kRecent.read(settings))
        if (const auto location = fromMap(map); location && !recent.contains(*location))
            recent.append(*location);
    if (!recent.isEmpty()) {
        target.writeRecent(recent.first(std::min<qsizetype>(recent.size(), kMaxRecent)));
        copied += int(recent.size());
    }
    workspace.setSetting({}, kImportedKey, u"1"_s);
    return copied;
}

} // namespace EventScope
