#pragma once

#include <core/model/shard.h>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace EventScope::Cli {

// One option of a command: a flag when valueName is empty, else it takes one value
// (`--limit 5` or `--limit=5`).
struct OptionSpec
{
    QString name; // without the leading "--"
    QString valueName;
    QString help;
};

// What a command accepts, used both to parse its arguments and to print its help.
struct CommandSpec
{
    QString name;
    QStringList positionals; // names of the required positional arguments, in order
    QString summary;
    QList<OptionSpec> options; // --json and --help are added to every command
};

// The arguments of one command after parsing: positionals and the options that were given.
// Parsing fails, with a message for the user, on an unknown option, a missing value or a
// wrong number of positionals.
class CommandLine
{
public:
    static std::optional<CommandLine> parse(const CommandSpec& spec, const QStringList& arguments, QString& error);

    const QStringList& positionals() const { return m_positionals; }
    bool isSet(const QString& option) const { return m_values.contains(option); }
    QString value(const QString& option) const { return m_values.value(option); } // the last one given
    // Every value of an option given more than once (`--projection a=x.js --projection b=y.js`), in order.
    QStringList values(const QString& option) const { return m_lists.value(option); }
    bool json() const;
    bool helpRequested() const;

private:
    QStringList m_positionals;
    QHash<QString, QString> m_values; // a flag maps to an empty string
    QHash<QString, QStringList> m_lists; // every value, for options given more than once
};

// The common options every command takes.
QList<OptionSpec> commonOptions();

// "Usage: eventscope-cli NAME ARGS [options]" plus the summary and the option list.
QString helpText(const CommandSpec& spec);

// Whole numbers for --limit, --events, positions: an optionally signed integer in [minimum, max qint64].
std::optional<qint64> parseInteger(const QString& text, qint64 minimum);

// --shard I/N, shared by project, verify and find; `error` is set when the value is not of that form.
std::optional<Shard> shardOption(const CommandLine& arguments, QString& error);
OptionSpec shardOptionSpec(const QString& dealt);

} // namespace EventScope::Cli
