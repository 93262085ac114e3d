// The mapping editor driven like a user, offscreen, on a real SQLite file holding a home-grown table (a stream
// made of two columns, times in epoch milliseconds): tables and columns listed from the catalog, fields picked in
// their combo boxes or typed, the live preview's exact rows, a bad field's message beside it, the JSON it saves
// read back by MappingFile, and a saved connection and an unknown store opened through a mapping.

#include <ui/connections/connectiondialog.h>
#include <ui/connections/mappingeditor.h>
#include <ui/mainwindow/mainwindow.h>

#include <core/dialects/mappingfile.h>
#include <core/models/eventtablemodel.h>
#include <core/workspace/passwordstore.h>
#include <core/workspace/savedconnections.h>
#include <core/workspace/workspace.h>

#include <QAbstractProxyModel>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <sqlite3.h>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

// The team's own table: no library wrote it. `domain` and `identifier` together name the stream, `created_ms`
// counts milliseconds since the epoch, and the global order is SQLite's rowid. `notes` is there to be not picked.
QString writeHomeGrownStore(const QString& path)
{
    const char* statements[] = {
        "CREATE TABLE ledger_entries (domain TEXT NOT NULL, identifier TEXT NOT NULL, revision INTEGER NOT NULL, "
        "type TEXT NOT NULL, created_ms INTEGER NOT NULL, uid TEXT, body TEXT)",
        "CREATE TABLE notes (text TEXT)",
        "INSERT INTO ledger_entries VALUES ('orders', '42', 1, 'OrderPlaced', 1700000000000, 'e1', '{\"total\":10}')",
        "INSERT INTO ledger_entries VALUES ('orders', '42', 2, 'OrderShipped', 1700000001000, 'e2', "
        "'{\"carrier\":\"ups\"}')",
        "INSERT INTO ledger_entries VALUES ('billing', '7', 1, 'InvoiceSent', 1700000002500, 'e3', '{\"amount\":10}')",
        "INSERT INTO ledger_entries VALUES ('orders', '43', 1, 'OrderPlaced', 1700000003000, 'e4', '{\"total\":5}')",
    };
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(path).constData(), &db);
    for (const char* sql : statements) {
        char* error = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
            const QString message = QString::fromUtf8(error);
            sqlite3_free(error);
            sqlite3_close(db);
            return message;
        }
    }
    sqlite3_close(db);
    return {};
}

const QByteArray kMappingJson = R"({"name": "ledger",
 "events": {"table": "ledger_entries", "position": "rowid", "stream": "domain || '/' || identifier",
            "category": "domain", "version": "revision", "type": "type",
            "time": {"column": "created_ms", "unit": "epoch-ms"}, "id": "uid", "data": "body"}})";

// The rows the preview must show for kMappingJson: position, stream, category, version, type, time, data, id.
const QList<QStringList> kExpectedRows {
    { u"1"_s, u"orders/42"_s, u"orders"_s, u"1"_s, u"OrderPlaced"_s, u"2023-11-14T22:13:20.000Z"_s, u"{\"total\":10}"_s,
        u"e1"_s },
    { u"2"_s, u"orders/42"_s, u"orders"_s, u"2"_s, u"OrderShipped"_s, u"2023-11-14T22:13:21.000Z"_s,
        u"{\"carrier\":\"ups\"}"_s, u"e2"_s },
    { u"3"_s, u"billing/7"_s, u"billing"_s, u"1"_s, u"InvoiceSent"_s, u"2023-11-14T22:13:22.500Z"_s,
        u"{\"amount\":10}"_s, u"e3"_s },
    { u"4"_s, u"orders/43"_s, u"orders"_s, u"1"_s, u"OrderPlaced"_s, u"2023-11-14T22:13:23.000Z"_s, u"{\"total\":5}"_s,
        u"e4"_s },
};

QComboBox* expressionOf(QWidget& editor, const QString& field)
{
    return editor.findChild<QComboBox*>(field + u"/expression"_s);
}

QString errorOf(QWidget& editor, const QString& field)
{
    auto* label = editor.findChild<QLabel*>(field + u"/error"_s);
    return label ? label->text() : u"<no error label for %1>"_s.arg(field);
}

QStringList itemsOf(const QComboBox* combo)
{
    QStringList items;
    for (int i = 0; i < combo->count(); ++i)
        items.append(combo->itemText(i));
    return items;
}

// Picks an entry of a field's list, as a user does with the mouse.
void pick(QComboBox* combo, const QString& text)
{
    const int index = combo->findText(text);
    QVERIFY2(index >= 0, qPrintable(u"%1 not in %2"_s.arg(text, itemsOf(combo).join(u", "_s))));
    combo->setCurrentIndex(index);
}

