#pragma once

#include "Config.h"

#include <QCommandLineParser>

namespace adserve {

// The command-line flags shared by adserve and adserve-studio. Each flag overrides one
// configuration key, so flags, environment and .env go through one validation.
class CommandLine
{
public:
    explicit CommandLine(const QString &description);

    QCommandLineParser &parser() { return parser_; }
    // Parses arguments; false with `error` on an unknown flag or a missing value.
    bool parse(const QStringList &arguments, QString *error);
    bool helpRequested() const;
    bool versionRequested() const;
    QString helpText() const;

    // .env (from --env-file, default ./.env) < environment < flags, validated.
    std::optional<Config> config(const QStringList &environment, QString *error) const;

private:
    QCommandLineParser parser_;
    QList<QPair<QCommandLineOption, QString>> keyedOptions_; // option -> configuration key
    QCommandLineOption envFile_;
    QCommandLineOption help_;
    QCommandLineOption version_;
};

} // namespace adserve
