#pragma once

#include "RecordedTraffic.h"
#include "model/Campaign.h"

#include <QList>
#include <QStringList>

#include <array>
#include <cstdint>
#include <vector>

namespace adserve {

// A campaign's rules judging every distinct value of recorded traffic, each value once, with
// delivery's semantics (DESIGN: targeting semantics) and the rules that block a value:
// in a dimension with INCLUDE rules a value outside their union is blocked by the INCLUDE
// rules together ("INCLUDE country: US, CA"); each EXCLUDE rule naming a value blocks it.
// TrafficRow::kOther in a dimension with rules cannot be judged: Unattributed.
class ValueVerdicts
{
public:
    struct Blocker
    {
        Dimension dimension = Dimension::Country;
        RuleType type = RuleType::Include;
        QList<qint64> ruleIds; // the INCLUDE rules of the dimension together, or one EXCLUDE rule
        QStringList values;    // as written, each once
        QString describe() const { return describeRule(type, dimension, values); }
    };
    enum class Verdict : uint8_t { Qualifies, Blocked, Unattributed };

    ValueVerdicts(const QList<TargetRule> &rules, const RecordedTraffic &traffic);

    Verdict verdict(Dimension d, int value) const { return verdicts_[size_t(d)][size_t(value)]; }
    // The blockers (into blockers()) of a Blocked value.
    const int *blockersBegin(Dimension d, int value) const { return blockerIds_[size_t(d)].data() + firstBlocker(d, value); }
    const int *blockersEnd(Dimension d, int value) const { return blockerIds_[size_t(d)].data() + firstBlocker(d, value + 1); }
    const QList<Blocker> &blockers() const { return blockers_; }

private:
    quint32 firstBlocker(Dimension d, int value) const { return blockerStarts_[size_t(d)][size_t(value)]; }
    void judge(Dimension dimension, const QList<TargetRule> &rules, const RecordedTraffic &traffic);

    QList<Blocker> blockers_;
    std::array<std::vector<Verdict>, kDimensionCount> verdicts_;
    // Per dimension, value v's blockers are blockerIds_[blockerStarts_[v], blockerStarts_[v + 1]).
    std::array<std::vector<quint32>, kDimensionCount> blockerStarts_;
    std::array<std::vector<int>, kDimensionCount> blockerIds_;
};

} // namespace adserve
