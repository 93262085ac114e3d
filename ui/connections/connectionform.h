#pragma once

#include <core/store/result.h>
#include <core/store/storelocation.h>

#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace EventScope {

// Where to connect, typed either as one connection string (a libpq URI, a conninfo string, or a SQLite file path)
// or as separate PostgreSQL fields, the two kept in step: editing a field rewrites the URI, and typing or pasting
// a string fills the fields. A password in a pasted string leaves the string and goes out through passwordFound().
class ConnectionForm : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionForm(QWidget* parent = nullptr);

    // What the connection string says now, without a password; an error while it is not one libpq accepts.
    Result<StoreLocation> location() const;
    void setLocation(const StoreLocation& location);

    // The URI the fields describe ("postgresql://user@host:port/db?sslmode=..."), with the parameters that have
    // no field of their own (connect_timeout, application_name, ...) kept from the last string parsed.
    QString uriFromFields() const;

    // Adds a row below the fields, so that the dialog's own rows (the password) line up with them.
    void addRow(const QString& label, QWidget* field);
    void addRow(QWidget* widget);

signals:
    void locationChanged();
    // The user typed or pasted a string that held a password; the string shown no longer does once edited.
    void passwordFound(const QString& password);

private:
    void connectionStringEdited(const QString& text);
    void fieldEdited();
    void fillFields(const StoreLocation& location);
    void setFieldsEnabled(bool enabled);
    void showProblem(const QString& problem);

    QFormLayout* m_layout = nullptr;
    QLineEdit* m_connectionString = nullptr;
    QLabel* m_problem = nullptr;
    QLineEdit* m_host = nullptr;
    QLineEdit* m_port = nullptr;
    QLineEdit* m_database = nullptr;
    QLineEdit* m_user = nullptr;
    QComboBox* m_sslMode = nullptr;
    QLineEdit* m_service = nullptr;
    // Parameters of the last parsed string that have no field, kept so that editing a field does not drop them.
    QList<QPair<QString, QString>> m_otherParameters;
    bool m_stringHeldPassword = false;
};

} // namespace EventScope
