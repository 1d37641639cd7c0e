// adserve-studio: the desktop studio with the embedded delivery server.
#include "Engine.h"
#include "GlobalPoolJoin.h"
#include "ShutdownSignals.h"
#include "config/CommandLine.h"
#include "http/HttpServerPool.h"
#include "mainwindow/MainMenus.h"
#include "mainwindow/MainWindow.h"
#include "mainwindow/ScreenshotTour.h"
#include "session/StudioSession.h"
#include "settings/ConnectionProfiles.h"
#include "settings/ProfileSwitcher.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextStream>

using namespace adserve;

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "adserve-studio: " << redactUrl(message) << Qt::endl;
    return 2;
}

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
           || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

// Whether the user said where to connect (flags, environment or .env): then that wins over
// the connection remembered from the last run.
bool connectionGivenExplicitly(CommandLine &commandLine, const QProcessEnvironment &environment)
{
    for (const QString &name : commandLine.parser().optionNames()) {
        if (name != QLatin1String("screenshots"))
            return true;
    }
    for (const auto &[key, help] : Config::environmentKeys()) {
        if (environment.contains(key))
            return true;
    }
    return QFile::exists(commandLine.parser().value(QStringLiteral("env-file")));
}

} // namespace

int main(int argc, char *argv[])
{
    // The screenshot command must run without a display too.
    const bool screenshots = [&] {
        for (int i = 1; i < argc; ++i) {
            if (QByteArray(argv[i]).startsWith("--screenshots"))
                return true;
        }
        return false;
    }();
    if (screenshots && !hasDisplay())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (!screenshots && !hasDisplay())
        return fail(QStringLiteral("no display ($DISPLAY / $WAYLAND_DISPLAY unset); run the headless server `adserve` instead"));

    HttpServerPool::preferQtEventLoopOnThreads();
    QApplication app(argc, argv);
    GlobalPoolJoin joinPoolOnExit;
    QApplication::setOrganizationName(QStringLiteral("adserve"));
    QApplication::setApplicationName(QStringLiteral("adserve-studio"));
    QApplication::setApplicationVersion(QStringLiteral(ADSERVE_VERSION));

    CommandLine commandLine(QStringLiteral("adserve-studio: ad campaign studio with an embedded delivery server.\n\n"
                                           "Usage: adserve-studio [options]"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshots"),
        QStringLiteral("Render a picture of each panel on sample data into <folder> and exit (works offscreen)."),
        QStringLiteral("folder"));
    commandLine.parser().addOption(screenshotOption);
    QString error;
    if (!commandLine.parse(app.arguments(), &error))
        return fail(error + QStringLiteral(" (see adserve-studio --help)"));
    if (commandLine.helpRequested()) {
        QTextStream(stdout) << commandLine.helpText();
        return 0;
    }
    if (commandLine.versionRequested()) {
        QTextStream(stdout) << "adserve-studio " << ADSERVE_VERSION << Qt::endl;
        return 0;
    }

    for (const QString &warning : commandLine.warnings())
        QTextStream(stderr) << "adserve-studio: " << warning << Qt::endl;

    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    auto config = commandLine.config(environment.toStringList(), &error);
    if (!config)
        return fail(error);

    StudioSession session;
    QTemporaryDir sampleDir;
    QString profile; // the connection profile opened, when no connection was given explicitly
    const bool connectionGiven = connectionGivenExplicitly(commandLine, environment);
    if (!connectionGiven) {
        if (screenshots) {
            // Pictures are taken on a fresh embedded store (the samples plus generated campaigns).
            config->database = DatabaseTarget::sqlite(sampleDir.filePath(QStringLiteral("screenshots.sqlite")));
        } else {
            // Waits here, before the first window, as the remembered connection needs its
            // passwords to open; the secret store may ask the user to unlock it first.
            QSettings settings;
            session.secrets().load(ConnectionProfiles::secretKeys(settings));
            if (!session.secrets().waitForLoaded(std::chrono::seconds(60)))
                QTextStream(stderr) << "adserve-studio: the secret store did not answer; connecting without passwords"
                                    << Qt::endl;
            ConnectionProfiles profiles(settings, session.secrets());
            QString why;
            if (auto remembered = profiles.startupConfig(*config, &why)) {
                config = remembered;
                profile = profiles.current().name;
            } else {
                // The menu shows what runs: the embedded default.
                QTextStream(stderr) << "adserve-studio: the connection profile \"" << profiles.current().name
                                    << "\" is unusable (" << redactUrl(why) << "); using the embedded default" << Qt::endl;
                profiles.setCurrent(ConnectionProfiles::builtIn().id);
            }
        }
    }

    if (!session.open(*config, &error)) {
        if (screenshots)
            return fail(error);
        // The remembered or given connection is unusable: fall back to the embedded default
        // so the user can fix the settings from inside the studio.
        const QString firstError = error;
        auto fallback = ConfigBuilder::build({}, &error);
        if (!fallback || !session.open(*fallback, &error))
            return fail(firstError);
        QString retry = QStringLiteral("see File → Connection settings");
        if (!profile.isEmpty()) {
            QSettings settings; // the profile in use now, as the menu shows it
            ConnectionProfiles(settings, session.secrets()).setCurrent(ConnectionProfiles::builtIn().id);
            retry = QStringLiteral("choose File → Connection profile → %1 to try again").arg(profile);
        }
        QMessageBox::warning(nullptr, QStringLiteral("adserve studio"),
                             QStringLiteral("Could not connect:\n%1\n\nUsing the embedded default instead; %2.")
                                 .arg(redactUrl(firstError), retry));
    }

    if (!screenshots)
        MainMenus::applyRememberedTheme();
    MainWindow window(session);
    window.profiles().setConnectionGiven(connectionGiven); // then no profile is the one in use
    if (screenshots) {
        const QStringList files = ScreenshotTour::run(window, session, commandLine.parser().value(screenshotOption), &error);
        if (files.isEmpty())
            return fail(error);
        for (const QString &file : files)
            QTextStream(stdout) << file << Qt::endl;
        return 0;
    }

    window.show();
    ShutdownSignals shutdown;
    QObject::connect(&shutdown, &ShutdownSignals::shutdownRequested, &window, &QWidget::close);
    return app.exec();
}
