#include "ScenarioBook.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>

namespace adserve {

namespace {
Q_LOGGING_CATEGORY(lcQa, "adserve.qa")
}

bool ScenarioBook::open(const QString &file, QString *error)
{
    std::lock_guard lock(mutex_);
    file_ = file;
    scenarios_.clear();
    active_.reset();
    for (const Scenario &s : Scenario::builtIns())
        scenarios_.insert(s.name, std::make_shared<const Scenario>(s));
    QFile in(file);
    if (!in.exists())
        return true;
    if (!in.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot be read: %2").arg(file, in.errorString());
        return false;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("%1: not a JSON object (%2)").arg(file, parseError.errorString());
        return false;
    }
    const QJsonObject root = doc.object();
    for (const QJsonValue &value : root.value(QLatin1String("scenarios")).toArray()) {
        QString why;
        QJsonObject json = value.toObject();
        json.remove(QStringLiteral("builtIn"));
        const auto scenario = Scenario::fromJson(json, {}, &why);
        if (!scenario) {
            *error = QStringLiteral("%1: scenario %2: %3").arg(file, json.value(QLatin1String("name")).toString(), why);
            return false;
        }
        if (!scenarios_.contains(scenario->name) || !scenarios_.value(scenario->name)->builtIn)
            scenarios_.insert(scenario->name, std::make_shared<const Scenario>(*scenario));
    }
    return true;
}

ScenarioBook::Ptr ScenarioBook::find(const QString &name) const
{
    std::lock_guard lock(mutex_);
    return scenarios_.value(name);
}

ScenarioBook::Ptr ScenarioBook::active() const
{
    std::lock_guard lock(mutex_);
    return active_;
}

QList<ScenarioBook::Ptr> ScenarioBook::all() const
{
    std::lock_guard lock(mutex_);
    return scenarios_.values();
}

ScenarioBook::Outcome ScenarioBook::put(Scenario scenario, bool *created)
{
    std::lock_guard lock(mutex_);
    const Ptr old = scenarios_.value(scenario.name);
    if (old && old->builtIn)
        return Outcome::BuiltIn;
    const auto added = std::count_if(scenarios_.cbegin(), scenarios_.cend(), [](const Ptr &s) { return !s->builtIn; });
    if (!old && added >= kMaxAdded)
        return Outcome::Full;
    *created = !old;
    scenario.builtIn = false;
    const auto kept = std::make_shared<const Scenario>(std::move(scenario));
    scenarios_.insert(kept->name, kept);
    if (active_ && active_->name == kept->name)
        active_ = kept;
    QString error;
    return save(&error) ? Outcome::Done : Outcome::WriteFailed;
}

ScenarioBook::Outcome ScenarioBook::remove(const QString &name)
{
    std::lock_guard lock(mutex_);
    const Ptr old = scenarios_.value(name);
    if (!old)
        return Outcome::NotFound;
    if (old->builtIn)
        return Outcome::BuiltIn;
    scenarios_.remove(name);
    if (active_ == old)
        active_.reset();
    QString error;
    return save(&error) ? Outcome::Done : Outcome::WriteFailed;
}

ScenarioBook::Outcome ScenarioBook::activate(const QString &name)
{
    std::lock_guard lock(mutex_);
    if (name.isEmpty()) {
        active_.reset();
    } else {
        const Ptr chosen = scenarios_.value(name);
        if (!chosen)
            return Outcome::NotFound;
        active_ = chosen;
    }
    return Outcome::Done;
}

bool ScenarioBook::save(QString *error) const
{
    QJsonArray list;
    for (const Ptr &s : scenarios_) {
        if (!s->builtIn)
            list.append(s->toJson());
    }
    const QJsonObject root{{QStringLiteral("scenarios"), list}};
    QSaveFile out(file_);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(root).toJson()) < 0 || !out.commit()) {
        *error = QStringLiteral("%1: cannot be written: %2").arg(file_, out.errorString());
        qCWarning(lcQa).noquote() << *error;
        return false;
    }
    return true;
}

} // namespace adserve
