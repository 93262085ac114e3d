#include "jsondiff.h"

#include "jsonnode.h"

#include <core/model/jsontext.h>

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// Myers' alignment costs about (n + m) · d comparisons and d² / 2 remembered positions. Past these bounds the
// unmatched middle of an array is compared index by index: 1,000 edits keep the trace under 8 MB, and 20 M
// comparisons of precomputed hashes stay well under a second.
constexpr qsizetype kMaxEdits = 1000;
constexpr qsizetype kComparisonBudget = 20'000'000;

using Kind = JsonNode::Kind;

bool ignoresEverything(const JsonDiffOptions& options)
{
    return std::any_of(
        options.ignoredPaths.begin(), options.ignoredPaths.end(), [](const JsonPath& path) { return path.isRoot(); });
}

// Walks two prepared documents and records their differences in the order documented in jsondiff.h.
class Differ
{
public:
    Differ(const JsonDiffOptions& options, JsonDiffResult& result)
        : m_options(options)
        , m_result(result)
    { }

    void diff(const JsonNode& before, const JsonNode& after)
    {
        if (m_stopped || before.sameAs(after))
            return;
        if (before.kind != after.kind || (before.kind != Kind::Object && before.kind != Kind::Array))
            record(JsonChange::Op::Change, &before, &after);
        else if (before.kind == Kind::Object)
            diffObjects(before, after);
        else
            diffArrays(before, after);
    }

private:
    // One step of Myers' alignment: a matched pair, or an element of one side only (the other index is -1).
    struct Step
    {
        qsizetype before;
        qsizetype after;
    };

    void record(JsonChange::Op op, const JsonNode* before, const JsonNode* after)
    {
        if (m_stopped)
            return;
        if (m_options.maxChanges && m_result.changes.size() >= *m_options.maxChanges) {
            m_result.truncated = true;
            m_stopped = true;
            return;
        }
        JsonChange change;
        change.path = JsonPath(m_path);
        change.op = op;
        if (before)
            change.oldValue = before->toJsonValue();
        if (after)
            change.newValue = after->toJsonValue();
        m_result.changes.append(std::move(change));
    }

    template <typename Visit> void at(JsonPath::Segment segment, Visit visit)
    {
        m_path.append(std::move(segment));
        visit();
        m_path.removeLast();
    }

    void diffObjects(const JsonNode& before, const JsonNode& after)
    {
        const auto& was = before.children;
        const auto& now = after.children;
        std::vector<bool> kept(was.size());
        for (size_t i = 0; i < was.size(); ++i)
            kept[i] = after.find(was[i].key, qsizetype(i)) >= 0;
        // Removed keys come out where they stood: just before the next key both sides have.
        size_t removedUpTo = 0;
        const auto removeUpTo = [&](size_t end) {
            for (; removedUpTo < end; ++removedUpTo) {
                const JsonNode& gone = was[removedUpTo];
                if (!kept[removedUpTo])
                    at(JsonPath::Segment::member(gone.key), [&] { record(JsonChange::Op::Remove, &gone, nullptr); });
            }
        };
        for (size_t j = 0; j < now.size() && !m_stopped; ++j) {
            const JsonNode& member = now[j];
            const qsizetype i = before.find(member.key, qsizetype(j));
            if (i < 0) {
                at(JsonPath::Segment::member(member.key), [&] { record(JsonChange::Op::Add, nullptr, &member); });
                continue;
            }
            removeUpTo(size_t(i));
            at(JsonPath::Segment::member(member.key), [&] { diff(was[size_t(i)], member); });
        }
        removeUpTo(was.size());
    }

    // The first identity key every element on both sides has, with a unique string or number; empty when none.
    QString identityKey(const JsonNode& before, const JsonNode& after) const
    {
        if (before.children.empty() || after.children.empty())
            return {};
        for (const QString& key : m_options.identityKeys) {
            bool fits = true;
            for (const JsonNode* side : { &before, &after }) {
                QSet<size_t> seen;
                qsizetype hint = 0;
                for (const JsonNode& element : side->children) {
                    if (element.kind != Kind::Object)
                        return {};
                    hint = element.find(key, hint);
                    const JsonNode* id = hint >= 0 ? &element.children[size_t(hint)] : nullptr;
                    // Equal hashes count as a repeat: a rare collision only costs the identity alignment.
                    if (!id || (id->kind != Kind::String && id->kind != Kind::Number) || seen.contains(id->hash)) {
                        fits = false;
                        break;
                    }
                    seen.insert(id->hash);
                }
                if (!fits)
                    break;
            }
            if (fits)
                return key;
        }
        return {};
    }

