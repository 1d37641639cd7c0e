#pragma once

// The store's private part, shared by CampaignStore.cpp and CampaignStoreBulk.cpp. Not for
// use outside the store.
#include "CampaignRows.h"
#include "CampaignStore.h"
#include "CampaignWrites.h"
#include "SqlSession.h"

namespace adserve {

struct CampaignStore::Private
{
    explicit Private(const DatabaseTarget &t) : sessions(t) {}

    StoreSessions sessions;

    // Runs `op` with the campaign tables of the calling thread's connection (see StoreSessions).
    template<typename Op>
    auto run(Access access, Op &&op)
    {
        return sessions.run(access, [&](SqlSession &session) {
            CampaignRows rows(session);
            CampaignWrites writes(rows);
            return op(writes);
        });
    }

    // A write transaction stamped with `context`: the result carries the change id it produced.
    template<typename Op>
    auto write(const WriteContext &context, Op &&op, WriteReceipt *receipt = nullptr, Access access = Access::Write)
    {
        WriteReceipt own;
        auto result = sessions.write(access, context, [&](SqlSession &session) {
            CampaignRows rows(session);
            CampaignWrites writes(rows);
            return op(writes);
        }, receipt ? receipt : &own);
        result.changeId = (receipt ? receipt : &own)->changeId;
        return result;
    }

    // Fills a new embedded store with the sample campaigns, once.
    bool seedSamplesIfNew(QString *error);
};

} // namespace adserve
