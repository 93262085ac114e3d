// The GUI's entry point: reads the command line and builds the main window. Everything else is in ui/.

#include <ui/mainwindow/mainwindow.h>

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
    // Developer options for scripted screenshots: select a stream in the tree, then a row of the table.
    QCommandLineOption selectStream(u"select-stream"_s, u"(developer) Select this stream once loaded."_s, u"name"_s);
    QCommandLineOption selectRow(u"select-row"_s, u"(developer) Select this table row once loaded."_s, u"row"_s);
    QCommandLineOption timeTravel(
        u"time-travel"_s, u"(developer) Open time travel on this stream once loaded."_s, u"stream"_s);
    selectStream.setFlags(QCommandLineOption::HiddenFromHelp);
    selectRow.setFlags(QCommandLineOption::HiddenFromHelp);
    timeTravel.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ demo, selectStream, selectRow, timeTravel });
    parser.process(app);

    EventScope::MainWindow window;
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
    if (parser.isSet(demo))
        window.openDemoStore();
    else if (!parser.positionalArguments().isEmpty())
        window.openStore(parser.positionalArguments().constFirst());
    return app.exec();
}
