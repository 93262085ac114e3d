#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace EventScope {

// A line diff of two texts, for comparing revisions of a projection definition: the lines in order, each kept,
// removed (only in the old text) or added (only in the new one), with its line numbers on each side.
struct TextDiffLine
{
    enum class Kind { Same, Removed, Added };

    Kind kind = Kind::Same;
    QString text;
    int oldLine = 0; // 1-based; 0 for an added line
    int newLine = 0; // 1-based; 0 for a removed line
};

namespace TextDiff {

// The shortest edit script (Myers' O(ND) algorithm), removals before additions within a change.
QList<TextDiffLine> lines(const QString& oldText, const QString& newText);

// The diff as `diff -u` prints it (no file header), with `context` lines around each change; empty when equal.
QString unified(const QList<TextDiffLine>& diff, int context = 3);

} // namespace TextDiff

} // namespace EventScope
