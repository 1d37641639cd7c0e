#include "Scenario.h"

#include "http/HttpReplies.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace adserve {

namespace {

constexpr int kMaxRules = 100;
constexpr int kMaxConditions = 32;
constexpr qsizetype kMaxBodyBytes = 256 * 1024;
constexpr qsizetype kMaxCampaigns = 1000;
// The 99th percentile of the standard normal distribution.
constexpr double kZ99 = 2.326347874;

const QString kDeliveryPaths = QStringLiteral("*/delivery");

// Reads the object `json` may hold under `key` into (name, pattern) pairs.
template<typename Name>
bool readConditions(const QJsonObject &json, const QString &key, Qt::CaseSensitivity cs,
                    QList<QPair<Name, TextPattern>> &into, Name (*nameOf)(const QString &), QString *error)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined())
        return true;
    if (!value.isObject()) {
        *error = QStringLiteral("%1 must be an object of name: value (or glob)").arg(key);
        return false;
    }
    const QJsonObject object = value.toObject();
    if (object.size() > kMaxConditions) {
        *error = QStringLiteral("%1: at most %2 conditions").arg(key).arg(kMaxConditions);
        return false;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString() || it.key().isEmpty()) {
            *error = QStringLiteral("%1.%2 must be a text").arg(key, it.key());
            return false;
        }
        QString why;
        const auto pattern = TextPattern::parse(it.value().toString(), cs, &why);
        if (!pattern) {
            *error = QStringLiteral("%1.%2: %3").arg(key, it.key(), why);
            return false;
        }
        into.append({nameOf(it.key()), *pattern});
    }
    return true;
}

QString asName(const QString &name) { return name; }
QByteArray asHeaderName(const QString &name) { return name.toLatin1().toLower(); }

std::optional<double> number(const QJsonObject &json, const QString &key, double min, double max, QString *error)
{
    const QJsonValue value = json.value(key);
    if (!value.isDouble() || value.toDouble() < min || value.toDouble() > max) {
        *error = QStringLiteral("%1 must be a number from %2 to %3").arg(key).arg(min).arg(max);
        return std::nullopt;
    }
    return value.toDouble();
}

bool onlyKnownKeys(const QJsonObject &json, const QSet<QString> &known, const QString &where, QString *error)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("%1unknown field \"%2\"").arg(where, it.key());
            return false;
        }
    }
    return true;
}

std::optional<Latency> readLatency(const QJsonValue &value, QString *error)
{
    Latency latency;
    if (value.isUndefined() || value.isNull())
        return latency;
    if (!value.isObject()) {
        *error = QStringLiteral("latency must be an object: {\"fixedMs\"}, {\"minMs\",\"maxMs\"} or {\"medianMs\",\"p99Ms\"}");
        return std::nullopt;
    }
    const QJsonObject json = value.toObject();
    const double max = Latency::kMaxMs;
    if (!onlyKnownKeys(json, {QStringLiteral("fixedMs"), QStringLiteral("minMs"), QStringLiteral("maxMs"),
                              QStringLiteral("medianMs"), QStringLiteral("p99Ms")},
                       QStringLiteral("latency: "), error))
        return std::nullopt;
    if (json.contains(QLatin1String("fixedMs")) && json.size() == 1) {
        const auto ms = number(json, QStringLiteral("fixedMs"), 0, max, error);
        if (!ms)
            return std::nullopt;
        latency = {Latency::Kind::Fixed, *ms, 0};
    } else if (json.contains(QLatin1String("minMs")) && json.contains(QLatin1String("maxMs")) && json.size() == 2) {
        const auto lo = number(json, QStringLiteral("minMs"), 0, max, error);
        const auto hi = lo ? number(json, QStringLiteral("maxMs"), *lo, max, error) : std::nullopt;
        if (!hi)
            return std::nullopt;
        latency = {Latency::Kind::Uniform, *lo, *hi};
    } else if (json.contains(QLatin1String("medianMs")) && json.contains(QLatin1String("p99Ms")) && json.size() == 2) {
        const auto median = number(json, QStringLiteral("medianMs"), 0.001, max, error);
        const auto p99 = median ? number(json, QStringLiteral("p99Ms"), *median, max, error) : std::nullopt;
        if (!p99)
            return std::nullopt;
        latency = {Latency::Kind::LogNormal, *median, *p99};
    } else {
        *error = QStringLiteral("latency must be {\"fixedMs\"}, {\"minMs\",\"maxMs\"} or {\"medianMs\",\"p99Ms\"}");
        return std::nullopt;
    }
    return latency;
}

