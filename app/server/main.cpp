// adserve: the headless delivery server, and its data generator.
#include "Engine.h"
#include "GlobalPoolJoin.h"
#include "IndexLoader.h"
#include "ShutdownSignals.h"
#include "changes/Actor.h"
#include "config/CommandLine.h"
#include "http/HttpServerPool.h"
#include "qa/QaMode.h"
#include "store/CampaignGenerator.h"

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QTextStream>

#include <cstdio>

using namespace adserve;

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString &message)
{
    err() << "adserve: " << message << Qt::endl;
    return 2;
}

int generate(const Config &config, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption campaigns(QStringLiteral("campaigns"), QStringLiteral("How many campaigns."), QStringLiteral("n"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("s"),
                                  QStringLiteral("1"));
    parser.addOption(campaigns);
    parser.addOption(seed);
    if (!parser.parse(args))
        return fail(parser.errorText());
    bool countOk = false, seedOk = false;
    const qint64 count = parser.value(campaigns).toLongLong(&countOk);
    const quint64 seedValue = parser.value(seed).toULongLong(&seedOk);
    if (!countOk || count < 1 || count > 100'000'000)
        return fail(QStringLiteral("generate: --campaigns must be a whole number from 1 to 100000000"));
    if (!seedOk)
        return fail(QStringLiteral("generate: --seed must be a non-negative whole number"));

    QString why;
    auto store = CampaignStore::open(config.database, &why);
    if (!store)
        return fail(QStringLiteral("store %1: %2").arg(config.database.describe(), why));
    store->setDefaultActor(currentLoginName());
    qint64 lastPercent = -1;
    const auto result = CampaignGenerator::generate(*store, count, seedValue, [&](qint64 done, qint64 total) {
        const qint64 percent = total ? done * 100 / total : 100;
        if (percent != lastPercent) {
            lastPercent = percent;
            err() << "\rgenerating: " << percent << "% (" << done << "/" << total << ")" << Qt::flush;
        }
        return true;
    });
    err() << Qt::endl;
    if (!result.ok())
        return fail(QStringLiteral("generate: %1").arg(result.message));
    QTextStream(stdout) << "generated " << result.value << " campaigns into " << store->describe() << Qt::endl;
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    HttpServerPool::preferQtEventLoopOnThreads();
    QCoreApplication app(argc, argv);
    GlobalPoolJoin joinPoolOnExit;
    QCoreApplication::setApplicationName(QStringLiteral("adserve"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ADSERVE_VERSION));

    CommandLine commandLine(QStringLiteral(
        "adserve: ad campaign delivery server.\n\n"
        "Usage: adserve [serve] [options]           run the delivery server\n"
        "       adserve generate --campaigns N [--seed S] [options]\n"
        "                                            write N synthetic campaigns into the store"));
    commandLine.parser().addPositionalArgument(QStringLiteral("command"), QStringLiteral("serve (default) or generate"));
    commandLine.parser().setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);

    // generate's own flags are parsed by generate(); keep them away from the shared parser.
    QStringList shared{app.arguments().first()};
    QStringList generateArgs{app.arguments().first()};
    const QStringList args = app.arguments().mid(1);
    const bool isGenerate = !args.isEmpty() && args.first() == QLatin1String("generate");
    for (qsizetype i = isGenerate ? 1 : 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (isGenerate && (a.startsWith(QLatin1String("--campaigns")) || a.startsWith(QLatin1String("--seed")))) {
            generateArgs << a;
            if (!a.contains(QLatin1Char('=')) && i + 1 < args.size())
                generateArgs << args[++i];
        } else {
            shared << a;
        }
    }

    QString error;
    if (!commandLine.parse(shared, &error))
        return fail(error + QStringLiteral(" (see adserve --help)"));
    if (commandLine.helpRequested()) {
        QTextStream(stdout) << commandLine.helpText();
        return 0;
    }
    if (commandLine.versionRequested()) {
        QTextStream(stdout) << "adserve " << ADSERVE_VERSION << Qt::endl;
        return 0;
    }
    for (const QString &warning : commandLine.warnings())
        err() << "adserve: " << warning << Qt::endl;
    const QStringList positional = commandLine.parser().positionalArguments();
    if (!positional.isEmpty() && positional.first() != QLatin1String("serve"))
        return fail(QStringLiteral("unknown command \"%1\" (expected serve or generate)").arg(positional.first()));

    const auto config = commandLine.config(QProcessEnvironment::systemEnvironment().toStringList(), &error);
    if (!config)
        return fail(error);
    if (isGenerate)
        return generate(*config, generateArgs);

    // The server answers /healthz at once and /readyz with the loading progress while the
    // store's campaigns load on a thread of their own: a large store takes seconds.
    auto engine = Engine::open(*config, &error);
    if (!engine)
        return fail(error);
    engine->store().setDefaultActor(currentLoginName());
    Metrics metrics;
    HttpApi api(*engine, metrics);
    // QA mode puts scenarios and the journal in front of the engine: only when asked for.
    std::unique_ptr<QaMode> qa;
    if (config->qa.enabled) {
        qa = QaMode::open(config->qa, *engine, api, &error);
        if (!qa)
            return fail(error);
    }
    const auto server = qa ? std::make_unique<HttpServerPool>(qa->handler(), config->http)
                           : std::make_unique<HttpServerPool>(api, config->http);
    // Handled before the server says it listens, so a client that stops it right away
    // still gets a clean shutdown.
    ShutdownSignals shutdownSignals;
    QObject::connect(&shutdownSignals, &ShutdownSignals::shutdownRequested, &app, [&](int number) {
        err() << "adserve: signal " << number << ", shutting down" << Qt::endl;
        server->stop();
        app.quit();
    });
    if (!server->start(config->listenAddress, config->port, config->serverThreads, &error))
        return fail(error);
    engine->changes().setAddress(server->url());
    if (qa) {
        qa->setServer(server->address(), server->port(), server->url());
        err() << "adserve: QA mode is on: scenarios and the request journal in " << qa->folder()
              << "; not for production" << Qt::endl;
    }
    err() << "adserve: loading the campaigns of " << engine->store().describe() << "; " << server->url()
          << " answers /healthz now and /readyz once they are loaded" << Qt::endl;

    IndexLoader loader(*engine);
    QObject::connect(&loader, &IndexLoader::finished, &app, [&](bool ok, const QString &why) {
        if (!ok) {
            err() << "adserve: store " << engine->store().describe() << ": " << why << Qt::endl;
            server->stop();
            app.exit(1);
            return;
        }
        const auto index = engine->matcher().snapshot();
        QTextStream out(stdout);
        out << "adserve " << ADSERVE_VERSION << " serving " << index->campaignCount() << " campaigns from "
            << engine->store().describe() << " (loaded in " << QString::number(loader.elapsedMs() / 1000.0, 'f', 1)
            << " s), cache " << engine->cache().backend().describe() << "\n"
            << "listening on " << server->url() << "\n"
            << "try: curl '" << server->url() << "/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android'"
            << Qt::endl;
    });
    loader.start();
    return app.exec(); // a shutdown while loading cancels the read (~IndexLoader)
}
