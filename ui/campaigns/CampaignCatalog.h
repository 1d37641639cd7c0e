#pragma once

#include "model/Campaign.h"
#include "store/StoreParts.h"
#include "targeting/MatchIndex.h"

#include <QStringList>

#include <array>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace adserve {

class JobControl;

// The campaigns as the studio last read them from the store, in id order, never changed
// once made: the table, its filters, the bulk edits' previews and the editor's code check
// share one copy, and work off the GUI thread reads it without locks. A reload makes a new
// catalog.
//
// Compact, because a store can hold a million campaigns: as CampaignWithRules each would
// take ~1.5 KB (an allocation per string, list and rule). Here a campaign is a fixed-size
// record, its texts UTF-8 in one pool (a name, status, CTA or image used by many campaigns
// is kept once), a rule's values one list of ids into one table of values, a default rule
// code its number, and times the rules share with their campaign are not repeated. The
// table, its filters and sorts read the records in place; at() gives a campaign whole.
//
// Read beside the engine's index, a campaign whose rules the index gives back exactly (most
// do) keeps no rules of its own: it points at the index's compiled campaign, and the catalog
// keeps that index alive.
class CampaignCatalog
{
    struct Record;

public:
    enum class Text { Code, Name, Status, Cta, Image };
    static constexpr int kTextCount = 5;

    // Fills a catalog one campaign at a time, as the store reads them: no list of the whole
    // store is held beside it.
    class Builder
    {
    public:
        // With `index`, a campaign's rules are the index's when it has them exactly.
        explicit Builder(std::shared_ptr<const MatchIndex> index = {});
        ~Builder();
        void reserve(qsizetype campaigns);
        void add(const CampaignWithRules &campaign); // in any order of ids
        // Takes over what `later` was given (parts of a store read side by side, each into a
        // builder of its own); `later` is spent.
        void append(Builder &&later);
        std::shared_ptr<const CampaignCatalog> finish();

    private:
        struct Interning;
        quint32 textOf(const QString &text, bool shared);
        // Adds the bytes as one text, after `stem` when it is not kNone.
        quint32 storedText(QByteArrayView bytes, bool ascii, bool shared, quint32 stem);
        quint32 valueIdOf(const QString &value); // numbers a new value
        quint32 valuesOf(const QStringList &values);
        quint32 dayPartingIdOf(const DayParting &dayParting); // numbers a new one
        quint32 listOf(const std::string &valueIds); // the ids' bytes; numbers a new list
        bool neverQualifies(qsizetype firstRule, qsizetype ruleCount) const;
        void addOwnRules(Record &record, const CampaignWithRules &source);
        void addSharedRules(Record &record, const CampaignWithRules &source); // record.shared set

        std::shared_ptr<CampaignCatalog> catalog_;
        std::unique_ptr<Interning> interning_;
    };

    static std::shared_ptr<const CampaignCatalog> make(const QList<CampaignWithRules> &campaigns,
                                                       std::shared_ptr<const MatchIndex> index = {});
    // Every live campaign of the store, streamed into the catalog: the store is never held
    // whole as campaigns. A large store in parts side by side (StoreParts), each into a
    // builder of its own, joined at the end. With `job`, reports how far it got, and a
    // cancel stops the read (a failure).
    static StoreResult<std::shared_ptr<const CampaignCatalog>> read(const CampaignStore &store,
                                                                     std::shared_ptr<const MatchIndex> index = {},
                                                                     const StoreParts &parts = {},
                                                                     JobControl *job = nullptr);

    qsizetype size() const { return qsizetype(campaigns_.size()); }
    // Index of the campaign with this id, -1 when absent.
    qsizetype indexOf(qint64 id) const;
    // The id of the campaign with this code, 0 when none has it.
    qint64 idOfCode(const QString &code) const;
    // The campaign whole, as the store gave it.
    CampaignWithRules at(qsizetype index) const;

    // --- in place, for the table, its filters and sorts ------------------------------------
    qint64 id(qsizetype index) const { return campaigns_[size_t(index)].id; }
    QString text(qsizetype index, Text field) const;
    // Text searched for, case-folded once per search, not once per campaign.
    struct Needle
    {
        explicit Needle(const QString &text);
        QString folded;
        bool ascii;
    };
    // Whether the text holds the needle, in any case.
    bool textContains(qsizetype index, Text field, const Needle &needle) const;
    // Asks memory ahead for what textContains reads of a campaign: a filter over a million
    // campaigns waits on memory far more than it compares. In two steps, a few campaigns apart:
    // the index's entry first (the code is behind it), then the texts and the code's characters.
    void prefetchEntry(qsizetype index) const;
    void prefetchTexts(qsizetype index) const;
    bool isActive(qsizetype index) const { return campaigns_[size_t(index)].flags & kActive; }
    bool isDeleted(qsizetype index) const { return campaigns_[size_t(index)].flags & kDeleted; }
    int priority(qsizetype index) const { return campaigns_[size_t(index)].priority; }
    int ruleCount(qsizetype index) const;
    // Whether the campaign's rules are the index's (it keeps none of its own), and how many are.
    bool sharesTargeting(qsizetype index) const { return campaigns_[size_t(index)].shared; }
    qsizetype sharedTargetingCount() const;
    QDateTime updatedAt(qsizetype index) const;
    ServingTimes serving(qsizetype index) const;
    QDateTime flightEnd(qsizetype index) const; // invalid: none

