#include "savedconnections.h"

#include <QSettings>
#include <QVariantMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// A list of records in QSettings, declared once with its key so that a misspelt key does not compile. Records are
// written as a QSettings array of plain strings, so that the file stays readable text (a QVariantList would be a
// binary blob of UTF-16).
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

    void write(QSettings& settings, const QList<QVariantMap>& records) const
    {
        settings.remove(key);
        settings.beginWriteArray(key, int(records.size()));
        for (int i = 0; i < records.size(); ++i) {
            settings.setArrayIndex(i);
            for (auto field = records[i].cbegin(); field != records[i].cend(); ++field)
                settings.setValue(field.key(), field.value().toString());
        }
        settings.endArray();
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

SavedConnections::SavedConnections(QSettings* settings)
    : m_settings(settings)
{
    if (!m_settings)
        m_owned = m_settings = new QSettings;
}

SavedConnections::~SavedConnections()
{
    delete m_owned;
}

QSettings& SavedConnections::settings() const
{
    return *m_settings;
}

QList<SavedConnection> SavedConnections::saved() const
{
    QList<SavedConnection> connections;
    for (const QVariantMap& map : kSaved.read(settings())) {
        const QString name = map.value(kNameKey).toString();
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
    QList<SavedConnection> connections = saved();
    connections.removeIf([&connection](const SavedConnection& each) { return each.name == connection.name; });
    connections.append(connection);
    writeSaved(connections);
}

void SavedConnections::remove(const QString& name)
{
    QList<SavedConnection> connections = saved();
    connections.removeIf([&name](const SavedConnection& each) { return each.name == name; });
    writeSaved(connections);
}

void SavedConnections::writeSaved(const QList<SavedConnection>& connections)
{
    QList<QVariantMap> entries;
    for (const SavedConnection& connection : connections) {
        QVariantMap map = toMap(connection.location);
        map.insert(kNameKey, connection.name);
        // Only what is set, so that a plain connection stays as short as before.
        if (!connection.dialect.isEmpty())
            map.insert(kDialectKey, connection.dialect);
        if (!connection.storeName.isEmpty())
            map.insert(kStoreNameKey, connection.storeName);
        if (!connection.mapping.isEmpty())
            map.insert(kMappingKey, QString::fromUtf8(connection.mapping));
        entries.append(map);
    }
    kSaved.write(settings(), entries);
}

QList<StoreLocation> SavedConnections::recent() const
{
    QList<StoreLocation> locations;
    for (const QVariantMap& map : kRecent.read(settings())) {
        const auto location = fromMap(map);
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
    QList<QVariantMap> entries;
    for (const StoreLocation& each : std::as_const(locations).first(std::min<qsizetype>(locations.size(), kMaxRecent)))
        entries.append(toMap(each));
    kRecent.write(settings(), entries);
}

void SavedConnections::clearRecent()
{
    kRecent.write(settings(), {});
}

} // namespace EventScope
