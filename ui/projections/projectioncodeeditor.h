#pragma once

#include <Qsci/qsciscintilla.h>

#include <QStringList>

class QsciAPIs;
class QsciLexerJavaScript;

namespace EventScope {

// The text editor of a projection definition: JavaScript highlighting, line numbers, folding, brace matching,
// undo/redo (QScintilla's own), find and replace, completion of the projection API and of the event types and
// data fields seen in the connected store, and a marker with the message on the line where the definition failed.
class ProjectionCodeEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit ProjectionCodeEditor(QWidget* parent = nullptr);

    // The projection language's selectors, handlers, functions and the event object's fields.
    static QStringList apiWords();

    // Adds the store's vocabulary to completion (replacing the previous store's).
    void setStoreWords(const QStringList& eventTypes, const QStringList& dataFields);
    // Everything completion offers, sorted.
    QStringList completionWords() const { return m_words; }
    // Whether the completion list is ready (it is built on a thread of QScintilla's).
    bool completionReady() const { return m_apisReady; }

    // A red marker in the margin and a squiggle under the line (1-based), with the message as the line's
    // annotation; any number of lines. clearFaults() removes them all.
    void markFault(int line, const QString& message);
    void clearFaults();
    QList<int> faultLines() const; // 1-based, in order

    // Selects the next (or previous) match from the cursor, wrapping around; false when there is none.
    bool findText(const QString& text, bool forward, bool caseSensitive, bool wholeWord, bool regex);
    // Replaces the current selection when it matches, then finds the next match.
    bool replaceAndFind(
        const QString& text, const QString& replacement, bool caseSensitive, bool wholeWord, bool regex);
    // Replaces every match as one undo step; returns how many.
    int replaceAll(const QString& text, const QString& replacement, bool caseSensitive, bool wholeWord, bool regex);

signals:
    void completionPrepared();

private:
    void rebuildApis();

    QsciLexerJavaScript* m_lexer;
    QsciAPIs* m_apis = nullptr;
    QStringList m_storeWords;
    QStringList m_words;
    bool m_apisReady = false;
    int m_faultMarker = -1;
    int m_faultIndicator = -1;
};

} // namespace EventScope
