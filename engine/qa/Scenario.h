#pragma once

#include "TextPattern.h"
#include "http/HttpApi.h"

#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QString>

#include <memory>
#include <optional>

namespace adserve {

// How long to wait: fixed, uniform between two bounds, or log-normal given its median and p99.
struct Latency
{
    enum class Kind { None, Fixed, Uniform, LogNormal };
    Kind kind = Kind::None;
    double a = 0; // fixed: ms; uniform: min ms; log-normal: median ms
    double b = 0; // uniform: max ms; log-normal: p99 ms

    // One draw, in whole ms, never above kMaxMs.
    int sample(QRandomGenerator &random) const;
    QJsonObject toJson() const;
    static constexpr int kMaxMs = 600'000;
};

// What happens to the connection instead of (or in the middle of) an answer.
enum class Fault { None, Reset, Close, Hang, Truncate };

// One rule of a scenario: which requests it takes, with what probability, and what it does.
struct ScenarioRule
{
    QString name;
    // Matching: every condition given must hold.
    std::optional<TextPattern> method;
    std::optional<TextPattern> path;
    QList<QPair<QString, TextPattern>> params;  // query parameter (first occurrence) -> value
    QList<QPair<QByteArray, TextPattern>> headers; // lower-case name -> value
    double probability = 1.0;

    // The answer: by default the engine's. Fixed: no fill, chosen campaigns, or a body.
    bool noFill = false;
    std::optional<QList<qint64>> campaigns;
    std::optional<QByteArray> body;
    std::optional<int> status;
    std::optional<QByteArray> contentType;
    bool malformed = false;

    Latency latency;
    bool dribble = false; // the latency spread over the body instead of before the first byte
    Fault fault = Fault::None;

    bool matches(const HttpRequest &request) const;
    QJsonObject toJson() const;
};

// A named set of rules, tried in order: the first that matches and whose probability draw
// succeeds applies; a request no rule takes goes to the engine.
struct Scenario
{
    QString name;
    QString description;
    bool builtIn = false;
    QList<ScenarioRule> rules;

    // The rule that applies to `request`, or nullptr.
    const ScenarioRule *pick(const HttpRequest &request, QRandomGenerator &random) const;

    QJsonObject toJson() const;
    // Reads the documented JSON form (README, "QA mode"); nullopt with `error` naming the field.
    // `name`, when given, is the name the scenario must have (from the URL).
    static std::optional<Scenario> fromJson(const QJsonObject &json, const QString &name, QString *error);
    static bool validName(const QString &name);
    // no-fill, slow-3s, server-error, malformed-json, reset.
    static QList<Scenario> builtIns();
};

QString faultName(Fault fault);

} // namespace adserve
