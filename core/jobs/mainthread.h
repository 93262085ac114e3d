#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QPointer>

#include <functional>

namespace EventScope {

// Runs `call` on the application's thread, later, unless `guard` is gone by then: how a job on a thread of its own
// hands its results to the window that asked for them, which may have closed meanwhile.
inline void postToMainThread(const QPointer<QObject>& guard, std::function<void()> call)
{
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [guard, call = std::move(call)] {
            if (guard)
                call();
        },
        Qt::QueuedConnection);
}

} // namespace EventScope
