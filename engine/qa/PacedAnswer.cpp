#include "PacedAnswer.h"

namespace adserve {

namespace {

constexpr int kChunkEveryMs = 20; // how finely a dribble is cut

int statusOf(const QByteArray &answer)
{
    // "HTTP/1.1 204 No Content\r\n..."
    return answer.mid(9, 3).toInt();
}

} // namespace

PacedAnswer::PacedAnswer(const WirePlan &plan, Report report)
    : plan_(plan)
    , report_(std::move(report))
{
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5% early
}

PacedAnswer::~PacedAnswer()
{
    if (ended_ || !clock_.isValid())
        return;
    // The connection went before the answer was done: the client gave up or the server stopped.
    const QString outcome = plan_.fault == Fault::Hang
                                ? QStringLiteral("hung until the client closed the connection after %1 ms").arg(clock_.elapsed())
                                : QStringLiteral("the client closed the connection after %1 ms, %2 of %3 bytes sent")
                                      .arg(clock_.elapsed()).arg(sent_).arg(answer_.size());
    report_({sent_ > 0 ? status_ : 0, outcome, waitMs_, sent_ > 0 ? clock_.elapsed() - waitMs_ : 0,
             double(clock_.elapsed())});
}

void PacedAnswer::start(QTcpSocket &client, QByteArray answer, Finished finished)
{
    client_ = &client;
    answer_ = std::move(answer);
    status_ = statusOf(answer_);
    headEnd_ = answer_.indexOf("\r\n\r\n") + 4;
    finished_ = std::move(finished);
    clock_.start();
    QObject::connect(&timer_, &QTimer::timeout, &timer_, [this] { waited(); });
    timer_.start(plan_.waitMs); // even 0: start() never finishes before it returns
}

void PacedAnswer::waited()
{
    QObject::disconnect(&timer_, nullptr, nullptr, nullptr);
    waitMs_ = clock_.nsecsElapsed() / 1e6;
    switch (plan_.fault) {
    case Fault::Reset: return end(Then::Reset, QStringLiteral("reset"), 0);
    case Fault::Close: return end(Then::Close, QStringLiteral("closed without an answer"), 0);
    case Fault::Hang:
        QObject::connect(&timer_, &QTimer::timeout, &timer_, [this] {
            end(Then::Close, QStringLiteral("hung until the server closed the connection after %1 ms").arg(clock_.elapsed()), 0);
        });
        timer_.start(std::max(0, plan_.hangMaxMs - int(waitMs_)));
        return;
    case Fault::Truncate:
        // The head promises the whole body; half of it comes, then the connection closes.
        answer_.truncate(headEnd_ + (answer_.size() - headEnd_) / 2);
        break;
    case Fault::None: break;
    }
    if (plan_.dribbleMs <= 0 || answer_.size() == headEnd_) {
        client_->write(answer_);
        sent_ = answer_.size();
        return allSent();
    }
    // The head at once, then the body as the time passes, so its last byte goes when dribbleMs have.
    client_->write(answer_.first(headEnd_));
    sent_ = headEnd_;
    dribbleFrom_ = clock_.elapsed();
    timer_.setSingleShot(false);
    QObject::connect(&timer_, &QTimer::timeout, &timer_, [this] { writeDue(); });
    timer_.start(kChunkEveryMs);
}

void PacedAnswer::writeDue()
{
    if (!client_)
        return;
    const qint64 into = clock_.elapsed() - dribbleFrom_;
    const qsizetype body = answer_.size() - headEnd_;
    const qsizetype due = into >= plan_.dribbleMs ? answer_.size() : headEnd_ + qsizetype(body * into / plan_.dribbleMs);
    if (due > sent_) {
        client_->write(answer_.constData() + sent_, due - sent_);
        sent_ = due;
    }
    if (sent_ == answer_.size())
        allSent();
}

void PacedAnswer::allSent()
{
    if (plan_.fault == Fault::Truncate)
        end(Then::Close, QStringLiteral("truncated"), status_);
    else
        end(Then::KeepServing, QStringLiteral("answered"), status_);
}

void PacedAnswer::end(Then then, const QString &outcome, int status)
{
    timer_.stop();
    ended_ = true;
    const double total = clock_.nsecsElapsed() / 1e6;
    report_({status, outcome, waitMs_, status ? total - waitMs_ : 0, total});
    finished_(then);
}

} // namespace adserve
