#include "connectiondialog.h"

#include "connectionform.h"
#include "mappingeditor.h"

#include <core/dialects/mappingfile.h>
#include <core/dialects/nativestore.h>
#include <core/dialects/storeopener.h>
#include <core/workspace/passwordstore.h>
#include <core/workspace/savedconnections.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace EventScope {

// What a Test found, made on the worker; the store itself is closed there too.
struct ConnectionDialog::TestOutcome
{
    bool connected = false;
    QString dialect;
    QString description;
    QList<DialectMatch> found;
    StoreError error;
};

namespace {

QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

} // namespace

ConnectionDialog::ConnectionDialog(PasswordStore& passwords, SavedConnections* connections, QWidget* parent)
    : QDialog(parent)
    , m_passwords(passwords)
    , m_connections(connections)
{
    if (!m_connections) {
        m_ownedConnections = std::make_unique<SavedConnections>();
        m_connections = m_ownedConnections.get();
    }
    setObjectName(u"connectionDialog"_s);
    setWindowTitle(tr("Connect to a Store"));

    m_openButton = new QPushButton(tr("&Open"), this);
    m_openButton->setObjectName(u"openButton"_s);
    m_openButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(u"cancelButton"_s);

    auto* panes = new QHBoxLayout;
    panes->setSpacing(16);
    panes->addWidget(createListsPane());
    panes->addWidget(createFormPane(), 1);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_openButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(panes, 1);
    layout->addLayout(buttons);

    connect(m_openButton, &QPushButton::clicked, this, &ConnectionDialog::openChosen);
    connect(m_cancelButton, &QPushButton::clicked, this, &ConnectionDialog::reject);
    connect(m_form, &ConnectionForm::locationChanged, this, [this] {
        // A result would describe another location.
        if (m_testRunning)
            cancelTest();
        m_passwordWasInKeyring = false;
        updateButtons();
    });
    connect(m_form, &ConnectionForm::passwordFound, this, [this](const QString& password) {
        m_password->setText(password);
        showStatus(tr("The password moved from the connection string to the password field."), false);
    });

    reloadLists();
    updateButtons();
    m_form->setFocus();
}

ConnectionDialog::~ConnectionDialog() = default;

QWidget* ConnectionDialog::createListsPane()
{
    auto* pane = new QWidget(this);
    m_savedList = new QListWidget(pane);
    m_savedList->setObjectName(u"savedList"_s);
    m_recentList = new QListWidget(pane);
    m_recentList->setObjectName(u"recentList"_s);
    m_name = new QLineEdit(pane);
    m_name->setObjectName(u"nameEdit"_s);
    m_name->setPlaceholderText(tr("Name to save under"));
    m_saveButton = new QPushButton(tr("&Save"), pane);
    m_saveButton->setObjectName(u"saveButton"_s);
    m_saveButton->setAutoDefault(false);
    m_deleteButton = new QPushButton(tr("De&lete"), pane);
    m_deleteButton->setObjectName(u"deleteButton"_s);
    m_deleteButton->setAutoDefault(false);

    auto* savedLabel = new QLabel(tr("Sa&ved connections"), pane);
    savedLabel->setBuddy(m_savedList);
    auto* recentLabel = new QLabel(tr("&Recent"), pane);
    recentLabel->setBuddy(m_recentList);

    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(m_saveButton);
    saveRow->addWidget(m_deleteButton);

    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(savedLabel);
    layout->addWidget(m_savedList, 3);
    layout->addWidget(m_name);
    layout->addLayout(saveRow);
    layout->addSpacing(8);
    layout->addWidget(recentLabel);
    layout->addWidget(m_recentList, 2);
    pane->setFixedWidth(fontMetrics().horizontalAdvance(u'x') * 34);

    for (QListWidget* list : { m_savedList, m_recentList }) {
        // Two lines an item (name, then where), told apart by alternating rows; long locations elide in the
        // middle, where a URI is least telling.
        list->setWordWrap(false);
        list->setTextElideMode(Qt::ElideMiddle);
        list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        list->setAlternatingRowColors(true);
        list->setSpacing(1);
        connect(list, &QListWidget::itemClicked, this, &ConnectionDialog::pickItem);
        connect(list, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
            pickItem(item);
            openChosen();
        });
    }
    connect(m_savedList, &QListWidget::itemSelectionChanged, this, &ConnectionDialog::updateButtons);
    connect(m_saveButton, &QPushButton::clicked, this, &ConnectionDialog::saveConnection);
    connect(m_deleteButton, &QPushButton::clicked, this, &ConnectionDialog::deleteConnection);
    return pane;
}

