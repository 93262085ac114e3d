#include "jsontreemodel.h"

#include <functional>

#include "../model/payload.h"

#include <core/model/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace EventScope {

struct JsonTreeModel::Node
{
    Node* parent = nullptr;
    int row = 0;
    QString key; // member name, "[i]" for an element, "$" for the top
    QString path;
    ValueType type = ValueType::Null;
    QString display; // what the Value column shows
    QByteArray json; // compact JSON text of the value
    std::vector<std::unique_ptr<Node>> children;

    Node* add(std::unique_ptr<Node> child)
    {
        child->parent = this;
        child->row = int(children.size());
        children.push_back(std::move(child));
        return children.back().get();
    }
};

namespace {

using Node = JsonTreeModel::Node;
using ValueType = JsonTreeModel::ValueType;

// A cell shows this much of a long string; the JSON text role keeps all of it.
constexpr qsizetype kMaxDisplayChars = 1000;

QString containerSummary(ValueType type, size_t count)
{
    return type == ValueType::Array ? u"[%1]"_s.arg(count) : u"{%1}"_s.arg(count);
}

QString shortened(const QString& text)
{
    return text.size() > kMaxDisplayChars ? text.left(kMaxDisplayChars - 1) + u'…' : text;
}

void fillFromValue(Node& node, const QJsonValue& value)
{
    node.json = compactJsonValue(value);
    switch (value.type()) {
    case QJsonValue::Object: {
        node.type = ValueType::Object;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            auto child = std::make_unique<Node>();
            child->key = it.key();
            child->path = JsonTreeModel::memberPath(node.path, it.key());
            fillFromValue(*child, it.value());
            node.add(std::move(child));
        }
        node.display = containerSummary(node.type, node.children.size());
        break;
    }
    case QJsonValue::Array: {
        node.type = ValueType::Array;
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            auto child = std::make_unique<Node>();
            child->key = u"[%1]"_s.arg(i);
            child->path = JsonTreeModel::elementPath(node.path, i);
            fillFromValue(*child, array.at(i));
            node.add(std::move(child));
        }
        node.display = containerSummary(node.type, node.children.size());
        break;
    }
    case QJsonValue::String:
        node.type = ValueType::String;
        node.display = shortened(value.toString());
        break;
    case QJsonValue::Double:
        node.type = ValueType::Number;
        node.display = QString::fromUtf8(node.json);
        break;
    case QJsonValue::Bool:
        node.type = ValueType::Bool;
        node.display = QString::fromUtf8(node.json);
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        node.type = ValueType::Null;
        node.display = u"null"_s;
        break;
    }
}

// Reads JSON text that is known to be valid, keeping object members in their written order.
// Scalars keep their exact text (a number shows as written, not as a double).
class OrderedJsonReader
{
public:
    explicit OrderedJsonReader(const QByteArray& text)
        : m_text(text)
    { }

    bool read(Node& node)
    {
        skipSpace();
        if (!readValue(node))
            return false;
        skipSpace();
        return m_pos == m_text.size();
    }

private:
    char peek() const { return m_pos < m_text.size() ? m_text.at(m_pos) : '\0'; }
    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text.at(m_pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }

    bool readValue(Node& node)
    {
        const qsizetype start = m_pos;
        bool ok = false;
        switch (peek()) {
        case '{':
            ok = readObject(node);
            break;
        case '[':
            ok = readArray(node);
            break;
        case '"': {
            node.type = ValueType::String;
            QString text;
            ok = readString(text);
            node.display = shortened(text);
            break;
        }
        default:
            ok = readLiteral(node);
            break;
        }
        if (ok)
            node.json = node.type == ValueType::Object || node.type == ValueType::Array
                ? compactJson(m_text.mid(start, m_pos - start))
                : m_text.mid(start, m_pos - start);
        return ok;
    }