std::optional<ScenarioRule> readRule(const QJsonObject &json, QString *error)
{
    ScenarioRule rule;
    if (!onlyKnownKeys(json, {QStringLiteral("name"), QStringLiteral("when"), QStringLiteral("probability"),
                              QStringLiteral("answer"), QStringLiteral("latency"), QStringLiteral("dribble"),
                              QStringLiteral("fault")},
                       {}, error))
        return std::nullopt;
    rule.name = json.value(QLatin1String("name")).toString();
    if (rule.name.size() > 64) {
        *error = QStringLiteral("name: at most 64 characters");
        return std::nullopt;
    }

    const QJsonValue whenValue = json.value(QLatin1String("when"));
    if (!whenValue.isUndefined() && !whenValue.isObject()) {
        *error = QStringLiteral("when must be an object");
        return std::nullopt;
    }
    const QJsonObject when = whenValue.toObject();
    if (!onlyKnownKeys(when, {QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("params"),
                              QStringLiteral("headers")},
                       QStringLiteral("when: "), error))
        return std::nullopt;
    for (const auto &[key, target, cs] : {std::tuple{QStringLiteral("method"), &rule.method, Qt::CaseInsensitive},
                                          std::tuple{QStringLiteral("path"), &rule.path, Qt::CaseSensitive}}) {
        if (!when.contains(key))
            continue;
        QString why;
        *target = when.value(key).isString() ? TextPattern::parse(when.value(key).toString(), cs, &why) : std::nullopt;
        if (!*target) {
            *error = QStringLiteral("when.%1: %2").arg(key, why.isEmpty() ? QStringLiteral("must be a text") : why);
            return std::nullopt;
        }
    }
    if (!readConditions(when, QStringLiteral("params"), Qt::CaseInsensitive, rule.params, &asName, error)
        || !readConditions(when, QStringLiteral("headers"), Qt::CaseInsensitive, rule.headers, &asHeaderName, error)) {
        error->prepend(QStringLiteral("when."));
        return std::nullopt;
    }

    if (json.contains(QLatin1String("probability"))) {
        const auto p = number(json, QStringLiteral("probability"), 0, 1, error);
        if (!p)
            return std::nullopt;
        rule.probability = *p;
    }

    const QJsonValue answerValue = json.value(QLatin1String("answer"));
    if (!answerValue.isUndefined() && !answerValue.isObject()) {
        *error = QStringLiteral("answer must be an object");
        return std::nullopt;
    }
    const QJsonObject answer = answerValue.toObject();
    if (!onlyKnownKeys(answer, {QStringLiteral("noFill"), QStringLiteral("campaigns"), QStringLiteral("body"),
                                QStringLiteral("status"), QStringLiteral("contentType"), QStringLiteral("malformed")},
                       QStringLiteral("answer: "), error))
        return std::nullopt;
    const int fixedKinds = int(answer.contains(QLatin1String("noFill"))) + int(answer.contains(QLatin1String("campaigns")))
                           + int(answer.contains(QLatin1String("body")));
    if (fixedKinds > 1) {
        *error = QStringLiteral("answer: give one of noFill, campaigns and body");
        return std::nullopt;
    }
    if (answer.contains(QLatin1String("noFill"))) {
        if (answer.value(QLatin1String("noFill")) != QJsonValue(true)) {
            *error = QStringLiteral("answer.noFill must be true");
            return std::nullopt;
        }
        rule.noFill = true;
    }
    if (answer.contains(QLatin1String("campaigns"))) {
        const QJsonValue ids = answer.value(QLatin1String("campaigns"));
        if (!ids.isArray() || ids.toArray().size() > kMaxCampaigns) {
            *error = QStringLiteral("answer.campaigns must be an array of at most %1 campaign ids").arg(kMaxCampaigns);
            return std::nullopt;
        }
        QList<qint64> list;
        for (const QJsonValue &v : ids.toArray()) {
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d < 1 || d != std::floor(d) || d > 9e15) {
                *error = QStringLiteral("answer.campaigns must hold positive whole campaign ids");
                return std::nullopt;
            }
            list.append(qint64(d));
        }
        rule.campaigns = list;
    }
    if (answer.contains(QLatin1String("body"))) {
        const QJsonValue body = answer.value(QLatin1String("body"));
        if (!body.isString() || body.toString().size() > kMaxBodyBytes) {
            *error = QStringLiteral("answer.body must be a text of at most %1 characters").arg(kMaxBodyBytes);
            return std::nullopt;
        }
        rule.body = body.toString().toUtf8();
    }
    if (answer.contains(QLatin1String("status"))) {
        const auto status = number(answer, QStringLiteral("status"), 200, 599, error);
        if (!status || *status != std::floor(*status)) {
            *error = QStringLiteral("answer.status must be a whole number from 200 to 599");
            return std::nullopt;
        }
        rule.status = int(*status);
    }
    if (answer.contains(QLatin1String("contentType"))) {
        const QString type = answer.value(QLatin1String("contentType")).toString();
        static const QRegularExpression printable(QStringLiteral("^[\\x20-\\x7e]{1,200}$"));
        if (!printable.match(type).hasMatch()) {
            *error = QStringLiteral("answer.contentType must be 1 to 200 printable ASCII characters");
            return std::nullopt;
        }
        rule.contentType = type.toLatin1();
    }
    if (answer.contains(QLatin1String("malformed"))) {
        if (!answer.value(QLatin1String("malformed")).isBool()) {
            *error = QStringLiteral("answer.malformed must be true or false");
            return std::nullopt;
        }
        rule.malformed = answer.value(QLatin1String("malformed")).toBool();
    }

    const auto latency = readLatency(json.value(QLatin1String("latency")), error);
    if (!latency)
        return std::nullopt;
    rule.latency = *latency;
    if (json.contains(QLatin1String("dribble"))) {
        if (!json.value(QLatin1String("dribble")).isBool()) {
            *error = QStringLiteral("dribble must be true or false");
            return std::nullopt;
        }
        rule.dribble = json.value(QLatin1String("dribble")).toBool();
    }
    if (json.contains(QLatin1String("fault"))) {
        const QString fault = json.value(QLatin1String("fault")).toString();
        for (Fault f : {Fault::Reset, Fault::Close, Fault::Hang, Fault::Truncate}) {
            if (fault == faultName(f))
                rule.fault = f;
        }
        if (rule.fault == Fault::None) {
            *error = QStringLiteral("fault must be one of reset, close, hang, truncate");
            return std::nullopt;
        }
    }
    return rule;
}

} // namespace

