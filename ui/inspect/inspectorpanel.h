#pragma once

#include <core/model/event.h>

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace EventScope {

class JsonTreeView;

// The right panel: one event in full. A header with its position, stream, version, type, time,
// id and payload kind; tabs with the payload as a tree, as raw text, its metadata, and a hex dump.
class InspectorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit InspectorPanel(QWidget* parent = nullptr);

    void setEvent(const Event& event);
    // No event to show; `why` says what the user sees instead ("Loading…", "No event selected").
    void clearEvent(const QString& why);

    // The event shown, if any (a position of -1 means none).
    qint64 shownPosition() const { return m_shownPosition; }

private:
    QLabel* addField(const QString& title, const QString& name, int row, int column, int span = 1);
    static void showRaw(QPlainTextEdit* edit, const QByteArray& bytes);

    QLabel* m_position = nullptr;
    QLabel* m_stream = nullptr;
    QLabel* m_version = nullptr;
    QLabel* m_type = nullptr;
    QLabel* m_time = nullptr;
    QLabel* m_id = nullptr;
    QLabel* m_payload = nullptr;
    QLabel* m_problem = nullptr;
    QTabWidget* m_tabs = nullptr;
    JsonTreeView* m_payloadTree = nullptr;
    QPlainTextEdit* m_payloadRaw = nullptr;
    JsonTreeView* m_metadataTree = nullptr;
    QPlainTextEdit* m_metadataRaw = nullptr;
    QPlainTextEdit* m_hex = nullptr;
    QWidget* m_header = nullptr;
    qint64 m_shownPosition = -1;
};

} // namespace EventScope
