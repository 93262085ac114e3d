#include "passwordprompt.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

PasswordPrompt::PasswordPrompt(const StoreLocation& location, const QString& serverMessage, QWidget* parent)
    : QDialog(parent)
    , m_location(location)
{
    setObjectName(u"passwordPrompt"_s);
    setWindowTitle(tr("Password Needed"));

    auto* where
        = new QLabel(tr("The server of <b>%1</b> wants a password.").arg(location.displayName().toHtmlEscaped()), this);
    where->setObjectName(u"locationLabel"_s);
    where->setWordWrap(true);
    where->setTextFormat(Qt::RichText);

    auto* said = new QLabel(serverMessage, this);
    said->setObjectName(u"serverMessageLabel"_s);
    said->setWordWrap(true);
    said->setTextFormat(Qt::PlainText);
    said->setTextInteractionFlags(Qt::TextSelectableByMouse);
    said->setVisible(!serverMessage.isEmpty());
    said->setForegroundRole(QPalette::PlaceholderText);

    m_password = new QLineEdit(this);
    m_password->setObjectName(u"passwordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setMinimumWidth(fontMetrics().horizontalAdvance(u'x') * 36);

    m_remember = new QCheckBox(tr("Remember in the &keyring"), this);
    m_remember->setObjectName(u"rememberPasswordBox"_s);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(u"buttons"_s);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(u"connectButton"_s);
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(u"cancelButton"_s);

    auto* form = new QFormLayout;
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_remember);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(where);
    layout->addWidget(said);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_password->setFocus();
}

QString PasswordPrompt::password() const
{
    return m_password->text();
}

bool PasswordPrompt::rememberPassword() const
{
    return m_remember->isChecked();
}

} // namespace EventScope
