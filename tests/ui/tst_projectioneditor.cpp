// The projection editor (issue 17) on a real demo store and a real workspace file, offscreen: the done-criteria
// walk (write a projection counting deposits per account, run it, change it, see the per-partition diff between
// the revisions), error markers with the issues list, completion of the API and of the store's types and fields,
// drafts that survive closing mid-edit, revisions with their text diff and restore, find and replace, run scopes, a
// linked file, and the run panel's models under QAbstractItemModelTester.

#include <core/jobs/openstore.h>
#include <core/models/projectioncomparisonmodel.h>
#include <core/models/projectionresultsmodel.h>
#include <core/workspace/workspace.h>
#include <testsupport.h>
#include <ui/projections/findreplacebar.h>
#include <ui/projections/projectioncodeeditor.h>
#include <ui/projections/projectioneditorwindow.h>
#include <ui/projections/projectionrunpanel.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

constexpr auto kDeposits = R"(// Deposits per account.
fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ deposits: 0 }),
    FundsDeposited: (s, e) => { s.deposits += 1; },
  });
)";

constexpr auto kDepositsSplit = R"(// Deposits per account, large ones (400.00 and up) counted apart.
fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ deposits: 0, large: 0 }),
    FundsDeposited: (s, e) => {
      if (e.body.amountCents >= 40000) s.large += 1;
      else s.deposits += 1;
    },
  });
)";

} // namespace

