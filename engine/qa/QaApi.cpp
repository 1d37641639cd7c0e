#include "QaApi.h"

#include "http/HttpReplies.h"

#include <QJsonArray>

namespace adserve {

namespace {

using HttpReplies::error;
using HttpReplies::json;
using HttpReplies::methodNotAllowed;

HttpReply cannotWrite()
{
    return error(503, QStringLiteral("the QA folder cannot be written; the server log has the details"));
}

} // namespace

QaApi::QaApi(ScenarioBook &book, RequestJournal &journal, HarReplay &replay, qint64 journalMaxEntries)
    : book_(book)
    , journal_(journal)
    , replay_(replay)
    , journalMaxEntries_(journalMaxEntries)
{
}

QJsonObject QaApi::readiness() const
{
    const auto active = book_.active();
    return {{QStringLiteral("mode"), QStringLiteral("on")},
            {QStringLiteral("activeScenario"), active ? QJsonValue(active->name) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("journalEntries"), journal_.entries()}};
}

HttpReply QaApi::handle(const HttpRequest &request, const QStringList &segments)
{
    const QString first = segments.value(0);
    if (first == QLatin1String("scenarios"))
        return scenarios(request, segments.mid(1));
    if (segments.size() == 1 && first == QLatin1String("active"))
        return active(request);
    if (segments.size() == 1 && first == QLatin1String("journal"))
        return journal(request, Export::Page);
    if (segments.size() == 1 && first == QLatin1String("journal.json"))
        return journal(request, Export::Json);
    if (segments.size() == 1 && first == QLatin1String("journal.har"))
        return journal(request, Export::Har);
    if (segments.size() == 1 && first == QLatin1String("replay"))
        return replay(request);
    return HttpReplies::notFound(request.path);
}

HttpReply QaApi::scenarios(const HttpRequest &request, const QStringList &segments)
{
    if (segments.isEmpty()) {
        if (request.method != "GET")
            return methodNotAllowed("GET");
        QJsonArray list;
        for (const ScenarioBook::Ptr &s : book_.all())
            list.append(s->toJson());
        const auto activeOne = book_.active();
        return json(200, {{QStringLiteral("active"), activeOne ? QJsonValue(activeOne->name) : QJsonValue(QJsonValue::Null)},
                          {QStringLiteral("scenarios"), list}});
    }
    if (segments.size() > 1)
        return HttpReplies::notFound(request.path);
    const QString name = segments[0];
    if (request.method == "GET") {
        const auto found = book_.find(name);
        return found ? json(200, found->toJson()) : error(404, QStringLiteral("no scenario named \"%1\"").arg(name));
    }
    if (request.method == "PUT") {
        HttpReply problem;
        const auto body = HttpReplies::jsonObjectBody(request, &problem);
        if (!body)
            return problem;
        QString why;
        auto scenario = Scenario::fromJson(*body, name, &why);
        if (!scenario)
            return error(400, QStringLiteral("invalid scenario: %1").arg(why));
        const QJsonObject written = scenario->toJson();
        bool created = false;
        switch (book_.put(std::move(*scenario), &created)) {
        case ScenarioBook::Outcome::BuiltIn:
            return error(409, QStringLiteral("\"%1\" is a built-in scenario: choose another name").arg(name));
        case ScenarioBook::Outcome::Full:
            return error(409, QStringLiteral("at most %1 scenarios can be added: delete one first").arg(ScenarioBook::kMaxAdded));
        case ScenarioBook::Outcome::WriteFailed: return cannotWrite();
        default: return json(created ? 201 : 200, written);
        }
    }
    if (request.method == "DELETE") {
        switch (book_.remove(name)) {
        case ScenarioBook::Outcome::NotFound: return error(404, QStringLiteral("no scenario named \"%1\"").arg(name));
        case ScenarioBook::Outcome::BuiltIn:
            return error(409, QStringLiteral("\"%1\" is a built-in scenario and cannot be deleted").arg(name));
        case ScenarioBook::Outcome::WriteFailed: return cannotWrite();
        default: return HttpReplies::noContent();
        }
    }
    return methodNotAllowed("GET, PUT, DELETE");
}

HttpReply QaApi::active(const HttpRequest &request)
{
    if (request.method == "GET")
        return json(200, readiness());
    if (request.method != "POST")
        return methodNotAllowed("GET, POST");
    HttpReply problem;
    const auto body = HttpReplies::jsonObjectBody(request, &problem);
    if (!body)
        return problem;
    const QJsonValue chosen = body->value(QLatin1String("scenario"));
    if (!chosen.isNull() && !chosen.isString())
        return error(400, QStringLiteral("scenario: a scenario's name, or null for none"));
    if (book_.activate(chosen.toString()) == ScenarioBook::Outcome::NotFound)
        return error(404, QStringLiteral("no scenario named \"%1\"").arg(chosen.toString()));
    return json(200, readiness());
}

HttpReply QaApi::journal(const HttpRequest &request, Export form)
{
    if (form == Export::Page && request.method == "DELETE") {
        journal_.clear();
        return HttpReplies::noContent();
    }
    if (request.method != "GET")
        return methodNotAllowed(form == Export::Page ? "GET, DELETE" : "GET");
    QString why;
    const auto filter = JournalFilter::parse(request.query, &why);
    if (!filter)
        return error(400, why);
    // An export holds every match unless a limit is asked for; a listing pages by the limit.
    const bool limited = request.query.hasQueryItem(QStringLiteral("limit"));
    const auto found = journal_.find(*filter, form != Export::Page && !limited ? journalMaxEntries_ : filter->limit);
    if (form == Export::Har) {
        HttpReply reply{200, Har::fromJournal(found.entries, serverUrl_).toJson(QJsonDocument::Compact)};
        reply.headers.append({QByteArrayLiteral("Content-Disposition"), QByteArrayLiteral("attachment; filename=\"journal.har\"")});
        return reply;
    }
    QJsonArray entries;
    for (const JournalEntry &e : found.entries)
        entries.append(e.toJson());
    HttpReply reply = json(200, {{QStringLiteral("count"), found.count},
                                 {QStringLiteral("returned"), qint64(found.entries.size())},
                                 {QStringLiteral("entries"), entries}});
    if (form == Export::Json)
        reply.headers.append({QByteArrayLiteral("Content-Disposition"), QByteArrayLiteral("attachment; filename=\"journal.json\"")});
    return reply;
}

HttpReply QaApi::replay(const HttpRequest &request)
{
    if (request.method == "GET")
        return json(200, replay_.status());
    if (request.method == "DELETE") {
        replay_.cancel();
        return HttpReplies::noContent();
    }
    if (request.method != "POST")
        return methodNotAllowed("GET, POST, DELETE");
    HttpReply problem;
    const auto body = HttpReplies::jsonObjectBody(request, &problem);
    if (!body)
        return problem;
    QString why;
    auto requests = Har::requests(QJsonDocument(*body), &why);
    if (!requests)
        return error(400, why);
    const qint64 count = requests->size();
    const qint64 id = replay_.start(std::move(*requests));
    if (!id)
        return error(409, QStringLiteral("a replay is still running: GET /api/v1/qa/replay says when it is done"));
    return json(202, {{QStringLiteral("replay"), id}, {QStringLiteral("requests"), count}});
}

} // namespace adserve
