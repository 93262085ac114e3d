// The workspace file on real SQLite: definitions and revisions (save, list, restore, text diff), drafts, import,
// export and a linked file, per-store settings, mappings, connections and bookmarks, forward migration from an
// older schema, refusal of a newer one, and crash safety: a writer process killed mid-save leaves every revision
// it reported intact.

#include <core/diff/textdiff.h>
#include <core/workspace/definitionfilelink.h>
#include <core/workspace/projectionchoices.h>
#include <core/workspace/workspace.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

// As tests/workspace/workspacewriter.cpp writes it.
QString revisionText(int number)
{
    QString text = u"// revision %1\nfromAll().when({ $init: () => ({ n: 0 }) });\n"_s.arg(number);
    for (int line = 0; line < 2000; ++line)
        text += u"// %1 %2 padding so that one save writes many pages\n"_s.arg(number).arg(line);
    return text;
}

namespace {

std::unique_ptr<Workspace> openWorkspace(const QString& path)
{
    auto opened = Workspace::open(path);
    if (!opened)
        qFatal("cannot open the workspace: %s", qPrintable(opened.error().message));
    return std::move(*opened);
}

// Runs SQL on a file with the sqlite3 API directly, the way an older EventScope would have written it.
void execSql(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    const QString message = error ? QString::fromUtf8(error) : QString();
    sqlite3_free(error);
    sqlite3_close(db);
    QVERIFY2(rc == SQLITE_OK, qPrintable(message));
}

QString integrityCheck(const QString& path)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    QString result;
    if (sqlite3_step(statement) == SQLITE_ROW)
        result = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return result;
}

} // namespace

class TestWorkspace : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_files = 0;
    QString newPath() { return m_dir.filePath(u"workspace-%1/workspace.sqlite"_s.arg(++m_files)); }