int Latency::sample(QRandomGenerator &random) const
{
    double ms = 0;
    switch (kind) {
    case Kind::None: return 0;
    case Kind::Fixed: ms = a; break;
    case Kind::Uniform: ms = a + (b - a) * random.generateDouble(); break;
    case Kind::LogNormal: {
        // Box-Muller: one standard normal draw; sigma puts the 99th percentile at b.
        const double u1 = 1.0 - random.generateDouble(); // (0, 1]
        const double u2 = random.generateDouble();
        const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
        const double sigma = std::log(b / a) / kZ99;
        ms = a * std::exp(sigma * z);
        break;
    }
    }
    return int(std::clamp(std::lround(ms), 0L, long(kMaxMs)));
}

QJsonObject Latency::toJson() const
{
    switch (kind) {
    case Kind::None: return {};
    case Kind::Fixed: return {{QStringLiteral("fixedMs"), a}};
    case Kind::Uniform: return {{QStringLiteral("minMs"), a}, {QStringLiteral("maxMs"), b}};
    case Kind::LogNormal: return {{QStringLiteral("medianMs"), a}, {QStringLiteral("p99Ms"), b}};
    }
    return {};
}

QString faultName(Fault fault)
{
    switch (fault) {
    case Fault::None: return QStringLiteral("none");
    case Fault::Reset: return QStringLiteral("reset");
    case Fault::Close: return QStringLiteral("close");
    case Fault::Hang: return QStringLiteral("hang");
    case Fault::Truncate: return QStringLiteral("truncate");
    }
    return {};
}