    // A request value as the rules' values are compared with it (normalizeValue): found
    // once per filter, then compared by number with every rule.
    struct RequestValue
    {
        int normalizedId = -1; // -1: no rule names it
        std::array<int, kDimensionCount> indexIds{-1, -1, -1}; // as the index numbers it
    };
    RequestValue requestValue(const QString &value) const;
    // Whether a request carrying `value` qualifies in `dimension` (RuleReach's qualifiesIn).
    bool qualifiesIn(qsizetype index, Dimension dimension, RequestValue value) const;
    // Whether no request can qualify in some dimension (RuleReach's dimensionThatNeverQualifies).
    bool neverQualifies(qsizetype index) const { return campaigns_[size_t(index)].flags & kNeverQualifies; }

private:
    static constexpr quint32 kNone = 0xFFFFFFFFu;
    static constexpr quint32 kDefaultCode = 0x80000000u; // a rule code that is this | n
    enum Flag : quint8 { kDeleted = 1, kActive = 2, kNeverQualifies = 4 };
    // Times as records keep them: ms since the epoch, or kNoTime for none.
    static constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();
    static qint64 msOf(const QDateTime &time);
    static QDateTime timeOf(qint64 ms);
    static bool isAscii(QStringView text);

    struct Record
    {
        qint64 id = 0;
        qint64 createdMs = 0;
        qint64 updatedMs = 0;
        // Offsets into texts_, by Text; a code of kNone is the one the index keeps (`shared`).
        std::array<quint32, kTextCount> texts{};
        quint32 firstRule = 0; // into rules_; when `shared`, into ruleTimes_ (kNone: the campaign's)
        quint32 extras = kNone; // index into extras_
        qint32 priority = 0;
        quint32 ruleCount = 0;
        quint8 flags = 0;
        const MatchIndex::CampaignEntry *shared = nullptr; // the rules are the index's, not in rules_
    };
    // What some campaigns have: serving times, a deletion time. In 32 bytes (a ServingTimes
    // kept here took 80): a generated store of a million campaigns has 352,391 of them.
    struct Extras
    {
        qint64 flightStartMs; // each time in ms, or kNoTime
        qint64 flightEndMs;
        qint64 deletedMs;
        quint32 dayParting; // into dayPartings_ (a week's hours and zone, each kept once), or kNone
    };
    // 24 bytes: a million campaigns have a few million rules.
    struct Rule
    {
        qint64 id = 0;
        quint32 code = 0;      // kDefaultCode | n, or an offset into texts_
        quint32 values = 0;    // offset into valueLists_: the count, then the value ids
        quint32 times = kNone; // index into ruleTimes_; none: the campaign's, not deleted
        Dimension dimension : 3 = Dimension::Country; // signed: 3 bits hold 0..2
        RuleType type : 2 = RuleType::Include;
        bool deleted : 1 = false;
    };
    static_assert(sizeof(Rule) == 24);
    struct RuleTimes
    {
        qint64 createdMs = 0;
        qint64 updatedMs = 0;
        qint64 deletedMs = 0;
    };

    // A text as the pool keeps it: its bytes, after those of its stem if it has one.
    struct StoredText
    {
        QByteArrayView bytes;
        quint32 stem = kNone; // offset of the text it continues
        bool ascii = true;    // the whole text, stem included
    };
    StoredText storedAt(quint32 offset) const;
    QString textAt(quint32 offset) const;
    // The rule's times: those kept at ruleTimes_[times], or kNone: the campaign's.
    void setTimes(TargetRule &rule, const Campaign &campaign, quint32 times) const;
    const quint32 *valuesAt(quint32 offset) const { return valueLists_.data() + offset; }

    std::shared_ptr<const MatchIndex> index_; // what shared rules live in
    std::vector<Record> campaigns_; // by id
    std::vector<Rule> rules_;
    std::vector<RuleTimes> ruleTimes_;
    std::vector<Extras> extras_;
    std::vector<DayParting> dayPartings_;
    // Per text: a quint32 (length << 2 | has a stem << 1 | not ASCII), its stem's offset when
    // it has one, then UTF-8. A shared text with a long head up to a '/' (a URL: creatives of
    // one CDN folder) keeps that head once, as its stem: a million image URLs share it.
    std::vector<char> texts_;
    std::vector<quint32> valueLists_; // per list: the count, then ids into values_
    QStringList values_;              // as spelt in the rules
    std::vector<int> normalizedOf_;   // by value id: the id of its normalized form
    QStringList normalized_;          // the normalized forms
    std::vector<quint32> codeSlots_;  // open addressing by the code's hash: campaign index + 1, 0 empty
};

} // namespace adserve
