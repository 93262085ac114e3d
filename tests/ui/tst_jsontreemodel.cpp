// JsonTreeModel: the rows, paths and values the inspector shows for a payload, in the payload's key order.

#include <core/models/jsontreemodel.h>

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

class TestJsonTreeModel : public QObject
{
    Q_OBJECT

private:
    static QString cell(const QModelIndex& index, int column, int role = Qt::DisplayRole)
    {
        return index.siblingAtColumn(column).data(role).toString();
    }

private slots:
    void nestedPayloadKeepsKeyOrderPathsAndValues()
    {
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QByteArray payload = "{\"zeta\": 1, \"items\": [{\"sku\": 12, \"name\": \"Tea \\\"green\\\"\"}, "
                                   "{\"sku\": 7.5}],\n            \"odd key\": null, \"ok\": true, \"empty\": {}}";
        QVERIFY(model.setJsonText(payload));

        QCOMPARE(model.rowCount(), 1);
        const QModelIndex top = model.index(0, 0);
        QCOMPARE(cell(top, JsonTreeModel::KeyColumn), u"$"_s);
        QCOMPARE(cell(top, JsonTreeModel::ValueColumn), u"{5}"_s);
        QCOMPARE(cell(top, JsonTreeModel::TypeColumn), u"object"_s);
        QCOMPARE(model.rowCount(top), 5);

        // Written order, not QJsonObject's alphabetical one.
        QStringList keys;
        for (int row = 0; row < model.rowCount(top); ++row)
            keys << cell(model.index(row, 0, top), JsonTreeModel::KeyColumn);
        QCOMPARE(keys, (QStringList { u"zeta"_s, u"items"_s, u"odd key"_s, u"ok"_s, u"empty"_s }));

        const QModelIndex zeta = model.index(0, 0, top);
        QCOMPARE(cell(zeta, JsonTreeModel::ValueColumn), u"1"_s);
        QCOMPARE(cell(zeta, JsonTreeModel::TypeColumn), u"number"_s);
        QCOMPARE(zeta.data(JsonTreeModel::PathRole).toString(), u"$.zeta"_s);

        const QModelIndex items = model.index(1, 0, top);
        QCOMPARE(cell(items, JsonTreeModel::ValueColumn), u"[2]"_s);
        QCOMPARE(cell(items, JsonTreeModel::TypeColumn), u"array"_s);
        QCOMPARE(items.data(JsonTreeModel::JsonTextRole).toString(),
            u"[{\"sku\":12,\"name\":\"Tea \\\"green\\\"\"},{\"sku\":7.5}]"_s);
        QCOMPARE(model.rowCount(items), 2);

        const QModelIndex first = model.index(0, 0, items);
        QCOMPARE(cell(first, JsonTreeModel::KeyColumn), u"[0]"_s);
        QCOMPARE(first.data(JsonTreeModel::PathRole).toString(), u"$.items[0]"_s);
        const QModelIndex name = model.index(1, 0, first);
        QCOMPARE(cell(name, JsonTreeModel::KeyColumn), u"name"_s);
        QCOMPARE(cell(name, JsonTreeModel::ValueColumn), u"Tea \"green\""_s);
        QCOMPARE(cell(name, JsonTreeModel::TypeColumn), u"string"_s);
        QCOMPARE(name.data(JsonTreeModel::PathRole).toString(), u"$.items[0].name"_s);
        QCOMPARE(name.data(JsonTreeModel::JsonTextRole).toString(), u"\"Tea \\\"green\\\"\""_s);

        const QModelIndex sku = model.index(0, 0, model.index(1, 0, items));
        QCOMPARE(sku.data(JsonTreeModel::PathRole).toString(), u"$.items[1].sku"_s);
        QCOMPARE(cell(sku, JsonTreeModel::ValueColumn), u"7.5"_s);

        const QModelIndex odd = model.index(2, 0, top);
        QCOMPARE(odd.data(JsonTreeModel::PathRole).toString(), u"$[\"odd key\"]"_s);
        QCOMPARE(cell(odd, JsonTreeModel::ValueColumn), u"null"_s);
        QCOMPARE(cell(odd, JsonTreeModel::TypeColumn), u"null"_s);
        QCOMPARE(cell(model.index(3, 0, top), JsonTreeModel::TypeColumn), u"boolean"_s);
        QCOMPARE(cell(model.index(3, 0, top), JsonTreeModel::ValueColumn), u"true"_s);
        const QModelIndex empty = model.index(4, 0, top);
        QCOMPARE(cell(empty, JsonTreeModel::ValueColumn), u"{0}"_s);
        QCOMPARE(model.rowCount(empty), 0);
        QVERIFY(!model.hasChildren(empty));
        QCOMPARE(model.parent(name), first);
        QCOMPARE(model.parent(top), QModelIndex());
    }

    void fromQJsonValueSortsKeys()
    {
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setJson(QJsonObject { { u"b"_s, 2 }, { u"a"_s, QJsonObject { { u"c"_s, u"x"_s } } } });
        const QModelIndex top = model.index(0, 0);
        QCOMPARE(model.rowCount(top), 2);
        QCOMPARE(cell(model.index(0, 0, top), JsonTreeModel::KeyColumn), u"a"_s);
        const QModelIndex c = model.index(0, 0, model.index(0, 0, top));
        QCOMPARE(c.data(JsonTreeModel::PathRole).toString(), u"$.a.c"_s);
        QCOMPARE(c.data(JsonTreeModel::JsonTextRole).toString(), u"\"x\""_s);
        QCOMPARE(model.index(0, 0, top).data(JsonTreeModel::JsonTextRole).toString(), u"{\"c\":\"x\"}"_s);
        QCOMPARE(cell(model.index(1, 0, top), JsonTreeModel::ValueColumn), u"2"_s);
    }

    void scalarTopLevelAndEscapes()
    {
        JsonTreeModel model;
        QVERIFY(model.setJsonText(" \"caf\\u00e9 \\ud83d\\ude00\" "));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(cell(model.index(0, 0), JsonTreeModel::ValueColumn), u"café 😀"_s);
        QCOMPARE(cell(model.index(0, 0), JsonTreeModel::TypeColumn), u"string"_s);
    }

    void invalidTextLeavesModelEmpty()
    {
        JsonTreeModel model;
        QVERIFY(model.setJsonText("{\"a\": 1}"));
        QVERIFY(!model.setJsonText("{\"a\": "));
        QCOMPARE(model.rowCount(), 0);
    }

    void largePayloadBuildsAllRows()
    {
        // 100 KB: 2,000 objects of 3 members. Built in one go; this checks it is complete and right.
        QByteArray payload = "[";
        for (int i = 0; i < 2000; ++i)
            payload += (i ? "," : "") + QByteArray("{\"sku\":") + QByteArray::number(i) + ",\"name\":\"item number "
                + QByteArray::number(i) + "\",\"qty\":1}";
        payload += ']';
        QVERIFY(payload.size() > 90'000);
        JsonTreeModel model;
        QVERIFY(model.setJsonText(payload));
        const QModelIndex top = model.index(0, 0);
        QCOMPARE(model.rowCount(top), 2000);
        const QModelIndex last = model.index(1999, 0, top);
        QCOMPARE(model.index(1, 0, last).data(JsonTreeModel::PathRole).toString(), u"$[1999].name"_s);
        QCOMPARE(cell(model.index(1, 0, last), JsonTreeModel::ValueColumn), u"item number 1999"_s);
    }
};

QTEST_GUILESS_MAIN(TestJsonTreeModel)
#include "tst_jsontreemodel.moc"