QWidget* ConnectionDialog::createFormPane()
{
    auto* pane = new QWidget(this);
    m_form = new ConnectionForm(pane);
    m_form->setObjectName(u"connectionForm"_s);

    m_password = new QLineEdit(pane);
    m_password->setObjectName(u"passwordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("only if the server asks for one"));
    m_remember = new QCheckBox(tr("Remember password in the &keyring"), pane);
    m_remember->setObjectName(u"rememberPasswordBox"_s);
    m_remember->setToolTip(tr("Without this the password is kept in memory until EventScope quits, and never "
                              "written anywhere."));
    m_form->addRow(tr("Pass&word:"), m_password);
    m_form->addRow(QString(), m_remember);

    m_dialect = new QComboBox(pane);
    m_dialect->setObjectName(u"dialectCombo"_s);
    m_dialect->addItem(tr("Detect"), QString());
    for (const QString& dialect : knownDialects())
        m_dialect->addItem(dialectTitle(dialect), dialect);
    m_dialect->setToolTip(tr("Which library wrote the store's tables; Detect asks every dialect EventScope knows."));
    m_storeName = new QComboBox(pane);
    m_storeName->setObjectName(u"storeNameCombo"_s);
    m_storeName->setToolTip(tr("When the database holds several stores (two schemas, two applications), the one "
                               "to open. Test lists them."));
    m_mappingLabel = new QLabel(pane);
    m_mappingLabel->setObjectName(u"mappingLabel"_s);
    m_mappingLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_editMappingButton = new QPushButton(tr("&Mapping…"), pane);
    m_editMappingButton->setObjectName(u"editMappingButton"_s);
    m_editMappingButton->setAutoDefault(false);
    m_editMappingButton->setToolTip(tr("Describe your own events table, field by field, with a live preview"));
    m_clearMappingButton = new QPushButton(tr("Remo&ve"), pane);
    m_clearMappingButton->setObjectName(u"clearMappingButton"_s);
    m_clearMappingButton->setAutoDefault(false);
    auto* mappingRow = new QWidget(pane);
    auto* mappingLayout = new QHBoxLayout(mappingRow);
    mappingLayout->setContentsMargins(0, 0, 0, 0);
    mappingLayout->addWidget(m_mappingLabel, 1);
    mappingLayout->addWidget(m_editMappingButton);
    mappingLayout->addWidget(m_clearMappingButton);
    m_form->addRow(tr("Dia&lect:"), m_dialect);
    m_form->addRow(tr("St&ore:"), m_storeName);
    m_form->addRow(tr("Mapping:"), mappingRow);
    setStoreNames({}, {});
    setMappingJson({});
    connect(m_editMappingButton, &QPushButton::clicked, this, &ConnectionDialog::editMapping);
    connect(m_clearMappingButton, &QPushButton::clicked, this, [this] { setMappingJson({}); });

    m_testButton = new QPushButton(tr("&Test"), pane);
    m_testButton->setObjectName(u"testButton"_s);
    m_testButton->setAutoDefault(false);
    m_status = new QLabel(pane);
    m_status->setObjectName(u"statusLabel"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_status->setMinimumHeight(fontMetrics().lineSpacing() * 3);

    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton, 0, Qt::AlignTop);
    testRow->addWidget(m_status, 1);

    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_form);
    layout->addSpacing(8);
    layout->addLayout(testRow);
    layout->addStretch(1);

    connect(m_testButton, &QPushButton::clicked, this, &ConnectionDialog::startTest);
    return pane;
}

StoreLocation ConnectionDialog::location() const
{
    const auto location = m_form->location();
    return location ? *location : StoreLocation();
}

