#pragma once

#include <core/replay/aggregatestate.h>

#include <QWidget>
#include <memory>

class QLabel;

namespace EventScope {

class JsonTreeView;
class OpenStore;

// An aggregate's state now, as the application would load it: from the latest snapshot plus the newer events
// (or from zero without one), through the category's snapshot projection; beside it what a load from zero takes,
// which is what snapshots save. Both folds run on the store's interactive lane.
class AggregateStateWindow : public QWidget
{
    Q_OBJECT
public:
    AggregateStateWindow(
        std::shared_ptr<OpenStore> store, const QString& stream, const QString& category, QWidget* parent = nullptr);

    QByteArray stateText() const { return m_state; }
    QString provenance() const;

signals:
    void loaded(bool ok);

private:
    std::shared_ptr<OpenStore> m_store;
    QString m_stream;
    QByteArray m_state;
    QLabel* m_summary = nullptr;
    JsonTreeView* m_tree = nullptr;
};

} // namespace EventScope
