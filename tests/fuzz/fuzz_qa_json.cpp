// QA mode's inputs from clients: a scenario's JSON (PUT /api/v1/qa/scenarios/{name}), a HAR to
// replay, a journal filter, a glob. None may crash; a scenario that is accepted reads back as the
// same scenario; a replayed request is always a path with headers that cannot break a line.
#include "FuzzCheck.h"
#include "qa/Har.h"
#include "qa/JournalEntry.h"
#include "qa/Scenario.h"

#include <QJsonDocument>

using namespace adserve;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input = fuzzInput(data + 1, size - 1);
    switch (data[0] % 4) {
    case 0: {
        QString error;
        const auto scenario = Scenario::fromJson(QJsonDocument::fromJson(input).object(), {}, &error);
        if (!scenario) {
            FUZZ_CHECK(!error.isEmpty());
            break;
        }
        const QJsonObject json = scenario->toJson();
        QJsonObject again = json;
        again.remove(QStringLiteral("builtIn"));
        const auto reread = Scenario::fromJson(again, scenario->name, &error);
        FUZZ_CHECK(reread && reread->toJson() == json);
        HttpRequest request{"GET", QStringLiteral("/v1/delivery"), QUrlQuery(QStringLiteral("app=a&os=ios")), {}, {}};
        request.headers = {{"X-Test", input.left(64)}};
        QRandomGenerator random(1);
        scenario->pick(request, random);
        for (const ScenarioRule &rule : scenario->rules) {
            const int ms = rule.latency.sample(random);
            FUZZ_CHECK(ms >= 0 && ms <= Latency::kMaxMs);
        }
        break;
    }
    case 1: {
        QString error;
        const auto requests = Har::requests(QJsonDocument::fromJson(input), &error);
        if (!requests) {
            FUZZ_CHECK(!error.isEmpty());
            break;
        }
        FUZZ_CHECK(requests->size() <= Har::kMaxReplayed);
        for (const Har::Request &r : *requests) {
            FUZZ_CHECK(r.target.startsWith(QLatin1Char('/')));
            FUZZ_CHECK(!r.target.contains(QLatin1Char(' ')) && !r.target.contains(QLatin1Char('\n')));
            for (const auto &[name, value] : r.headers)
                FUZZ_CHECK(!name.isEmpty() && !name.contains('\n') && !value.contains('\n') && !value.contains('\r'));
        }
        break;
    }
    case 2: {
        QString error;
        const auto filter = JournalFilter::parse(QUrlQuery(QString::fromUtf8(input)), &error);
        FUZZ_CHECK(filter || !error.isEmpty());
        if (filter) {
            JournalEntry entry;
            entry.id = 1;
            entry.path = QString::fromUtf8(input.left(64));
            entry.query = QString::fromUtf8(input.left(128));
            filter->matches(entry);
        }
        break;
    }
    case 3: {
        const qsizetype split = input.indexOf('\0');
        const QString pattern = QString::fromUtf8(split < 0 ? input : input.left(split));
        QString error;
        const auto glob = TextPattern::parse(pattern, Qt::CaseInsensitive, &error);
        FUZZ_CHECK(glob || !error.isEmpty());
        if (glob && !pattern.contains(QLatin1Char('*')) && !pattern.contains(QLatin1Char('?')) && !pattern.contains(QLatin1Char('[')))
            FUZZ_CHECK(glob->matches(pattern.toUpper()) == (pattern.toUpper().compare(pattern, Qt::CaseInsensitive) == 0));
        if (glob)
            glob->matches(QString::fromUtf8(split < 0 ? QByteArray() : input.mid(split + 1)));
        break;
    }
    }
    return 0;
}