QString ConnectionDialog::password() const
{
    return m_password->text();
}

void ConnectionDialog::setMappingJson(const QByteArray& json)
{
    m_mappingJson = json;
    if (json.isEmpty()) {
        m_mappingLabel->setText(tr("none: the tables are recognised"));
    } else if (const auto mapping = MappingFile::fromJson(json)) {
        m_mappingLabel->setText(mapping->description.isEmpty()
                ? tr("table %1").arg(mapping->events.table.qualified())
                : tr("%1 (table %2)").arg(mapping->description, mapping->events.table.qualified()));
    } else {
        m_mappingLabel->setText(tr("unreadable: %1").arg(mapping.error().message));
    }
    updateReadingChoices();
}

Result<OpenOptions> ConnectionDialog::options() const
{
    OpenOptions options = OpenOptions::withPassword(m_password->text());
    options.dialect = m_dialect->currentData().toString();
    options.storeName = m_storeName->currentData().toString();
    if (!m_mappingJson.isEmpty()) {
        auto mapping = MappingFile::fromJson(m_mappingJson);
        if (!mapping)
            return mapping.error();
        options.mapping = std::move(mapping).value();
    }
    return options;
}

void ConnectionDialog::updateReadingChoices()
{
    // A mapping says what the tables mean: there is nothing to detect and no store to pick.
    const bool mapped = !m_mappingJson.isEmpty();
    m_dialect->setEnabled(!mapped);
    m_storeName->setEnabled(!mapped && m_storeName->count() > 1);
    m_clearMappingButton->setEnabled(mapped);
    m_editMappingButton->setText(mapped ? tr("Edit &Mapping…") : tr("Create &Mapping…"));
}

void ConnectionDialog::setStoreNames(const QList<DialectMatch>& found, const QString& chosen)
{
    m_storeName->clear();
    m_storeName->addItem(tr("The first one found"), QString());
    for (const DialectMatch& match : found) {
        if (!match.storeName.isEmpty() && m_storeName->findData(match.storeName) < 0)
            m_storeName->addItem(u"%1 (%2)"_s.arg(match.storeName, dialectTitle(match.dialect)), match.storeName);
    }
    if (!chosen.isEmpty() && m_storeName->findData(chosen) < 0)
        m_storeName->addItem(chosen, chosen);
    m_storeName->setCurrentIndex(std::max(0, m_storeName->findData(chosen)));
    updateReadingChoices();
}

void ConnectionDialog::editMapping()
{
    const auto location = m_form->location();
    if (!location || location->isEmpty())
        return;
    auto* editor = new MappingEditor(*location, m_password->text(), this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_mappingJson.isEmpty())
        editor->setMappingJson(m_mappingJson);
    connect(editor, &QDialog::accepted, this, [this, editor] { setMappingJson(editor->mappingJson()); });
    editor->open();
}

void ConnectionDialog::setLocation(const StoreLocation& location)
{
    m_form->setLocation(location);
}

QString ConnectionDialog::dialectTitle(const QString& dialect)
{
    if (dialect == QLatin1StringView(NativeStore::kName))
        return tr("EventScope native schema");
    return dialect;
}

void ConnectionDialog::done(int result)
{
    if (m_testRunning)
        cancelTest();
    QDialog::done(result);
}

void ConnectionDialog::reloadLists()
{
    m_savedList->clear();
    for (const SavedConnection& connection : m_connections->saved()) {
        auto* item = new QListWidgetItem(connection.name + u'\n' + connection.location.displayName(), m_savedList);
        item->setToolTip(connection.location.toString());
        item->setData(Qt::UserRole, connection.name);
    }
    m_recentList->clear();
    for (const StoreLocation& location : m_connections->recent()) {
        auto* item = new QListWidgetItem(location.displayName(), m_recentList);
        item->setToolTip(location.toString());
    }
}

