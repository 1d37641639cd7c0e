#pragma once

#include "model/Campaign.h"

#include <QStringList>

namespace adserve {

class CampaignStore;

// The values a targeting input completes from: the built-in lists (ISO country codes,
// common OS names) plus every value the store's rules already use (apps seen in the data).
namespace ValueCatalog {

QStringList builtIn(Dimension dimension);
// builtIn() and the store's known values, without case-insensitive duplicates, sorted.
QStringList known(const CampaignStore &store, Dimension dimension);

} // namespace ValueCatalog
} // namespace adserve
