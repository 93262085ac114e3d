#pragma once

#include <core/store/storelocation.h>

#include <QDialog>

class QCheckBox;
class QLineEdit;

namespace EventScope {

// Asks for the password of one location when its server wants one: shows where, what the server said, and
// offers to remember the password in the keyring. It stores nothing itself; the caller decides with
// password() and rememberPassword().
class PasswordPrompt : public QDialog
{
    Q_OBJECT
public:
    PasswordPrompt(const StoreLocation& location, const QString& serverMessage, QWidget* parent = nullptr);

    StoreLocation location() const { return m_location; }
    QString password() const;
    bool rememberPassword() const;

private:
    StoreLocation m_location;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_remember = nullptr;
};

} // namespace EventScope
