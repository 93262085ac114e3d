#include "output.h"

#include "exitcode.h"

#include <core/model/timeformat.h>

#include <QJsonArray>
#include <QJsonDocument>

#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

Output::Output() = default;

Output::~Output()
{
    flush();
}

bool Output::write(const QByteArray& bytes)
{
    if (m_failed)
        return false;
    if (bytes.isEmpty())
        return true;
    if (std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) != size_t(bytes.size()))
        noteError(errno);
    return !m_failed;
}

bool Output::flush()
{
    if (!m_failed && std::fflush(stdout) != 0)
        noteError(errno);
    return !m_failed;
}

void Output::noteError(int error)
{
    m_failed = true;
    m_readerClosed = error == EPIPE;
    m_error = QString::fromLocal8Bit(std::strerror(error));
}

int Output::finish()
{
    flush();
    if (!m_failed || m_readerClosed)
        return kExitSuccess;
    printError(u"cannot write to standard output: %1"_s.arg(m_error));
    return kExitFailure;
}

QByteArray jsonString(const QString& text)
{
    const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2); // ["..."] -> "..."
}

void JsonLine::key(const char* name)
{
    m_text += m_text.isEmpty() ? "{\"" : ",\"";
    m_text += name;
    m_text += "\":";
}

JsonLine& JsonLine::string(const char* name, const QString& value)
{
    key(name);
    m_text += jsonString(value);
    return *this;
}

JsonLine& JsonLine::number(const char* name, qint64 value)
{
    key(name);
    m_text += QByteArray::number(value);
    return *this;
}

JsonLine& JsonLine::count(const char* name, const Count& value)
{
    return value.isKnown() ? number(name, value.value) : null(name);
}

QString countText(const Count& count)
{
    switch (count.kind) {
    case Count::Kind::Exact:
        return QString::number(count.value);
    case Count::Kind::Estimated:
        return u'~' + QString::number(count.value);
    case Count::Kind::Unknown:
        break;
    }
    return QStringLiteral("?");
}

JsonLine& JsonLine::null(const char* name)
{
    key(name);
    m_text += "null";
    return *this;
}

JsonLine& JsonLine::raw(const char* name, const QByteArray& json)
{
    key(name);
    m_text += json;
    return *this;
}

JsonLine& JsonLine::timeIfKnown(const char* name, std::optional<qint64> msSinceEpoch)
{
    return msSinceEpoch ? string(name, formatIsoTime(*msSinceEpoch)) : *this;
}

JsonLine& JsonLine::stringIfNotEmpty(const char* name, const QString& value)
{
    return value.isEmpty() ? *this : string(name, value);
}

JsonLine& JsonLine::time(const char* name, std::optional<qint64> msSinceEpoch)
{
    return msSinceEpoch ? string(name, formatIsoTime(*msSinceEpoch)) : null(name);
}

TextTable::TextTable(Output& output, QList<Column> columns)
    : m_output(output)
    , m_columns(std::move(columns))
{
    for (const Column& column : m_columns)
        m_widths.append(column.title.size());
}

bool TextTable::addRow(const QStringList& cells)
{
    if (m_settled)
        return writeRow(cells);
    m_pending.append(cells);
    return m_pending.size() < kSettleRows || settle();
}

bool TextTable::finish()
{
    return (m_settled || settle()) && m_output.flush();
}

bool TextTable::settle()
{
    m_settled = true;
    for (const QStringList& row : std::as_const(m_pending)) {
        for (qsizetype i = 0; i < row.size() && i < m_widths.size(); ++i)
            m_widths[i] = qMax(m_widths[i], row.at(i).size());
    }
    QStringList titles;
    for (const Column& column : std::as_const(m_columns))
        titles.append(column.title);
    bool ok = writeRow(titles);
    for (const QStringList& row : std::as_const(m_pending))
        ok = ok && writeRow(row);
    m_pending.clear();
    return ok;
}

bool TextTable::writeRow(const QStringList& cells)
{
    QString line;
    for (qsizetype i = 0; i < cells.size() && i < m_columns.size(); ++i) {
        // A control character from a store (a newline in a stream name) would break the table apart.
        QString cell = cells.at(i);
        for (QChar& c : cell) {
            if (c.category() == QChar::Other_Control)
                c = u'?';
        }
        if (i > 0)
            line += u"  "_s;
        line += m_columns.at(i).align == Align::Right ? cell.rightJustified(m_widths.at(i))
                                                      : cell.leftJustified(m_widths.at(i));
    }
    // The last column is not padded, and an empty last cell leaves no spaces behind.
    while (line.endsWith(u' '))
        line.chop(1);
    line += u'\n';
    return m_output.write(line.toUtf8());
}

void printError(const QString& message)
{
    printToStderr(u"eventscope-cli: "_s + message + u'\n');
}

void printToStderr(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

} // namespace EventScope::Cli
