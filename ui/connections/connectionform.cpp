#include "connectionform.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// The libpq keywords that have a field; every other parameter of a parsed string is carried along untouched.
const QString kHost = u"host"_s;
const QString kPort = u"port"_s;
const QString kDatabase = u"dbname"_s;
const QString kUser = u"user"_s;
const QString kSslMode = u"sslmode"_s;
const QString kService = u"service"_s;

bool hasField(const QString& keyword)
{
    return keyword == kHost || keyword == kPort || keyword == kDatabase || keyword == kUser || keyword == kSslMode
        || keyword == kService;
}

QString encoded(const QString& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

} // namespace

ConnectionForm::ConnectionForm(QWidget* parent)
    : QWidget(parent)
{
    m_connectionString = new QLineEdit(this);
    m_connectionString->setObjectName(u"connectionStringEdit"_s);
    m_connectionString->setPlaceholderText(tr("postgresql://user@host:5432/database, host=… dbname=…, or a file"));
    m_connectionString->setClearButtonEnabled(true);
    m_connectionString->setToolTip(tr("A libpq URI or conninfo string, as psql takes it, or the path of a SQLite "
                                      "store. A password typed here moves to the password field."));

    m_problem = new QLabel(this);
    m_problem->setObjectName(u"connectionStringProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_problem->setVisible(false);
    QPalette problemPalette = m_problem->palette();
    problemPalette.setColor(QPalette::WindowText, QColor(0xb0, 0x20, 0x20));
    m_problem->setPalette(problemPalette);

    m_host = new QLineEdit(this);
    m_host->setObjectName(u"hostEdit"_s);
    m_host->setPlaceholderText(tr("localhost"));
    m_port = new QLineEdit(this);
    m_port->setObjectName(u"portEdit"_s);
    m_port->setPlaceholderText(tr("5432"));
    // Digits, and commas for the ports of several hosts ("5432,5433").
    m_port->setValidator(new QRegularExpressionValidator(QRegularExpression(u"[0-9,]*"_s), m_port));
    m_port->setMaximumWidth(m_port->fontMetrics().horizontalAdvance(u"0000000000"_s));
    m_database = new QLineEdit(this);
    m_database->setObjectName(u"databaseEdit"_s);
    m_database->setPlaceholderText(tr("the user name"));
    m_user = new QLineEdit(this);
    m_user->setObjectName(u"userEdit"_s);
    m_user->setPlaceholderText(tr("your login name"));

    m_sslMode = new QComboBox(this);
    m_sslMode->setObjectName(u"sslModeCombo"_s);
    m_sslMode->addItem(tr("Default (prefer)"), QString());
    // Every sslmode libpq knows, weakest first
    // (https://www.postgresql.org/docs/15/libpq-ssl.html#LIBPQ-SSL-PROTECTION).
    m_sslMode->addItem(tr("disable: never use SSL"), u"disable"_s);
    m_sslMode->addItem(tr("allow: SSL if the server insists"), u"allow"_s);
    m_sslMode->addItem(tr("prefer: SSL when the server offers it"), u"prefer"_s);
    m_sslMode->addItem(tr("require: always SSL, any certificate"), u"require"_s);
    m_sslMode->addItem(tr("verify-ca: SSL, certificate from a trusted CA"), u"verify-ca"_s);
    m_sslMode->addItem(tr("verify-full: SSL, trusted certificate for this host"), u"verify-full"_s);

    m_service = new QLineEdit(this);
    m_service->setObjectName(u"serviceEdit"_s);
    m_service->setPlaceholderText(tr("a section of pg_service.conf"));

    auto* hostRow = new QHBoxLayout;
    hostRow->addWidget(m_host, 1);
    auto* portLabel = new QLabel(tr("&Port:"), this);
    portLabel->setBuddy(m_port);
    hostRow->addWidget(portLabel);
    hostRow->addWidget(m_port);

    // The problem sits under the string and takes no room while hidden.
    auto* stringCell = new QVBoxLayout;
    stringCell->setSpacing(2);
    stringCell->addWidget(m_connectionString);
    stringCell->addWidget(m_problem);

    auto* form = m_layout = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    auto* stringLabel = new QLabel(tr("Connection &string:"), this);
    stringLabel->setBuddy(m_connectionString);
    form->addRow(stringLabel, stringCell);
    auto* hostLabel = new QLabel(tr("&Host:"), this);
    hostLabel->setBuddy(m_host);
    form->addRow(hostLabel, hostRow);
    form->addRow(tr("&Database:"), m_database);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("SS&L mode:"), m_sslMode);
    form->addRow(tr("Ser&vice:"), m_service);

    connect(m_connectionString, &QLineEdit::textEdited, this, &ConnectionForm::connectionStringEdited);
    // Once the user leaves the string, show it without the password it held.
    connect(m_connectionString, &QLineEdit::editingFinished, this, [this] {
        if (m_stringHeldPassword) {
            m_stringHeldPassword = false;
            m_connectionString->setText(uriFromFields());
        }
    });
    for (QLineEdit* field : { m_host, m_port, m_database, m_user, m_service })
        connect(field, &QLineEdit::textEdited, this, &ConnectionForm::fieldEdited);
    connect(m_sslMode, &QComboBox::activated, this, &ConnectionForm::fieldEdited);
}

