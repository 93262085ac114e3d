#pragma once

#include <QByteArray>
#include <QString>

// What several tests need: real stores made on the spot, the bad files users meet, and a file hash
// for the read-only checks. Everything is written into the caller's temporary directory.
namespace EventScope::TestSupport {

// A demo store with `events` events; generated once per (events, seed) and test process, then copied.
QString demoStore(const QString& directory, qint64 events, quint64 seed = 1);

// A small store in the native schema written by hand: 3 streams, 8 events with known values,
// including invalid JSON, invalid UTF-8 and an empty payload. Documented in testsupport.cpp.
QString handWrittenStore(const QString& directory);

enum class BadFile {
    Missing, // a path with no file
    Directory,
    Empty, // zero bytes
    NotSqlite, // a text file
    Truncated, // a real store cut in half
    CorruptPages, // a real store with its pages overwritten after the header
    ForeignSqlite, // a valid SQLite database with unrelated tables
};
QString badFile(const QString& directory, BadFile kind);

QByteArray sha256OfFile(const QString& path);

// Files in `directory` other than `keep`: a read-only open must not leave -wal/-shm/-journal behind.
QStringList filesBeside(const QString& directory);

} // namespace EventScope::TestSupport
