#pragma once

#include "Decision.h"
#include "MatchedIds.h"
#include "ServingWindow.h"
#include "TargetingQuery.h"
#include "model/Campaign.h"

#include <QHash>
#include <QList>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace adserve {

// What an answer is given for besides the request's targeting: at most `limit` campaigns,
// and for explanations, another instant ("time travel"; never on the delivery routes).
struct AnswerScope
{
    size_t limit = size_t(-1); // MatchIndex::kAll
    std::optional<qint64> at;  // ms since the epoch; none: as the index serves now
};

// An immutable, compiled index of every campaign's targeting. Each campaign has a bit,
// numbered in answer order (priority, highest first, then id); per dimension and per value
// the index keeps the bits of deliverable campaigns whose INCLUDE / EXCLUDE rules name that
// value, plus a bitset of those with no INCLUDE rule there, and for popular values the
// bitset of the campaigns that qualify. A match is then one AND of three bitsets, word by
// word, with a little more work only where a rare value's lists fall: no per-campaign work,
// results come out in answer order, and a limited match stops at its limit.
//
// Flights and day-parting are a fourth bitset, of the campaigns serving at the instant the
// index is "as of". at() makes the same index as of a later instant, sharing everything
// else; MatchEngine::advanceTo() swaps it in at each nextServingChange().
class RequestTally;

class MatchIndex
{
    struct Targeting; // the compiled targeting, shared by the indexes of other instants

public:
    static constexpr size_t kAll = size_t(-1); // no limit

    static std::shared_ptr<const MatchIndex> build(const QList<CampaignWithRules> &campaigns);
    // Builds an index from campaigns handed over one at a time (as a store read streams
    // them), holding nothing of them but what the index keeps. Several threads may add at
    // once, each to a lane of its own (parts of a store read side by side); the lanes share
    // one numbering of values, so their campaigns need no renumbering at the end.
    class Builder
    {
    public:
        explicit Builder(int lanes = 1);
        ~Builder();
        // Into `lane`, which one thread at a time fills. Campaigns in id order, each lane's
        // below the next lane's, spare finish() a sort.
        void add(const CampaignWithRules &campaign, int lane = 0);
        // Forgets what `lane` was given (its read starts over).
        void clear(int lane);
        // The index of every campaign added, as of now. Once only: the builder is spent.
        std::shared_ptr<const MatchIndex> finish();

    private:
        class Lane;
        std::shared_ptr<Targeting> targeting_;
        std::mutex numbering_; // guards targeting_'s value and zone numbers while lanes fill
        std::vector<std::unique_ptr<Lane>> lanes_;
    };
    // This index with the campaigns `changedIds` replaced by `current` (their targeting as
    // it is now; a changed id absent there was deleted), as of now. Only those are compiled
    // again.
    std::shared_ptr<const MatchIndex> withChanges(const QList<qint64> &changedIds,
                                                  const QList<CampaignWithRules> &current) const;
    // The same targeting with every campaign counted as deliverable and serving: status,
    // deletion, flights and day-parting aside (what reach over recorded traffic counts).
    std::shared_ptr<const MatchIndex> targetingAlone() const;
    // The same targeting with the campaigns serving at `ms` (ms since the epoch).
    std::shared_ptr<const MatchIndex> at(qint64 ms) const;
    qint64 servingAsOf() const { return asOf_; }
    // When a flight or day-parting boundary next changes who serves; kNever if none will.
    qint64 nextServingChange() const { return nextChange_; }

    // Ids of the deliverable campaigns serving now that qualify in every dimension, in
    // answer order, at most `limit`, into `ids` (its memory is reused: the request path
    // keeps one per thread).
    void match(const TargetingQuery &query, MatchedIds &ids, size_t limit = kAll) const;
    // The same, into a new vector: for callers off the request path.
    std::vector<qint64> match(const TargetingQuery &query, size_t limit = kAll) const;

