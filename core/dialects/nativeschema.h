#pragma once

namespace EventScope::NativeSchema {

// EventScope's own SQLite layout, documented for humans in docs/native-schema.md.
// The demo generator writes it and NativeStore reads it; the two must agree, so the DDL lives here once.

inline constexpr char kSchemaName[] = "eventscope-native";
inline constexpr int kSchemaVersion = 1;

// Tables first; the indexes come after a bulk load (building them once is faster than keeping them up).
inline constexpr const char* kCreateTables[] = {
    "CREATE TABLE eventscope_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE streams ("
    " stream_id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " category TEXT,"
    " event_count INTEGER NOT NULL,"
    " last_version INTEGER NOT NULL,"
    " last_time INTEGER NOT NULL)",
    "CREATE TABLE events ("
    " position INTEGER PRIMARY KEY,"
    " stream_id INTEGER NOT NULL REFERENCES streams(stream_id),"
    " version INTEGER NOT NULL,"
    " type TEXT NOT NULL,"
    " time INTEGER NOT NULL,"
    " event_id BLOB NOT NULL,"
    " data BLOB,"
    " metadata BLOB)",
    "CREATE TABLE snapshots ("
    " stream_id INTEGER NOT NULL REFERENCES streams(stream_id),"
    " version INTEGER NOT NULL,"
    " time INTEGER NOT NULL,"
    " state TEXT NOT NULL,"
    " PRIMARY KEY (stream_id, version)) WITHOUT ROWID",
};

inline constexpr const char* kCreateIndexes[] = {
    "CREATE UNIQUE INDEX events_by_stream ON events (stream_id, version)",
    "CREATE INDEX events_by_type ON events (type)", // rowid (= position) is the index's last column
    "CREATE INDEX events_by_time ON events (time)",
    "CREATE INDEX streams_by_category ON streams (category)",
};

} // namespace EventScope::NativeSchema
