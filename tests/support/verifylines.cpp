#include "verifylines.h"

#include <core/model/jsontext.h>
#include <core/snapshots/snapshotverifier.h>

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace EventScope::TestSupport {

namespace {

QString compact(const QJsonValue& value)
{
    return QString::fromUtf8(compactJsonValue(value));
}

} // namespace

QStringList verifyLines(
    const StoreFactory& open, const QString& category, const QString& projection, const QStringList& ignore)
{
    auto store = open();
    if (!store)
        return { store.error().message };
    SnapshotProjections projections;
    projections.add(category, { projection, category + u".js"_s });
    SnapshotVerifier::Settings settings;
    settings.category = category;
    for (const QString& entry : ignore)
        if (const Status added = settings.diff.addIgnore(entry); !added)
            return { added.error().message };
    QStringList lines;
    const auto summary
        = SnapshotVerifier::verifyAll(**store, open, projections, settings, [&](const QList<SnapshotCheck>& checks) {
              for (const SnapshotCheck& check : checks) {
                  QString line
                      = u"%1 %2 %3"_s.arg(check.stream).arg(check.version).arg(SnapshotCheck::statusName(check.status));
                  for (const JsonChange& change : check.changes)
                      line += u" %1:%2->%3"_s.arg(
                          change.path.toString(), compact(change.oldValue), compact(change.newValue));
                  if (!check.message.isEmpty())
                      line += u" "_s + check.message;
                  lines << line;
              }
          });
    return summary ? lines : QStringList { summary.error().message };
}

} // namespace EventScope::TestSupport