    // The decision for every campaign (or only `campaignId`), in id order.
    QList<Decision> explain(const TargetingQuery &query, std::optional<qint64> campaignId = std::nullopt,
                            const AnswerScope &scope = {}) const;
    // Which campaigns explainFirst() covers.
    // Deliverable: ACTIVE and not deleted, what anyone may be told about.
    enum class ExplainScope { AllCampaigns, NotDelivered, Deliverable };
    struct ExplainPage
    {
        QList<Decision> decisions; // the first campaigns of the scope, in id order
        qsizetype total = 0;       // how many campaigns the scope holds
    };
    // The decisions for at most `rows` campaigns of `which`, as explain() decides them: a
    // viewer pays for the rows it shows, not for every campaign of a large store.
    ExplainPage explainFirst(const TargetingQuery &query, ExplainScope which, qsizetype rows,
                             const AnswerScope &scope = {}) const;

    qsizetype campaignCount() const;
    qsizetype ruleCount() const;
    // Every campaign's, ascending; the first `max` only when given (a choice list of a large
    // store wants a few thousand, not a pass over a million).
    QList<qint64> campaignIds(qsizetype max = -1) const;
    QString codeOf(qint64 campaignId) const;
    // The id of the campaign with this code (a scan: for explain and tools, not the hot path).
    std::optional<qint64> idOfCode(const QString &code) const;
    // Whether the campaign serves at `ms` by its flight and day-parting (status aside), and
    // the next instant after `ms` at which that changes (kNever: it never does).
    struct ServingAt
    {
        ServingWindow::State state = ServingWindow::State::Serving;
        qint64 nextChange = kNever;
    };
    std::optional<ServingAt> servingOf(qint64 campaignId, qint64 ms) const;

    // --- for keeping campaigns beside the index without a second copy of their targeting
    // (the studio's catalog). A compiled campaign lives as long as the index that gives it.
    struct CampaignEntry;
    // The campaign's compiled targeting, when it gives back `campaign`'s rules exactly as the
    // store holds them (codes, values as spelt, none deleted), times aside; else null.
    const CampaignEntry *sharedTargetingOf(const CampaignWithRules &campaign) const;
    static int ruleCountOf(const CampaignEntry &entry);
    static const QString &codeOf(const CampaignEntry &entry);
    // Its rules as the store holds them, but for their times: the index keeps none.
    QList<TargetRule> rulesOf(const CampaignEntry &entry, qint64 campaignId) const;
    // A request's value as this index numbers `dimension`'s values; -1 when no rule names it.
    int valueIdOf(Dimension dimension, const QString &value) const;
    // Whether a request with that value qualifies in `dimension` by the entry's rules.
    static bool qualifiesIn(const CampaignEntry &entry, Dimension dimension, int valueId);
    // Whether no request can qualify: in some dimension every value INCLUDE rules name is
    // excluded (RuleReach's dimensionThatNeverQualifies).
    static bool neverQualifies(const CampaignEntry &entry);

private:
    friend class RequestTally; // sums requests per campaign over many requests, bit by bit

    using Bits = std::vector<uint64_t>;
    struct Explaining;
    struct Numbering;

    MatchIndex(std::shared_ptr<const Targeting> targeting, qint64 ms);
    void scan(const TargetingQuery &query, MatchedIds &ids, size_t limit, const Bits &serving) const;
    Bits servingAt(qint64 ms, qint64 *nextChange = nullptr) const;
    Explaining explaining(const TargetingQuery &query, const AnswerScope &scope, bool needsAnswer) const;
    Decision decide(const CampaignEntry &campaign, const Explaining &context) const;
    // The values of `valueIds` (repeats dropped here) as first written, in that order.
    QStringList spellingsOf(Dimension dimension, std::vector<int> &valueIds) const;

    std::shared_ptr<const Targeting> targeting_; // shared by the indexes of other instants
    Bits serving_; // campaigns whose flight and day-parting serve as of asOf_; empty: all
    qint64 asOf_ = 0;
    qint64 nextChange_ = kNever;
};

} // namespace adserve
