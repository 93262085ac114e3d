#pragma once

#include <core/dialects/storeopener.h>
#include <core/store/storeerror.h>
#include <core/store/storelocation.h>

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace EventScope {

class ConnectionForm;
class PasswordStore;
class SavedConnections;

// File > Connect: where to connect (a connection string or fields), the password, how to read the store (detect
// the dialect or force one, which store of several, or a mapping of the user's own tables), a Test that opens the
// store on a worker and says which dialect it found, and the saved and recent connections on the left. It never
// opens the store for good: Open hands the location and the OpenOptions (the password in memory only) to whoever
// shows the dialog.
class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    // `passwords` must outlive the dialog. `connections` is borrowed too; null means QSettings-backed ones the
    // dialog owns.
    explicit ConnectionDialog(
        PasswordStore& passwords, SavedConnections* connections = nullptr, QWidget* parent = nullptr);
    ~ConnectionDialog() override;

    // The chosen store, without a password, and the password for it (empty if none was typed).
    StoreLocation location() const;
    QString password() const;
    // The mapping as saved with the connection (JSON); empty when the store is detected.
    QByteArray mappingJson() const { return m_mappingJson; }
    void setMappingJson(const QByteArray& json);
    // Everything Open hands on: the password, the dialect, the store name and the mapping; an error when the
    // mapping does not read (the message names the field).
    Result<OpenOptions> options() const;

    // Fills the form, e.g. to retry a location that failed; the password field is left as it is.
    void setLocation(const StoreLocation& location);

    // How dialects are named to users ("EventScope native schema" for "eventscope").
    static QString dialectTitle(const QString& dialect);

signals:
    // Open was pressed: the dialog is accepted right after. The password has already been kept for this session
    // in the PasswordStore and, when the user asked for it, stored in the keyring.
    void openRequested(const EventScope::StoreLocation& location, const EventScope::OpenOptions& options);
    // A Test ended (not one that was cancelled); `message` is what the dialog shows.
    void testFinished(bool connected, const QString& message);

protected:
    void done(int result) override;

private:
    struct TestOutcome;

    QWidget* createListsPane();
    QWidget* createFormPane();
    void reloadLists();
    void updateButtons();
    void pickItem(QListWidgetItem* item);
    void saveConnection();
    void deleteConnection();
    void startTest();
    void cancelTest();
    void showTestOutcome(const TestOutcome& outcome);
    void showStatus(const QString& text, bool isError, bool isSuccess = false);
    void openChosen();
    void finishOpen();
    void editMapping();
    void updateReadingChoices();
    void setStoreNames(const QList<DialectMatch>& found, const QString& chosen);

    PasswordStore& m_passwords;
    SavedConnections* m_connections = nullptr;
    std::unique_ptr<SavedConnections> m_ownedConnections;

    QListWidget* m_savedList = nullptr;
    QListWidget* m_recentList = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_deleteButton = nullptr;
    QLineEdit* m_name = nullptr;
    ConnectionForm* m_form = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_remember = nullptr;
    QComboBox* m_dialect = nullptr;
    QComboBox* m_storeName = nullptr;
    QLabel* m_mappingLabel = nullptr;
    QPushButton* m_editMappingButton = nullptr;
    QPushButton* m_clearMappingButton = nullptr;
    QByteArray m_mappingJson;
    QPushButton* m_testButton = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_openButton = nullptr;
    QPushButton* m_cancelButton = nullptr;

    // Each Test gets a number; a result whose number is not the latest was cancelled and is dropped.
    quint64 m_testGeneration = 0;
    bool m_testRunning = false;
    // Whether the keyring held this location's password when it was picked: unticking Remember then deletes it.
    bool m_passwordWasInKeyring = false;
    bool m_opening = false;
};

} // namespace EventScope
