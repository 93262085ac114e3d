#pragma once

#include <QList>
#include <QSet>
#include <QWidget>
#include <functional>

class QTreeView;
class QPushButton;

namespace EventScope {

class JsonTreeModel;

// A JSON value as a tree with Expand all / Collapse and Copy value / Copy path (buttons and a
// context menu). The inspector shows one for the payload and one for the metadata.
class JsonTreeView : public QWidget
{
    Q_OBJECT
public:
    // `name` prefixes the object names of the children ("payload" -> "payloadTree", "payloadCopyPath").
    explicit JsonTreeView(const QString& name, QWidget* parent = nullptr);

    // JSON text keeps its key order; anything else empties the tree.
    void setJsonText(const QByteArray& json);
    void clear();
    // Marks these rows (JSON paths, "$.items[2].sku") bold on a pale yellow and expands down to them.
    void highlight(const QSet<QString>& paths);
    // The tree's path ("$.items[2].sku") for a diff path as JsonPath::toString() and the CLI print it
    // ("items[2].sku", "[0]", "$").
    static QString treePath(const QString& diffPath);

    JsonTreeModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }

    void copyValue();
    void copyPath();

    // One more entry in the context menu, given the JSON path of the clicked node ("$.items[2].sku").
    void addPathAction(const QString& text, std::function<void(const QString& path)> action);

private:
    void updateButtons();
    void showContextMenu(const QPoint& at);

    JsonTreeModel* m_model = nullptr;
    QTreeView* m_view = nullptr;
    QPushButton* m_copyValue = nullptr;
    QPushButton* m_copyPath = nullptr;
    QList<std::pair<QString, std::function<void(const QString&)>>> m_pathActions;
};

} // namespace EventScope
