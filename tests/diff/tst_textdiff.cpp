// The line diff behind a definition's revision history: shortest edit scripts, line numbers on both sides, and the
// unified format with merged hunks, checked against what `diff -u` prints for the same texts.

#include <core/diff/textdiff.h>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

class TestTextDiff : public QObject
{
    Q_OBJECT

private slots:
    void equalTextsHaveNoChanges()
    {
        const auto diff = TextDiff::lines(u"a\nb\n"_s, u"a\nb\n"_s);
        QCOMPARE(diff.size(), 2);
        QVERIFY(std::all_of(
            diff.begin(), diff.end(), [](const TextDiffLine& l) { return l.kind == TextDiffLine::Kind::Same; }));
        QCOMPARE(TextDiff::unified(diff), QString());
        QVERIFY(TextDiff::lines({}, {}).isEmpty());
    }

    void linesCarryTheirNumbers()
    {
        const auto diff = TextDiff::lines(u"a\nb\nc\n"_s, u"a\nx\nc\nd\n"_s);
        QCOMPARE(diff.size(), 5);
        QCOMPARE(diff.at(1).kind, TextDiffLine::Kind::Removed);
        QCOMPARE(diff.at(1).text, u"b"_s);
        QCOMPARE(diff.at(1).oldLine, 2);
        QCOMPARE(diff.at(2).kind, TextDiffLine::Kind::Added);
        QCOMPARE(diff.at(2).newLine, 2);
        QCOMPARE(diff.at(4).kind, TextDiffLine::Kind::Added);
        QCOMPARE(diff.at(4).text, u"d"_s);
        QCOMPARE(diff.at(4).newLine, 4);
    }

    void unifiedMatchesDiffU_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<bool>("exact"); // false: several shortest scripts exist; diff may pick another one
        QString longText;
        for (int i = 1; i <= 40; ++i)
            longText += u"line %1\n"_s.arg(i);
        QString edited = longText;
        edited.replace(u"line 3\n"_s, u"line three\n"_s);
        edited.replace(u"line 9\n"_s, QString()); // 6 lines later: one hunk with the first
        edited.replace(u"line 30\n"_s, u"line 30\nnew after 30\n"_s); // far: a hunk of its own
        QTest::newRow("hunks") << longText << edited << true;
        QTest::newRow("from empty") << QString() << u"a\nb\n"_s << true;
        QTest::newRow("to empty") << u"a\nb\n"_s << QString() << true;
        QTest::newRow("insert at start") << u"b\nc\n"_s << u"a\nb\nc\n"_s << true;
        QTest::newRow("all different") << u"a\nb\nc\n"_s << u"x\ny\n"_s << true;
        QTest::newRow("repeated lines") << u"x\na\nx\nb\nx\n"_s << u"a\nx\nx\nb\nb\nx\n"_s << false;
    }

    void unifiedMatchesDiffU()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(bool, exact);
        const QList<TextDiffLine> lines = TextDiff::lines(before, after);
        // Both sides rebuild from the script.
        QString rebuiltBefore, rebuiltAfter;
        for (const TextDiffLine& line : lines) {
            if (line.kind != TextDiffLine::Kind::Added)
                rebuiltBefore += line.text + u'\n';
            if (line.kind != TextDiffLine::Kind::Removed)
                rebuiltAfter += line.text + u'\n';
        }
        QCOMPARE(rebuiltBefore, before);
        QCOMPARE(rebuiltAfter, after);
        QTemporaryDir dir;
        const auto write = [&](const QString& name, const QString& text) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text.toUtf8());
        };
        write(u"a"_s, before);
        write(u"b"_s, after);
        QProcess diff;
        diff.start(u"diff"_s, { u"-u"_s, dir.filePath(u"a"_s), dir.filePath(u"b"_s) });
        if (!diff.waitForFinished())
            QSKIP("diff is not installed");
        QString expected = QString::fromUtf8(diff.readAllStandardOutput());
        // Drop the two file header lines; diff -u writes ",1" counts as nothing and -0,0 the same way we do.
        expected = expected.section(u'\n', 2);
        const auto normalize = [](QString text) {
            static const QRegularExpression header(
                u"^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@$"_s, QRegularExpression::MultilineOption);
            QString out;
            for (const QString& line : text.split(u'\n')) {
                const auto match = header.match(line);
                if (match.hasMatch())
                    out += u"@@ %1 %2 %3 %4\n"_s.arg(match.captured(1),
                        match.captured(2).isEmpty() ? u"1"_s : match.captured(2), match.captured(3),
                        match.captured(4).isEmpty() ? u"1"_s : match.captured(4));
                else
                    out += line + u'\n';
            }
            return out;
        };
        const QString ours = normalize(TextDiff::unified(lines));
        const auto changedLines = [](const QString& text) {
            return text.count(u"\n+"_s) + text.count(u"\n-"_s) + (text.startsWith(u'+') || text.startsWith(u'-'));
        };
        QCOMPARE(changedLines(ours), changedLines(normalize(expected))); // as short as diff's
        if (exact)
            QCOMPARE(ours, normalize(expected));
    }
};

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_textdiff.moc"
