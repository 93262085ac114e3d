#pragma once

#include <core/store/storelocation.h>

#include <QList>
#include <QString>

class QSettings;

namespace EventScope {

class Workspace;

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

// The saved connections and the recently opened ones, kept in the workspace file (never a password: StoreLocation
// carries none). Callers see names and locations, never how they are stored. Without a workspace (it could not be
// opened) nothing is kept.
class SavedConnections
{
public:
    static constexpr int kMaxRecent = 10;

    // `workspace` is borrowed; null means Workspace::application(), which also takes over, once, what an earlier
    // EventScope kept in QSettings.
    explicit SavedConnections(Workspace* workspace = nullptr);

    // Sorted by name, case-insensitively.
    QList<SavedConnection> saved() const;
    // Adds it, or replaces the one of the same name.
    void save(const SavedConnection& connection);
    void remove(const QString& name);

    // Newest first, at most kMaxRecent, each location once.
    QList<StoreLocation> recent() const;
    void addRecent(const StoreLocation& location);
    void clearRecent();

    // Copies the saved and recent connections an earlier EventScope kept in `settings` into `workspace`, unless
    // that was done before (a flag in the workspace). Returns how many were copied.
    static int importSettings(QSettings& settings, Workspace& workspace);

private:
    void writeRecent(const QList<StoreLocation>& locations);

    Workspace* m_workspace = nullptr;
};

} // namespace EventScope
