#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace EventScope {

class ProjectionCodeEditor;

// Find and replace over the editor, shown under it by Ctrl+F / Ctrl+H and hidden by Escape: next and previous
// match, replace and replace all, with case, whole-word and regular-expression switches.
class FindReplaceBar : public QWidget
{
    Q_OBJECT
public:
    FindReplaceBar(ProjectionCodeEditor* editor, QWidget* parent = nullptr);

    void showFind(); // focuses the search box with the editor's selection in it
    void showReplace();
    bool findNext();
    bool findPrevious();
    int replaceAll();

    QLineEdit* findField() const { return m_find; }
    QLineEdit* replaceField() const { return m_replace; }

private:
    void setReplaceVisible(bool visible);
    void report(bool found);

    ProjectionCodeEditor* m_editor;
    QLineEdit* m_find;
    QLineEdit* m_replace;
    QCheckBox* m_case;
    QCheckBox* m_word;
    QCheckBox* m_regex;
    QLabel* m_status;
    QWidget* m_replaceRow;
};

} // namespace EventScope
