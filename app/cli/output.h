#pragma once

#include <core/model/count.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace EventScope::Cli {

// Standard output as a byte sink that notices when the reader has gone (`| head`): after the first
// failed write every write is refused, so a command stops reading the store instead of printing on.
class Output
{
public:
    Output();
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    bool write(const QByteArray& bytes);
    // Pushes buffered bytes to the reader, so a pipe sees each page as soon as it is read.
    bool flush();
    bool failed() const { return m_failed; }

    // The exit code a command returns after its last write: success when the reader closed the
    // pipe early, a failure (with a message on stderr) when writing failed for another reason.
    int finish();

private:
    void noteError(int error);

    bool m_failed = false;
    bool m_readerClosed = false; // EPIPE: the reader went away, not an error of ours
    QString m_error;
};

// One line of JSON whose keys stay in the order they are added (QJsonObject would sort them).
// Strings are escaped by QJsonDocument; raw() inserts text that already is JSON.
class JsonLine
{
public:
    JsonLine() { m_text.reserve(512); } // an event's line is a few hundred bytes: grow once, not per key
    JsonLine& string(const char* key, const QString& value);
    JsonLine& number(const char* key, qint64 value);
    JsonLine& null(const char* key);
    JsonLine& count(const char* key, const Count& value); // a number (exact or estimated), or null when unknown
    JsonLine& raw(const char* key, const QByteArray& json);
    JsonLine& time(const char* key, std::optional<qint64> msSinceEpoch); // ISO 8601 string or null
    // ISO 8601 string; no key at all for a time the store does not hold.
    JsonLine& timeIfKnown(const char* key, std::optional<qint64> msSinceEpoch);
    JsonLine& stringIfNotEmpty(const char* key, const QString& value); // no key for an empty value

    QByteArray line() const { return m_text + "}\n"; }

private:
    void key(const char* name);

    QByteArray m_text;
};

// A count for a text table: "1234", "~1234" when estimated, "?" when not known.
QString countText(const Count& count);

// A JSON string literal, quotes included.
QByteArray jsonString(const QString& text);

// A table for people: a header and columns padded to their widths. The first kSettleRows rows are held
// to measure the columns; later rows reuse those widths (a longer cell just pushes its line out), so
// memory stays flat however many rows a command prints.
class TextTable
{
public:
    enum class Align { Left, Right };
    struct Column
    {
        QString title;
        Align align = Align::Left;
    };
    static constexpr int kSettleRows = 1000;

    TextTable(Output& output, QList<Column> columns);
    // Returns false once the output is closed.
    bool addRow(const QStringList& cells);
    bool finish();

private:
    bool settle();
    bool writeRow(const QStringList& cells);

    Output& m_output;
    QList<Column> m_columns;
    QList<qsizetype> m_widths;
    QList<QStringList> m_pending;
    bool m_settled = false;
};

// Prints "eventscope-cli: MESSAGE" on stderr.
void printError(const QString& message);
// Writes text as UTF-8 to stderr as it is (help, progress).
void printToStderr(const QString& text);

} // namespace EventScope::Cli
