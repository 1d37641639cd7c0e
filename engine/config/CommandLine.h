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
    // One line for each flag that carries a password (--database-url, --redis-url): every
    // local user can read a process's arguments.
    QStringList warnings() const;

private:
    // Reads a --*-url-file into `values`; false with `error` naming the flag and the file.
    bool readUrlFile(const QCommandLineOption &option, const QString &key, QMap<QString, QString> &values,
                     QString *error) const;

    QCommandLineParser parser_;
    QList<QPair<QCommandLineOption, QString>> keyedOptions_; // option -> configuration key
    // A password belongs in the environment, .env or one of these files, never in a flag.
    QList<QPair<QCommandLineOption, QString>> urlFileOptions_; // option -> configuration key
    QCommandLineOption qa_;
    QCommandLineOption envFile_;
    QCommandLineOption help_;
    QCommandLineOption version_;
};

} // namespace adserve
