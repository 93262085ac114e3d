// The time-travel window (issue 15) on a real demo store under offscreen Qt: it opens with the category's
// built-in projection on first launch, and what it shows at each point (state, changes, field history, find
// first) is what the core's StreamReplay says for the same stream; a projection that faults says where; the
// choice of projection is remembered per store and category.
#include <core/jobs/openstore.h>
#include <core/models/jsontreemodel.h>
#include <core/replay/streamreplay.h>
#include <core/workspace/projectionchoices.h>
#include <core/workspace/workspace.h>
#include <testsupport.h>
#include <ui/timetravel/replayeventsmodel.h>
#include <ui/timetravel/timetravelwindow.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace Qt::StringLiterals;
using namespace EventScope;

class TestTimeTravelWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_storePath;
    QString m_stream;
    std::unique_ptr<EventStore> m_store; // the oracle's own connection
    std::unique_ptr<StreamReplay> m_oracle;

    static QString readResource(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    // The window on m_stream, once its first load has been answered.
    std::unique_ptr<TimeTravelWindow> openWindow()
    {
        auto window = std::make_unique<TimeTravelWindow>(OpenStore::fromText(m_storePath), m_stream, u"account"_s);
        window->setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy loaded(window.get(), &TimeTravelWindow::loadFinished);
        QSignalSpy shown(window.get(), &TimeTravelWindow::frameShown);
        window->show();
        if (!loaded.wait(20000) || !loaded.first().first().toBool())
            return nullptr;
        if (!shown.wait(20000))
            return nullptr;
        return window;
    }

    static bool moveAndWait(TimeTravelWindow& window, qint64 count)
    {
        QSignalSpy shown(&window, &TimeTravelWindow::frameShown);
        window.moveTo(count);
        return QTest::qWaitFor([&] { return !shown.isEmpty() && shown.last().first().toLongLong() == count; }, 20000);
    }

    // Remembered projection choices and compare settings (the workspace's), forgotten between tests.
    static void forgetChoices()
    {
        if (Workspace* workspace = Workspace::application())
            QVERIFY(workspace->forgetSettings());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(u"config"_s)));
        QCoreApplication::setOrganizationName(u"EventScopeTest"_s);
        QCoreApplication::setApplicationName(u"tst_timetravelwindow"_s);
        Workspace::setApplicationPath(m_dir.filePath(u"workspace.sqlite"_s));
        forgetChoices();
        m_storePath = TestSupport::demoStore(m_dir.path(), 3000);
        auto opened = openStore(m_storePath);
        QVERIFY(opened);
        m_store = std::move(opened).value();
        // The account stream with the most events.
        StreamQuery query;
        query.category = u"account"_s;
        const auto streams = m_store->streams(query);
        QVERIFY(streams && !streams->isEmpty());
        const StreamInfo* longest = &streams->first();
        for (const StreamInfo& stream : *streams) {
            if (stream.events.value > longest->events.value)
                longest = &stream;
        }
        m_stream = longest->stream;
        QVERIFY(longest->events.value > 20);
        m_oracle = std::make_unique<StreamReplay>();
        const QString builtIn = ProjectionChoices::builtIn(u"account"_s).value(0);
        QCOMPARE(builtIn, u":/eventscope/demo-projections/account.projection.js"_s);
        const auto loaded = m_oracle->load(*m_store, m_stream, readResource(builtIn), u"account.projection.js"_s);
        QVERIFY(loaded && !loaded->fault);
    }

    // Which code ran: each event shows the handler that applies it and where it is written, and a click asks for that
    // line of the projection file.
    void eachStepShowsTheHandlerThatAppliedIt()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* view = window->findChild<QTableView*>(u"timeTravelEvents"_s);
        auto* label = window->findChild<QLabel*>(u"timeTravelHandler"_s);
        QVERIFY(view && label);
        const QString source = readResource(ProjectionChoices::builtIn(u"account"_s).value(0));
        const QStringList lines = source.split(u'\n');
        // The line where a handler of that type is written, read off the projection's text.
        const auto lineOf = [&](const QString& type) {
            for (qsizetype i = 0; i < lines.size(); ++i) {
                if (lines.at(i).trimmed().startsWith(type + u':'))
                    return int(i + 1);
            }
            return 0;
        };
        QAbstractItemModel* model = view->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy requested(window.get(), &TimeTravelWindow::handlerSourceRequested);
        const QList<Event>& events = m_oracle->events();
        for (int row = 0; row < 5; ++row) {
            const QModelIndex cell = model->index(row, ReplayEventsModel::HandlerColumn);
            const int line = lineOf(events.at(row).type);
            QVERIFY2(line > 0, qPrintable(events.at(row).type));
            QCOMPARE(cell.data().toString(), u"line %1"_s.arg(line)); // beside the type its handler is named after
            QCOMPARE(cell.data(ReplayEventsModel::HandlerLineRole).toInt(), line);
            QVERIFY(moveAndWait(*window, row + 1));
            QVERIFY2(label->text().contains(u"<b>%1</b>"_s.arg(events.at(row).type)), qPrintable(label->text()));
            QVERIFY2(label->text().contains(u"account.projection.js, line %1"_s.arg(line)), qPrintable(label->text()));
            view->scrollTo(cell);
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(cell).center());
            QCOMPARE(requested.size(), row + 1);
            QCOMPARE(requested.last().at(0).toString(), ProjectionChoices::builtIn(u"account"_s).value(0));
            QCOMPARE(requested.last().at(1).toInt(), line);
        }
        QVERIFY(moveAndWait(*window, 0));
        QVERIFY(label->text().contains(u"Before the first event"_s));
    }

    void opensWithTheBuiltInProjectionAndMatchesTheReplay()
    {
        auto window = openWindow();
        QVERIFY(window);
        QCOMPARE(window->projection(), u":/eventscope/demo-projections/account.projection.js"_s);
        auto* events = window->findChild<QTableView*>(u"timeTravelEvents"_s);
        QVERIFY(events);
        QAbstractItemModelTester tester(events->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(window->eventCount(), m_oracle->eventCount());
        QCOMPARE(window->currentCount(), m_oracle->eventCount()); // it opens at the end
        for (const qint64 count : { qint64(0), qint64(1), qint64(7), m_oracle->eventCount() / 2, qint64(3) }) {
            QVERIFY(moveAndWait(*window, count));
            QCOMPARE(window->stateText(), m_oracle->stateAfter(count).state.value_or(QByteArray()));
            // The changes table lists what the event at count - 1 changed, path by path.
            auto* changes = window->findChild<QTableWidget*>(u"timeTravelChanges"_s);
            if (count == 0) {
                QCOMPARE(changes->rowCount(), 0);
            } else {
                const auto expected = m_oracle->changesAtIndex(count - 1).diff.changes;
                QCOMPARE(changes->rowCount(), expected.size());
                for (int row = 0; row < expected.size(); ++row)
                    QCOMPARE(changes->item(row, 0)->text(), expected[row].path.toString());
                // The state marks what the event added or changed, and only that.
                QSet<QString> marked;
                for (const JsonChange& change : expected) {
                    if (change.op != JsonChange::Op::Remove)
                        marked.insert(change.path.toString() == u"$"_s ? u"$"_s : u"$."_s + change.path.toString());
                }
                auto* tree = window->findChild<QTreeView*>(u"stateTree"_s);
                QVERIFY(tree);
                auto* model = qobject_cast<JsonTreeModel*>(tree->model());
                QVERIFY(model);
                QCOMPARE(model->highlightedPaths(), marked);
                for (const QString& path : std::as_const(marked)) {
                    const QModelIndexList found = model->match(
                        model->index(0, 0), JsonTreeModel::PathRole, path, 1, Qt::MatchExactly | Qt::MatchRecursive);
                    QCOMPARE(found.size(), 1);
                    QVERIFY(found.first().data(JsonTreeModel::HighlightedRole).toBool());
                }
                QVERIFY(!model->index(0, 0).data(JsonTreeModel::HighlightedRole).toBool() || marked.contains(u"$"_s));
            }
        }
    }

    // A category with no projection yet: the events show at once, folded by the labelled default (each event's data
    // merged, the types counted), and the projections the workspace holds are offered; picking one replaces it.
    void withoutAProjectionTheDefaultFoldShowsTheEvents()
    {
        forgetChoices();
        Workspace* workspace = Workspace::application();
        QVERIFY(workspace);
        const auto kept = workspace->createDefinition(
            u"counter"_s, u"fromAll().when({ $init: () => ({ n: 0 }), $any: (s, e) => ({ ...s, n: s.n + 1 }) });"_s);
        QVERIFY2(kept, kept ? "" : qPrintable(kept.error().message));

        // What the default fold gives after the last event, worked out here from the stream's events.
        EventPageRequest request;
        request.filter.stream = m_stream;
        request.limit = 100000;
        const auto events = m_store->readEvents(request);
        QVERIFY(events && !events->events.isEmpty());
        QJsonObject data;
        QJsonObject types;
        for (const Event& event : events->events) {
            const QJsonObject body = QJsonDocument::fromJson(event.data).object();
            for (auto it = body.begin(); it != body.end(); ++it)
                data.insert(it.key(), it.value());
            types.insert(event.type, types.value(event.type).toInt() + 1);
        }

        TimeTravelWindow window(OpenStore::fromText(m_storePath), m_stream, u"ledger"_s);
        window.setAttribute(Qt::WA_DeleteOnClose, false);
        QSignalSpy loaded(&window, &TimeTravelWindow::loadFinished);
        QSignalSpy shown(&window, &TimeTravelWindow::frameShown);
        window.show();
        QVERIFY(loaded.wait(20000));
        QVERIFY(loaded.first().first().toBool());
        QVERIFY(window.usesDefaultFold());
        QCOMPARE(window.eventCount(), events->events.size());
        QVERIFY(QTest::qWaitFor(
            [&] { return !shown.isEmpty() && shown.last().first().toLongLong() == events->events.size(); }, 20000));
        QVERIFY2(!window.stateText().isEmpty(), qPrintable(window.findChild<QLabel*>(u"timeTravelMessage"_s)->text()));
        const QJsonObject state = QJsonDocument::fromJson(window.stateText()).object();
        QCOMPARE(state.value(u"eventTypes"_s).toObject(), types);
        QCOMPARE(state.value(u"data"_s).toObject(), data);
        QVERIFY(ProjectionChoices()
                    .projectionFor(OpenStore::fromText(m_storePath)->location().toString(), u"ledger"_s)
                    .isEmpty()); // the default is not remembered as a choice

        auto* message = window.findChild<QLabel*>(u"timeTravelMessage"_s);
        QVERIFY(message);
        QVERIFY2(message->text().contains(u"default fold"_s), qPrintable(message->text()));
        auto* choices = window.findChild<QComboBox*>(u"timeTravelProjection"_s);
        QVERIFY(choices);
        QCOMPARE(choices->currentText(), u"Default fold: data merged, event types counted"_s);
        const int counter = choices->findText(u"counter (workspace)"_s);
        QVERIFY(counter >= 0);

        QSignalSpy reloaded(&window, &TimeTravelWindow::loadFinished);
        choices->setCurrentIndex(counter);
        emit choices->activated(counter);
        QVERIFY(reloaded.wait(20000));
        QVERIFY(!window.usesDefaultFold());
        QVERIFY(QTest::qWaitFor(
            [&] { return QJsonDocument::fromJson(window.stateText()).object().value(u"n"_s).toInt() > 0; }, 20000));
        QCOMPARE(QJsonDocument::fromJson(window.stateText()).object().value(u"n"_s).toInt(), events->events.size());
        QVERIFY2(!message->text().contains(u"default fold"_s), qPrintable(message->text()));
        forgetChoices();
        QVERIFY(workspace->removeDefinition(kept->id));
    }

    void fieldHistoryAndFindFirst()
    {
        auto window = openWindow();
        QVERIFY(window);
        QSignalSpy history(window.get(), &TimeTravelWindow::fieldHistoryShown);
        window->showFieldHistory(u"$.balance"_s);
        QVERIFY(history.wait(20000));
        const auto expected = m_oracle->fieldHistory(u"balance");
        QVERIFY(expected);
        QCOMPARE(history.first().at(1).toInt(), expected->size());
        auto* table = window->findChild<QTableWidget*>(u"timeTravelHistory"_s);
        QCOMPARE(table->rowCount(), expected->size());
        QCOMPARE(table->item(0, 0)->text(), QString::number(m_oracle->events().at(expected->first().index).version));

        // Where the balance first goes above its half-way value.
        const qint64 half = m_oracle->eventCount() / 2;
        const QString predicate = u"s => s.transactions >= %1"_s.arg(
            QJsonDocument::fromJson(*m_oracle->stateAfter(half).state).object().value(u"transactions"_s).toInt());
        const auto found = m_oracle->findFirst(predicate);
        QVERIFY(found.count);
        QSignalSpy finished(window.get(), &TimeTravelWindow::findFinished);
        QSignalSpy shown(window.get(), &TimeTravelWindow::frameShown);
        window->findFirst(predicate);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(QTest::qWaitFor(
            [&] { return !shown.isEmpty() && shown.last().first().toLongLong() == *found.count; }, 20000));
        QCOMPARE(window->currentCount(), *found.count);

        window->findFirst(u"s => s.balance < -1e18"_s);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.last().first().toBool(), false);
    }

    void faultingProjectionSaysWhere()
    {
        const QString script = m_dir.filePath(u"faulty.js"_s);
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("fromCategory('account').foreachStream().when({\n"
                   "  $init: function () { return { n: 0 }; },\n"
                   "  $any: function (s, e) {\n"
                   "    s.n += 1;\n"
                   "    if (s.n === 5) throw new Error('boom at five');\n"
                   "  }\n"
                   "});\n");
        file.close();
        auto window = openWindow();
        QVERIFY(window);
        QSignalSpy loaded(window.get(), &TimeTravelWindow::loadFinished);
        QSignalSpy shown(window.get(), &TimeTravelWindow::frameShown);
        window->setProjection(script);
        QVERIFY(loaded.wait(20000));
        QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 20000));
        QCOMPARE(window->currentCount(), 4); // it stops before the event that threw
        QCOMPARE(window->stateText(), QByteArray(R"({"n":4})"));
        auto* message = window->findChild<QLabel*>(u"timeTravelMessage"_s);
        QVERIFY2(message->text().contains(u"boom at five"_s), qPrintable(message->text()));
        QVERIFY2(message->text().contains(u"faulty.js:5"_s), qPrintable(message->text()));

        // The choice is remembered for this store and category, and the next window opens with it.
        QCOMPARE(
            ProjectionChoices().projectionFor(OpenStore::fromText(m_storePath)->location().toString(), u"account"_s),
            script);
        window.reset();
        auto again = openWindow();
        QVERIFY(again);
        QCOMPARE(again->projection(), script);
        ProjectionChoices().remember(OpenStore::fromText(m_storePath)->location().toString(), u"account"_s, {});
    }
};

QTEST_MAIN(TestTimeTravelWindow)
#include "tst_timetravelwindow.moc"
