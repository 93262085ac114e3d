// Saves revisions of one definition into a workspace as fast as it can, printing "saved N" after each commit,
// until it is killed: tst_workspace kills it mid-write and checks what the file holds.

#include <core/workspace/workspace.h>

#include <QCoreApplication>

#include <cstdio>

using namespace EventScope;
using namespace Qt::StringLiterals;

// Revision N's text: large enough that a write spans many pages, and checkable from N alone.
QString revisionText(int number)
{
    QString text = u"// revision %1\nfromAll().when({ $init: () => ({ n: 0 }) });\n"_s.arg(number);
    for (int line = 0; line < 2000; ++line)
        text += u"// %1 %2 padding so that one save writes many pages\n"_s.arg(number).arg(line);
    return text;
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: workspace-writer WORKSPACE\n");
        return 2;
    }
    auto workspace = Workspace::open(QString::fromLocal8Bit(argv[1]));
    if (!workspace) {
        std::fprintf(stderr, "%s\n", qPrintable(workspace.error().message));
        return 1;
    }
    auto existing = (*workspace)->definitionNamed(u"crash"_s);
    if (!existing || !*existing)
        existing = std::optional((*workspace)->createDefinition(u"crash"_s, revisionText(1)).value());
    const qint64 id = (*existing)->id;
    for (int number = int((*workspace)->revisions(id)->size()) + 1;; ++number) {
        if (!(*workspace)->saveRevision(id, revisionText(number), u"save %1"_s.arg(number))) {
            std::fprintf(stderr, "save failed\n");
            return 1;
        }
        (*workspace)->saveDraft(id, revisionText(number) + u"// typing"_s);
        std::printf("saved %d\n", number);
        std::fflush(stdout);
    }
}
