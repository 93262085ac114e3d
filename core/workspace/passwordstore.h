#pragma once

#include <core/store/storelocation.h>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>

namespace QKeychain {
class Job;
}

namespace EventScope {

// The passwords of store locations: in the desktop's keyring (Secret Service or KWallet, through QtKeychain) when
// the user asks to remember one, and in memory for this session otherwise. Never in a file, QSettings or a log.
//
// Every keyring call is asynchronous and ends: a machine without a keyring (CI, SSH, a bare X session) answers
// "unavailable" at once, and a keyring that does not answer (a locked wallet waiting for its unlock dialog)
// answers "unavailable" after timeout(). QtKeychain's plain-text fallback is never switched on.
class PasswordStore : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        enum class Status {
            Ok, // done; for read(), `password` holds the password
            NotFound, // read(): the keyring has no password for this location
            Unavailable, // no keyring, or it did not answer in time: the password lives in this session only
            Failed, // the keyring answered with an error (access denied, ...)
        };
        Status status = Status::Ok;
        QString password; // read() only, when status is Ok
        QString message; // for the user when status is not Ok; never holds the password
        QString detail; // the keyring's own words, when it gave any
        bool fromSession = false; // read(): the password came from this session's memory, not the keyring
    };
    using Callback = std::function<void(const Reply&)>;

    static constexpr std::chrono::milliseconds kDefaultTimeout { 5000 };

    explicit PasswordStore(QObject* parent = nullptr);
    ~PasswordStore() override;

    // How long a keyring call may take before it is reported as Unavailable.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // The keyring entry's name: the location without a password (StoreLocation::toString()).
    static QString keyFor(const StoreLocation& location);
    // What Reply::message says when there is no keyring.
    static QString unavailableMessage();

    // In memory, for this session only: what the user typed, so a reconnect does not ask again.
    void keepForSession(const StoreLocation& location, const QString& password);
    void forgetForSession(const StoreLocation& location);
    // The password kept for this session, or a null string.
    QString sessionPassword(const StoreLocation& location) const;

    // Each call answers exactly once through `done`, on the GUI thread, unless `context` is gone by then.
    // read(): the session's password if there is one, else the keyring's.
    void read(const StoreLocation& location, QObject* context, Callback done);
    // write(): keeps the password for the session and stores it in the keyring.
    void write(const StoreLocation& location, const QString& password, QObject* context, Callback done);
    // remove(): forgets it for the session and deletes it from the keyring (a missing entry is Ok).
    void remove(const StoreLocation& location, QObject* context, Callback done);

private:
    enum class Operation { Read, Write, Remove };
    void run(Operation operation, QKeychain::Job* job, QObject* context, Callback done);

    std::chrono::milliseconds m_timeout = kDefaultTimeout;
    QHash<QString, QString> m_session;
};

} // namespace EventScope
