#include "RequestDetails.h"

#include "LoadRun.h"
#include "common/ShellQuote.h"
#include "http/HttpStatus.h"
#include "http/SecretHeaders.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocale>
#include <QUrl>
#include <QUrlQuery>

namespace adserve::RequestDetails {

namespace {

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QString headerLines(const RequestRecord::Headers &headers)
{
    QString lines;
    for (const auto &[name, value] : headers) {
        const QByteArray shown = isSecretHeader(name) ? value.left(value.indexOf(' ') + 1) + "••••••" : value;
        lines += QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromUtf8(shown) + QLatin1Char('\n');
    }
    return lines;
}

// A body as text: JSON indented, anything binary said to be so, a cut body said to be cut.
QString bodyText(const QByteArray &body, qint64 fullSize)
{
    if (fullSize == 0)
        return QCoreApplication::translate("RequestDetails", "(no body)\n");
    QString text;
    const bool cut = body.size() < fullSize;
    const QJsonDocument json = cut ? QJsonDocument() : QJsonDocument::fromJson(body);
    if (!json.isNull())
        text = QString::fromUtf8(json.toJson(QJsonDocument::Indented));
    else if (body.contains('\0'))
        text = QCoreApplication::translate("RequestDetails", "(binary, %1 bytes)\n").arg(fullSize);
    else
        text = QString::fromUtf8(body) + QLatin1Char('\n');
    if (cut) {
        text += QCoreApplication::translate("RequestDetails", "\n[body cut: the first %1 of %2 bytes are shown]\n")
                    .arg(QLocale().toString(body.size()), QLocale().toString(fullSize));
    }
    return text;
}

} // namespace

QByteArray header(const RequestRecord::Headers &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (sameName(key, name))
            return value;
    }
    return {};
}

QByteArray loadRunId(const RequestRecord &record)
{
    return header(record.requestHeaders, LoadRun::kRunHeader);
}

bool isTransportHeader(QByteArrayView name)
{
    static const char *const kTransport[] = {"Host", "Connection", "Keep-Alive", "Content-Length", "Transfer-Encoding",
                                             "Accept-Encoding", "Upgrade", "TE", LoadRun::kRunHeader};
    for (const char *transport : kTransport) {
        if (sameName(name, transport))
            return true;
    }
    return false;
}

QString text(const RequestRecord &record, const QString &baseUrl)
{
    QString out = QString::fromLatin1(record.method) + QLatin1Char(' ') + baseUrl + record.target + QLatin1Char('\n');
    out += headerLines(record.requestHeaders);
    if (record.requestBytes > 0)
        out += QLatin1Char('\n') + bodyText(record.requestBody, record.requestBytes);
    out += QStringLiteral("\n— response —\nHTTP %1 %2\n")
               .arg(record.status)
               .arg(QString::fromLatin1(reasonPhrase(record.status)));
    out += headerLines(record.responseHeaders);
    out += QLatin1Char('\n') + bodyText(record.responseBody, record.responseBytes);
    return out;
}

QString curl(const RequestRecord &record, const QString &baseUrl, QStringList *leftOut)
{
    QStringList words{QStringLiteral("curl"), QStringLiteral("-i")};
    if (record.method == "HEAD")
        words.append(QStringLiteral("--head"));
    else if (record.method != "GET")
        words << QStringLiteral("-X") << QString::fromLatin1(record.method);
    words.append(shellQuoted(baseUrl + record.target));
    for (const auto &[name, value] : record.requestHeaders) {
        if (isSecretHeader(name))
            leftOut->append(QString::fromLatin1(name));
        else if (!isTransportHeader(name))
            words << QStringLiteral("-H") << shellQuoted(QString::fromLatin1(name + ": " + value));
    }
    if (record.requestBytes > 0) {
        words << QStringLiteral("--data-binary") << shellQuoted(QString::fromUtf8(record.requestBody));
        if (record.requestBody.size() < record.requestBytes)
            leftOut->append(QCoreApplication::translate("RequestDetails", "the body past %1 bytes").arg(record.requestBody.size()));
    }
    return words.join(QLatin1Char(' '));
}

std::optional<DeliveryRequest> deliveryRequest(const RequestRecord &record)
{
    const QUrl url(record.target);
    const QString path = url.path();
    if (record.method != "GET" || (path != QLatin1String("/v1/delivery") && path != QLatin1String("/api/v1/delivery")))
        return std::nullopt;
    const QUrlQuery query(url);
    const auto value = [&query](const char *name) {
        return query.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded);
    };
    return DeliveryRequest{path, value("country"), value("os"), value("app"), value("limit").toLongLong()};
}

} // namespace adserve::RequestDetails