    void diffArrays(const JsonNode& before, const JsonNode& after)
    {
        const auto& was = before.children;
        const auto& now = after.children;
        const QString key = identityKey(before, after);
        const bool keyed = !key.isEmpty();
        std::vector<const JsonNode*> wasIds, nowIds;
        if (keyed) {
            for (const JsonNode& element : was)
                wasIds.push_back(&element.children[size_t(element.find(key, -1))]);
            for (const JsonNode& element : now)
                nowIds.push_back(&element.children[size_t(element.find(key, -1))]);
        }
        const auto equal = [&](qsizetype i, qsizetype j) {
            return keyed ? wasIds[size_t(i)]->sameAs(*nowIds[size_t(j)]) : was[size_t(i)].sameAs(now[size_t(j)]);
        };
        // Elements matched by identity may still differ inside; elements matched by value do not.
        const auto matched = [&](qsizetype i, qsizetype j) {
            if (keyed)
                at(JsonPath::Segment::element(j), [&] { diff(was[size_t(i)], now[size_t(j)]); });
        };

        const qsizetype n = qsizetype(was.size());
        const qsizetype m = qsizetype(now.size());
        qsizetype head = 0;
        while (head < n && head < m && equal(head, head))
            ++head;
        qsizetype tail = 0;
        while (tail < n - head && tail < m - head && equal(n - 1 - tail, m - 1 - tail))
            ++tail;
        for (qsizetype i = 0; i < head; ++i)
            matched(i, i);

        std::vector<qsizetype> removed, added;
        bool pairByIndex = !keyed;
        if (const auto steps = align(head, n - tail, head, m - tail, equal)) {
            for (const Step& step : *steps) {
                if (step.before >= 0 && step.after >= 0) {
                    flushStretch(before, after, pairByIndex, removed, added);
                    matched(step.before, step.after);
                } else if (step.before >= 0) {
                    removed.push_back(step.before);
                } else {
                    added.push_back(step.after);
                }
            }
        } else {
            for (qsizetype i = head; i < n - tail; ++i)
                removed.push_back(i);
            for (qsizetype j = head; j < m - tail; ++j)
                added.push_back(j);
            pairByIndex = true;
        }
        flushStretch(before, after, pairByIndex, removed, added);
        for (qsizetype t = 0; t < tail; ++t)
            matched(n - tail + t, m - tail + t);
    }

    // The unmatched elements between two matched ones: pairs compared in order, then the rest removed or added.
    void flushStretch(const JsonNode& before, const JsonNode& after, bool pairByIndex, std::vector<qsizetype>& removed,
        std::vector<qsizetype>& added)
    {
        const size_t pairs = pairByIndex ? std::min(removed.size(), added.size()) : 0;
        for (size_t k = 0; k < pairs; ++k) {
            at(JsonPath::Segment::element(added[k]),
                [&] { diff(before.children[size_t(removed[k])], after.children[size_t(added[k])]); });
        }
        for (size_t k = pairs; k < removed.size(); ++k) {
            const JsonNode& gone = before.children[size_t(removed[k])];
            at(JsonPath::Segment::element(removed[k]), [&] { record(JsonChange::Op::Remove, &gone, nullptr); });
        }
        for (size_t k = pairs; k < added.size(); ++k) {
            const JsonNode& come = after.children[size_t(added[k])];
            at(JsonPath::Segment::element(added[k]), [&] { record(JsonChange::Op::Add, nullptr, &come); });
        }
        removed.clear();
        added.clear();
    }

    // Myers' greedy shortest edit script of before[b0, b1) against after[a0, a1), as in "An O(ND) Difference
    // Algorithm and Its Variations" (1986), keeping each round's furthest points to walk back. No value when the
    // script would be longer than the bounds at the top of this file allow.
    template <typename Equal>
    static std::optional<std::vector<Step>> align(qsizetype b0, qsizetype b1, qsizetype a0, qsizetype a1, Equal equal)
    {
        const qsizetype n = b1 - b0;
        const qsizetype m = a1 - a0;
        const qsizetype maxEdits = std::min({ n + m, kMaxEdits, kComparisonBudget / std::max<qsizetype>(1, n + m) });
        std::vector<std::vector<qsizetype>> rounds; // rounds[d][k + d]: furthest x on diagonal k after d edits
        for (qsizetype d = 0; d <= maxEdits; ++d) {
            std::vector<qsizetype> furthest(size_t(2 * d + 1));
            const auto previous = [&](qsizetype k) { return rounds[size_t(d - 1)][size_t(k + d - 1)]; };
            for (qsizetype k = -d; k <= d; k += 2) {
                qsizetype x = 0;
                if (d > 0)
                    x = (k == -d || (k != d && previous(k - 1) < previous(k + 1))) ? previous(k + 1)
                                                                                   : previous(k - 1) + 1;
                qsizetype y = x - k;
                while (x < n && y < m && equal(b0 + x, a0 + y)) {
                    ++x;
                    ++y;
                }
                furthest[size_t(k + d)] = x;
                if (x >= n && y >= m) {
                    rounds.push_back(std::move(furthest));
                    return walkBack(rounds, n, m, b0, a0);
                }
            }
            rounds.push_back(std::move(furthest));
        }
        return std::nullopt;
    }

