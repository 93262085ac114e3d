#include "passwordstore.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// The keyring groups entries by service; ours all live under the application's name.
const QString kKeyringService = u"EventScope"_s;

} // namespace

PasswordStore::PasswordStore(QObject* parent)
    : QObject(parent)
{ }

PasswordStore::~PasswordStore() = default;

QString PasswordStore::keyFor(const StoreLocation& location)
{
    return location.toString();
}

QString PasswordStore::unavailableMessage()
{
    return tr("no keyring available: the password is kept for this session only");
}

void PasswordStore::keepForSession(const StoreLocation& location, const QString& password)
{
    m_session.insert(keyFor(location), password);
}

void PasswordStore::forgetForSession(const StoreLocation& location)
{
    m_session.remove(keyFor(location));
}

QString PasswordStore::sessionPassword(const StoreLocation& location) const
{
    return m_session.value(keyFor(location));
}

void PasswordStore::read(const StoreLocation& location, QObject* context, Callback done)
{
    const auto kept = m_session.constFind(keyFor(location));
    if (kept != m_session.constEnd()) {
        // Answer later all the same, so that callers see one behaviour whatever the source.
        QTimer::singleShot(0, context ? context : this, [done = std::move(done), password = *kept] {
            done(Reply { Reply::Status::Ok, password, {}, {}, true });
        });
        return;
    }
    auto* job = new QKeychain::ReadPasswordJob(kKeyringService);
    job->setKey(keyFor(location));
    run(Operation::Read, job, context, std::move(done));
}

void PasswordStore::write(const StoreLocation& location, const QString& password, QObject* context, Callback done)
{
    keepForSession(location, password);
    auto* job = new QKeychain::WritePasswordJob(kKeyringService);
    job->setKey(keyFor(location));
    job->setTextData(password);
    run(Operation::Write, job, context, std::move(done));
}

void PasswordStore::remove(const StoreLocation& location, QObject* context, Callback done)
{
    forgetForSession(location);
    auto* job = new QKeychain::DeletePasswordJob(kKeyringService);
    job->setKey(keyFor(location));
    run(Operation::Remove, job, context, std::move(done));
}

void PasswordStore::run(Operation operation, QKeychain::Job* job, QObject* context, Callback done)
{
    // Without this QtKeychain would write the password in clear into QSettings when no keyring answers.
    job->setInsecureFallback(false);
    // The job deletes itself when it finishes. One that never finishes (a keyring that never answers) is left to
    // the keyring library: deleting it while a D-Bus or libsecret call is pending is not safe.
    job->setAutoDelete(true);

    const bool guarded = context != nullptr;
    const QPointer<QObject> guard(context);
    const auto answer = [guarded, guard, done](const Reply& reply) {
        if (!guarded || guard)
            done(reply);
    };

    // The timer is also the context of the job's connection: whichever fires first deletes it, and with it the
    // other path, so each call answers exactly once.
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [timer, answer, this] {
        timer->deleteLater();
        answer(Reply { Reply::Status::Unavailable, {}, unavailableMessage(),
            tr("the keyring did not answer within %1 ms").arg(m_timeout.count()) });
    });
    connect(job, &QKeychain::Job::finished, timer, [timer, answer, operation](QKeychain::Job* finished) {
        // An inactive timer has answered already: by its timeout, or by an earlier finished() (QtKeychain 0.13's
        // delete job emits it twice), and its deletion is still pending.
        if (!timer->isActive())
            return;
        timer->stop();
        timer->deleteLater();
        Reply reply;
        switch (finished->error()) {
        case QKeychain::NoError:
            if (operation == Operation::Read)
                reply.password = static_cast<QKeychain::ReadPasswordJob*>(finished)->textData();
            break;
        case QKeychain::EntryNotFound:
            // Deleting what is not there leaves the keyring as the caller wants it.
            if (operation == Operation::Read)
                reply.status = Reply::Status::NotFound;
            else if (operation == Operation::Write)
                reply = Reply { Reply::Status::Failed, {}, tr("the keyring refused: %1").arg(finished->errorString()),
                    {} };
            break;
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied:
        case QKeychain::CouldNotDeleteEntry:
            reply.status = Reply::Status::Failed;
            reply.message = tr("the keyring refused: %1").arg(finished->errorString());
            break;
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
        case QKeychain::OtherError:
            // QtKeychain reports a missing D-Bus, a missing Secret Service and a missing libsecret as OtherError
            // or NoBackendAvailable; to the user they all mean the same thing.
            reply.status = Reply::Status::Unavailable;
            reply.message = unavailableMessage();
            reply.detail = finished->errorString();
            break;
        }
        answer(reply);
    });
    timer->start(m_timeout);
    job->start();
}

} // namespace EventScope
