#include "projectionengine.h"

#include "projectionwatchdog.h"
#include "scriptvaluebuilder.h"

#include <QFile>
#include <QJSEngine>
#include <QRegularExpression>

#include <chrono>

using namespace Qt::StringLiterals;

namespace EventScope {

namespace {

// The names scripts are evaluated under; error stacks name them, which tells the user's lines from the runtime's.
const QString kScriptUrl = u"eventscope-projection.js"_s;
const QString kRuntimeUrl = u"eventscope-projection-runtime.js"_s;

QString readRuntime()
{
    QFile file(u":/eventscope/projection/projectionruntime.js"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// yyyy-MM-ddTHH:mm:ss.fffffffZ, the server's `created` (7 fraction digits); QDateTime formatting costs a
// microsecond per event, this a few nanoseconds.
QString createdText(qint64 msSinceEpoch)
{
    qint64 days = msSinceEpoch >= 0 ? msSinceEpoch / 86400000 : (msSinceEpoch - 86399999) / 86400000;
    qint64 msOfDay = msSinceEpoch - days * 86400000;
    // Howard Hinnant's civil_from_days.
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const qint64 day = dayOfYear - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    char text[64];
    const int hours = int(msOfDay / 3600000), minutes = int(msOfDay / 60000 % 60), seconds = int(msOfDay / 1000 % 60);
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d0000Z", int(year), int(month), int(day), hours,
        minutes, seconds, int(msOfDay % 1000));
    return QString::fromLatin1(text);
}

QJSValue textOrNull(const QByteArray& bytes)
{
    return bytes.isEmpty() ? QJSValue(QJSValue::NullValue) : QJSValue(QString::fromUtf8(bytes));
}

// The line of the first stack frame in the user's script ("name@file:eventscope-projection.js:12").
std::optional<int> scriptLineOf(const QJSValue& error)
{
    const QStringList frames = error.property(u"stack"_s).toString().split(u'\n', Qt::SkipEmptyParts);
    for (const QString& frame : frames) {
        if (!frame.contains(kScriptUrl))
            continue;
        bool ok = false;
        const int line = frame.section(u':', -1).toInt(&ok);
        if (ok && line > 0)
            return line;
    }
    if (error.property(u"fileName"_s).toString().contains(kScriptUrl)) {
        const int line = error.property(u"lineNumber"_s).toInt();
        if (line > 0)
            return line;
    }
    return std::nullopt;
}

} // namespace

QString ProjectionFault::toString() const
{
    QString text = fileName;
    if (line)
        text += u':' + QString::number(*line);
    text += (text.isEmpty() ? QString() : u": "_s) + message;
    if (event)
        text += u" (event %1@%2)"_s.arg(event->version).arg(event->stream);
    return text;
}

ProjectionEngine::ProjectionEngine()
    : ProjectionEngine(Limits {})
{ }

ProjectionEngine::ProjectionEngine(Limits limits)
    : m_limits(limits)
    , m_engine(std::make_unique<QJSEngine>())
{
    m_watchdog = std::make_unique<ProjectionWatchdog>(*m_engine, m_limits.memoryGrowthBytes);
    m_builder = std::make_unique<ScriptValueBuilder>(*m_engine);
}

ProjectionEngine::~ProjectionEngine()
{
    // The watchdog holds a reference to the engine: stop it first.
    m_watchdog.reset();
}

std::optional<ProjectionFault> ProjectionEngine::compile(const QString& script, const QString& fileName)
{
    if (m_api) {
        // The runtime locks eval and Function down for good: a second script needs a new engine.
        return ProjectionFault { ProjectionFault::Kind::Script,
            u"This engine already compiled a projection; create a new engine for another one"_s, std::nullopt,
            std::nullopt, fileName };
    }
    m_script = script;
    m_fileName = fileName;
    const QJSValue factory = m_engine->evaluate(readRuntime(), kRuntimeUrl);
    if (!factory.isCallable()) {
        return ProjectionFault { ProjectionFault::Kind::Script,
            u"The projection runtime did not load: %1"_s.arg(factory.toString()), std::nullopt, std::nullopt,
            fileName };
    }
    m_api = std::make_unique<QJSValue>(factory.call({ m_engine->globalObject(), QJSValue(m_limits.allowConsole) }));
    m_api->property(u"setStateByteLimit"_s).call({ QJSValue(double(m_limits.stateBytes)) });
    m_processFunction = std::make_unique<QJSValue>(m_api->property(u"process"_s));

    m_watchdog->callStarted(m_limits.compileBudget);
    const QJSValue completion = m_engine->evaluate(script, kScriptUrl);
    const auto reason = m_watchdog->callFinished();
    if (completion.isError() || reason != ProjectionWatchdog::Reason::None)
        return faultFrom(completion, nullptr, int(reason));

    const QJSValue declared = m_api->property(u"finishDeclaration"_s).call({ completion });
    if (declared.isError())
        return faultFrom(declared, nullptr, int(ProjectionWatchdog::Reason::None));

    const auto stringList = [](const QJSValue& array) {
        QStringList list;
        const int length = array.property(u"length"_s).toInt();
        for (int i = 0; i < length; ++i)
            list.append(array.property(quint32(i)).toString());
        return list;
    };
    ProjectionDefinition& d = m_definition;
    d.form = declared.property(u"reducer"_s).toBool() ? ProjectionDefinition::Form::Reducer
                                                      : ProjectionDefinition::Form::Projection;
    d.streams = stringList(declared.property(u"streams"_s));
    d.categories = stringList(declared.property(u"categories"_s));
    if (d.form == ProjectionDefinition::Form::Reducer)
        d.source = ProjectionDefinition::Source::Unspecified;
    else if (declared.property(u"all"_s).toBool())
        d.source = ProjectionDefinition::Source::All;
    else if (!d.streams.isEmpty())
        d.source = ProjectionDefinition::Source::Streams;
    else
        d.source = ProjectionDefinition::Source::Categories;
    d.foreachStream = declared.property(u"foreachStream"_s).toBool();
    d.partitioned = declared.property(u"partitioned"_s).toBool();
    d.biState = declared.property(u"biState"_s).toBool();
    d.outputState = declared.property(u"outputState"_s).toBool();
    d.definesStateTransform = declared.property(u"definesStateTransform"_s).toBool();
    d.includeLinks = declared.property(u"includeLinks"_s).toBool();
    d.reorderEvents = declared.property(u"reorderEvents"_s).toBool();
    d.processingLagMs = declared.property(u"processingLag"_s).toInt();
    const QJSValue resultStream = declared.property(u"resultStreamName"_s);
    d.resultStreamName = resultStream.isNull() ? QString() : resultStream.toString();
    d.handledEventTypes = stringList(declared.property(u"handlerTypes"_s));
    d.allEvents = declared.property(u"allEvents"_s).toBool();
    m_handledTypes = QSet<QString>(d.handledEventTypes.cbegin(), d.handledEventTypes.cend());
    m_compiled = true;
    return std::nullopt;
}

std::optional<ProjectionFault> ProjectionEngine::process(const Event& event)
{
    if (!m_compiled)
        return ProjectionFault { ProjectionFault::Kind::Script, u"The projection is not compiled"_s, std::nullopt,
            ProjectionFault::EventRef { event.stream, event.version }, m_fileName };
    // The script would skip it first thing (its event-type filter): spare building its body and the call.
    if (!m_definition.allEvents && !m_handledTypes.contains(event.type))
        return std::nullopt;
    QJSValue body;
    bool isJson = false;
    if (!event.data.isEmpty()) {
        if (auto built = m_builder->build(event.data)) {
            body = std::move(*built);
            isJson = true;
        }
    }
    const QJSValueList arguments { QJSValue(event.type), QJSValue(event.stream), QJSValue(double(event.version)),
        QJSValue(event.id), QJSValue(createdText(event.timeMs)), QJSValue(isJson), body, textOrNull(event.data),
        textOrNull(event.metadata) };
    m_watchdog->callStarted(m_limits.callBudget);
    const QJSValue outcome = m_processFunction->call(arguments);
    const auto reason = m_watchdog->callFinished();
    if (outcome.isError()) {
        m_hasOutput = true; // log lines written before the throw stay
        m_api->property(u"abort"_s).call();
        return faultFrom(outcome, &event, int(reason));
    }
    const int delivered = outcome.toInt();
    if (delivered & 1)
        ++m_delivered;
    m_hasOutput = (delivered & 2) != 0;
    return std::nullopt;
}

std::optional<ProjectionFault> ProjectionEngine::setPredicate(const QString& source, const QString& fileName)
{
    m_predicate.reset();
    m_predicateFileName = fileName;
    // Parenthesised so that `function (s) {...}` is an expression; a newline before the closing parenthesis so a
    // trailing // comment does not swallow it.
    m_watchdog->callStarted(m_limits.compileBudget);
    const QJSValue value = m_engine->evaluate(u"("_s + source + u"\n)"_s, fileName);
    const auto reason = m_watchdog->callFinished();
    if (value.isError() || reason != ProjectionWatchdog::Reason::None) {
        std::optional<ProjectionFault> fault = faultFrom(value, nullptr, int(reason));
        fault->fileName = fileName;
        fault->line = value.property(u"lineNumber"_s).toInt() > 0
            ? std::optional<int>(value.property(u"lineNumber"_s).toInt())
            : std::nullopt;
        return fault;
    }
    if (!value.isCallable())
        return ProjectionFault { ProjectionFault::Kind::Script,
            u"The predicate is not a function (write it as s => s.balance < 0)"_s, std::nullopt, std::nullopt,
            fileName };
    m_predicate = std::make_unique<QJSValue>(value);
    return std::nullopt;
}

std::variant<bool, ProjectionFault> ProjectionEngine::testPredicate(const std::optional<QByteArray>& stateJson)
{
    if (!m_predicate)
        return ProjectionFault { ProjectionFault::Kind::Script, u"No predicate was set"_s, std::nullopt, std::nullopt,
            m_predicateFileName };
    QJSValue state(QJSValue::NullValue);
    if (stateJson) {
        if (auto built = m_builder->build(*stateJson))
            state = std::move(*built);
    }
    m_watchdog->callStarted(m_limits.callBudget);
    const QJSValue outcome = m_predicate->call({ state });
    const auto reason = m_watchdog->callFinished();
    if (outcome.isError() || reason != ProjectionWatchdog::Reason::None) {
        ProjectionFault fault = *faultFrom(outcome, nullptr, int(reason));
        fault.fileName = m_predicateFileName;
        const int line = outcome.property(u"lineNumber"_s).toInt();
        fault.line = line > 0 ? std::optional<int>(line) : std::nullopt;
        return fault;
    }
    return outcome.toBool();
}

std::optional<ProjectionFault> ProjectionEngine::faultFrom(const QJSValue& error, const Event* event, int reason)
{
    ProjectionFault fault;
    fault.fileName = m_fileName;
    if (event)
        fault.event = ProjectionFault::EventRef { event->stream, event->version };
    switch (ProjectionWatchdog::Reason(reason)) {
    case ProjectionWatchdog::Reason::Timeout:
        fault.kind = ProjectionFault::Kind::Timeout;
        fault.message = u"The script ran longer than %1 ms and was stopped"_s.arg(
            (event ? m_limits.callBudget : m_limits.compileBudget).count());
        fault.line = event ? lineOfHandler(event->type) : std::nullopt;
        return fault;
    case ProjectionWatchdog::Reason::Memory:
        fault.kind = ProjectionFault::Kind::Memory;
        fault.message
            = u"The script used more than %1 MiB of memory and was stopped"_s.arg(m_limits.memoryGrowthBytes >> 20);
        fault.line = event ? lineOfHandler(event->type) : std::nullopt;
        m_engine->collectGarbage();
        return fault;
    case ProjectionWatchdog::Reason::None:
        break;
    }
    fault.message = error.toString();
    fault.line = scriptLineOf(error);
    return fault;
}

std::optional<int> ProjectionEngine::lineOfHandler(const QString& eventType) const
{
    // An interrupted call leaves no stack behind, so a time-out names the line where the handler that ran
    // is declared: `Type: function`, `"Type": ...`, `Type(s, e) {` or `on_event('Type'`.
    const QString key = m_api->property(u"handlerKeyFor"_s).call({ QJSValue(eventType) }).toString();
    if (key.isEmpty())
        return std::nullopt;
    const QString name = QRegularExpression::escape(key);
    const QRegularExpression declaration(u"(^|[^\\w$])([\"']?)%1\\2\\s*[:(]|on_event\\(\\s*[\"']%1[\"']%2"_s.arg(
        name, key == u"$any"_s ? u"|on_any\\("_s : QString()));
    const QStringList lines = m_script.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (declaration.match(lines.at(i)).hasMatch())
            return int(i + 1);
    }
    return std::nullopt;
}

std::optional<QByteArray> ProjectionEngine::textOf(const QJSValue& value) const
{
    if (value.isNull() || value.isUndefined() || value.isError())
        return std::nullopt;
    return value.toString().toUtf8();
}

QStringList ProjectionEngine::partitions() const
{
    QStringList list;
    if (!m_api)
        return list;
    const QJSValue array = m_api->property(u"partitions"_s).call();
    const int length = array.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i)
        list.append(array.property(quint32(i)).toString());
    return list;
}

