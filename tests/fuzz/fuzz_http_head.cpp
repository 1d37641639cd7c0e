// The edge guard's HTTP parsing as a connection drives it: the request head parsed from every
// prefix the network delivers, then a chunked body scanned in the same pieces.
#include "FuzzCheck.h"
#include "http/RequestHead.h"

#include <algorithm>
#include <optional>

using namespace adserve;

namespace {

// The limits the guard runs with, and small ones so that inputs reach each of them.
const HttpLimits kDefaultLimits;
const HttpLimits kSmallLimits{32, 128, 64};

bool isHeadStatus(int status)
{
    for (int documented : {400, 414, 417, 431, 501, 505}) {
        if (status == documented)
            return true;
    }
    return false;
}

// Where the next piece a network delivers ends: 1 to 16 bytes on, taken from the bytes
// themselves so the fuzzer varies the splits too.
qsizetype pieceEnd(QByteArrayView data, qsizetype at)
{
    return std::min(data.size(), at + 1 + (uchar(data[at]) ^ qsizetype(at)) % 16);
}

// Parses ever longer prefixes, as the guard does while bytes arrive. Once Complete or
// Rejected, every longer prefix must give the same answer: the verdict depends on the
// bytes seen, not on how they arrived. Returns the complete head's size, or 0.
qsizetype checkHead(QByteArrayView data, const HttpLimits &limits)
{
    struct Verdict
    {
        RequestHeadParser::Result result;
        qsizetype size;
        int status;
    };
    std::optional<Verdict> settled;
    for (qsizetype end = 0; end < data.size();) {
        end = pieceEnd(data, end);
        RequestHead head;
        HttpRejection rejection;
        const auto result = RequestHeadParser::parse(data.first(end), limits, &head, &rejection);
        if (result == RequestHeadParser::Result::Incomplete) {
            FUZZ_CHECK(!settled);
            continue;
        }
        if (result == RequestHeadParser::Result::Complete) {
            FUZZ_CHECK(head.size > 0 && head.size <= end && head.size <= limits.maxHeaderBytes);
            FUZZ_CHECK(head.contentLength >= 0 && !(head.chunked && head.contentLength > 0));
            FUZZ_CHECK(head.target.startsWith('/') || head.target == "*");
        } else {
            FUZZ_CHECK(isHeadStatus(rejection.status));
        }
        const Verdict verdict{result, result == RequestHeadParser::Result::Complete ? head.size : 0,
                              result == RequestHeadParser::Result::Rejected ? rejection.status : 0};
        if (!settled)
            settled = verdict;
        FUZZ_CHECK(verdict.result == settled->result && verdict.size == settled->size
                   && verdict.status == settled->status);
    }
    return settled ? settled->size : 0;
}

// Scans `body` in one piece and in the network's pieces: the same verdict and the same end.
void checkChunkedBody(QByteArrayView body, qint64 maxBody)
{
    using Result = ChunkedBodyScanner::Result;
    ChunkedBodyScanner whole(maxBody);
    qsizetype wholeUsed = 0;
    HttpRejection wholeRejection;
    const Result expected = whole.scan(body, &wholeUsed, &wholeRejection);
    if (expected == Result::Rejected)
        FUZZ_CHECK(wholeRejection.status == 400 || wholeRejection.status == 413);
    else
        FUZZ_CHECK(wholeUsed <= body.size());

    ChunkedBodyScanner pieces(maxBody);
    qsizetype used = 0;
    Result result = Result::Incomplete;
    HttpRejection rejection;
    for (qsizetype at = 0; at < body.size() && result == Result::Incomplete;) {
        const qsizetype end = pieceEnd(body, at);
        qsizetype pieceUsed = 0;
        result = pieces.scan(body.sliced(at, end - at), &pieceUsed, &rejection);
        if (result == Result::Rejected)
            break;
        FUZZ_CHECK(pieceUsed <= end - at);
        // An unfinished body takes all it was given.
        FUZZ_CHECK(result == Result::Complete || pieceUsed == end - at);
        used += pieceUsed;
        at = end;
    }
    FUZZ_CHECK(result == expected);
    if (result == Result::Complete)
        FUZZ_CHECK(used == wholeUsed);
    if (result == Result::Rejected)
        FUZZ_CHECK(rejection.status == wholeRejection.status);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = fuzzInput(data, size);
    for (const HttpLimits &limits : {kDefaultLimits, kSmallLimits}) {
        // What follows a complete head is its body; else the input is read as a body alone.
        const qsizetype headSize = checkHead(input, limits);
        checkChunkedBody(QByteArrayView(input).sliced(headSize), limits.maxBodyBytes);
    }
    return 0;
}