private slots:
    void createsItsFolderAndSchema()
    {
        const QString path = newPath();
        auto workspace = openWorkspace(path);
        QVERIFY(QFile::exists(path));
        QCOMPARE(workspace->schemaVersion(), Workspace::kSchemaVersion);
        QVERIFY(workspace->definitions()->isEmpty());
        QVERIFY(Workspace::defaultPath().endsWith(u"/workspace.sqlite"_s));
    }

    void revisionsAreSavedListedAndRestored()
    {
        auto workspace = openWorkspace(newPath());
        const auto created = workspace->createDefinition(u"deposits"_s, u"fromAll();\n"_s, u"first"_s);
        QVERIFY(created);
        QCOMPARE(created->content, u"fromAll();\n"_s);
        const qint64 id = created->id;

        const auto second = workspace->saveRevision(id, u"fromCategory('account');\n"_s, u"only accounts"_s);
        QVERIFY(second);
        QCOMPARE(second->number, 2);
        QCOMPARE(second->hash, Workspace::contentHash(u"fromCategory('account');\n"_s));
        QCOMPARE(second->hash.size(), 64);
        // The same text again makes no revision.
        const auto same = workspace->saveRevision(id, u"fromCategory('account');\n"_s);
        QCOMPARE(same->id, second->id);

        auto revisions = workspace->revisions(id);
        QCOMPARE(revisions->size(), 2);
        QCOMPARE(revisions->at(0).number, 2); // newest first
        QCOMPARE(revisions->at(0).message, u"only accounts"_s);
        QCOMPARE(revisions->at(1).content, u"fromAll();\n"_s);
        QVERIFY(revisions->at(0).time.isValid());
        QCOMPARE(revisions->at(0).time.timeSpec(), Qt::UTC);

        const auto restored = workspace->restore(id, revisions->at(1).id);
        QVERIFY(restored);
        QCOMPARE(restored->number, 3);
        QCOMPARE(restored->content, u"fromAll();\n"_s);
        QCOMPARE(restored->message, u"Restored revision 1"_s);
        QCOMPARE(workspace->definition(id)->content, u"fromAll();\n"_s);
        QCOMPARE(workspace->definition(id)->headRevision, restored->id);

        // Diffed as text, as diff -u would.
        const QString unified = TextDiff::unified(TextDiff::lines(revisions->at(1).content, revisions->at(0).content));
        QCOMPARE(unified, u"@@ -1,1 +1,1 @@\n-fromAll();\n+fromCategory('account');\n"_s);

        // Names are unique; a second definition gets its own numbering.
        QVERIFY(!workspace->createDefinition(u"deposits"_s, u"x"_s));
        const auto other = workspace->createDefinition(u"carts"_s, u"y"_s);
        QCOMPARE(workspace->revisions(other->id)->at(0).number, 1);
        QCOMPARE(workspace->definitions()->size(), 2);
        QCOMPARE(workspace->definitions()->at(0).name, u"carts"_s);

        QVERIFY(workspace->removeDefinition(other->id));
        QCOMPARE(workspace->definitions()->size(), 1);
        QVERIFY(workspace->revisions(other->id)->isEmpty());
    }

    void draftsSurviveReopeningAndClearOnSave()
    {
        const QString path = newPath();
        qint64 id = 0;
        {
            auto workspace = openWorkspace(path);
            id = workspace->createDefinition(u"d"_s, u"saved"_s)->id;
            QVERIFY(workspace->saveDraft(id, u"typing…"_s));
            QVERIFY(workspace->saveDraft(id, u"typing… more"_s));
        }
        auto workspace = openWorkspace(path);
        const auto definition = workspace->definition(id);
        QCOMPARE(definition->content, u"saved"_s);
        QCOMPARE(definition->draft, std::optional(u"typing… more"_s));
        QVERIFY(workspace->saveRevision(id, u"typing… more"_s));
        QCOMPARE(workspace->definition(id)->draft, std::nullopt);
    }

    void importsExportsAndFollowsALinkedFile()
    {
        auto workspace = openWorkspace(newPath());
        const QString file = m_dir.filePath(u"counter.js"_s);
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("fromCategory('account').when({ $init: () => ({ n: 0 }) });\n");
        }
        const auto imported = workspace->importFile(file);
        QVERIFY(imported);
        QCOMPARE(imported->name, u"counter"_s);
        QCOMPARE(workspace->importFile(file)->name, u"counter (2)"_s);

        const QString exported = m_dir.filePath(u"exported.js"_s);
        QVERIFY(workspace->exportFile(imported->id, exported));
        QFile back(exported);
        QVERIFY(back.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(back.readAll()), imported->content);

        QVERIFY(workspace->linkFile(imported->id, file));
        QCOMPARE(workspace->definition(imported->id)->linkedFile, file);
        DefinitionFileLink link(*workspace, imported->id, file);
        QSignalSpy reloaded(&link, &DefinitionFileLink::reloaded);
        // Replace the file the way editors do (write a new one, rename over it).
        const QString replacement = file + u".new"_s;
        {
            QFile out(replacement);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("fromCategory('account').when({ $init: () => ({ n: 1 }) });\n");
        }
        QVERIFY(QFile::remove(file));
        QVERIFY(QFile::rename(replacement, file));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 5000);
        QCOMPARE(workspace->definition(imported->id)->content,
            u"fromCategory('account').when({ $init: () => ({ n: 1 }) });\n"_s);
        QCOMPARE(workspace->revisions(imported->id)->at(0).message, u"Reloaded from counter.js"_s);
        // And a second change, after the watch had to be re-added.
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write("fromAll();\n");
        }
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 2, 5000);
        QCOMPARE(workspace->definition(imported->id)->content, u"fromAll();\n"_s);

        QVERIFY(!workspace->importFile(m_dir.filePath(u"missing.js"_s)));
    }

    void settingsMappingsConnectionsAndBookmarks()
    {
        auto workspace = openWorkspace(newPath());
        const QString store = u"/data/shop.sqlite"_s;
        QCOMPARE(*workspace->setting(store, u"ignore"_s), std::nullopt);
        QVERIFY(workspace->setSetting(store, u"ignore"_s, u"[\"_version\"]"_s));
        QVERIFY(workspace->setSetting(store, u"ignore"_s, u"[\"_id\"]"_s));
        QCOMPARE(*workspace->setting(store, u"ignore"_s), std::optional(u"[\"_id\"]"_s));
        QCOMPARE(*workspace->setting(u"other"_s, u"ignore"_s), std::nullopt);
        QVERIFY(workspace->removeSetting(store, u"ignore"_s));
        QCOMPARE(*workspace->setting(store, u"ignore"_s), std::nullopt);

        QVERIFY(workspace->saveMapping(u"legacy"_s, "{\"events\":{}}"));
        QCOMPARE(workspace->mappings()->at(0).second, QByteArray("{\"events\":{}}"));

        QVERIFY(workspace->saveConnection(u"orders"_s, "{\"location\":\"postgresql://alice@db1/orders\"}"));
        QVERIFY(workspace->saveConnection(u"Billing"_s, "{}"));
        QCOMPARE(workspace->connections()->size(), 2);
        QCOMPARE(workspace->connections()->at(0).first, u"Billing"_s);
        QVERIFY(workspace->removeConnection(u"Billing"_s));
        QCOMPARE(workspace->connections()->size(), 1);

        const auto first = workspace->addBookmark({ 0, store, u"account-1"_s, 12, 340, u"odd withdrawal"_s, {} });
        QVERIFY(first);
        QVERIFY(workspace->addBookmark({ 0, u"other"_s, u"cart-2"_s, 1, 2, {}, {} }));
        QCOMPARE(workspace->bookmarks()->size(), 2);
        const auto mine = workspace->bookmarks(store);
        QCOMPARE(mine->size(), 1);
        QCOMPARE(mine->at(0).stream, u"account-1"_s);
        QCOMPARE(mine->at(0).version, 12);
        QCOMPARE(mine->at(0).note, u"odd withdrawal"_s);
        QVERIFY(workspace->removeBookmark(*first));
        QVERIFY(workspace->bookmarks(store)->isEmpty());
    }

    // The category → projection choices and the snapshot-compare settings are kept per store, across reopening.
    void projectionChoicesAndCompareSettingsPersist()
    {
        const QString path = newPath();
        const QString store = u"/data/shop.sqlite"_s;
        {
            auto workspace = openWorkspace(path);
            ProjectionChoices choices(workspace.get());
            QCOMPARE(choices.projectionFor(store, u"account"_s), ProjectionChoices::builtIn(u"account"_s).value(0));
            choices.remember(store, u"account"_s, u"/repo/account.js"_s);
            choices.rememberSnapshotProjection(store, u"account"_s, u"/repo/account-snapshot.js"_s);
            choices.rememberSnapshotIgnored(store, u"account"_s, u" _version, $.meta.savedAt "_s);
        }
        auto workspace = openWorkspace(path);
        ProjectionChoices choices(workspace.get());
        QCOMPARE(choices.projectionFor(store, u"account"_s), u"/repo/account.js"_s);
        QCOMPARE(
            choices.projectionFor(u"/other.sqlite"_s, u"account"_s), ProjectionChoices::builtIn(u"account"_s).value(0));
        QCOMPARE(choices.snapshotProjectionFor(store, u"account"_s), u"/repo/account-snapshot.js"_s);
        QCOMPARE(choices.snapshotIgnored(store, u"account"_s), u"_version, $.meta.savedAt"_s);
        QCOMPARE(choices.snapshotIgnored(store, u"cart"_s), QString());
        choices.remember(store, u"account"_s, {}); // forgotten: the built-in again
        QCOMPARE(choices.projectionFor(store, u"account"_s), ProjectionChoices::builtIn(u"account"_s).value(0));
        QVERIFY(workspace->forgetSettings(store));
        QCOMPARE(choices.snapshotIgnored(store, u"account"_s), QString());
    }

    void migratesAVersionOneFileForward()
    {
        const QString path = newPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        // Schema 1 as the first release wrote it, with one definition and two revisions.
        execSql(path,
            "CREATE TABLE definitions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, head INTEGER,"
            " linked_file TEXT NOT NULL DEFAULT '');"
            "CREATE TABLE revisions (id INTEGER PRIMARY KEY, definition INTEGER NOT NULL REFERENCES definitions(id)"
            " ON DELETE CASCADE, number INTEGER NOT NULL, time_ms INTEGER NOT NULL, hash TEXT NOT NULL,"
            " message TEXT NOT NULL DEFAULT '', content TEXT NOT NULL, UNIQUE (definition, number));"
            "INSERT INTO definitions VALUES (1, 'old', 2, '');"
            "INSERT INTO revisions VALUES (1, 1, 1, 1700000000000, 'h1', '', 'a');"
            "INSERT INTO revisions VALUES (2, 1, 2, 1700000001000, 'h2', 'm', 'b');"
            "PRAGMA user_version = 1;");
        auto workspace = openWorkspace(path);
        QCOMPARE(workspace->schemaVersion(), 2);
        const auto definition = workspace->definitionNamed(u"old"_s);
        QVERIFY(definition && *definition);
        QCOMPARE((*definition)->content, u"b"_s);
        QCOMPARE(workspace->revisions(1)->size(), 2);
        QCOMPARE(workspace->revisions(1)->at(1).time, QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC));
        // What schema 2 added works on the migrated file.
        QVERIFY(workspace->saveDraft(1, u"draft"_s));
        QVERIFY(workspace->addBookmark({ 0, u"s"_s, u"x-1"_s, 1, 1, {}, {} }));
    }

    void refusesANewerOrBrokenFileAndLeavesItAlone()
    {
        const QString newer = newPath();
        QVERIFY(QDir().mkpath(QFileInfo(newer).absolutePath()));
        execSql(newer, "CREATE TABLE future (x); PRAGMA user_version = 99;");
        const QByteArray before = [&] {
            QFile file(newer);
            file.open(QIODevice::ReadOnly);
            return file.readAll();
        }();
        auto opened = Workspace::open(newer);
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(u"newer EventScope"_s), qPrintable(opened.error().message));
        QFile file(newer);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);

        const QString garbage = newPath();
        QVERIFY(QDir().mkpath(QFileInfo(garbage).absolutePath()));
        QFile junk(garbage);
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(8192, 'x'));
        junk.close();
        auto broken = Workspace::open(garbage);
        QVERIFY(!broken);
        QVERIFY2(broken.error().message.startsWith(u"workspace:"_s), qPrintable(broken.error().message));
    }

    // A writer saves large revisions in a loop; it is killed (SIGKILL) at a random moment, three times over.
    // Every revision it reported as saved must be there, whole, with its hash; the file must pass integrity_check;
    // and a new writer carries on from the last revision.
    void survivesAWriterKilledMidSave()
    {
        const QString path = newPath();
        int reported = 0;
        for (int round = 0; round < 3; ++round) {
            QProcess writer;
            writer.setProgram(QStringLiteral(WORKSPACE_WRITER));
            writer.setArguments({ path });
            writer.start();
            QVERIFY2(writer.waitForStarted(), qPrintable(writer.errorString()));
            const int killAfter = reported + 5 + int(QRandomGenerator::global()->bounded(20));
            QByteArray output;
            while (reported < killAfter) {
                QVERIFY2(writer.state() == QProcess::Running || writer.bytesAvailable(),
                    qPrintable(QString::fromUtf8(writer.readAllStandardError())));
                writer.waitForReadyRead(10000);
                output += writer.readAllStandardOutput();
                const qsizetype end = output.lastIndexOf('\n');
                if (end < 0)
                    continue;
                const QByteArray lastLine = output.left(end).split('\n').last();
                reported = lastLine.mid(6).toInt(); // "saved N"
                output = output.mid(end + 1);
            }
            // Let it get into the next save, then kill it without warning.
            QTest::qWait(int(QRandomGenerator::global()->bounded(15)));
            writer.kill();
            QVERIFY(writer.waitForFinished(10000));

            QCOMPARE(integrityCheck(path), u"ok"_s);
            auto workspace = openWorkspace(path);
            const auto definition = workspace->definitionNamed(u"crash"_s);
            QVERIFY(definition && *definition);
            const auto revisions = workspace->revisions((*definition)->id);
            QVERIFY2(revisions->size() >= reported,
                qPrintable(u"%1 revisions, %2 reported"_s.arg(revisions->size()).arg(reported)));
            for (const WorkspaceRevision& revision : *revisions) {
                QCOMPARE(revision.content, revisionText(revision.number));
                QCOMPARE(revision.hash, Workspace::contentHash(revision.content));
            }
            QCOMPARE(revisions->at(0).number, int(revisions->size())); // contiguous, none half-written
            QCOMPARE((*definition)->content, revisions->at(0).content);
            reported = int(revisions->size());
        }
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