void ConnectionDialog::updateButtons()
{
    const auto location = m_form->location();
    const bool usable = location && !location->isEmpty() && !m_opening;
    m_openButton->setEnabled(usable);
    m_saveButton->setEnabled(usable);
    m_editMappingButton->setEnabled(usable);
    m_testButton->setEnabled(usable || m_testRunning);
    m_testButton->setText(m_testRunning ? tr("Stop &Test") : tr("&Test"));
    m_deleteButton->setEnabled(!m_savedList->selectedItems().isEmpty() && !m_opening);
}

void ConnectionDialog::pickItem(QListWidgetItem* item)
{
    StoreLocation location;
    SavedConnection picked;
    if (item->listWidget() == m_savedList) {
        const QString name = item->data(Qt::UserRole).toString();
        for (const SavedConnection& connection : m_connections->saved()) {
            if (connection.name == name)
                picked = connection;
        }
        location = picked.location;
        m_name->setText(name);
        m_recentList->clearSelection();
    } else {
        const QList<StoreLocation> recent = m_connections->recent();
        const int row = m_recentList->row(item);
        if (row >= 0 && row < recent.size())
            location = recent.at(row);
        m_savedList->clearSelection();
    }
    m_form->setLocation(location);
    // How to read it comes with a saved connection; a recent one is detected.
    m_dialect->setCurrentIndex(std::max(0, m_dialect->findData(picked.dialect)));
    setStoreNames({}, picked.storeName);
    setMappingJson(picked.mapping);
    m_password->clear();
    m_remember->setChecked(false);
    showStatus({}, false);
    if (location.kind() != StoreLocation::Kind::Postgres)
        return;
    // Fill in the password the keyring or this session holds, unless the user has started typing one.
    m_passwords.read(location, this, [this, location](const PasswordStore::Reply& reply) {
        if (reply.status != PasswordStore::Reply::Status::Ok || this->location() != location
            || !m_password->text().isEmpty())
            return;
        m_password->setText(reply.password);
        m_passwordWasInKeyring = !reply.fromSession;
        m_remember->setChecked(m_passwordWasInKeyring);
    });
}

void ConnectionDialog::saveConnection()
{
    const StoreLocation location = this->location();
    if (location.isEmpty())
        return;
    QString name = m_name->text().trimmed();
    if (name.isEmpty())
        name = location.displayName();
    m_connections->save(SavedConnection {
        name, location, m_dialect->currentData().toString(), m_storeName->currentData().toString(), m_mappingJson });
    reloadLists();
    for (int row = 0; row < m_savedList->count(); ++row) {
        if (m_savedList->item(row)->data(Qt::UserRole).toString() == name)
            m_savedList->setCurrentRow(row);
    }
    m_name->setText(name);
    showStatus(tr("Saved as “%1” (without the password).").arg(name), false);
}

void ConnectionDialog::deleteConnection()
{
    const QList<QListWidgetItem*> selected = m_savedList->selectedItems();
    if (selected.isEmpty())
        return;
    const QString name = selected.constFirst()->data(Qt::UserRole).toString();
    m_connections->remove(name);
    reloadLists();
    updateButtons();
    showStatus(tr("Deleted “%1”.").arg(name), false);
}

void ConnectionDialog::startTest()
{
    if (m_testRunning) {
        cancelTest();
        return;
    }
    const auto location = m_form->location();
    if (!location || location->isEmpty())
        return;
    const quint64 generation = ++m_testGeneration;
    m_testRunning = true;
    updateButtons();
    showStatus(tr("Connecting to %1…").arg(location->displayName()), false);
    auto options = this->options();
    if (!options) {
        m_testRunning = false;
        updateButtons();
        showStatus(tr("The mapping does not read: %1").arg(options.error().message), true);
        return;
    }

    // The worker opens the store and closes it again; only the outcome crosses threads. A server that does not
    // answer holds the worker, never this dialog: a cancelled test is simply dropped when it ends.
    auto* watcher = new QFutureWatcher<TestOutcome>(this);
    connect(watcher, &QFutureWatcher<TestOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_testGeneration)
            return;
        m_testRunning = false;
        updateButtons();
        showTestOutcome(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([location = *location, options = *options] {
        TestOutcome outcome;
        auto opened = openStore(location, options);
        if (!opened) {
            outcome.error = opened.error();
            return outcome;
        }
        outcome.connected = true;
        outcome.dialect = opened->match.dialect;
        outcome.description = opened->match.description;
        outcome.found = opened->found;
        return outcome;
    }));
}

