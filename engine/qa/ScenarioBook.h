#pragma once

#include "Scenario.h"

#include <QMap>

#include <memory>
#include <mutex>

namespace adserve {

// The scenarios QA mode knows: the built-in ones and those added through the admin API, and
// which one is active. The added ones and the choice of the active one are kept in a file
// (scenarios.json in the QA folder), so they survive a restart; none is active after one, so
// a restarted server answers as the engine until told otherwise. Thread-safe: every server
// thread asks it per request.
class ScenarioBook
{
public:
    // Reads `file` if it exists; a file that cannot be read is an error (nothing is lost by
    // overwriting it silently).
    bool open(const QString &file, QString *error);

    using Ptr = std::shared_ptr<const Scenario>;
    Ptr find(const QString &name) const;
    Ptr active() const;
    QList<Ptr> all() const;

    static constexpr int kMaxAdded = 100; // each at most a request body: QA's memory stays bounded
    enum class Outcome { Done, NotFound, BuiltIn, Full, WriteFailed };
    // Adds or replaces a scenario; `created` says which.
    Outcome put(Scenario scenario, bool *created);
    Outcome remove(const QString &name);
    // Null: no scenario active (every request goes to the engine).
    Outcome activate(const QString &name);

private:
    bool save(QString *error) const; // with the lock held

    mutable std::mutex mutex_;
    QString file_;
    QMap<QString, Ptr> scenarios_;
    Ptr active_;
};

} // namespace adserve