bool ScenarioRule::matches(const HttpRequest &request) const
{
    if (method && !method->matches(QString::fromLatin1(request.method)))
        return false;
    if (path && !path->matches(request.path))
        return false;
    if (!params.isEmpty()) {
        const QHash<QString, QString> given = HttpReplies::queryParams(request.query);
        for (const auto &[name, pattern] : params) {
            const auto it = given.constFind(name);
            if (it == given.cend() || !pattern.matches(*it))
                return false;
        }
    }
    for (const auto &condition : headers) {
        const QByteArray &name = condition.first;
        const auto it = std::find_if(request.headers.cbegin(), request.headers.cend(),
                                     [&name](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
        if (it == request.headers.cend() || !condition.second.matches(QString::fromUtf8(it->second)))
            return false;
    }
    return true;
}

QJsonObject ScenarioRule::toJson() const
{
    QJsonObject when;
    if (method)
        when.insert(QStringLiteral("method"), method->text());
    if (path)
        when.insert(QStringLiteral("path"), path->text());
    QJsonObject paramJson;
    for (const auto &[name, pattern] : params)
        paramJson.insert(name, pattern.text());
    if (!paramJson.isEmpty())
        when.insert(QStringLiteral("params"), paramJson);
    QJsonObject headerJson;
    for (const auto &[name, pattern] : headers)
        headerJson.insert(QString::fromLatin1(name), pattern.text());
    if (!headerJson.isEmpty())
        when.insert(QStringLiteral("headers"), headerJson);

    QJsonObject answer;
    if (noFill)
        answer.insert(QStringLiteral("noFill"), true);
    if (campaigns) {
        QJsonArray ids;
        for (qint64 id : *campaigns)
            ids.append(id);
        answer.insert(QStringLiteral("campaigns"), ids);
    }
    if (body)
        answer.insert(QStringLiteral("body"), QString::fromUtf8(*body));
    if (status)
        answer.insert(QStringLiteral("status"), *status);
    if (contentType)
        answer.insert(QStringLiteral("contentType"), QString::fromLatin1(*contentType));
    if (malformed)
        answer.insert(QStringLiteral("malformed"), true);

    QJsonObject json{{QStringLiteral("probability"), probability}};
    if (!name.isEmpty())
        json.insert(QStringLiteral("name"), name);
    if (!when.isEmpty())
        json.insert(QStringLiteral("when"), when);
    if (!answer.isEmpty())
        json.insert(QStringLiteral("answer"), answer);
    if (latency.kind != Latency::Kind::None)
        json.insert(QStringLiteral("latency"), latency.toJson());
    if (dribble)
        json.insert(QStringLiteral("dribble"), true);
    if (fault != Fault::None)
        json.insert(QStringLiteral("fault"), faultName(fault));
    return json;
}

const ScenarioRule *Scenario::pick(const HttpRequest &request, QRandomGenerator &random) const
{
    for (const ScenarioRule &rule : rules) {
        if (!rule.matches(request))
            continue;
        if (rule.probability >= 1.0 || random.generateDouble() < rule.probability)
            return &rule;
    }
    return nullptr;
}

QJsonObject Scenario::toJson() const
{
    QJsonArray list;
    for (const ScenarioRule &rule : rules)
        list.append(rule.toJson());
    return {{QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("builtIn"), builtIn},
            {QStringLiteral("rules"), list}};
}

bool Scenario::validName(const QString &name)
{
    static const QRegularExpression form(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return form.match(name).hasMatch() && name != QLatin1String("none");
}

std::optional<Scenario> Scenario::fromJson(const QJsonObject &json, const QString &name, QString *error)
{
    if (!onlyKnownKeys(json, {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("rules"),
                              QStringLiteral("builtIn")},
                       {}, error))
        return std::nullopt;
    Scenario scenario;
    scenario.name = json.contains(QLatin1String("name")) ? json.value(QLatin1String("name")).toString() : name;
    if (!name.isEmpty() && scenario.name != name) {
        *error = QStringLiteral("name: \"%1\" differs from the name in the path, \"%2\"").arg(scenario.name, name);
        return std::nullopt;
    }
    if (!validName(scenario.name)) {
        *error = QStringLiteral("name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit "
                                "(and not \"none\")");
        return std::nullopt;
    }
    scenario.description = json.value(QLatin1String("description")).toString();
    if (scenario.description.size() > 1000) {
        *error = QStringLiteral("description: at most 1000 characters");
        return std::nullopt;
    }
    const QJsonValue rules = json.value(QLatin1String("rules"));
    if (!rules.isArray() || rules.toArray().size() > kMaxRules) {
        *error = QStringLiteral("rules must be an array of at most %1 rules").arg(kMaxRules);
        return std::nullopt;
    }
    int index = 0;
    for (const QJsonValue &value : rules.toArray()) {
        QString why;
        const auto rule = value.isObject() ? readRule(value.toObject(), &why) : std::nullopt;
        if (!rule) {
            *error = QStringLiteral("rules[%1]: %2").arg(index).arg(why.isEmpty() ? QStringLiteral("must be an object") : why);
            return std::nullopt;
        }
        scenario.rules.append(*rule);
        ++index;
    }
    return scenario;
}

QList<Scenario> Scenario::builtIns()
{
    QString unused;
    const auto deliveries = *TextPattern::parse(kDeliveryPaths, Qt::CaseSensitive, &unused);
    const auto make = [&](const QString &name, const QString &description, auto &&configure) {
        ScenarioRule rule;
        rule.name = name;
        rule.path = deliveries;
        configure(rule);
        return Scenario{name, description, true, {rule}};
    };
    return {
        make(QStringLiteral("no-fill"), QStringLiteral("Every delivery answers 204, no campaign"),
             [](ScenarioRule &r) { r.noFill = true; }),
        make(QStringLiteral("slow-3s"), QStringLiteral("Every delivery answers the engine's answer after 3 s"),
             [](ScenarioRule &r) { r.latency = {Latency::Kind::Fixed, 3000, 0}; }),
        make(QStringLiteral("server-error"), QStringLiteral("Every delivery answers 500"),
             [](ScenarioRule &r) {
                 r.status = 500;
                 r.body = QByteArrayLiteral(R"({"error":"internal server error"})");
             }),
        make(QStringLiteral("malformed-json"), QStringLiteral("Every delivery answers 200 with broken JSON"),
             [](ScenarioRule &r) { r.malformed = true; }),
        make(QStringLiteral("reset"), QStringLiteral("Every delivery's connection is reset, no answer"),
             [](ScenarioRule &r) { r.fault = Fault::Reset; }),
    };
}

} // namespace adserve
