#pragma once

#include "Scenario.h"
#include "http/AnswerWriter.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace adserve {

// How an answer goes over the wire: held back, dribbled, or replaced by a fault.
struct WirePlan
{
    int waitMs = 0;    // before the first byte
    int dribbleMs = 0; // from the first to the last byte of the body
    Fault fault = Fault::None;
    int hangMaxMs = 60'000; // a hang ends here (the server closes) if the client has not given up

    bool needed() const { return waitMs > 0 || dribbleMs > 0 || fault != Fault::None; }
};

// Writes one answer by its WirePlan on timers of the connection's thread (never by sleeping:
// the thread serves its other connections meanwhile), and reports what the client got.
class PacedAnswer final : public AnswerWriter
{
public:
    struct Result
    {
        int status = 0; // 0: no answer went out
        QString outcome;
        double waitMs = 0;
        double receiveMs = 0;
        double totalMs = 0;
    };
    using Report = std::function<void(const Result &)>;

    // `report` is called once, on the connection's thread, when the answer is done or the
    // client has left (then from the destructor).
    PacedAnswer(const WirePlan &plan, Report report);
    ~PacedAnswer() override;

    void start(QTcpSocket &client, QByteArray answer, Finished finished) override;

private:
    void waited();
    void writeDue();
    void allSent();
    void end(Then then, const QString &outcome, int status);

    const WirePlan plan_;
    Report report_;
    Finished finished_;
    QPointer<QTcpSocket> client_;
    QByteArray answer_;
    qsizetype headEnd_ = 0; // where the body begins
    qsizetype sent_ = 0;
    qint64 dribbleFrom_ = 0; // ms on clock_ when the head went
    int status_ = 0;
    QTimer timer_;
    QElapsedTimer clock_;
    double waitMs_ = 0;
    bool ended_ = false;
};

} // namespace adserve