std::optional<QByteArray> ProjectionEngine::stateJson(const QString& partition) const
{
    return m_api ? textOf(m_api->property(u"stateText"_s).call({ QJSValue(partition) })) : std::nullopt;
}

std::optional<QByteArray> ProjectionEngine::resultJson(const QString& partition) const
{
    return m_api ? textOf(m_api->property(u"resultText"_s).call({ QJSValue(partition) })) : std::nullopt;
}

std::optional<QByteArray> ProjectionEngine::sharedStateJson() const
{
    return stateJson(QString());
}

void ProjectionEngine::setStateJson(const QString& partition, const std::optional<QByteArray>& json)
{
    if (m_api)
        m_api->property(u"setStateText"_s)
            .call({ QJSValue(partition), json ? textOrNull(*json) : QJSValue(QJSValue::NullValue) });
}

void ProjectionEngine::setResultJson(const QString& partition, const std::optional<QByteArray>& json)
{
    if (m_api)
        m_api->property(u"setResultText"_s)
            .call({ QJSValue(partition), json ? textOrNull(*json) : QJSValue(QJSValue::NullValue) });
}

void ProjectionEngine::setSharedStateJson(const std::optional<QByteArray>& json)
{
    setStateJson(QString(), json);
}

void ProjectionEngine::resetState()
{
    if (m_api)
        m_api->property(u"reset"_s).call();
    m_delivered = 0;
}

void ProjectionEngine::reloadStateBeforeNextEvent()
{
    if (m_compiled)
        m_api->property(u"reload"_s).call();
}

QList<EmittedEvent> ProjectionEngine::takeEmitted()
{
    QList<EmittedEvent> list;
    if (!m_api)
        return list;
    const QJSValue array = m_api->property(u"takeEmits"_s).call();
    const int length = array.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue item = array.property(quint32(i));
        const QJSValue metadata = item.property(3);
        list.append({ item.property(0).toString(), item.property(1).toString(), item.property(2).toString().toUtf8(),
            metadata.isNull() ? QByteArray() : metadata.toString().toUtf8(), item.property(4).toString() });
    }
    return list;
}

QStringList ProjectionEngine::takeLog()
{
    QStringList list;
    if (!m_api)
        return list;
    const QJSValue array = m_api->property(u"takeLog"_s).call();
    const int length = array.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i)
        list.append(array.property(quint32(i)).toString());
    return list;
}

} // namespace EventScope
