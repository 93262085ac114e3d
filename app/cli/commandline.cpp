#include "commandline.h"

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

const OptionSpec* findOption(const CommandSpec& spec, const QString& name)
{
    static const QList<OptionSpec> common = commonOptions();
    for (const QList<OptionSpec>* list : { &spec.options, &common }) {
        for (const OptionSpec& option : *list) {
            if (option.name == name)
                return &option;
        }
    }
    return nullptr;
}

} // namespace

QList<OptionSpec> commonOptions()
{
    return {
        { u"json"_s, {}, u"Print one JSON object per line instead of a table."_s },
        { u"dialect"_s, u"NAME"_s, u"Read the store as this dialect instead of detecting one (see 'dialects')."_s },
        { u"mapping"_s, u"FILE"_s, u"Read the store through this JSON mapping of your own tables."_s },
        { u"store-name"_s, u"NAME"_s,
            u"When the database holds several stores (schemas, applications), open this one; 'info' lists them."_s },
        { u"help"_s, {}, u"Show this help."_s },
    };
}

std::optional<CommandLine> CommandLine::parse(const CommandSpec& spec, const QStringList& arguments, QString& error)
{
    CommandLine result;
    bool onlyPositionals = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (onlyPositionals || argument == u"-"_s || !argument.startsWith(u'-')) {
            result.m_positionals.append(argument);
            continue;
        }
        if (argument == u"--"_s) {
            onlyPositionals = true;
            continue;
        }
        if (argument == u"-h"_s) {
            result.m_values.insert(u"help"_s, QString());
            continue;
        }
        if (!argument.startsWith(u"--"_s)) {
            error = u"unknown option '%1'"_s.arg(argument);
            return std::nullopt;
        }
        const qsizetype equals = argument.indexOf(u'=');
        const QString name = argument.mid(2, equals < 0 ? -1 : equals - 2);
        const OptionSpec* option = findOption(spec, name);
        if (!option) {
            error = u"unknown option '--%1'"_s.arg(name);
            return std::nullopt;
        }
        if (option->valueName.isEmpty()) {
            if (equals >= 0) {
                error = u"option '--%1' takes no value"_s.arg(name);
                return std::nullopt;
            }
            result.m_values.insert(name, QString());
        } else if (equals >= 0) {
            result.m_values.insert(name, argument.mid(equals + 1));
            result.m_lists[name].append(argument.mid(equals + 1));
        } else if (i + 1 < arguments.size()) {
            result.m_values.insert(name, arguments.at(++i));
            result.m_lists[name].append(arguments.at(i));
        } else {
            error = u"option '--%1' needs a value (%2)"_s.arg(name, option->valueName);
            return std::nullopt;
        }
    }
    if (result.helpRequested())
        return result;
    // `--stream ""` would silently mean every stream: a script whose variable is unset must not get that.
    for (auto it = result.m_lists.cbegin(); it != result.m_lists.cend(); ++it) {
        if (it.value().contains(QString()) && !findOption(spec, it.key())->valueName.isEmpty()) {
            error = u"option '--%1' needs a non-empty value"_s.arg(it.key());
            return std::nullopt;
        }
    }
    if (result.m_positionals.size() < spec.positionals.size()) {
        // A lower-case positional is a literal word ("demo create PATH"), an upper-case one a value.
        const QString missing = spec.positionals.at(result.m_positionals.size());
        error = missing == missing.toUpper() ? u"missing %1"_s.arg(missing) : u"missing '%1'"_s.arg(missing);
        return std::nullopt;
    }
    if (result.m_positionals.size() > spec.positionals.size()) {
        error = u"unexpected argument '%1'"_s.arg(result.m_positionals.at(spec.positionals.size()));
        return std::nullopt;
    }
    return result;
}

bool CommandLine::json() const
{
    return isSet(u"json"_s);
}

bool CommandLine::helpRequested() const
{
    return isSet(u"help"_s);
}

QString helpText(const CommandSpec& spec)
{
    QString text = u"Usage: eventscope-cli %1"_s.arg(spec.name);
    for (const QString& positional : spec.positionals)
        text += u' ' + positional;
    text += u" [options]\n\n"_s + spec.summary + u"\n\nOptions:\n"_s;
    QList<OptionSpec> options = spec.options;
    options.append(commonOptions());
    QStringList names;
    qsizetype width = 0;
    for (const OptionSpec& option : options) {
        names.append(
            option.valueName.isEmpty() ? u"--"_s + option.name : u"--%1 %2"_s.arg(option.name, option.valueName));
        width = qMax(width, names.constLast().size());
    }
    for (qsizetype i = 0; i < options.size(); ++i)
        text += u"  "_s + names.at(i).leftJustified(width + 2) + options.at(i).help + u'\n';
    return text;
}

std::optional<qint64> parseInteger(const QString& text, qint64 minimum)
{
    // toLongLong() also takes surrounding spaces; a user who typed "5 " meant 5, "5x" is an error.
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < minimum)
        return std::nullopt;
    return value;
}

std::optional<Shard> shardOption(const CommandLine& arguments, QString& error)
{
    if (!arguments.isSet(u"shard"_s))
        return std::nullopt;
    const std::optional<Shard> shard = Shard::parse(arguments.value(u"shard"_s));
    if (!shard)
        error = u"--shard wants I/N with 1 <= I <= N (this runner's share of N), not '%1'"_s.arg(
            arguments.value(u"shard"_s));
    return shard;
}

OptionSpec shardOptionSpec(const QString& dealt)
{
    return { u"shard"_s, u"I/N"_s,
        u"Do only shard I of N (1-based): %1 are dealt by a stable hash of their name, so N runners\n"
        "(a CI fleet) split the store and their outputs together are one run's."_s.arg(dealt) };
}

} // namespace EventScope::Cli