Result<StoreLocation> ConnectionForm::location() const
{
    return StoreLocation::parse(m_connectionString->text().trimmed());
}

void ConnectionForm::setLocation(const StoreLocation& location)
{
    m_stringHeldPassword = false;
    fillFields(location);
    m_connectionString->setText(location.kind() == StoreLocation::Kind::Postgres ? uriFromFields() : location.path());
    showProblem({});
    emit locationChanged();
}

void ConnectionForm::addRow(const QString& label, QWidget* field)
{
    m_layout->addRow(label, field);
}

void ConnectionForm::addRow(QWidget* widget)
{
    m_layout->addRow(widget);
}

QString ConnectionForm::uriFromFields() const
{
    const QString host = m_host->text().trimmed();
    const QString port = m_port->text().trimmed();
    const QString database = m_database->text().trimmed();
    const QString user = m_user->text().trimmed();
    const QString sslMode = m_sslMode->currentData().toString();
    const QString service = m_service->text().trimmed();

    QList<QPair<QString, QString>> query;
    QString uri = u"postgresql://"_s;
    if (!user.isEmpty())
        uri += encoded(user) + u'@';
    // Several hosts and Unix-socket directories are clearer (and simpler to get right) as query parameters.
    if (host.contains(u',') || host.startsWith(u'/') || port.contains(u',')) {
        if (!host.isEmpty())
            query.append({ kHost, host });
        if (!port.isEmpty())
            query.append({ kPort, port });
    } else {
        // An IPv6 address goes in brackets (RFC 3986), as libpq expects.
        if (host.contains(u':'))
            uri += u'[' + host + u']';
        else
            uri += encoded(host);
        if (!port.isEmpty())
            uri += u':' + port;
    }
    if (!database.isEmpty())
        uri += u'/' + encoded(database);
    if (!sslMode.isEmpty())
        query.append({ kSslMode, sslMode });
    if (!service.isEmpty())
        query.append({ kService, service });
    query.append(m_otherParameters);

    if (query.isEmpty() && uri == u"postgresql://"_s)
        return {};
    QStringList pairs;
    for (const auto& [keyword, value] : std::as_const(query))
        pairs.append(keyword + u'=' + encoded(value));
    if (!pairs.isEmpty())
        uri += u'?' + pairs.join(u'&');
    return uri;
}

void ConnectionForm::connectionStringEdited(const QString& text)
{
    QString password;
    const auto parsed = StoreLocation::parse(text.trimmed(), &password);
    if (!parsed) {
        showProblem(parsed.error().message);
        emit locationChanged();
        return;
    }
    showProblem({});
    fillFields(*parsed);
    m_stringHeldPassword = !password.isEmpty();
    if (m_stringHeldPassword)
        emit passwordFound(password);
    emit locationChanged();
}

void ConnectionForm::fieldEdited()
{
    m_stringHeldPassword = false;
    m_connectionString->setText(uriFromFields());
    showProblem({});
    emit locationChanged();
}

void ConnectionForm::fillFields(const StoreLocation& location)
{
    const bool postgres = location.kind() == StoreLocation::Kind::Postgres;
    m_otherParameters.clear();
    if (postgres) {
        for (const auto& parameter : location.parameters()) {
            if (!hasField(parameter.first))
                m_otherParameters.append(parameter);
        }
    }
    m_host->setText(location.parameter(kHost));
    m_port->setText(location.parameter(kPort));
    m_database->setText(location.parameter(kDatabase));
    m_user->setText(location.parameter(kUser));
    m_service->setText(location.parameter(kService));
    const QString sslMode = location.parameter(kSslMode);
    int index = m_sslMode->findData(sslMode);
    if (index < 0) {
        // libpq checks the value only when it connects; show what was typed, so the Test says what is wrong.
        m_sslMode->addItem(sslMode, sslMode);
        index = m_sslMode->count() - 1;
    }
    m_sslMode->setCurrentIndex(index);
    // The fields describe PostgreSQL; a file path (not empty) has none.
    setFieldsEnabled(postgres || location.isEmpty());
}

void ConnectionForm::setFieldsEnabled(bool enabled)
{
    for (QWidget* field : std::initializer_list<QWidget*> { m_host, m_port, m_database, m_user, m_sslMode, m_service })
        field->setEnabled(enabled);
}

void ConnectionForm::showProblem(const QString& problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
}

} // namespace EventScope