    bool readObject(Node& node)
    {
        node.type = ValueType::Object;
        ++m_pos; // {
        skipSpace();
        if (peek() == '}') {
            ++m_pos;
            node.display = containerSummary(node.type, 0);
            return true;
        }
        while (true) {
            skipSpace();
            auto child = std::make_unique<Node>();
            if (peek() != '"' || !readString(child->key))
                return false;
            skipSpace();
            if (peek() != ':')
                return false;
            ++m_pos;
            skipSpace();
            child->path = JsonTreeModel::memberPath(node.path, child->key);
            if (!readValue(*child))
                return false;
            node.add(std::move(child));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != '}')
                return false;
            ++m_pos;
            node.display = containerSummary(node.type, node.children.size());
            return true;
        }
    }

    bool readArray(Node& node)
    {
        node.type = ValueType::Array;
        ++m_pos; // [
        skipSpace();
        if (peek() == ']') {
            ++m_pos;
            node.display = containerSummary(node.type, 0);
            return true;
        }
        while (true) {
            skipSpace();
            auto child = std::make_unique<Node>();
            const qsizetype index = qsizetype(node.children.size());
            child->key = u"[%1]"_s.arg(index);
            child->path = JsonTreeModel::elementPath(node.path, index);
            if (!readValue(*child))
                return false;
            node.add(std::move(child));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != ']')
                return false;
            ++m_pos;
            node.display = containerSummary(node.type, node.children.size());
            return true;
        }
    }

    // A string token, unescaped. Decoding goes through QJsonDocument on the token alone,
    // so escapes and surrogate pairs follow the standard exactly.
    bool readString(QString& out)
    {
        const qsizetype start = m_pos;
        ++m_pos; // "
        bool escaped = false;
        bool plain = true;
        while (m_pos < m_text.size()) {
            const char c = m_text.at(m_pos++);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
                plain = false;
            } else if (c == '"') {
                if (plain) {
                    out = QString::fromUtf8(m_text.constData() + start + 1, m_pos - start - 2);
                    return true;
                }
                const QByteArray token = m_text.mid(start, m_pos - start);
                const QJsonDocument document = QJsonDocument::fromJson('[' + token + ']');
                if (!document.isArray() || document.array().size() != 1)
                    return false;
                out = document.array().first().toString();
                return true;
            }
        }
        return false;
    }

    bool readLiteral(Node& node)
    {
        const qsizetype start = m_pos;
        while (m_pos < m_text.size()) {
            const char c = m_text.at(m_pos);
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
                break;
            ++m_pos;
        }
        const QByteArray token = m_text.mid(start, m_pos - start);
        if (token == "null")
            node.type = ValueType::Null;
        else if (token == "true" || token == "false")
            node.type = ValueType::Bool;
        else if (!token.isEmpty() && (token.front() == '-' || (token.front() >= '0' && token.front() <= '9')))
            node.type = ValueType::Number;
        else
            return false;
        node.display = QString::fromLatin1(token);
        return true;
    }

    const QByteArray& m_text;
    qsizetype m_pos = 0;
};

QString typeName(ValueType type)
{
    switch (type) {
    case ValueType::Null:
        return u"null"_s;
    case ValueType::Bool:
        return u"boolean"_s;
    case ValueType::Number:
        return u"number"_s;
    case ValueType::String:
        return u"string"_s;
    case ValueType::Array:
        return u"array"_s;
    case ValueType::Object:
        return u"object"_s;
    }
    return {};
}

std::unique_ptr<Node> makeTop()
{
    auto top = std::make_unique<Node>();
    top->key = u"$"_s;
    top->path = u"$"_s;
    return top;
}

} // namespace

JsonTreeModel::JsonTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{ }

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::setJson(const QJsonValue& value)
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    auto top = makeTop();
    fillFromValue(*top, value);
    m_root->add(std::move(top));
    endResetModel();
}

bool JsonTreeModel::setJsonText(const QByteArray& json)
{
    auto top = makeTop();
    const bool ok = OrderedJsonReader(json).read(*top);
    beginResetModel();
    m_root = std::make_unique<Node>();
    if (ok)
        m_root->add(std::move(top));
    endResetModel();
    return ok;
}

void JsonTreeModel::clear()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    endResetModel();
}

QString JsonTreeModel::memberPath(const QString& parentPath, const QString& key)
{
    static const QRegularExpression identifier(u"^[A-Za-z_$][A-Za-z0-9_$]*$"_s);
    if (identifier.match(key).hasMatch())
        return parentPath + u'.' + key;
    QString quoted = key;
    quoted.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return parentPath + u"[\""_s + quoted + u"\"]"_s;
}

QString JsonTreeModel::elementPath(const QString& parentPath, qsizetype index)
{
    return parentPath + u'[' + QString::number(index) + u']';
}

JsonTreeModel::Node* JsonTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0 || (parent.isValid() && parent.column() != 0))
        return {};
    const Node* parentNode = nodeOf(parent);
    if (size_t(row) >= parentNode->children.size())
        return {};
    return createIndex(row, column, parentNode->children[size_t(row)].get());
}

QModelIndex JsonTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const Node* parentNode = nodeOf(child)->parent;
    if (!parentNode || parentNode == m_root.get())
        return {};
    return createIndex(parentNode->row, 0, const_cast<Node*>(parentNode));
}

int JsonTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int JsonTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QVariant JsonTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node* node = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case KeyColumn:
            return node->key;
        case ValueColumn:
            return node->display;
        case TypeColumn:
            return typeName(node->type);
        }
        return {};
    case PathRole:
        return node->path;
    case JsonTextRole:
        return QString::fromUtf8(node->json);
    case HighlightedRole:
        return m_highlighted.contains(node->path);
    }
    return {};
}

void JsonTreeModel::setHighlightedPaths(const QSet<QString>& paths)
{
    if (paths == m_highlighted)
        return;
    m_highlighted = paths;
    // Every row may change its mark: tell the views row by row (a state is small), keeping what they expanded.
    std::function<void(const QModelIndex&)> announce = [&](const QModelIndex& parent) {
        const int rows = rowCount(parent);
        if (rows == 0)
            return;
        emit dataChanged(index(0, 0, parent), index(rows - 1, ColumnCount - 1, parent), { HighlightedRole });
        for (int row = 0; row < rows; ++row)
            announce(index(row, 0, parent));
    };
    announce({});
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    }
    return {};
}

} // namespace EventScope
