#include "fixtureevents.h"

#include <core/model/jsontext.h>
#include <core/model/timeformat.h>

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace EventScope::TestSupport {

namespace {

// The end of the JSON value that starts at `at` (after blanks), in a document already known to be valid.
qsizetype endOfValue(const QByteArray& text, qsizetype at)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = at; i < text.size(); ++i) {
        const char c = text.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"') {
                inString = false;
                if (depth == 0)
                    return i + 1;
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '{':
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            if (--depth == 0)
                return i + 1;
            if (depth < 0)
                return i;
            break;
        case ',':
            if (depth == 0)
                return i;
            break;
        default:
            break;
        }
    }
    return text.size();
}

qsizetype skipBlank(const QByteArray& text, qsizetype at)
{
    while (
        at < text.size() && (text.at(at) == ' ' || text.at(at) == '\n' || text.at(at) == '\r' || text.at(at) == '\t'))
        ++at;
    return at;
}

// Each member of each object of the top-level array, as raw text: QJsonObject would sort the keys of a payload.
QList<QHash<QString, QByteArray>> rawObjects(const QByteArray& text)
{
    QList<QHash<QString, QByteArray>> objects;
    qsizetype at = skipBlank(text, 0);
    if (at >= text.size() || text.at(at) != '[')
        qFatal("events.json: not an array");
    ++at;
    for (;;) {
        at = skipBlank(text, at);
        if (at >= text.size() || text.at(at) == ']')
            break;
        if (text.at(at) == ',') {
            ++at;
            continue;
        }
        if (text.at(at) != '{')
            qFatal("events.json: an event is not an object");
        ++at;
        QHash<QString, QByteArray> members;
        for (;;) {
            at = skipBlank(text, at);
            if (text.at(at) == '}') {
                ++at;
                break;
            }
            if (text.at(at) == ',') {
                ++at;
                continue;
            }
            const qsizetype keyEnd = endOfValue(text, at);
            const QString key = QJsonDocument::fromJson("[" + text.mid(at, keyEnd - at) + "]").array().at(0).toString();
            at = skipBlank(text, keyEnd) + 1; // the ':'
            at = skipBlank(text, at);
            const qsizetype valueEnd = endOfValue(text, at);
            members.insert(key, text.mid(at, valueEnd - at).trimmed());
            at = valueEnd;
        }
        objects.append(members);
    }
    return objects;
}

QJsonValue valueOf(const QByteArray& raw)
{
    return QJsonDocument::fromJson("[" + raw + "]").array().at(0);
}

} // namespace

QList<Event> readFixtureEvents(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray text = file.readAll();
    if (QJsonParseError error; QJsonDocument::fromJson(text, &error).isNull())
        qFatal("%s: %s", qPrintable(path), qPrintable(error.errorString()));
    QList<Event> events;
    QHash<QString, qint64> nextVersion;
    const QList<QHash<QString, QByteArray>> objects = rawObjects(text);
    for (qsizetype i = 0; i < objects.size(); ++i) {
        const QHash<QString, QByteArray>& members = objects.at(i);
        Event event;
        event.stream = valueOf(members.value(u"stream"_s)).toString();
        event.type = valueOf(members.value(u"type"_s)).toString();
        if (members.contains(u"data"_s))
            event.data = compactJson(members.value(u"data"_s));
        else if (members.contains(u"dataRaw"_s))
            event.data = valueOf(members.value(u"dataRaw"_s)).toString().toUtf8();
        if (members.contains(u"metadata"_s))
            event.metadata = compactJson(members.value(u"metadata"_s));
        else if (members.contains(u"metadataRaw"_s))
            event.metadata = valueOf(members.value(u"metadataRaw"_s)).toString().toUtf8();
        if (members.contains(u"isJson"_s))
            event.dataFormat = valueOf(members.value(u"isJson"_s)).toBool() ? DataFormat::Json : DataFormat::Bytes;
        const QString time = members.contains(u"time"_s) ? valueOf(members.value(u"time"_s)).toString() : QString();
        event.timeMs = time.isEmpty() ? 1735689600000 + qint64(i) * 1000 : parseIsoTime(time).value_or(0);
        event.id = members.contains(u"id"_s) ? valueOf(members.value(u"id"_s)).toString()
                                             : u"00000000-0000-4000-8000-%1"_s.arg(i + 1, 12, 10, QChar(u'0'));
        event.version = members.contains(u"version"_s) ? valueOf(members.value(u"version"_s)).toInteger()
                                                       : nextVersion.value(event.stream, 0);
        nextVersion[event.stream] = event.version + 1;
        event.position = members.contains(u"position"_s) ? valueOf(members.value(u"position"_s)).toInteger() : i + 1;
        events.append(event);
    }
    return events;
}

} // namespace EventScope::TestSupport
