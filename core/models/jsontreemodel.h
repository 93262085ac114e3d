#pragma once

#include <QAbstractItemModel>
#include <QByteArray>
#include <QJsonValue>
#include <QSet>
#include <memory>
#include <vector>

namespace EventScope {

// One JSON value as a tree of Key / Value / Type rows, for the inspector. Every row knows its
// JSON path ($.items[2].sku) and its value as compact JSON text, so the UI can copy either.
//
// Key order: setJsonText() reads the payload's own bytes and keeps the keys in the order the
// store wrote them. setJson() takes a QJsonValue, whose objects are already sorted by key
// (QJsonObject keeps no order), so that order is alphabetical. The whole tree is built at once:
// payloads are small, and a 100 KB one builds in milliseconds.
class JsonTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, TypeColumn, ColumnCount };
    enum Role {
        PathRole = Qt::UserRole + 1, // QString: $.a.b[0]
        JsonTextRole, // QString: the value as compact JSON text
        HighlightedRole, // bool: the row's path is one of highlightedPaths() (what an event or a diff changed)
    };
    enum class ValueType { Null, Bool, Number, String, Array, Object };

    explicit JsonTreeModel(QObject* parent = nullptr);
    ~JsonTreeModel() override;

    void setJson(const QJsonValue& value);
    // `json` must be valid JSON text (decodePayload() said Json); returns false and clears the
    // model when it is not.
    bool setJsonText(const QByteArray& json);
    void clear();

    // Rows to mark (their JSON paths, "$.items[2].sku"); kept across setJsonText(), so a view can set the new
    // state and then what changed in it.
    void setHighlightedPaths(const QSet<QString>& paths);
    const QSet<QString>& highlightedPaths() const { return m_highlighted; }

    // The JSON path of a member `key` / an element `index` below `parentPath`: "$.a", "$[\"odd key\"]", "$.a[3]".
    static QString memberPath(const QString& parentPath, const QString& key);
    static QString elementPath(const QString& parentPath, qsizetype index);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    struct Node;

private:
    Node* nodeOf(const QModelIndex& index) const;

    std::unique_ptr<Node> m_root; // the invisible parent of the one top-level row "$"
    QSet<QString> m_highlighted;
};

} // namespace EventScope
