#include "textdiff.h"

#include <vector>

using namespace Qt::StringLiterals;

namespace EventScope::TextDiff {

namespace {

QStringList splitLines(const QString& text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(u'\n');
    if (text.endsWith(u'\n'))
        lines.removeLast(); // a final newline ends the last line; it does not start another
    return lines;
}

} // namespace

QList<TextDiffLine> lines(const QString& oldText, const QString& newText)
{
    const QStringList a = splitLines(oldText);
    const QStringList b = splitLines(newText);
    const int n = int(a.size());
    const int m = int(b.size());
    const int max = n + m;
    // v[k + max]: the furthest x reached on diagonal k; one copy per d, to walk the path back.
    std::vector<int> v(2 * max + 2, 0);
    std::vector<std::vector<int>> trace;
    int found = -1;
    for (int d = 0; d <= max && found < 0; ++d) {
        trace.push_back(v);
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max])) ? v[k + 1 + max] : v[k - 1 + max] + 1;
            int y = x - k;
            while (x < n && y < m && a.at(x) == b.at(y)) {
                ++x;
                ++y;
            }
            v[k + max] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
    }
    // Walk back from (n, m), collecting the steps in reverse.
    QList<TextDiffLine> reversed;
    int x = n;
    int y = m;
    for (int d = found; d > 0; --d) {
        const std::vector<int>& previous = trace.at(d);
        const int k = x - y;
        const bool down = k == -d || (k != d && previous[k - 1 + max] < previous[k + 1 + max]);
        const int previousK = down ? k + 1 : k - 1;
        const int previousX = previous[previousK + max];
        const int previousY = previousX - previousK;
        while (x > previousX && y > previousY) {
            --x;
            --y;
            reversed.append({ TextDiffLine::Kind::Same, a.at(x), x + 1, y + 1 });
        }
        if (down) {
            --y;
            reversed.append({ TextDiffLine::Kind::Added, b.at(y), 0, y + 1 });
        } else {
            --x;
            reversed.append({ TextDiffLine::Kind::Removed, a.at(x), x + 1, 0 });
        }
    }
    while (x > 0 && y > 0) {
        --x;
        --y;
        reversed.append({ TextDiffLine::Kind::Same, a.at(x), x + 1, y + 1 });
    }
    QList<TextDiffLine> result(reversed.crbegin(), reversed.crend());
    // Within a run of changes, removals first (as diff -u prints them).
    for (qsizetype start = 0; start < result.size();) {
        if (result.at(start).kind == TextDiffLine::Kind::Same) {
            ++start;
            continue;
        }
        qsizetype end = start;
        while (end < result.size() && result.at(end).kind != TextDiffLine::Kind::Same)
            ++end;
        std::stable_partition(result.begin() + start, result.begin() + end,
            [](const TextDiffLine& line) { return line.kind == TextDiffLine::Kind::Removed; });
        start = end;
    }
    return result;
}

QString unified(const QList<TextDiffLine>& diff, int context)
{
    QString text;
    const qsizetype count = diff.size();
    qsizetype i = 0;
    while (i < count) {
        if (diff.at(i).kind == TextDiffLine::Kind::Same) {
            ++i;
            continue;
        }
        // A hunk: from `context` lines before this change to `context` after the last change closer than 2·context.
        qsizetype begin = std::max<qsizetype>(0, i - context);
        qsizetype end = i;
        while (end < count) {
            qsizetype next = end;
            while (next < count && diff.at(next).kind != TextDiffLine::Kind::Same)
                ++next;
            qsizetype same = next;
            while (same < count && diff.at(same).kind == TextDiffLine::Kind::Same)
                ++same;
            if (same < count && same - next <= 2 * context) {
                end = same;
                continue;
            }
            end = std::min(count, next + context);
            break;
        }
        int oldStart = 0, newStart = 0, oldCount = 0, newCount = 0;
        QString body;
        for (qsizetype j = begin; j < end; ++j) {
            const TextDiffLine& line = diff.at(j);
            const QChar mark = line.kind == TextDiffLine::Kind::Same ? u' '
                : line.kind == TextDiffLine::Kind::Removed           ? u'-'
                                                                     : u'+';
            if (line.kind != TextDiffLine::Kind::Added) {
                if (!oldStart)
                    oldStart = line.oldLine;
                ++oldCount;
            }
            if (line.kind != TextDiffLine::Kind::Removed) {
                if (!newStart)
                    newStart = line.newLine;
                ++newCount;
            }
            body += mark + line.text + u'\n';
        }
        // diff -u names the line before an empty side.
        if (!oldCount)
            oldStart = begin > 0 ? diff.at(begin - 1).oldLine : 0;
        if (!newCount)
            newStart = begin > 0 ? diff.at(begin - 1).newLine : 0;
        text += u"@@ -%1,%2 +%3,%4 @@\n"_s.arg(oldStart).arg(oldCount).arg(newStart).arg(newCount) + body;
        i = end;
    }
    return text;
}

} // namespace EventScope::TextDiff