    static std::vector<Step> walkBack(
        const std::vector<std::vector<qsizetype>>& rounds, qsizetype n, qsizetype m, qsizetype b0, qsizetype a0)
    {
        std::vector<Step> steps;
        qsizetype x = n;
        qsizetype y = m;
        for (qsizetype d = qsizetype(rounds.size()) - 1; d > 0; --d) {
            const auto previous = [&](qsizetype k) { return rounds[size_t(d - 1)][size_t(k + d - 1)]; };
            const qsizetype k = x - y;
            const bool added = k == -d || (k != d && previous(k - 1) < previous(k + 1));
            const qsizetype fromK = added ? k + 1 : k - 1;
            const qsizetype fromX = previous(fromK);
            const qsizetype fromY = fromX - fromK;
            const qsizetype edgeX = added ? fromX : fromX + 1;
            for (; x > edgeX; --x, --y)
                steps.push_back({ b0 + x - 1, a0 + y - 1 });
            steps.push_back(added ? Step { -1, a0 + fromY } : Step { b0 + fromX, -1 });
            x = fromX;
            y = fromY;
        }
        for (; x > 0; --x, --y)
            steps.push_back({ b0 + x - 1, a0 + y - 1 });
        std::reverse(steps.begin(), steps.end());
        return steps;
    }

    const JsonDiffOptions& m_options;
    JsonDiffResult& m_result;
    QList<JsonPath::Segment> m_path;
    bool m_stopped = false;
};

} // namespace

QString JsonChange::opName(Op op)
{
    switch (op) {
    case Op::Add:
        return u"add"_s;
    case Op::Remove:
        return u"remove"_s;
    case Op::Change:
        return u"change"_s;
    }
    return {};
}

QJsonObject JsonChange::toJson() const
{
    QJsonObject object { { u"path"_s, path.toString() }, { u"op"_s, opName(op) } };
    if (!oldValue.isUndefined())
        object.insert(u"old"_s, oldValue);
    if (!newValue.isUndefined())
        object.insert(u"new"_s, newValue);
    return object;
}

QByteArray JsonChange::toJsonLine() const
{
    QByteArray line = "{\"path\":" + compactJsonValue(path.toString()) + ",\"op\":\"" + opName(op).toLatin1() + '"';
    if (!oldValue.isUndefined())
        line += ",\"old\":" + compactJsonValue(oldValue);
    if (!newValue.isUndefined())
        line += ",\"new\":" + compactJsonValue(newValue);
    line += '}';
    return line;
}

Status JsonDiffOptions::addIgnore(QStringView keyOrPath)
{
    const QStringView text = keyOrPath.trimmed();
    if (text == u"$" || text.startsWith(u"$.") || text.startsWith(u"$[")) {
        Result<JsonPath> path = JsonPath::parse(text);
        if (!path)
            return path.error();
        ignoredPaths.append(*path);
    } else if (text.isEmpty()) {
        return StoreError { StoreError::Kind::InvalidArgument, u"An ignored key cannot be empty"_s };
    } else {
        ignoredKeys.insert(text.toString());
    }
    return Done {};
}

qsizetype JsonDiffResult::count(JsonChange::Op op) const
{
    return std::count_if(changes.begin(), changes.end(), [op](const JsonChange& change) { return change.op == op; });
}

JsonDiff::JsonDiff(JsonDiffOptions options)
    : m_options(std::move(options))
{ }

JsonDiffResult JsonDiff::compare(const QJsonValue& before, const QJsonValue& after) const
{
    JsonDiffResult result;
    if (ignoresEverything(m_options))
        return result;
    Differ(m_options, result).diff(JsonNode::read(before, m_options), JsonNode::read(after, m_options));
    return result;
}

Result<JsonDiffResult> JsonDiff::compareJson(QByteArrayView before, QByteArrayView after) const
{
    Result<JsonNode> was = JsonNode::read(before, "before", m_options);
    if (!was)
        return was.error();
    Result<JsonNode> now = JsonNode::read(after, "after", m_options);
    if (!now)
        return now.error();
    JsonDiffResult result;
    if (!ignoresEverything(m_options))
        Differ(m_options, result).diff(*was, *now);
    return result;
}

bool JsonDiff::equal(const QJsonValue& before, const QJsonValue& after) const
{
    return ignoresEverything(m_options) || JsonNode::read(before, m_options).sameAs(JsonNode::read(after, m_options));
}

Result<bool> JsonDiff::equalJson(QByteArrayView before, QByteArrayView after) const
{
    Result<JsonNode> was = JsonNode::read(before, "before", m_options);
    if (!was)
        return was.error();
    Result<JsonNode> now = JsonNode::read(after, "after", m_options);
    if (!now)
        return now.error();
    return ignoresEverything(m_options) || was->sameAs(*now);
}

} // namespace EventScope
