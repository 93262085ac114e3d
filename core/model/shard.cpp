#include "shard.h"

namespace EventScope {

quint64 Shard::hashOf(QStringView name)
{
    const QByteArray utf8 = name.toUtf8();
    quint64 hash = 14695981039346656037ULL;
    for (const char c : utf8)
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return hash;
}

bool Shard::contains(QStringView name) const
{
    return count <= 1 || hashOf(name) % quint64(count) == quint64(index - 1);
}

std::optional<Shard> Shard::parse(const QString& text)
{
    const qsizetype slash = text.indexOf(u'/');
    if (slash <= 0)
        return std::nullopt;
    bool indexOk = false, countOk = false;
    const int index = text.left(slash).trimmed().toInt(&indexOk);
    const int count = text.mid(slash + 1).trimmed().toInt(&countOk);
    if (!indexOk || !countOk || count < 1 || index < 1 || index > count)
        return std::nullopt;
    return Shard { index, count };
}

} // namespace EventScope
