#include <core/dialects/storeopener.h>
#include <core/models/streamtreemodel.h>
#include <testsupport.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// The category/stream tree: counts from the store, lazy pages of streams, the regex filter.
class TestStreamTreeModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

    QModelIndex categoryIndex(const StreamTreeModel& model, const QString& name)
    {
        for (int row = 1; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row, 0);
            if (index.data(StreamTreeModel::CategoryRole).toString() == name)
                return index;
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // 2,000 streams: the account category holds more than one page of 500.
        m_store = TestSupport::demoStore(m_dir.path(), 200000, 5);
    }

    void categoriesWithCounts()
    {
        StreamTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &StreamTreeModel::categoriesLoaded);
        QSignalSpy counted(&model, &StreamTreeModel::countsLoaded);
        model.setStore(m_store);
        QTRY_COMPARE(loaded.size(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(loaded.first().at(0).toInt(), 3);
        QTRY_COMPARE(counted.size(), 1);
        QCOMPARE(model.index(0, 0).data().toString(), u"All events"_s);
        QCOMPARE(model.index(0, 0).data(StreamTreeModel::EventCountRole).toLongLong(), 200000);
        auto store = openStore(m_store);
        const auto categories = (*store)->categories(CategoryQuery {});
        QCOMPARE(categories->size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QModelIndex index = model.index(i + 1, 0);
            QCOMPARE(index.data().toString(), categories->at(i).category);
            QCOMPARE(index.data(StreamTreeModel::EventCountRole).toLongLong(), categories->at(i).events);
            QCOMPARE(index.data(StreamTreeModel::NodeKindRole).toInt(), int(StreamTreeModel::NodeKind::Category));
        }
        QCOMPARE(counted.first().at(0).toLongLong(), (*store)->describe()->streams.value);
        QCOMPARE(counted.first().at(1).toLongLong(), 200000);
    }

    void streamsArriveInPages()
    {
        // No tester here: it fetches children itself while it checks them.
        StreamTreeModel model;
        QSignalSpy loaded(&model, &StreamTreeModel::categoriesLoaded);
        model.setStore(m_store);
        QTRY_COMPARE(loaded.size(), 1);
        const QModelIndex accounts = categoryIndex(model, u"account"_s);
        QVERIFY(accounts.isValid());
        QVERIFY(model.hasChildren(accounts));
        QCOMPARE(model.rowCount(accounts), 0);
        QVERIFY(model.canFetchMore(accounts));
        model.fetchMore(accounts);
        QTRY_COMPARE(model.rowCount(accounts), StreamTreeModel::kStreamsPerFetch);

        auto store = openStore(m_store);
        StreamQuery query;
        query.category = u"account"_s;
        const auto all = (*store)->streams(query);
        QVERIFY(all->size() > StreamTreeModel::kStreamsPerFetch);
        while (model.canFetchMore(accounts) || model.rowCount(accounts) < all->size()) {
            if (model.canFetchMore(accounts))
                model.fetchMore(accounts);
            QTest::qWait(1);
        }
        QCOMPARE(model.rowCount(accounts), int(all->size()));
        for (int row = 0; row < model.rowCount(accounts); row += 97) {
            const QModelIndex stream = model.index(row, 0, accounts);
            QCOMPARE(stream.data(StreamTreeModel::StreamRole).toString(), all->at(row).stream);
            QCOMPARE(stream.data(StreamTreeModel::EventCountRole).toLongLong(), all->at(row).events);
            QCOMPARE(stream.parent(), accounts);
        }
        QVERIFY(!model.canFetchMore(accounts));
    }

    void patternNarrowsTree()
    {
        StreamTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &StreamTreeModel::categoriesLoaded);
        model.setStore(m_store);
        QTRY_COMPARE(loaded.size(), 1);
        model.setPattern(u"^customer-\\D"_s); // the customers with unicode names
        QTRY_COMPARE(loaded.size(), 2);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex customers = model.index(1, 0);
        QCOMPARE(customers.data().toString(), u"customer"_s);
        model.fetchMore(customers);
        QTRY_VERIFY(model.rowCount(customers) > 0);
        for (int row = 0; row < model.rowCount(customers); ++row) {
            const QString name = model.index(row, 0, customers).data().toString();
            QVERIFY2(!name.at(9).isDigit(), qPrintable(name));
        }
        auto store = openStore(m_store);
        StreamQuery query;
        query.pattern = u"^customer-\\D"_s;
        const auto matching = (*store)->streams(query);
        QVERIFY(!matching->isEmpty());
        QCOMPARE(model.rowCount(customers), int(matching->size()));
        qint64 events = 0;
        for (const StreamInfo& stream : *matching)
            events += stream.events.value;
        QCOMPARE(customers.data(StreamTreeModel::EventCountRole).toLongLong(), events);
    }

    void invalidPatternKeepsTree()
    {
        StreamTreeModel model;
        QSignalSpy loaded(&model, &StreamTreeModel::categoriesLoaded);
        QSignalSpy errors(&model, &StreamTreeModel::errorOccurred);
        model.setStore(m_store);
        QTRY_COMPARE(loaded.size(), 1);
        model.setPattern(u"account-("_s);
        QCOMPARE(errors.size(), 1);
        const auto error = errors.first().at(0).value<StoreError>();
        QCOMPARE(error.kind, StoreError::Kind::InvalidArgument);
        QVERIFY(error.message.contains(u"regular expression"_s));
        QCOMPARE(model.pattern(), QString());
        QCOMPARE(model.rowCount(), 4);
    }
};

QTEST_GUILESS_MAIN(TestStreamTreeModel)
#include "tst_streamtreemodel.moc"
