// The ceiling of delivery: adserve's own HTTP server (HttpServerPool, edge guard included)
// answering every GET with the bytes of one file, read once at start. Nothing is looked up,
// matched or encoded per request, so its requests/s is what the server could do at most for
// a body of that size; e2e.sh measures delivery against it in the same run.
//
//   bench_ceiling --body FILE [--listen 127.0.0.1:PORT] [--threads N]
//
// Listen address, threads and HTTP limits are read as adserve reads them (ADSERVE_LISTEN,
// ADSERVE_THREADS, HTTP_*, a .env file; the flags win), so both run the same server.
// SIGINT and SIGTERM stop it cleanly.
#include "GlobalPoolJoin.h"
#include "ShutdownSignals.h"
#include "config/Config.h"
#include "http/HttpServerPool.h"
#include "http/RequestHandler.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QProcessEnvironment>
#include <QTextStream>

using namespace adserve;

namespace {

// Every GET and HEAD gets the body as delivery sends its answer (200, application/json, or
// 204 with nothing when the body is empty); other methods get 405.
class FileBodyHandler final : public RequestHandler
{
public:
    explicit FileBodyHandler(QByteArray body)
        : body_(std::move(body))
    {
    }

    HttpReply handle(const HttpRequest &request) override
    {
        if (request.method != "GET" && request.method != "HEAD")
            return {405, QByteArrayLiteral(R"({"error":"method not allowed"})"), {{"Allow", "GET, HEAD"}}};
        if (body_.isEmpty())
            return {204, {}};
        return {200, body_}; // shared, not copied
    }
    bool takesBody(QByteArrayView, QByteArrayView) const override { return false; }
    EdgeStats &edgeStats() override { return edge_; }

private:
    const QByteArray body_;
    EdgeStats edge_;
};

int fail(const QString &message)
{
    QTextStream(stderr) << "bench_ceiling: " << message << Qt::endl;
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    GlobalPoolJoin joinPoolOnExit;

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Serves a file's bytes to every GET on adserve's HTTP server."));
    parser.addHelpOption();
    const QCommandLineOption body(QStringLiteral("body"), QStringLiteral("The file every GET is answered with."),
                                  QStringLiteral("file"));
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("address:port (default as adserve)."),
                                    QStringLiteral("address:port"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Server threads (default as adserve)."),
                                     QStringLiteral("n"));
    parser.addOptions({body, listen, threads});
    parser.process(app);
    if (!parser.isSet(body))
        return fail(QStringLiteral("--body is required (see --help)"));
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    QString error;
    auto values = ConfigBuilder::mergedEnvironment(QStringLiteral(".env"),
                                                   QProcessEnvironment::systemEnvironment().toStringList(), &error);
    if (!values)
        return fail(error);
    if (parser.isSet(listen))
        values->insert(QStringLiteral("ADSERVE_LISTEN"), parser.value(listen));
    if (parser.isSet(threads))
        values->insert(QStringLiteral("ADSERVE_THREADS"), parser.value(threads));
    const auto config = ConfigBuilder::build(*values, &error);
    if (!config)
        return fail(error);

    QFile file(parser.value(body));
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
    FileBodyHandler handler(file.readAll());
    file.close();

    HttpServerPool server(handler, config->http);
    ShutdownSignals shutdownSignals;
    QObject::connect(&shutdownSignals, &ShutdownSignals::shutdownRequested, &app, [&] {
        server.stop();
        app.quit();
    });
    if (!server.start(config->listenAddress, config->port, config->serverThreads, &error))
        return fail(error);
    QTextStream(stdout) << "bench_ceiling serving " << file.size() << " bytes of " << file.fileName()
                        << "\nlistening on " << server.url() << Qt::endl;
    return app.exec();
}
