#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <chrono>

namespace adserve {

// What one connection may cost the server (HTTP_* settings): checked by the edge guard
// before QHttpServer reads a byte of a request.
struct HttpLimits
{
    int maxRequestLine = 8 * 1024;   // 414 beyond
    int maxHeaderBytes = 16 * 1024;  // request line and headers together; 431 beyond
    qint64 maxBodyBytes = 1 << 20;   // routes that take a body; 413 beyond
    std::chrono::milliseconds headerTimeout{10'000}; // from a request's first byte to its last header
    std::chrono::milliseconds bodyTimeout{30'000};   // from the last header to the last byte of the body
    std::chrono::milliseconds idleTimeout{60'000};   // a kept-alive connection with no request
    int maxConnections = 4096;       // open at once; then the longest idle goes, or new ones get 503
};

// Why a request is refused, and with what status.
struct HttpRejection
{
    int status = 400;
    QByteArray reason;
};

// The head of one request, as the guard parsed it.
struct RequestHead
{
    QByteArray method;
    QByteArray target;                          // origin-form ("/path?query"), or "*"
    int minorVersion = 1;                       // HTTP/1.<minor>
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-case, values trimmed
    qsizetype size = 0;        // bytes of the head, its empty line included
    qint64 contentLength = 0;  // of a body that is not chunked
    bool chunked = false;
    bool keepAlive = true;     // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
    bool expectContinue = false;

    QByteArray path() const
    {
        const qsizetype query = target.indexOf('?');
        return query < 0 ? target : target.first(query);
    }
    bool hasBody() const { return chunked || contentLength > 0; }
};

// Parses the head of one HTTP/1.x request strictly, before anything else reads it: what is
// malformed or ambiguous (a request-smuggling ingredient behind a proxy) is refused rather
// than guessed at, and no limit of HttpLimits is passed while reading.
//
// Refused: a request line that is not exactly "METHOD SP target SP HTTP/1.x" (400), too long
// (414), a version other than HTTP/1.0 and 1.1 (505), a method adserve does not serve (501),
// a target that is not a path, header lines without a colon, with space before it, folded
// over lines, or ending in a bare LF (400), a head over the limit (431), Content-Length and
// Transfer-Encoding together, Content-Length twice, or not a number (400), a transfer coding
// other than chunked (501), HTTP/1.1 without exactly one Host (400), a WebSocket upgrade (400),
// an Expect other than 100-continue (417).
class RequestHeadParser
{
public:
    enum class Result { Incomplete, Complete, Rejected };

    // Parses the head at the start of `data` (bytes from where the request begins).
    static Result parse(QByteArrayView data, const HttpLimits &limits, RequestHead *head, HttpRejection *rejection);
};

// Follows a chunked body as it arrives, strictly: hexadecimal sizes without extensions, CRLF
// after each chunk, no trailers. Knows where the body ends (where the next pipelined request
// begins) and refuses a body over the limit while it is still arriving.
class ChunkedBodyScanner
{
public:
    enum class Result { Incomplete, Complete, Rejected };

    explicit ChunkedBodyScanner(qint64 maxBodyBytes) : maxBody_(maxBodyBytes) {}
    // Reads on from where it stopped; `used` is how many bytes of `more` belong to the body.
    Result scan(QByteArrayView more, qsizetype *used, HttpRejection *rejection);

private:
    enum class State { Size, SizeLf, Data, DataCr, DataLf, LastCr, LastLf, Done };
    State state_ = State::Size;
    qint64 maxBody_;
    qint64 bodyBytes_ = 0; // data bytes so far
    qint64 chunkLeft_ = 0;
    int sizeDigits_ = 0;
};

} // namespace adserve