class TestProjectionEditor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store;
    int m_workspaces = 0;
    QMap<QString, int> m_deposits; // per account stream, counted from `events --json` by the CLI
    QMap<QString, int> m_large;

    QString newWorkspace() { return m_dir.filePath(u"ws-%1/workspace.sqlite"_s.arg(++m_workspaces)); }

    std::unique_ptr<ProjectionEditorWindow> openEditor(const QString& workspace)
    {
        auto window = std::make_unique<ProjectionEditorWindow>(OpenStore::fromText(m_store), workspace);
        window->setAttribute(Qt::WA_DeleteOnClose, false);
        window->show();
        return window;
    }

    static bool runAndWait(ProjectionEditorWindow& window)
    {
        QSignalSpy finished(&window, &ProjectionEditorWindow::runFinished);
        window.run();
        if (!finished.wait(30000))
            return false;
        return finished.first().first().toBool();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        m_store = TestSupport::demoStore(m_dir.path(), 3000);
        // The oracle: deposits per account from the events themselves, through the CLI's JSON.
        QProcess cli;
        cli.start(qEnvironmentVariable("EVENTSCOPE_CLI"),
            { u"events"_s, m_store, u"--category"_s, u"account"_s, u"--type"_s, u"FundsDeposited"_s, u"--limit"_s,
                u"100000"_s, u"--json"_s });
        QVERIFY(cli.waitForFinished(30000));
        for (const QByteArray& line : cli.readAllStandardOutput().trimmed().split('\n')) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            const QString stream = event.value(u"stream"_s).toString();
            m_deposits[stream] += 1;
            if (event.value(u"data"_s).toObject().value(u"amountCents"_s).toInteger() >= 40000)
                m_large[stream] += 1;
        }
        QVERIFY(m_deposits.size() >= 5);
    }

    // The issue's "done when": write, run, change, and see the per-partition diff between the two revisions.
    void depositsPerAccountRunChangeAndCompare()
    {
        auto window = openEditor(newWorkspace());
        QVERIFY(window->hasWorkspace());
        QVERIFY(window->newDefinition(u"deposits"_s, QString::fromUtf8(kDeposits)));
        QVERIFY(runAndWait(*window));

        ProjectionResultsModel* results = window->runPanel()->resultsModel();
        QAbstractItemModelTester resultsTester(results, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(results->rowCount(), m_deposits.size());
        for (int row = 0; row < results->rowCount(); ++row) {
            const QString stream = results->index(row, 0).data(ProjectionResultsModel::PartitionRole).toString();
            const QJsonObject state
                = QJsonDocument::fromJson(results->index(row, 0).data(ProjectionResultsModel::StateRole).toByteArray())
                      .object();
            QCOMPARE(state.value(u"deposits"_s).toInt(), m_deposits.value(stream));
        }
        // The list can be searched.
        window->runPanel()->findChild<QLineEdit*>()->setText(u"account-1"_s);
        QVERIFY(window->runPanel()->resultsProxy()->rowCount() >= 1);
        QVERIFY(window->runPanel()->resultsProxy()->rowCount() < results->rowCount());
        window->runPanel()->findChild<QLineEdit*>()->clear();

        QVERIFY(window->saveRevision(u"count deposits"_s));
        window->editor()->setText(QString::fromUtf8(kDepositsSplit));
        QVERIFY(window->hasUnsavedChanges());
        QVERIFY(window->saveRevision(u"large ones apart"_s));
        const auto revisions = window->workspace()->revisions(*window->currentDefinition());
        QCOMPARE(revisions->size(), 2); // "Created" with the same text as the first save: one revision

        QSignalSpy compared(window.get(), &ProjectionEditorWindow::compareFinished);
        window->compare(revisions->at(1).id, revisions->at(0).id);
        QVERIFY(compared.wait(30000));
        QVERIFY(compared.first().first().toBool());
        ProjectionComparisonModel* comparison = window->runPanel()->comparisonModel();
        QAbstractItemModelTester comparisonTester(comparison, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Every account with a deposit changed; "large" was added to each, and deposits moved into it.
        QCOMPARE(comparison->rowCount(), m_deposits.size());
        for (int row = 0; row < comparison->rowCount(); ++row) {
            const ProjectionComparison::Partition* partition = comparison->partitionAt(row);
            QCOMPARE(partition->change, ProjectionComparison::Change::Changed);
            QHash<QString, JsonChange> byPath;
            for (const JsonChange& change : partition->diff.changes)
                byPath.insert(change.path.toString(), change);
            QCOMPARE(byPath.value(u"large"_s).op, JsonChange::Op::Add);
            QCOMPARE(byPath.value(u"large"_s).newValue.toInt(), m_large.value(partition->name));
            if (m_large.value(partition->name) > 0)
                QCOMPARE(byPath.value(u"deposits"_s).newValue.toInt(),
                    m_deposits.value(partition->name) - m_large.value(partition->name));
        }
        QCOMPARE(comparison->index(0, ProjectionComparisonModel::ChangeColumn).data().toString(), u"changed"_s);
        QCOMPARE(window->runPanel()->currentWidget(), window->runPanel()->compareTab());
    }

    // Which code ran: each partition's row names the handler of its last event, and a click on it goes to its line.
    void theLastHandlerOfAPartitionLeadsToItsLine()
    {
        auto window = openEditor(newWorkspace());
        QVERIFY(window->newDefinition(u"kinds"_s, QString::fromUtf8(R"(fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ n: 0 }),
    $any: (s, e) => { s.other = e.eventType; },
    FundsDeposited: (s, e) => { s.n += 1; },
    FundsWithdrawn: (s, e) => { s.n -= 1; },
  });
)")));
        // Typed keys after $any: only they are delivered (the $any caveat), so every last handler is one of them.
        QVERIFY(runAndWait(*window));
        ProjectionResultsModel* results = window->runPanel()->resultsModel();
        QVERIFY(results->rowCount() > 3);
        QSet<QString> seen;
        for (int row = 0; row < results->rowCount(); ++row) {
            const QModelIndex cell = results->index(row, ProjectionResultsModel::HandlerColumn);
            const QString text = cell.data().toString();
            const int line = cell.data(ProjectionResultsModel::HandlerLineRole).toInt();
            QVERIFY2((text == u"FundsDeposited (line 6)"_s && line == 6)
                    || (text == u"FundsWithdrawn (line 7)"_s && line == 7),
                qPrintable(text));
            seen.insert(text);
        }
        QCOMPARE(seen.size(), 2); // both occur as some account's last event
        QTableView* view = window->runPanel()->partitionsView();
        const QModelIndex proxyCell = view->model()->index(0, ProjectionResultsModel::HandlerColumn);
        const int line = proxyCell.data(ProjectionResultsModel::HandlerLineRole).toInt();
        window->editor()->setCursorPosition(0, 0);
        view->scrollTo(proxyCell);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(proxyCell).center());
        int cursorLine = -1, index = -1;
        window->editor()->getCursorPosition(&cursorLine, &index);
        QCOMPARE(cursorLine + 1, line);
    }

    // From time travel's "which code ran": a projection file opens at the handler's line, linked the first time and
    // the same definition afterwards; a built-in one is imported once.
    void aSourceRequestOpensTheFileAtTheLine()
    {
        auto window = openEditor(newWorkspace());
        const qsizetype before = window->workspace()->definitions()->size();
        const QString file = m_dir.filePath(u"account-view.js"_s);
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(kDeposits);
        out.close();
        QVERIFY(window->showSource(file, 5));
        int line = -1, index = -1;
        window->editor()->getCursorPosition(&line, &index);
        QCOMPARE(line + 1, 5);
        QCOMPARE(window->editor()->text(), QString::fromUtf8(kDeposits));
        const auto definitions = window->workspace()->definitions();
        QVERIFY(definitions);
        QCOMPARE(definitions->size(), before + 1);
        QVERIFY(std::any_of(definitions->cbegin(), definitions->cend(), [&](const WorkspaceDefinition& definition) {
            return definition.linkedFile == QFileInfo(file).absoluteFilePath();
        }));
        QVERIFY(window->showSource(file, 2)); // the same definition again
        QCOMPARE(window->workspace()->definitions()->size(), before + 1);
        window->editor()->getCursorPosition(&line, &index);
        QCOMPARE(line + 1, 2);

        const QString builtIn = u":/eventscope/demo-projections/account.projection.js"_s;
        QVERIFY(window->showSource(builtIn, 14));
        QVERIFY(window->showSource(builtIn, 18));
        QCOMPARE(window->workspace()->definitions()->size(), before + 2);
        QVERIFY(window->editor()->text().contains(u"FundsWithdrawn"_s));
        window->editor()->getCursorPosition(&line, &index);
        QCOMPARE(line + 1, 18);
    }

    void compileErrorsAreMarkedAndListed()
    {
        auto window = openEditor(newWorkspace());
        QSignalSpy checked(window.get(), &ProjectionEditorWindow::checkFinished);
        QVERIFY(checked.wait(10000)); // the template compiles
        QVERIFY(checked.last().first().toBool());
        QVERIFY(window->editor()->faultLines().isEmpty());

        window->editor()->setText(
            u"fromCategory('account')\n  .foreachStream()\n  .when({ $init: () => ({ n: 0 }, \n});\n"_s);
        QVERIFY(checked.wait(10000));
        QVERIFY(!checked.last().first().toBool());
        const QList<int> lines = window->editor()->faultLines();
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first() >= 3, qPrintable(QString::number(lines.first())));
        QListWidget* issues = window->issuesList();
        QCOMPARE(issues->count(), 1);
        QVERIFY(issues->item(0)->text().startsWith(u"Line %1: "_s.arg(lines.first())));
        // Clicking the issue jumps to its line.
        window->editor()->setCursorPosition(0, 0);
        emit issues->itemClicked(issues->item(0));
        int line = -1, index = -1;
        window->editor()->getCursorPosition(&line, &index);
        QCOMPARE(line + 1, lines.first());

        // Fixed: the marker goes.
        window->editor()->setText(QString::fromUtf8(kDeposits));
        QVERIFY(checked.wait(10000));
        QVERIFY(checked.last().first().toBool());
        QVERIFY(window->editor()->faultLines().isEmpty());
        QCOMPARE(issues->item(0)->text(), u"No problems found."_s);
    }

    void aThrowingHandlerIsMarkedOnItsLineWithTheEvent()
    {
        auto window = openEditor(newWorkspace());
        window->editor()->setText(
            u"fromCategory('account')\n  .foreachStream()\n  .when({\n    $init: () => ({}),\n"
            "    FundsWithdrawn: (s, e) => { throw new Error('no withdrawals here'); },\n  });\n"_s);
        QVERIFY(!runAndWait(*window));
        QCOMPARE(window->editor()->faultLines(), QList<int> { 5 });
        QVERIFY(window->issuesList()->item(0)->text().contains(u"no withdrawals here"_s));
        QVERIFY(window->issuesList()->item(0)->text().contains(u"on event"_s));
        QVERIFY(window->runPanel()->failureText().contains(u"account-"_s));
    }

    void completionOffersTheApiAndTheStoresVocabulary()
    {
        auto window = openEditor(newWorkspace());
        ProjectionCodeEditor* editor = window->editor();
        QSignalSpy words(window.get(), &ProjectionEditorWindow::storeWordsLoaded);
        QVERIFY(words.wait(10000));
        if (!editor->completionReady())
            QVERIFY(QSignalSpy(editor, &ProjectionCodeEditor::completionPrepared).wait(10000));
        const QStringList offered = editor->completionWords();
        for (const QString& word : { u"fromCategory"_s, u"partitionBy"_s, u"$init"_s, u"outputState"_s, u"emit"_s,
                 u"FundsDeposited"_s, u"ItemAdded"_s, u"amountCents"_s, u"overdraftLimitCents"_s })
            QVERIFY2(offered.contains(word), qPrintable(word));

        // Typing a prefix and asking for completion shows the list on the API's word.
        editor->setText(u"fromCategory('account').forea"_s);
        editor->setCursorPosition(0, 29);
        editor->autoCompleteFromAPIs();
        QVERIFY(editor->isListActive());
        QByteArray current(64, '\0');
        editor->SendScintilla(QsciScintillaBase::SCI_AUTOCGETCURRENTTEXT, 0UL, static_cast<void*>(current.data()));
        QCOMPARE(QByteArray(current.constData()), QByteArray("foreachStream"));
        editor->cancelList();

        editor->setText(u"FundsDep"_s);
        editor->setCursorPosition(0, 8);
        editor->autoCompleteFromAPIs();
        QVERIFY(editor->isListActive());
        current.fill('\0');
        editor->SendScintilla(QsciScintillaBase::SCI_AUTOCGETCURRENTTEXT, 0UL, static_cast<void*>(current.data()));
        QCOMPARE(QByteArray(current.constData()), QByteArray("FundsDeposited"));
        editor->cancelList();

        // A data field after "e.body.": the word before the cursor is completed, whatever precedes it.
        editor->setText(u"s.total += e.body.amou"_s);
        editor->setCursorPosition(0, 22);
        editor->autoCompleteFromAPIs();
        QVERIFY(editor->isListActive());
        current.fill('\0');
        editor->SendScintilla(QsciScintillaBase::SCI_AUTOCGETCURRENTTEXT, 0UL, static_cast<void*>(current.data()));
        QCOMPARE(QByteArray(current.constData()), QByteArray("amountCents"));
    }

    // Closing mid-edit and opening again: the unsaved text is back, and saving it makes a revision.
    void closingMidEditLosesNothing()
    {
        const QString workspace = newWorkspace();
        qint64 id = 0;
        {
            auto window = openEditor(workspace);
            id = *window->currentDefinition();
            window->editor()->setText(QString::fromUtf8(kDeposits));
            window->editor()->append(u"// typed just before closing\n"_s);
            window->close(); // no save
        }
        auto window = openEditor(workspace);
        QCOMPARE(*window->currentDefinition(), id);
        QCOMPARE(window->editor()->text(), QString::fromUtf8(kDeposits) + u"// typed just before closing\n"_s);
        QVERIFY(window->hasUnsavedChanges());
        QVERIFY(window->windowTitle().contains(u"•"_s));
        QVERIFY(window->saveRevision());
        QVERIFY(!window->hasUnsavedChanges());
        QCOMPARE(window->workspace()->definition(id)->draft, std::nullopt);
    }

    // The autosave writes the draft a moment after typing, without closing.
    void draftsAreWrittenWhileTyping()
    {
        auto window = openEditor(newWorkspace());
        const qint64 id = *window->currentDefinition();
        window->editor()->append(u"// more\n"_s);
        QTRY_VERIFY_WITH_TIMEOUT(window->workspace()->definition(id)->draft.has_value(), 3000);
        QCOMPARE(*window->workspace()->definition(id)->draft, window->editor()->text());
    }

    void revisionsDiffAndRestore()
    {
        auto window = openEditor(newWorkspace());
        window->editor()->setText(u"fromAll();\n"_s);
        QVERIFY(window->saveRevision(u"one"_s));
        window->editor()->setText(u"fromCategory('cart');\n"_s);
        QVERIFY(window->saveRevision(u"two"_s));
        QCOMPARE(window->revisionsList()->topLevelItemCount(), 3);
        QCOMPARE(window->revisionsList()->topLevelItem(0)->text(2), u"two"_s);
        const qint64 one = window->revisionsList()->topLevelItem(1)->data(0, Qt::UserRole + 1).toLongLong();
        QCOMPARE(window->revisionDiff(one), u"@@ -1,1 +1,1 @@\n-fromAll();\n+fromCategory('cart');\n"_s);
        QVERIFY(window->restoreRevision(one));
        QCOMPARE(window->editor()->text(), u"fromAll();\n"_s);
        QCOMPARE(window->revisionsList()->topLevelItemCount(), 4);
        QCOMPARE(window->revisionsList()->topLevelItem(0)->text(2), u"Restored revision 2"_s);
    }

    void findAndReplace()
    {
        auto window = openEditor(newWorkspace());
        window->editor()->setText(u"s.count += 1;\ns.count += 2;\nS.COUNT;\n"_s);
        FindReplaceBar* bar = window->findBar();
        bar->showReplace();
        bar->findField()->setText(u"count"_s);
        bar->replaceField()->setText(u"total"_s);
        window->editor()->setCursorPosition(0, 0);
        QVERIFY(bar->findNext());
        QCOMPARE(window->editor()->selectedText(), u"count"_s);
        QCOMPARE(bar->replaceAll(), 3); // "Match case" is off: COUNT too
        QCOMPARE(window->editor()->text(), u"s.total += 1;\ns.total += 2;\nS.total;\n"_s);
        window->editor()->undo(); // one step for all of them
        QCOMPARE(window->editor()->text(), u"s.count += 1;\ns.count += 2;\nS.COUNT;\n"_s);
        window->editor()->redo();
        QCOMPARE(window->editor()->text(), u"s.total += 1;\ns.total += 2;\nS.total;\n"_s);
        QVERIFY(!bar->findNext() || window->editor()->selectedText() != u"count"_s);
    }

    void runScopesNarrowTheRun()
    {
        auto window = openEditor(newWorkspace());
        window->editor()->setText(QString::fromUtf8(kDeposits));
        window->setScope(ProjectionEditorWindow::Scope::Stream, u"account-1"_s);
        QVERIFY(runAndWait(*window));
        QCOMPARE(window->runPanel()->resultsModel()->rowCount(), 1);
        QCOMPARE(window->runPanel()->resultsModel()->index(0, 0).data().toString(), u"account-1"_s);

        window->setScope(ProjectionEditorWindow::Scope::Positions, u"1"_s, u"300"_s);
        QVERIFY(runAndWait(*window));
        const auto& results = window->runPanel()->resultsModel()->results();
        QVERIFY(results.outcome.eventsRead > 0);
        QVERIFY(results.outcome.eventsRead < 300);
    }

    void aLinkedFileIsFollowed()
    {
        auto window = openEditor(newWorkspace());
        const QString file = m_dir.filePath(u"linked.js"_s);
        QVERIFY(window->linkFile(file)); // a new file gets the editor's text
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(written.readAll()), window->editor()->text());
        written.close();
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(kDeposits);
        }
        QTRY_COMPARE_WITH_TIMEOUT(window->editor()->text(), QString::fromUtf8(kDeposits), 5000);
        QVERIFY(!window->hasUnsavedChanges());
        QCOMPARE(window->revisionsList()->topLevelItem(0)->text(2), u"Reloaded from linked.js"_s);
    }
};

QTEST_MAIN(TestProjectionEditor)
#include "tst_projectioneditor.moc"
