#include "disconnectedbanner.h"

#include <core/store/storeerror.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

using namespace Qt::StringLiterals;

namespace EventScope {

DisconnectedBanner::DisconnectedBanner(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(u"disconnectedBanner"_s);
    auto* icon = new QLabel;
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(16, 16));
    m_label = new QLabel;
    m_label->setObjectName(u"disconnectedText"_s);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* retry = new QPushButton(tr("Retry"));
    retry->setObjectName(u"disconnectedRetry"_s);
    retry->setToolTip(tr("Connect again and read the store anew"));
    connect(retry, &QPushButton::clicked, this, [this] {
        hide();
        emit retryRequested();
    });
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(retry);
    hide();
}

bool DisconnectedBanner::isDisconnection(const StoreError& error)
{
    return error.kind == StoreError::Kind::Connection || error.kind == StoreError::Kind::Timeout;
}

void DisconnectedBanner::showFor(const StoreError& error)
{
    m_label->setText(tr("Disconnected: %1").arg(error.message));
    m_label->setToolTip(error.message);
    show();
}

QString DisconnectedBanner::text() const
{
    return m_label->text();
}

} // namespace EventScope
