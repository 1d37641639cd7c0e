#include "AboutDialog.h"

#include "Engine.h"
#include "cache/CampaignCache.h"
#include "common/BackgroundJob.h"
#include "session/StudioSession.h"
#include "settings/ConnectionSettings.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <hiredis/hiredis.h>

namespace adserve {

namespace {

QString hiredisVersion()
{
    return QStringLiteral("%1.%2.%3").arg(HIREDIS_MAJOR).arg(HIREDIS_MINOR).arg(HIREDIS_PATCH);
}

QString qtVersion()
{
    const QString runtime = QString::fromLatin1(qVersion());
    return runtime == QLatin1String(QT_VERSION_STR) ? runtime
                                                    : QObject::tr("%1 (built with %2)").arg(runtime, QLatin1String(QT_VERSION_STR));
}

// The Redis version of the first node that says (every node of a cluster runs one).
QString redisVersion(const QVariantMap &info)
{
    for (const QVariant &node : info.value(QStringLiteral("nodes")).toList()) {
        if (const QString version = node.toMap().value(QStringLiteral("redis_version")).toString(); !version.isEmpty())
            return version;
    }
    return {};
}

} // namespace

AboutDialog::AboutDialog(StudioSession &session, QWidget *parent)
    : QDialog(parent)
    , store_(new QLabel(tr("checking…"), this))
    , cache_(new QLabel(tr("checking…"), this))
    , job_(new BackgroundJob(this))
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About adserve studio"));
    auto *heading = new QLabel(tr("<h3>adserve studio %1</h3>Ad campaign delivery: the studio, with the delivery "
                                  "engine and its HTTP server built in.")
                                   .arg(QStringLiteral(ADSERVE_VERSION)),
                               this);
    heading->setWordWrap(true);
    auto *form = new QFormLayout;
    const auto addRow = [&](const QString &name, QLabel *value) {
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setObjectName(QStringLiteral("version_") + name.toLower());
        form->addRow(name + QLatin1Char(':'), value);
        rows_.append({name, value});
    };
    addRow(QStringLiteral("adserve"), new QLabel(QStringLiteral(ADSERVE_VERSION), this));
    addRow(QStringLiteral("Qt"), new QLabel(qtVersion(), this));
    addRow(QStringLiteral("hiredis"), new QLabel(hiredisVersion(), this));
    addRow(tr("Store"), store_);
    addRow(tr("Cache"), cache_);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyVersions"));
    copy->setToolTip(tr("Copy the versions as text, for a bug report"));
    connect(copy, &QPushButton::clicked, this, [this, copy] {
        QApplication::clipboard()->setText(versionsText());
        copy->setText(tr("Copied"));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(&session, &StudioSession::aboutToClose, job_, &BackgroundJob::cancelAndWait);
    askServers(session);
}

QString AboutDialog::versionsText() const
{
    QStringList lines;
    for (const auto &[name, label] : rows_)
        lines.append(name + QStringLiteral(": ") + label->text());
    return lines.join(QLatin1Char('\n'));
}

void AboutDialog::askServers(StudioSession &session)
{
    if (!session.isOpen())
        return;
    Engine &engine = session.engine();
    // Both go over the network: never on the GUI thread.
    job_->start(tr("Asking for versions"), [this, &engine](JobControl &) -> BackgroundJob::Finish {
        // One round trip to the store: its version says whether it answers too.
        const auto storeVersion = engine.store().serverVersion();
        const QString storeName = engine.config().database.isPostgres() ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite");
        QString where = redactUrl(engine.store().describe()); // "SQLite /path", "PostgreSQL host/db": the name once
        if (where.startsWith(storeName + QLatin1Char(' ')))
            where = where.mid(storeName.size() + 1);
        const QString store = storeVersion.ok() ? QStringLiteral("%1 %2 (%3)").arg(storeName, storeVersion.value, where)
                                                : tr("%1, not answering: %2").arg(storeName, storeVersion.message);
        CacheBackend &backend = engine.cache().backend();
        QString cache;
        if (backend.kind() == QLatin1String("memory")) {
            cache = tr("in-memory (built in)");
        } else {
            const auto info = backend.serverInfo();
            cache = info.ok() ? QStringLiteral("Redis %1 (%2)").arg(redisVersion(info.value), redactUrl(backend.describe()))
                              : tr("Redis, not answering: %1").arg(info.error);
        }
        return [this, store, cache] {
            store_->setText(store);
            cache_->setText(cache);
        };
    });
}

} // namespace adserve
