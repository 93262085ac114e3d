#pragma once

#include "../dialects/storeopener.h"

#include <QList>
#include <QObject>
#include <memory>

namespace EventScope {

// Reads the first events of a store through a mapping that is still being written, on a worker: the mapping
// editor's live preview. Each request opens the store with the mapping exactly as opening it for good would
// (MappingFile::check first, so a bad field comes back as an error naming it). A newer request interrupts the
// one running and drops its answer.
class MappingPreview : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultLimit = 20;

    explicit MappingPreview(QObject* parent = nullptr);
    ~MappingPreview() override;

    void request(
        const StoreLocation& location, const QString& password, const StoreMapping& mapping, int limit = kDefaultLimit);
    // Drops the running request's answer and interrupts its query.
    void cancel();
    bool isRunning() const { return m_running != nullptr; }

signals:
    void eventsRead(const QList<EventScope::Event>& events);
    void failed(const EventScope::StoreError& error);

private:
    struct Running;
    quint64 m_generation = 0;
    std::shared_ptr<Running> m_running;
};

} // namespace EventScope
