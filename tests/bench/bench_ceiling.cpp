// The ceiling of delivery: adserve's own HTTP server (HttpServerPool, edge guard included)
// answering GETs with the bytes of files read once at start. Nothing is matched, read or
// encoded per request, so its requests/s is what the server could do at most for bodies of
// those sizes; e2e.sh measures delivery against it in the same run.
//
//   bench_ceiling --body FILE [--listen 127.0.0.1:PORT] [--threads N]
//   bench_ceiling --bodies LIST [--body FILE] ...
//   bench_ceiling --body FILE --log      (as the studio runs it: every request recorded)
//
// --body answers every GET with FILE. --bodies answers each request target of LIST (lines
// "TARGET<tab>FILE", e.g. "/v1/delivery?app=a&country=US&os=iOS<tab>/tmp/body.0") with its
// file, so a mix of requests gets the bodies delivery gave them; a target not listed gets
// --body, or 404 without it.
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
#include <QHash>
#include <QProcessEnvironment>
#include <QTextStream>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

using namespace adserve;

namespace {

// A request target as the server hands it over: the path, and the query as QUrlQuery
// writes it back.
QString targetKey(const QString &path, const QUrlQuery &query)
{
    return query.isEmpty() ? path : path + QLatin1Char('?') + query.query(QUrl::FullyEncoded);
}

// GET and HEAD get a body as delivery sends its answer (200, application/json, or 204 with
// nothing when the body is empty); other methods get 405.
class FileBodyHandler final : public RequestHandler
{
public:
    FileBodyHandler(QHash<QString, QByteArray> bodies, std::optional<QByteArray> fallback)
        : bodies_(std::move(bodies))
        , fallback_(std::move(fallback))
    {
    }

    HttpReply handle(const HttpRequest &request) override
    {
        if (request.method != "GET" && request.method != "HEAD")
            return {405, QByteArrayLiteral(R"({"error":"method not allowed"})"), {{"Allow", "GET, HEAD"}}};
        const QByteArray *body = fallback_ ? &*fallback_ : nullptr;
        if (!bodies_.isEmpty()) {
            const auto found = bodies_.constFind(targetKey(request.path, request.query));
            if (found != bodies_.constEnd())
                body = &*found;
        }
        if (!body)
            return {404, QByteArrayLiteral(R"({"error":"not found"})")};
        if (body->isEmpty())
            return {204, {}};
        return {200, *body}; // shared, not copied
    }
    bool takesBody(QByteArrayView, QByteArrayView) const override { return false; }
    EdgeStats &edgeStats() override { return edge_; }

private:
    const QHash<QString, QByteArray> bodies_;
    const std::optional<QByteArray> fallback_;
    EdgeStats edge_;
};

std::optional<QByteArray> readFile(const QString &name, QString *error)
{
    QFile file(name);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(name, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

// Reads a --bodies list: "TARGET<tab>FILE" lines.
std::optional<QHash<QString, QByteArray>> readBodies(const QString &list, QString *error)
{
    const auto text = readFile(list, error);
    if (!text)
        return std::nullopt;
    QHash<QString, QByteArray> bodies;
    int number = 0;
    for (const QByteArray &line : text->split('\n')) {
        ++number;
        if (line.trimmed().isEmpty())
            continue;
        const qsizetype tab = line.indexOf('\t');
        const QUrl url(QString::fromUtf8(line.left(tab)));
        if (tab < 0 || !url.isValid() || !url.path().startsWith(QLatin1Char('/'))) {
            *error = QStringLiteral("%1:%2: expected a request target, a tab and a file").arg(list).arg(number);
            return std::nullopt;
        }
        const auto body = readFile(QString::fromUtf8(line.mid(tab + 1)), error);
        if (!body)
            return std::nullopt;
        bodies.insert(targetKey(url.path(), QUrlQuery(url)), *body);
    }
    return bodies;
}

int fail(const QString &message)
{
    QTextStream(stderr) << "bench_ceiling: " << message << Qt::endl;
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    HttpServerPool::preferQtEventLoopOnThreads();
    QCoreApplication app(argc, argv);
    GlobalPoolJoin joinPoolOnExit;

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Serves a file's bytes to every GET on adserve's HTTP server."));
    parser.addHelpOption();
    const QCommandLineOption body(QStringLiteral("body"),
                                  QStringLiteral("The file every GET is answered with (that --bodies does not list)."),
                                  QStringLiteral("file"));
    const QCommandLineOption bodies(QStringLiteral("bodies"),
                                    QStringLiteral("Lines \"TARGET<tab>FILE\": the file each request target is answered with."),
                                    QStringLiteral("list"));
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("address:port (default as adserve)."),
                                    QStringLiteral("address:port"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Server threads (default as adserve)."),
                                     QStringLiteral("n"));
    const QCommandLineOption log(QStringLiteral("log"),
                                 QStringLiteral("Record every request for a log, as the studio does (its cost is measured)."));
    parser.addOptions({body, bodies, listen, threads, log});
    parser.process(app);
    if (!parser.isSet(body) && !parser.isSet(bodies))
        return fail(QStringLiteral("--body or --bodies is required (see --help)"));
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

    std::optional<QByteArray> fallback;
    if (parser.isSet(body) && !(fallback = readFile(parser.value(body), &error)))
        return fail(error);
    QHash<QString, QByteArray> listed;
    if (parser.isSet(bodies)) {
        auto read = readBodies(parser.value(bodies), &error);
        if (!read)
            return fail(error);
        listed = std::move(*read);
    }
    qint64 bytes = 0;
    for (const QByteArray &listedBody : std::as_const(listed))
        bytes += listedBody.size();
    FileBodyHandler handler(listed, fallback);

    HttpServerPool server(handler, config->http);
    qint64 recorded = 0;
    if (parser.isSet(log)) { // queued to the main thread, as the studio's session queues them
        QObject::connect(&server, &HttpServerPool::requestServed, &app, [&recorded] { ++recorded; },
                         Qt::QueuedConnection);
    }
    ShutdownSignals shutdownSignals;
    QObject::connect(&shutdownSignals, &ShutdownSignals::shutdownRequested, &app, [&] {
        server.stop();
        if (parser.isSet(log))
            QTextStream(stdout) << "recorded " << recorded << " requests" << Qt::endl;
        app.quit();
    });
    if (!server.start(config->listenAddress, config->port, config->serverThreads, &error))
        return fail(error);
    QTextStream out(stdout);
    if (!listed.isEmpty())
        out << "bench_ceiling serving " << listed.size() << " bodies of " << bytes / listed.size() << " bytes on average\n";
    if (fallback)
        out << "bench_ceiling serving " << fallback->size() << " bytes to every other GET\n";
    out << "listening on " << server.url() << Qt::endl;
    return app.exec();
}
