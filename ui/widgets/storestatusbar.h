#pragma once

#include <optional>

#include <core/model/storeinfo.h>

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace EventScope {

// The permanent part of the status bar: which store is open, its size, how many rows the
// current view has, and a busy indicator with a Cancel button while anything loads.
class StoreStatusBar : public QWidget
{
    Q_OBJECT
public:
    explicit StoreStatusBar(QWidget* parent = nullptr);

    void setStore(const QString& fileName, const std::optional<StoreInfo>& info); // nullopt: counts not known yet
    void setRows(qint64 rows, bool finished);
    void setBusy(bool busy);

signals:
    void cancelRequested();

private:
    QLabel* m_store = nullptr;
    QLabel* m_counts = nullptr;
    QLabel* m_rows = nullptr;
    QProgressBar* m_busy = nullptr;
    QToolButton* m_cancel = nullptr;
};

} // namespace EventScope
