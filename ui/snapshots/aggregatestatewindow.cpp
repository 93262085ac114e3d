#include "aggregatestatewindow.h"

#include <core/jobs/openstore.h>
#include <core/workspace/projectionchoices.h>
#include <ui/inspect/jsontreeview.h>

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

struct BothLoads
{
    AggregateState::Loaded fromSnapshot;
    AggregateState::Loaded fromZero;
};

} // namespace

AggregateStateWindow::AggregateStateWindow(
    std::shared_ptr<OpenStore> store, const QString& stream, const QString& category, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_store(std::move(store))
    , m_stream(stream)
{
    setObjectName(u"aggregateStateWindow"_s);
    setWindowTitle(tr("Current state — %1").arg(stream));
    setAttribute(Qt::WA_DeleteOnClose);
    m_summary = new QLabel(tr("Loading %1…").arg(stream));
    m_summary->setObjectName(u"aggregateStateSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_tree = new JsonTreeView(u"aggregateState"_s);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
    resize(640, 480);

    const QString projection = ProjectionChoices().snapshotProjectionFor(m_store->location().toString(), category);
    QFile file(projection);
    if (projection.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        m_summary->setText(tr("No projection rebuilds the category '%1': pick one in a snapshot's compare view.")
                               .arg(category.toHtmlEscaped()));
        return;
    }
    const QString script = QString::fromUtf8(file.readAll());
    const QString fileName = QFileInfo(projection).fileName();
    m_store->interactive().run<BothLoads>(
        this,
        [stream, script, fileName](EventStore& opened, JobControl&) -> Result<BothLoads> {
            auto fromSnapshot = AggregateState::load(opened, stream, script, fileName, true);
            if (!fromSnapshot)
                return fromSnapshot.error();
            auto fromZero = AggregateState::load(opened, stream, script, fileName, false);
            if (!fromZero)
                return fromZero.error();
            return BothLoads { *fromSnapshot, *fromZero };
        },
        [this, fileName](Result<BothLoads> loads) {
            if (!loads) {
                m_summary->setText(tr("Cannot load the state: %1").arg(loads.error().message.toHtmlEscaped()));
                emit loaded(false);
                return;
            }
            const AggregateState::Loaded& now = loads->fromSnapshot;
            const AggregateState::Loaded& zero = loads->fromZero;
            if (now.fault) {
                m_summary->setText(tr("The projection faulted: %1").arg(now.fault->toString().toHtmlEscaped()));
                emit loaded(false);
                return;
            }
            m_state = now.state.value_or(QByteArray());
            m_tree->setJsonText(m_state);
            m_tree->view()->expandToDepth(1);
            const QString version = now.version ? tr("version %1").arg(*now.version) : tr("no events");
            const QString how = now.snapshotVersion
                ? tr("from the snapshot at version %1 plus %n newer event(s)", "", int(now.eventsFolded))
                      .arg(*now.snapshotVersion)
                : tr("from zero: the store keeps no snapshot of it (%n event(s))", "", int(now.eventsFolded));
            m_summary->setText(tr("<b>%1</b> at %2, %3, through %4: loaded in %5 ms; from zero it takes %n event(s) "
                                  "and %6 ms.",
                "", int(zero.eventsFolded))
                                   .arg(m_stream.toHtmlEscaped(), version, how, fileName.toHtmlEscaped())
                                   .arg(now.milliseconds, 0, 'f', 1)
                                   .arg(zero.milliseconds, 0, 'f', 1));
            emit loaded(true);
        });
}

QString AggregateStateWindow::provenance() const
{
    return m_summary->text();
}

} // namespace EventScope
