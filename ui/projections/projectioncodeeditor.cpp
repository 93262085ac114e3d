#include "projectioncodeeditor.h"

#include <Qsci/qsciapis.h>
#include <Qsci/qscilexerjavascript.h>

#include <QFontDatabase>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// JavaScript, with completion on the word before the cursor whatever precedes it: the C++ lexer's separators
// ("." and "->") make QScintilla look up "e.body.amou" as a scoped name, which the API list never holds.
class ProjectionLexer : public QsciLexerJavaScript
{
public:
    using QsciLexerJavaScript::QsciLexerJavaScript;
    QStringList autoCompletionWordSeparators() const override { return {}; }
};

} // namespace

ProjectionCodeEditor::ProjectionCodeEditor(QWidget* parent)
    : QsciScintilla(parent)
    , m_lexer(new ProjectionLexer(this))
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_lexer->setDefaultFont(mono);
    m_lexer->setFont(mono);
    m_lexer->setFoldCompact(false);
    setLexer(m_lexer);
    setUtf8(true);

    // Line numbers, wide enough for 99,999 lines.
    setMarginType(0, QsciScintilla::NumberMargin);
    setMarginLineNumbers(0, true);
    setMarginsFont(mono);
    setMarginWidth(0, u"000000"_s);
    setFolding(QsciScintilla::BoxedTreeFoldStyle, 2);
    setBraceMatching(QsciScintilla::SloppyBraceMatch);
    setAutoIndent(true);
    setIndentationsUseTabs(false);
    setIndentationWidth(2);
    setTabWidth(2);
    setCaretLineVisible(true);
    setCaretLineBackgroundColor(QColor(0xf4, 0xf6, 0xfa));
    setEolMode(QsciScintilla::EolUnix);

    // The fault marker lives in margin 1, a symbol margin of its own.
    setMarginType(1, QsciScintilla::SymbolMargin);
    setMarginWidth(1, 14);
    m_faultMarker = markerDefine(QsciScintilla::Circle);
    setMarkerBackgroundColor(QColor(0xd0, 0x30, 0x30), m_faultMarker);
    setMarkerForegroundColor(QColor(0x90, 0x10, 0x10), m_faultMarker);
    setMarginMarkerMask(1, 1 << m_faultMarker);
    m_faultIndicator = indicatorDefine(QsciScintilla::SquiggleIndicator);
    setIndicatorForegroundColor(QColor(0xd0, 0x30, 0x30), m_faultIndicator);
    setAnnotationDisplay(QsciScintilla::AnnotationBoxed);

    setAutoCompletionSource(QsciScintilla::AcsAll);
    setAutoCompletionThreshold(2);
    setAutoCompletionCaseSensitivity(true);
    setAutoCompletionReplaceWord(true);
    rebuildApis();
}

QStringList ProjectionCodeEditor::apiWords()
{
    return {
        // Selectors.
        u"fromAll"_s,
        u"fromStream"_s,
        u"fromStreams"_s,
        u"fromCategory"_s,
        u"fromCategories"_s,
        u"foreachStream"_s,
        u"partitionBy"_s,
        // Handlers and results.
        u"when"_s,
        u"$init"_s,
        u"$initShared"_s,
        u"$any"_s,
        u"$deleted"_s,
        u"$created"_s,
        u"outputState"_s,
        u"transformBy"_s,
        u"filterBy"_s,
        u"outputTo"_s,
        u"$defines_state_transform"_s,
        u"on_event"_s,
        u"on_any"_s,
        // Functions a handler may call, and options.
        u"emit"_s,
        u"linkTo"_s,
        u"linkStreamTo"_s,
        u"copyTo"_s,
        u"options"_s,
        u"log"_s,
        u"resultStreamName"_s,
        u"biState"_s,
        u"includeLinks"_s,
        u"reorderEvents"_s,
        u"processingLag"_s,
        // The reducer form.
        u"init"_s,
        u"apply"_s,
        // The event object.
        u"eventType"_s,
        u"streamId"_s,
        u"sequenceNumber"_s,
        u"eventId"_s,
        u"created"_s,
        u"isJson"_s,
        u"body"_s,
        u"data"_s,
        u"bodyRaw"_s,
        u"metadata"_s,
        u"metadataRaw"_s,
        u"linkMetadata"_s,
        u"linkMetadataRaw"_s,
        u"partition"_s,
        u"category"_s,
    };
}

