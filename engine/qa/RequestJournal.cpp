#include "RequestJournal.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>

namespace adserve {

namespace {
Q_LOGGING_CATEGORY(lcJournal, "adserve.qa")
}

RequestJournal::~RequestJournal() = default;

bool RequestJournal::open(const QString &file, const Limits &limits, QString *error)
{
    std::lock_guard lock(mutex_);
    limits_ = limits;
    kept_.clear();
    bytes_ = 0;
    file_.close();
    file_.setFileName(file);
    if (file_.exists()) {
        if (!file_.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: cannot be read: %2").arg(file, file_.errorString());
            return false;
        }
        while (!file_.atEnd()) {
            const QByteArray line = file_.readLine(64 << 20).trimmed();
            const auto entry = JournalEntry::fromJson(QJsonDocument::fromJson(line).object());
            if (!entry)
                continue;
            nextId_ = std::max(nextId_, entry->id + 1);
            keep(*entry, line.size() + 1);
        }
        file_.close();
    }
    rewrite(); // drops what the bounds no longer hold, and opens the file for appending
    if (!file_.isOpen()) {
        *error = QStringLiteral("%1: cannot be written: %2").arg(file, file_.errorString());
        return false;
    }
    return true;
}

qint64 RequestJournal::record(JournalEntry entry)
{
    std::lock_guard lock(mutex_);
    entry.id = nextId_++;
    const QByteArray line = QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact) + '\n';
    const qint64 id = entry.id;
    keep(std::move(entry), line.size());
    if (file_.isOpen()) {
        file_.write(line);
        file_.flush();
        ++fileLines_;
        fileBytes_ += line.size();
        if (fileLines_ > 2 * limits_.maxEntries || fileBytes_ > 2 * limits_.maxBytes)
            rewrite();
    }
    return id;
}

void RequestJournal::keep(JournalEntry entry, qint64 bytes)
{
    kept_.push_back({std::move(entry), bytes});
    bytes_ += bytes;
    while (!kept_.empty() && (qint64(kept_.size()) > limits_.maxEntries || bytes_ > limits_.maxBytes)) {
        bytes_ -= kept_.front().bytes;
        kept_.pop_front();
    }
}

void RequestJournal::rewrite()
{
    file_.close();
    QSaveFile out(file_.fileName());
    fileLines_ = 0;
    fileBytes_ = 0;
    if (out.open(QIODevice::WriteOnly)) {
        for (const Kept &k : kept_) {
            const QByteArray line = QJsonDocument(k.entry.toJson()).toJson(QJsonDocument::Compact) + '\n';
            out.write(line);
            ++fileLines_;
            fileBytes_ += line.size();
        }
        if (!out.commit())
            qCWarning(lcJournal).noquote() << file_.fileName() << "cannot be written:" << out.errorString();
    }
    if (!file_.open(QIODevice::WriteOnly | QIODevice::Append))
        qCWarning(lcJournal).noquote() << file_.fileName() << "cannot be written:" << file_.errorString();
}

RequestJournal::Found RequestJournal::find(const JournalFilter &filter, qint64 limit) const
{
    std::lock_guard lock(mutex_);
    Found found;
    for (auto it = kept_.crbegin(); it != kept_.crend(); ++it) {
        if (!filter.matches(it->entry))
            continue;
        if (found.count++ < limit)
            found.entries.prepend(it->entry);
    }
    return found;
}

void RequestJournal::clear()
{
    std::lock_guard lock(mutex_);
    kept_.clear();
    bytes_ = 0;
    rewrite();
}

qint64 RequestJournal::entries() const
{
    std::lock_guard lock(mutex_);
    return qint64(kept_.size());
}

qint64 RequestJournal::bytes() const
{
    std::lock_guard lock(mutex_);
    return bytes_;
}

} // namespace adserve
