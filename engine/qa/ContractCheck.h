#pragma once

#include "http/HttpApi.h"

#include <QString>

namespace adserve {

// Something a request does that the delivery API's contract does not allow or expect.
struct ContractFlag
{
    QString param;
    QString reason;
};

// Checks requests to the delivery routes (/v1/delivery, /api/v1/delivery) against their
// contract, whatever the engine or a scenario answers: required parameters (app, country, os)
// present and not blank, no unknown or repeated parameters, country an ISO 3166-1 alpha-2
// code, os a known OS name (resources/values), limit a whole number from 1, no value over
// 256 characters. Other paths are not checked. Stateless, so any thread may use it.
class ContractCheck
{
public:
    static QList<ContractFlag> check(const HttpRequest &request);
};

} // namespace adserve
