#pragma once

#include <core/store/storelocation.h>

#include <QList>
#include <QString>

class QSettings;

namespace EventScope {

// A connection the user named and saved: a location, never a password (StoreLocation carries none), and how to
// read it when detection alone does not do: a forced dialect, which store of several, or a mapping of the user's
// own tables (JSON, as docs/mappings.md describes it).
struct SavedConnection
{
    QString name;
    StoreLocation location;
    QString dialect {}; // empty: detect
    QString storeName {}; // empty: the first store found
    QByteArray mapping {}; // empty: none

    bool operator==(const SavedConnection&) const = default;
};

// The saved connections and the recently opened ones. They live in QSettings until the workspace file exists;
// then only this class changes (its callers see names and locations, never keys).
class SavedConnections
{
public:
    static constexpr int kMaxRecent = 10;

    // `settings` is borrowed; null means the application's QSettings().
    explicit SavedConnections(QSettings* settings = nullptr);
    ~SavedConnections();

    // Sorted by name, case-insensitively.
    QList<SavedConnection> saved() const;
    // Adds it, or replaces the one of the same name.
    void save(const SavedConnection& connection);
    void remove(const QString& name);

    // Newest first, at most kMaxRecent, each location once.
    QList<StoreLocation> recent() const;
    void addRecent(const StoreLocation& location);
    void clearRecent();

private:
    QSettings& settings() const;
    void writeSaved(const QList<SavedConnection>& connections);

    QSettings* m_settings = nullptr;
    QSettings* m_owned = nullptr;
};

} // namespace EventScope
