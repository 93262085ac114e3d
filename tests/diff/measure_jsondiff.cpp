// A measure run by hand, never by CTest (timings belong to no unit test):
//   build/dev/tests/diff/measure_jsondiff
// It builds two ~1 MB projection states that differ in 10 places and a 10,000-element array with one insert, and
// prints the best of several runs of each way in: JSON text (compareJson) and QJsonValue already parsed (compare).
#include <core/diff/jsondiff.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using namespace EventScope;

namespace {

// A state like a projection keeps per customer: accounts with nested details and a ledger of entries.
QJsonObject bigState(int accounts)
{
    QRandomGenerator random(7);
    QJsonObject byId;
    for (int a = 0; a < accounts; ++a) {
        QJsonArray ledger;
        for (int e = 0; e < 8; ++e) {
            ledger.append(QJsonObject { { u"id"_s, u"e-%1-%2"_s.arg(a).arg(e) },
                { u"amount"_s, double(random.bounded(100000)) / 100 },
                { u"at"_s, qint64(1704067200000) + a * 1000 + e },
                { u"type"_s, e % 2 ? u"Deposited"_s : u"Withdrawn"_s } });
        }
        byId.insert(u"account-%1"_s.arg(a),
            QJsonObject { { u"owner"_s, QJsonObject { { u"name"_s, u"Owner %1"_s.arg(a) }, { u"tier"_s, a % 3 } } },
                { u"balance"_s, random.bounded(1000000) }, { u"open"_s, true }, { u"ledger"_s, ledger } });
    }
    return QJsonObject { { u"accounts"_s, byId }, { u"version"_s, accounts * 8 },
        { u"meta"_s, QJsonObject { { u"savedAt"_s, u"2024-03-01T00:00:00Z"_s } } } };
}

// Ten edits spread over the document: changed values, an added and a removed key, an inserted and a removed entry.
QJsonObject tenEdits(QJsonObject state, int accounts)
{
    QJsonObject byId = state.value(u"accounts"_s).toObject();
    const auto edit = [&](int a, const std::function<void(QJsonObject&)>& change) {
        const QString key = u"account-%1"_s.arg(a);
        QJsonObject account = byId.value(key).toObject();
        change(account);
        byId.insert(key, account);
    };
    edit(accounts / 10, [](QJsonObject& o) { o.insert(u"balance"_s, -1); });
    edit(accounts / 5, [](QJsonObject& o) { o.insert(u"open"_s, false); });
    edit(accounts / 3, [](QJsonObject& o) { o.insert(u"closedAt"_s, u"2024-03-02"_s); });
    edit(accounts / 2, [](QJsonObject& o) { o.remove(u"open"_s); });
    edit(accounts * 2 / 3, [](QJsonObject& o) {
        QJsonArray ledger = o.value(u"ledger"_s).toArray();
        ledger.insert(4, QJsonObject { { u"id"_s, u"new"_s }, { u"amount"_s, 1 } });
        o.insert(u"ledger"_s, ledger);
    });
    edit(accounts * 3 / 4, [](QJsonObject& o) {
        QJsonArray ledger = o.value(u"ledger"_s).toArray();
        ledger.removeAt(2);
        o.insert(u"ledger"_s, ledger);
    });
    edit(accounts * 4 / 5, [](QJsonObject& o) {
        QJsonArray ledger = o.value(u"ledger"_s).toArray();
        QJsonObject entry = ledger.at(5).toObject();
        entry.insert(u"amount"_s, 0.5);
        ledger.replace(5, entry);
        o.insert(u"ledger"_s, ledger);
    });
    edit(accounts * 9 / 10, [](QJsonObject& o) {
        QJsonObject owner = o.value(u"owner"_s).toObject();
        owner.insert(u"name"_s, u"Renamed"_s);
        o.insert(u"owner"_s, owner);
    });
    byId.insert(u"account-new"_s, QJsonObject { { u"balance"_s, 0 } });
    state.insert(u"accounts"_s, byId);
    state.insert(u"version"_s, state.value(u"version"_s).toInteger() + 1);
    return state;
}

double bestMs(int runs, const std::function<void()>& work)
{
    double best = 1e9;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        best = std::min(best, double(timer.nsecsElapsed()) / 1e6);
    }
    return best;
}

void measure(const char* name, const QJsonValue& before, const QJsonValue& after)
{
    const auto text = [](const QJsonValue& v) {
        return v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                            : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    };
    const QByteArray beforeText = text(before);
    const QByteArray afterText = text(after);
    const JsonDiff diff;
    qsizetype changes = 0;
    const double fromText = bestMs(5, [&] { changes = diff.compareJson(beforeText, afterText)->changes.size(); });
    const double fromValue = bestMs(5, [&] { changes = diff.compare(before, after).changes.size(); });
    const double equalText = bestMs(5, [&] { (void)*diff.equalJson(beforeText, afterText); });
    const double parseOnly = bestMs(5, [&] { (void)QJsonDocument::fromJson(afterText); });
    std::printf("%s: %.2f MB each, %lld changes\n", name, double(beforeText.size()) / 1e6, qlonglong(changes));
    std::printf("  compareJson (text)          %8.2f ms\n", fromText);
    std::printf("  compare (parsed QJsonValue) %8.2f ms\n", fromValue);
    std::printf("  equalJson (text)            %8.2f ms\n", equalText);
    std::printf("  reference: QJsonDocument::fromJson of one document %8.2f ms\n", parseOnly);
}

} // namespace

int main()
{
    const int accounts = 1500; // about 1 MB of compact JSON
    const QJsonObject state = bigState(accounts);
    measure("two states, 10 edits", state, tenEdits(state, accounts));

    QJsonArray numbers;
    for (int i = 0; i < 10'000; ++i)
        numbers.append(i);
    QJsonArray inserted = numbers;
    inserted.insert(5000, -1);
    measure("10,000-element array, one insert", numbers, inserted);
    return 0;
}
