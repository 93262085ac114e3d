#pragma once

#include <QString>

#include <optional>

namespace EventScope {

// One of N runners that split a store between them (`--shard I/N`): streams, or a projection's partitions, are dealt
// by a stable hash of their name, so every runner of a CI fleet picks the same ones on any machine and in any run.
// The hash is FNV-1a (64-bit) over the name's UTF-8 bytes; shard I (1-based) takes the names whose hash modulo N is
// I - 1.
struct Shard
{
    int index = 1; // 1-based
    int count = 1;

    bool contains(QStringView name) const;
    QString toString() const { return QString::number(index) + u'/' + QString::number(count); }

    // "I/N" with 1 <= I <= N; nullopt for anything else.
    static std::optional<Shard> parse(const QString& text);
    static quint64 hashOf(QStringView name);
};

} // namespace EventScope
