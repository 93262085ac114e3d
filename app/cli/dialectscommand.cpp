#include "commands.h"
#include "exitcode.h"
#include "output.h"

#include <core/dialects/storeopener.h>

using namespace Qt::StringLiterals;

namespace EventScope::Cli {

namespace {

int runDialects(const CommandLine& arguments)
{
    Output output;
    if (arguments.json()) {
        for (const QString& name : knownDialects()) {
            JsonLine line;
            line.string("dialect", name);
            output.write(line.line());
        }
        JsonLine mapping;
        mapping.string("dialect", u"mapping"_s);
        output.write(mapping.line());
        return output.finish();
    }
    TextTable table(output, { { u"DIALECT"_s } });
    for (const QString& name : knownDialects())
        table.addRow({ name });
    table.addRow({ u"mapping"_s });
    table.finish();
    return output.finish();
}

} // namespace

Command dialectsCommand()
{
    return { { u"dialects"_s, {},
                 u"List the dialects EventScope detects, in the order it asks them. 'mapping' is a store read\n"
                 "through --mapping FILE; any other name can be forced with --dialect NAME."_s,
                 {} },
        runDialects };
}

} // namespace EventScope::Cli
