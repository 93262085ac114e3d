// The GUI's entry point: reads the command line and builds the main window. Everything else is in ui/.

#include <ui/mainwindow/mainwindow.h>

#include <core/dialects/mappingfile.h>
#include <core/models/snapshotlistmodel.h>
#include <core/workspace/workspace.h>
#include <ui/snapshots/snapshotswindow.h>
#include <ui/snapshots/verifywindow.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    // Fixed names keep QSettings and AppDataLocation (where the demo store lives) stable.
    QCoreApplication::setOrganizationName(u"EventScope"_s);
    QCoreApplication::setApplicationName(u"EventScope"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(EVENTSCOPE_VERSION));
    QGuiApplication::setDesktopFileName(u"io.eventscope.EventScope"_s);
    QApplication::setWindowIcon(QIcon(u":/icons/eventscope.png"_s));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "A desktop explorer for event stores."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        u"store"_s, QCoreApplication::translate("main", "The event store file to open."), u"[store]"_s);
    const QCommandLineOption demo(u"demo"_s,
        QCoreApplication::translate("main", "Open the demo store (written once into the application data folder)."));
    const QCommandLineOption mapping(u"mapping"_s,
        QCoreApplication::translate("main", "Read the store through this mapping file (see docs/mappings.md)."),
        u"file"_s);
    const QCommandLineOption dialect(u"dialect"_s,
        QCoreApplication::translate("main", "Read the store as this dialect (eventscope-cli dialects lists them)."),
        u"name"_s);
    const QCommandLineOption storeName(u"store-name"_s,
        QCoreApplication::translate("main", "Open this one of several stores found in one database."), u"name"_s);
    // Developer options for scripted screenshots: select a stream in the tree, then a row of the table; show the
    // mapping editor on the store.
    QCommandLineOption selectStream(u"select-stream"_s, u"(developer) Select this stream once loaded."_s, u"name"_s);
    QCommandLineOption selectRow(u"select-row"_s, u"(developer) Select this table row once loaded."_s, u"row"_s);
    QCommandLineOption timeTravel(
        u"time-travel"_s, u"(developer) Open time travel on this stream once loaded."_s, u"stream"_s);
    QCommandLineOption snapshots(u"snapshots"_s,
        u"(developer) Show the snapshots of this stream once loaded; with @VERSION, compare that one with a replay."_s,
        u"stream[@version]"_s);
    QCommandLineOption currentState(
        u"current-state"_s, u"(developer) Show this stream's current state once loaded."_s, u"stream"_s);
    currentState.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption verify(u"verify"_s, u"(developer) Verify the store's snapshots once loaded."_s);
    QCommandLineOption coverage(u"coverage"_s, u"(developer) Measure the store's snapshot coverage once loaded."_s);
    coverage.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption projectionEditor(
        u"projection-editor"_s, u"(developer) Open the projection editor once the store is loaded."_s);
    projectionEditor.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption workspace(u"workspace"_s,
        QCoreApplication::translate(
            "main", "Keep EventScope's own data (definitions, revisions, drafts) in this file."),
        u"file"_s);
    QCommandLineOption editMapping(u"edit-mapping"_s, u"(developer) Show the mapping editor on the store."_s);
    selectStream.setFlags(QCommandLineOption::HiddenFromHelp);
    selectRow.setFlags(QCommandLineOption::HiddenFromHelp);
    timeTravel.setFlags(QCommandLineOption::HiddenFromHelp);
    editMapping.setFlags(QCommandLineOption::HiddenFromHelp);
    snapshots.setFlags(QCommandLineOption::HiddenFromHelp);
    verify.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ demo, mapping, dialect, storeName, selectStream, selectRow, timeTravel, snapshots, verify,
        coverage, currentState, editMapping, projectionEditor, workspace });
    parser.process(app);

    EventScope::OpenOptions options;
    options.dialect = parser.value(dialect);
    options.storeName = parser.value(storeName);
    if (parser.isSet(mapping) && parser.isSet(dialect)) {
        qCritical("eventscope: --mapping and --dialect cannot be used together: a mapping is its own dialect");
        return 2;
    }
    if (parser.isSet(mapping)) {
        auto loaded = EventScope::MappingFile::load(parser.value(mapping));
        if (!loaded) {
            // Before any window: as the CLI says it, with the field it came from.
            qCritical("eventscope: %s", qPrintable(loaded.error().message));
            return 2;
        }
        options.mapping = std::move(loaded).value();
    }

    // Saved connections, projection choices and compare settings live in the workspace too.
    EventScope::Workspace::setApplicationPath(parser.value(workspace));
    EventScope::MainWindow window;
    window.setWorkspacePath(parser.value(workspace));
    window.show();
    if (parser.isSet(selectStream) || parser.isSet(selectRow)) {
        const QString stream = parser.value(selectStream);
        const int row = parser.value(selectRow).toInt();
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window,
            [&window, stream, row, &parser, &selectRow] {
                if (!stream.isEmpty())
                    window.selectStream(stream);
                if (parser.isSet(selectRow))
                    window.selectRowWhenLoaded(row);
            },
            Qt::SingleShotConnection);
    }
    if (parser.isSet(timeTravel)) {
        const QString stream = parser.value(timeTravel);
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window,
            [&window, stream] { window.openTimeTravelOn(stream); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(snapshots)) {
        const QString value = parser.value(snapshots);
        const qsizetype at = value.lastIndexOf(u'@');
        const QString stream = at > 0 ? value.left(at) : value;
        const qint64 version = at > 0 ? value.mid(at + 1).toLongLong() : -1;
        QObject::connect(
            &window, &EventScope::MainWindow::snapshotsOpened, &window,
            [version](EventScope::SnapshotsWindow* shown) {
                if (version < 0)
                    return;
                QObject::connect(
                    shown, &EventScope::SnapshotsWindow::loaded, shown,
                    [shown, version] {
                        const auto& list = shown->model()->snapshots();
                        for (int row = 0; row < list.size(); ++row) {
                            if (list.at(row).version == version)
                                shown->compareRow(row);
                        }
                    },
                    Qt::SingleShotConnection);
            },
            Qt::SingleShotConnection);
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window,
            [&window, stream] { window.openSnapshotsOn(stream); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(currentState)) {
        const QString stream = parser.value(currentState);
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window,
            [&window, stream] { window.openCurrentState(stream); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(coverage)) {
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window,
            [&window] {
                if (EventScope::VerifyWindow* shown = window.openVerify())
                    shown->showCoverage();
            },
            Qt::SingleShotConnection);
    }
    if (parser.isSet(projectionEditor)) {
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window, [&window] { window.openProjectionEditor(); },
            Qt::SingleShotConnection);
    }
    if (parser.isSet(verify)) {
        QObject::connect(
            &window, &EventScope::MainWindow::storeOpened, &window,
            [&window] {
                if (EventScope::VerifyWindow* shown = window.openVerify())
                    shown->start();
            },
            Qt::SingleShotConnection);
    }
    const QString store = parser.positionalArguments().value(0);
    if (parser.isSet(demo)) {
        window.openDemoStore();
    } else if (!store.isEmpty() && parser.isSet(editMapping)) {
        QString password;
        const auto location = EventScope::StoreLocation::parse(store, &password);
        options.password = password;
        window.showMappingEditor(location ? *location : EventScope::StoreLocation::sqliteFile(store), options);
    } else if (!store.isEmpty() && (options.mapping || !options.dialect.isEmpty() || !options.storeName.isEmpty())) {
        QString password;
        const auto location = EventScope::StoreLocation::parse(store, &password);
        options.password = password;
        window.openLocation(location ? *location : EventScope::StoreLocation::sqliteFile(store), options);
    } else if (!store.isEmpty()) {
        window.openStore(store);
    }
    return app.exec();
}