void ProjectionCodeEditor::setStoreWords(const QStringList& eventTypes, const QStringList& dataFields)
{
    m_storeWords = eventTypes + dataFields;
    rebuildApis();
}

void ProjectionCodeEditor::rebuildApis()
{
    // A new QsciAPIs each time: prepare() runs on a thread, and one being prepared cannot be changed.
    if (m_apis)
        m_apis->deleteLater();
    m_apis = new QsciAPIs(m_lexer);
    m_apisReady = false;
    QStringList words = apiWords() + m_storeWords;
    words.sort();
    words.removeDuplicates();
    m_words = words;
    for (const QString& word : std::as_const(m_words))
        m_apis->add(word);
    connect(m_apis, &QsciAPIs::apiPreparationFinished, this, [this, apis = m_apis] {
        if (apis != m_apis)
            return;
        m_apisReady = true;
        emit completionPrepared();
    });
    m_apis->prepare();
}

void ProjectionCodeEditor::markFault(int line, const QString& message)
{
    if (line < 1 || line > lines())
        return;
    markerAdd(line - 1, m_faultMarker);
    fillIndicatorRange(line - 1, 0, line - 1, int(text(line - 1).size()), m_faultIndicator);
    annotate(line - 1, message, 0);
}

void ProjectionCodeEditor::clearFaults()
{
    markerDeleteAll(m_faultMarker);
    clearIndicatorRange(0, 0, std::max(0, lines() - 1), int(text(std::max(0, lines() - 1)).size()), m_faultIndicator);
    clearAnnotations();
}

QList<int> ProjectionCodeEditor::faultLines() const
{
    QList<int> found;
    for (int line = markerFindNext(0, 1 << m_faultMarker); line >= 0;
         line = markerFindNext(line + 1, 1 << m_faultMarker))
        found.append(line + 1);
    return found;
}

bool ProjectionCodeEditor::findText(const QString& text, bool forward, bool caseSensitive, bool wholeWord, bool regex)
{
    if (text.isEmpty())
        return false;
    int line = 0, index = 0;
    if (hasSelectedText() && !forward) {
        int endLine = 0, endIndex = 0;
        getSelection(&line, &index, &endLine, &endIndex);
    } else
        getCursorPosition(&line, &index);
    return findFirst(text, regex, caseSensitive, wholeWord, true, forward, line, index, true, false, true);
}

bool ProjectionCodeEditor::replaceAndFind(
    const QString& text, const QString& replacement, bool caseSensitive, bool wholeWord, bool regex)
{
    if (hasSelectedText()) {
        int line = 0, index = 0, endLine = 0, endIndex = 0;
        getSelection(&line, &index, &endLine, &endIndex);
        // Search from the selection's start: replace() acts on the match findFirst() just made.
        if (findFirst(text, regex, caseSensitive, wholeWord, false, true, line, index, true, false, true)) {
            int foundLine = 0, foundIndex = 0, foundEndLine = 0, foundEndIndex = 0;
            getSelection(&foundLine, &foundIndex, &foundEndLine, &foundEndIndex);
            if (foundLine == line && foundIndex == index)
                replace(replacement);
        }
    }
    return findText(text, true, caseSensitive, wholeWord, regex);
}

int ProjectionCodeEditor::replaceAll(
    const QString& text, const QString& replacement, bool caseSensitive, bool wholeWord, bool regex)
{
    if (text.isEmpty())
        return 0;
    int count = 0;
    beginUndoAction();
    // From the top, without wrapping, so that a replacement that contains the text is not found again.
    bool found = findFirst(text, regex, caseSensitive, wholeWord, false, true, 0, 0, false, false, true);
    while (found) {
        replace(replacement);
        ++count;
        found = findNext();
    }
    endUndoAction();
    return count;
}

} // namespace EventScope
