#pragma once

#include <QWidget>

class QLabel;

namespace EventScope {

struct StoreError;

// What the status bar shows while the store's server is out of reach: the reason, and Retry. It stays until the
// store is read again (Retry, Reload, another store), where a status message would vanish after a few seconds and
// leave a window that looks fine but shows nothing new.
class DisconnectedBanner : public QWidget
{
    Q_OBJECT
public:
    explicit DisconnectedBanner(QWidget* parent = nullptr);

    // Shown for a connection that was lost or could not be made; other errors are not this banner's.
    static bool isDisconnection(const StoreError& error);
    void showFor(const StoreError& error);
    QString text() const;

signals:
    void retryRequested();

private:
    QLabel* m_label = nullptr;
};

} // namespace EventScope