// Types an expression into a field, replacing what is there.
void type(QComboBox* combo, const QString& text)
{
    combo->lineEdit()->setFocus();
    combo->lineEdit()->selectAll();
    QTest::keyClicks(combo->lineEdit(), text);
}

// QVERIFY2 in Qt 6.4 builds its message even when the check passes.
template <typename T> QByteArray problemOf(const Result<T>& result)
{
    return result ? QByteArray() : result.error().message.toUtf8();
}

QList<QStringList> previewRows(QWidget& editor)
{
    auto* table = editor.findChild<QTableWidget*>(u"previewTable"_s);
    QList<QStringList> rows;
    for (int row = 0; table && row < table->rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < table->columnCount(); ++column)
            cells.append(table->item(row, column) ? table->item(row, column)->text() : QString());
        rows.append(cells);
    }
    return rows;
}

} // namespace

class TestMappingEditor : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

    std::unique_ptr<MappingEditor> makeEditor()
    {
        auto editor = std::make_unique<MappingEditor>(StoreLocation::sqliteFile(m_store), QString());
        editor->show();
        if (!QTest::qWaitForWindowExposed(editor.get()))
            qWarning("editor not exposed");
        return editor;
    }

    static bool settled(MappingEditor& editor)
    {
        return !editor.isPreviewing() && expressionOf(editor, u"events.table"_s)->count() > 0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(u"config"_s)));
        // No keyring, as in CI: passwords stay in memory.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(m_dir.filePath(u"no-bus"_s)));
        QCoreApplication::setOrganizationName(u"EventScopeTest"_s);
        QCoreApplication::setApplicationName(u"tst_mappingeditor"_s);
        m_store = m_dir.filePath(u"ledger.sqlite"_s);
        const QString written = writeHomeGrownStore(m_store);
        QVERIFY2(written.isEmpty(), qPrintable(written));
    }

    void cleanup() { QThreadPool::globalInstance()->waitForDone(); }

    void listsTablesAndTheirColumns()
    {
        auto editor = makeEditor();
        // The catalog is read on a worker; the list fills when it comes back.
        QTRY_COMPARE(expressionOf(*editor, u"events.table"_s)->count(), 2);
        QCOMPARE(itemsOf(expressionOf(*editor, u"events.table"_s)), (QStringList { u"ledger_entries"_s, u"notes"_s }));
        // Nothing picked yet: the preview says what it still needs, and the fields offer no columns.
        QTRY_VERIFY(!editor->isPreviewing());
        QCOMPARE(editor->previewMessage(), u"Still needed: the events table, position, stream, version, type."_s);
        QCOMPARE(expressionOf(*editor, u"events.version"_s)->count(), 0);

        pick(expressionOf(*editor, u"events.table"_s), u"ledger_entries"_s);
        const QStringList columns { u"domain"_s, u"identifier"_s, u"revision"_s, u"type"_s, u"created_ms"_s, u"uid"_s,
            u"body"_s, u"rowid"_s };
        QCOMPARE(itemsOf(expressionOf(*editor, u"events.version"_s)), columns);
        QCOMPARE(itemsOf(expressionOf(*editor, u"events.data"_s)), columns);
        // Columns named the usual way are guessed; the rest wait for the user.
        QCOMPARE(expressionOf(*editor, u"events.type"_s)->currentText(), u"type"_s);
        QCOMPARE(expressionOf(*editor, u"events.data"_s)->currentText(), u"body"_s);
        QCOMPARE(expressionOf(*editor, u"events.version"_s)->currentText(), QString());
        QTRY_VERIFY(!editor->isPreviewing());
        QCOMPARE(editor->previewMessage(), u"Still needed: position, stream, version."_s);
    }

    void previewShowsTheFirstEventsOfPickedFields()
    {
        auto editor = makeEditor();
        QTRY_VERIFY(settled(*editor));
        pick(expressionOf(*editor, u"events.table"_s), u"ledger_entries"_s);
        pick(expressionOf(*editor, u"events.position"_s), u"rowid"_s);
        type(expressionOf(*editor, u"events.stream"_s), u"domain || '/' || identifier"_s);
        pick(expressionOf(*editor, u"events.category"_s), u"domain"_s);
        pick(expressionOf(*editor, u"events.version"_s), u"revision"_s);
        pick(expressionOf(*editor, u"events.time"_s), u"created_ms"_s);
        auto* unit = editor->findChild<QComboBox*>(u"events.time/unit"_s);
        QVERIFY(unit);
        unit->setCurrentIndex(unit->findData(int(TimeUnit::EpochMilliseconds)));
        pick(expressionOf(*editor, u"events.id"_s), u"uid"_s);

        QTRY_VERIFY(settled(*editor));
        QCOMPARE(editor->previewMessage(), u"The mapping reads these events."_s);
        QCOMPARE(previewRows(*editor), kExpectedRows);
        for (const QString& field : { u"events.stream"_s, u"events.version"_s, u"events.time"_s })
            QCOMPARE(errorOf(*editor, field), QString());

        // What the fields say is the mapping of kMappingJson, name aside.
        auto built = editor->mapping();
        QVERIFY2(built, problemOf(built).constData());
        auto expected = *MappingFile::fromJson(kMappingJson);
        expected.description.clear();
        QCOMPARE(MappingFile::toJson(*built), MappingFile::toJson(expected));
    }

    void badFieldShowsItsMessageBesideIt()
    {
        auto editor = makeEditor();
        QTRY_VERIFY(settled(*editor));
        QVERIFY(editor->setMappingJson(kMappingJson));
        QTRY_VERIFY(settled(*editor));
        QCOMPARE(previewRows(*editor).size(), 4);

        // A text column where an integer belongs: the message of MappingFile::check, beside the field.
        QSignalSpy failed(editor.get(), &MappingEditor::previewFailed);
        pick(expressionOf(*editor, u"events.version"_s), u"type"_s);
        QTRY_VERIFY(settled(*editor) && failed.size() == 1);
        const QString message = u"events.version: 'type' gives text values; it must give an integer"_s;
        QCOMPARE(failed.constFirst().at(0).toString(), message);
        QCOMPARE(editor->previewMessage(), message);
        QCOMPARE(errorOf(*editor, u"events.version"_s), u"'type' gives text values; it must give an integer"_s);
        QVERIFY(editor->findChild<QLabel*>(u"events.version/error"_s)->isVisible());
        QCOMPARE(errorOf(*editor, u"events.stream"_s), QString());
        QCOMPARE(previewRows(*editor).size(), 0);

        // A column the table does not have: the database's words, under the field that named it.
        type(expressionOf(*editor, u"events.time"_s), u"created_at"_s);
        pick(expressionOf(*editor, u"events.version"_s), u"revision"_s);
        QTRY_VERIFY(settled(*editor) && failed.size() == 2);
        QVERIFY2(editor->previewMessage().startsWith(u"events.time: "_s), qPrintable(editor->previewMessage()));
        QVERIFY2(errorOf(*editor, u"events.time"_s).contains(u"created_at"_s),
            qPrintable(errorOf(*editor, u"events.time"_s)));
        QCOMPARE(errorOf(*editor, u"events.version"_s), QString());

        // Fixed: the rows are back and the message is gone.
        pick(expressionOf(*editor, u"events.time"_s), u"created_ms"_s);
        QTRY_VERIFY(settled(*editor) && previewRows(*editor).size() == 4);
        QCOMPARE(previewRows(*editor), kExpectedRows);
        QCOMPARE(errorOf(*editor, u"events.time"_s), QString());
    }

    void savedJsonRoundTripsThroughMappingFile()
    {
        auto editor = makeEditor();
        QTRY_VERIFY(settled(*editor));
        QVERIFY(editor->setMappingJson(kMappingJson));
        auto* snapshots = editor->findChild<QGroupBox*>(u"snapshotsGroup"_s);
        QVERIFY(snapshots && !snapshots->isChecked());
        auto* encoding = editor->findChild<QComboBox*>(u"events.data/encoding"_s);
        encoding->setCurrentIndex(encoding->findData(int(PayloadEncoding::Text)));

        const QByteArray json = editor->mappingJson();
        const auto reread = MappingFile::fromJson(json);
        QVERIFY2(reread, problemOf(reread).constData());
        QCOMPARE(reread->description, u"ledger"_s);
        QCOMPARE(reread->events.table.qualified(), u"ledger_entries"_s);
        QCOMPARE(reread->events.stream, u"domain || '/' || identifier"_s);
        QCOMPARE(reread->events.time.unit, TimeUnit::EpochMilliseconds);
        QCOMPARE(reread->events.data.expression, u"body"_s);
        QCOMPARE(reread->events.data.encoding, PayloadEncoding::Text);
        QVERIFY(!reread->snapshots);
        QCOMPARE(MappingFile::toJson(*reread), json);

        // Export, and import into a fresh editor: the same mapping.
        const QString path = m_dir.filePath(u"ledger-mapping.json"_s);
        QVERIFY(editor->exportFile(path));
        auto second = makeEditor();
        QTRY_VERIFY(settled(*second));
        QVERIFY(second->importFile(path));
        QCOMPARE(second->mappingJson(), json);
        QTRY_VERIFY(settled(*second));
        QCOMPARE(previewRows(*second).size(), 4);

        // A file that is not a mapping is refused with the file's message, and changes nothing.
        QFile bad(m_dir.filePath(u"bad.json"_s));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"events": {"table": "ledger_entries", "position": "rowid; DROP TABLE x"}})");
        bad.close();
        const Status refused = second->importFile(bad.fileName());
        QVERIFY(!refused);
        QCOMPARE(refused.error().message, u"events.position: an expression cannot contain ';'"_s);
        QCOMPARE(second->mappingJson(), json);
    }

    void savedConnectionWithMappingReopensThroughIt()
    {
        const QString workspacePath = m_dir.filePath(u"connections.sqlite"_s);
        const StoreLocation location = StoreLocation::sqliteFile(m_store);
        {
            auto workspace = std::move(Workspace::open(workspacePath).value());
            SavedConnections connections(workspace.get());
            connections.save(SavedConnection { u"Ledger"_s, location, {}, {}, kMappingJson });
        }
        auto workspace = std::move(Workspace::open(workspacePath).value());
        SavedConnections connections(workspace.get());
        QCOMPARE(connections.saved().size(), 1);
        QCOMPARE(connections.saved().constFirst().mapping, kMappingJson);

        PasswordStore passwords;
        ConnectionDialog dialog(passwords, &connections);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* saved = dialog.findChild<QListWidget*>(u"savedList"_s);
        QTest::mouseClick(saved->viewport(), Qt::LeftButton, {}, saved->visualItemRect(saved->item(0)).center());
        QCOMPARE(dialog.findChild<QLabel*>(u"mappingLabel"_s)->text(), u"ledger (table ledger_entries)"_s);
        QVERIFY(!dialog.findChild<QComboBox*>(u"dialectCombo"_s)->isEnabled());

        QSignalSpy opened(&dialog, &ConnectionDialog::openRequested);
        QTest::mouseClick(dialog.findChild<QPushButton*>(u"openButton"_s), Qt::LeftButton);
        QCOMPARE(opened.size(), 1);
        const auto options = opened.constFirst().at(1).value<OpenOptions>();
        QVERIFY(options.mapping);
        QCOMPARE(MappingFile::toJson(*options.mapping), MappingFile::toJson(*MappingFile::fromJson(kMappingJson)));

        MainWindow window;
        window.show();
        QSignalSpy storeOpened(&window, &MainWindow::storeOpened);
        window.openLocation(opened.constFirst().at(0).value<StoreLocation>(), options);
        QTRY_COMPARE(storeOpened.size(), 1);
        auto* table = window.findChild<QTableView*>(u"eventTable"_s);
        auto* model = qobject_cast<EventTableModel*>(qobject_cast<QAbstractProxyModel*>(table->model())->sourceModel());
        QTRY_COMPARE(model->rowCount(), 4);
        QTRY_COMPARE(window.storeInfo().dialect, u"mapping"_s);
    }

    void unknownStoreOffersToCreateAMapping()
    {
        MainWindow window;
        window.show();
        QSignalSpy failed(&window, &MainWindow::openFailed);
        QSignalSpy storeOpened(&window, &MainWindow::storeOpened);
        window.openStore(m_store);
        QTRY_COMPARE(failed.size(), 1);
        auto* box = window.findChild<QMessageBox*>(u"errorMessageBox"_s);
        QVERIFY(box);
        QVERIFY(box->text().contains(u"not an event store EventScope knows"_s));
        auto* create = box->findChild<QPushButton*>(u"createMappingButton"_s);
        QVERIFY(create);
        create->click();

        MappingEditor* editor = nullptr;
        QTRY_VERIFY((editor = window.findChild<MappingEditor*>()) && editor->isVisible());
        QCOMPARE(editor->location(), StoreLocation::sqliteFile(m_store));
        QVERIFY(editor->setMappingJson(kMappingJson));
        QTest::mouseClick(editor->findChild<QPushButton*>(u"okButton"_s), Qt::LeftButton);
        QTRY_COMPARE(storeOpened.size(), 1);
        auto* table = window.findChild<QTableView*>(u"eventTable"_s);
        auto* model = qobject_cast<EventTableModel*>(qobject_cast<QAbstractProxyModel*>(table->model())->sourceModel());
        QTRY_COMPARE(model->rowCount(), 4);
    }
};

QTEST_MAIN(TestMappingEditor)
#include "tst_mappingeditor.moc"