void ConnectionDialog::cancelTest()
{
    ++m_testGeneration;
    m_testRunning = false;
    updateButtons();
    showStatus(tr("Test stopped."), false);
}

void ConnectionDialog::showTestOutcome(const TestOutcome& outcome)
{
    if (outcome.connected) {
        QString text = tr("Connected: %1 (%2)").arg(dialectTitle(outcome.dialect), outcome.description);
        if (outcome.found.size() > 1) {
            setStoreNames(outcome.found, m_storeName->currentData().toString());
            text
                += u' ' + tr("The database holds %n stores: pick one under Store.", nullptr, int(outcome.found.size()));
        }
        showStatus(text, false, true);
        emit testFinished(true, text);
        return;
    }
    const StoreError& error = outcome.error;
    QString text;
    switch (error.kind) {
    case StoreError::Kind::Authentication:
        text = m_password->text().isEmpty()
            ? tr("The server wants a password: type it in the password field and test again.")
            : tr("The server refused the user name or password: %1").arg(error.message);
        m_password->setFocus();
        m_password->selectAll();
        break;
    case StoreError::Kind::Connection:
        text = tr("Cannot reach the server: %1").arg(error.message);
        break;
    case StoreError::Kind::NotFound:
        text = location().kind() == StoreLocation::Kind::Postgres ? tr("No such database: %1").arg(error.message)
                                                                  : tr("No such file: %1").arg(error.message);
        break;
    case StoreError::Kind::UnknownSchema:
        text = tr("Not an event store EventScope knows: %1").arg(error.message);
        m_editMappingButton->setFocus();
        break;
    case StoreError::Kind::Permission:
        text = tr("Not allowed to read: %1").arg(error.message);
        break;
    case StoreError::Kind::Timeout:
        text = tr("No answer in time: %1").arg(error.message);
        break;
    default:
        text = tr("Cannot open: %1").arg(error.message);
        break;
    }
    showStatus(text, true);
    emit testFinished(false, text);
}

void ConnectionDialog::showStatus(const QString& text, bool isError, bool isSuccess)
{
    m_status->setText(text);
    QPalette palette = this->palette();
    if (isError)
        palette.setColor(QPalette::WindowText, QColor(0xb0, 0x20, 0x20));
    else if (isSuccess)
        palette.setColor(QPalette::WindowText, QColor(0x1e, 0x7b, 0x34));
    m_status->setPalette(palette);
}

void ConnectionDialog::openChosen()
{
    const StoreLocation location = this->location();
    if (location.isEmpty() || m_opening)
        return;
    const QString password = m_password->text();
    if (password.isEmpty() || !m_remember->isChecked()) {
        if (m_passwordWasInKeyring) {
            // The user unticked Remember for a password the keyring holds: take it out. Nobody waits for this.
            m_passwords.remove(location, nullptr, [](const PasswordStore::Reply&) {});
        }
        if (!password.isEmpty())
            m_passwords.keepForSession(location, password);
        finishOpen();
        return;
    }
    m_opening = true;
    updateButtons();
    showStatus(tr("Storing the password in the keyring…"), false);
    m_passwords.write(location, password, this, [this](const PasswordStore::Reply& reply) {
        m_opening = false;
        updateButtons();
        if (reply.status == PasswordStore::Reply::Status::Ok) {
            finishOpen();
            return;
        }
        // The password is kept for this session all the same; say so, and let a second Open go on without it.
        m_remember->setChecked(false);
        showStatus(tr("%1. Press Open again to connect.").arg(capitalised(reply.message)), true);
    });
}

void ConnectionDialog::finishOpen()
{
    const StoreLocation location = this->location();
    const auto options = this->options();
    if (!options) {
        showStatus(tr("The mapping does not read: %1").arg(options.error().message), true);
        return;
    }
    m_connections->addRecent(location);
    emit openRequested(location, *options);
    accept();
}

} // namespace EventScope
