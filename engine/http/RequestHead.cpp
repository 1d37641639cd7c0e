#include "RequestHead.h"

#include <array>

namespace adserve {

namespace {

constexpr int kMaxHeaders = 100;
// Empty lines a client may send before a request line (after a body, some do): skipped.
constexpr int kMaxLeadingEmptyLines = 4;

// RFC 9110 token characters.
bool isTokenChar(char c)
{
    static constexpr std::array<bool, 256> table = [] {
        std::array<bool, 256> t{};
        for (int c = '0'; c <= '9'; ++c)
            t[c] = true;
        for (int c = 'a'; c <= 'z'; ++c)
            t[c] = t[c - 'a' + 'A'] = true;
        for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'})
            t[uchar(c)] = true;
        return t;
    }();
    return table[uchar(c)];
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Visible characters and non-ASCII bytes: what a request target and a header value may hold
// (a value also tabs). No control characters, NUL above all.
bool isFieldText(QByteArrayView text, bool tabs)
{
    for (char c : text) {
        const uchar u = uchar(c);
        if ((u < 0x20 && !(tabs && c == '\t')) || u == 0x7f)
            return false;
    }
    return true;
}

bool isServedMethod(QByteArrayView method)
{
    for (const char *served : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
        if (method == served)
            return true;
    }
    return false;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

// Comma-separated tokens of a header value, lower-case.
QList<QByteArray> tokens(QByteArrayView value)
{
    QList<QByteArray> result;
    for (const QByteArray &part : value.toByteArray().split(',')) {
        const QByteArray token = trimmed(part).toByteArray().toLower();
        if (!token.isEmpty())
            result.append(token);
    }
    return result;
}

RequestHeadParser::Result reject(HttpRejection *rejection, int status, const char *reason)
{
    *rejection = {status, QByteArray(reason)};
    return RequestHeadParser::Result::Rejected;
}

} // namespace

RequestHeadParser::Result RequestHeadParser::parse(QByteArrayView data, const HttpLimits &limits, RequestHead *head,
                                                   HttpRejection *rejection)
{
    *head = {};
    qsizetype at = 0;
    for (int skipped = 0; data.sliced(at).startsWith("\r\n"); ++skipped, at += 2) {
        if (skipped == kMaxLeadingEmptyLines)
            return reject(rejection, 400, "empty lines instead of a request");
    }
    if (at == data.size() || (at + 1 == data.size() && data.back() == '\r'))
        return Result::Incomplete;

    // The request line.
    const qsizetype lineEnd = data.indexOf('\n', at);
    if (lineEnd < 0)
        return data.size() - at > limits.maxRequestLine ? reject(rejection, 414, "request line too long")
                                                        : Result::Incomplete;
    if (lineEnd - at > limits.maxRequestLine)
        return reject(rejection, 414, "request line too long");
    if (lineEnd == at || data.at(lineEnd - 1) != '\r')
        return reject(rejection, 400, "request line must end with CRLF");
    const QByteArrayView line = data.sliced(at, lineEnd - 1 - at);
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0)
        return reject(rejection, 400, "request line must be METHOD SP target SP HTTP-version");
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(secondSpace + 1);
    if (!isToken(method))
        return reject(rejection, 400, "malformed method");
    if (target.isEmpty() || !isFieldText(target, false))
        return reject(rejection, 400, "malformed request target");
    if (version.size() != 8 || !version.startsWith("HTTP/") || version.at(6) != '.' || version.at(5) < '0'
        || version.at(5) > '9' || version.at(7) < '0' || version.at(7) > '9')
        return reject(rejection, 400, "malformed HTTP version");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return reject(rejection, 505, "HTTP version not supported: HTTP/1.1 and HTTP/1.0 are");
    if (!isServedMethod(method))
        return reject(rejection, 501, "method not implemented");
    if (!target.startsWith('/') && !(method == "OPTIONS" && target == "*"))
        return reject(rejection, 400, "the request target must be a path");
    head->method = method.toByteArray();
    head->target = target.toByteArray();
    head->minorVersion = version.at(7) - '0';
    head->keepAlive = head->minorVersion == 1;

    // The header lines, up to the empty one.
    int hosts = 0, lengths = 0, encodings = 0;
    bool lengthGiven = false;
    for (at = lineEnd + 1;;) {
        const qsizetype end = data.indexOf('\n', at);
        if (end < 0)
            return data.size() > limits.maxHeaderBytes ? reject(rejection, 431, "request header fields too large")
                                                       : Result::Incomplete;
        if (end + 1 > limits.maxHeaderBytes)
            return reject(rejection, 431, "request header fields too large");
        if (end == at || data.at(end - 1) != '\r')
            return reject(rejection, 400, "header lines must end with CRLF");
        const QByteArrayView field = data.sliced(at, end - 1 - at);
        at = end + 1;
        if (field.isEmpty())
            break;
        if (field.front() == ' ' || field.front() == '\t')
            return reject(rejection, 400, "folded header lines are not accepted");
        const qsizetype colon = field.indexOf(':');
        if (colon <= 0 || !isToken(field.first(colon)))
            return reject(rejection, 400, "malformed header field name");
        const QByteArrayView value = trimmed(field.sliced(colon + 1));
        if (!isFieldText(value, true))
            return reject(rejection, 400, "control characters in a header value");
        if (head->headers.size() == kMaxHeaders)
            return reject(rejection, 431, "too many header fields");
        const QByteArray name = field.first(colon).toByteArray().toLower();
        head->headers.append({name, value.toByteArray()});

        if (name == "host") {
            ++hosts;
        } else if (name == "content-length") {
            ++lengths;
            bool ok = value.size() <= 18 && !value.isEmpty();
            for (char c : value)
                ok = ok && c >= '0' && c <= '9';
            if (!ok)
                return reject(rejection, 400, "Content-Length must be a number");
            head->contentLength = value.toLongLong();
            lengthGiven = true;
        } else if (name == "transfer-encoding") {
            ++encodings;
            if (tokens(value) != QList<QByteArray>{"chunked"})
                return reject(rejection, 501, "only the chunked transfer coding is implemented");
            head->chunked = true;
        } else if (name == "connection") {
            const QList<QByteArray> options = tokens(value);
            if (options.contains("close"))
                head->keepAlive = false;
            else if (options.contains("keep-alive"))
                head->keepAlive = true;
        } else if (name == "expect") {
            if (value.toByteArray().toLower() != "100-continue")
                return reject(rejection, 417, "only Expect: 100-continue is understood");
            head->expectContinue = true;
        } else if (name == "upgrade") {
            if (tokens(value).contains("websocket"))
                return reject(rejection, 400, "WebSocket is not served here");
        }
    }
    if (lengths > 1)
        return reject(rejection, 400, "Content-Length given more than once");
    if (encodings > 1)
        return reject(rejection, 400, "Transfer-Encoding given more than once");
    if (lengthGiven && head->chunked)
        return reject(rejection, 400, "Content-Length and Transfer-Encoding together");
    if (head->chunked && head->minorVersion == 0)
        return reject(rejection, 400, "HTTP/1.0 has no chunked transfer coding");
    if (hosts > 1 || (hosts == 0 && head->minorVersion == 1))
        return reject(rejection, 400, "HTTP/1.1 needs exactly one Host header");
    head->size = at;
    return Result::Complete;
}

ChunkedBodyScanner::Result ChunkedBodyScanner::scan(QByteArrayView more, qsizetype *used, HttpRejection *rejection)
{
    constexpr int kMaxSizeDigits = 15;
    const auto refuse = [&](int status, const char *reason) {
        *rejection = {status, QByteArray(reason)};
        return Result::Rejected;
    };
    qsizetype i = 0;
    while (i < more.size() && state_ != State::Done) {
        const char c = more.at(i);
        switch (state_) {
        case State::Size:
            if (c == '\r' && sizeDigits_ > 0) {
                state_ = State::SizeLf;
            } else {
                const int digit = c >= '0' && c <= '9' ? c - '0'
                                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                         : -1;
                if (digit < 0 || ++sizeDigits_ > kMaxSizeDigits)
                    return refuse(400, "malformed chunk size (no extensions are accepted)");
                chunkLeft_ = chunkLeft_ * 16 + digit;
            }
            ++i;
            break;
        case State::SizeLf:
            if (c != '\n')
                return refuse(400, "chunk size line must end with CRLF");
            sizeDigits_ = 0;
            state_ = chunkLeft_ == 0 ? State::LastCr : State::Data;
            if (chunkLeft_ > maxBody_ - bodyBytes_)
                return refuse(413, "request body too large");
            ++i;
            break;
        case State::Data: {
            const qsizetype take = std::min<qint64>(chunkLeft_, more.size() - i);
            chunkLeft_ -= take;
            bodyBytes_ += take;
            i += take;
            if (chunkLeft_ == 0)
                state_ = State::DataCr;
            break;
        }
        case State::DataCr:
        case State::LastCr:
            if (c != '\r')
                return refuse(400, state_ == State::LastCr ? "no trailers are accepted after the last chunk"
                                                           : "chunk data must end with CRLF");
            state_ = state_ == State::DataCr ? State::DataLf : State::LastLf;
            ++i;
            break;
        case State::DataLf:
        case State::LastLf:
            if (c != '\n')
                return refuse(400, "chunk data must end with CRLF");
            state_ = state_ == State::DataLf ? State::Size : State::Done;
            ++i;
            break;
        case State::Done: break;
        }
    }
    *used = i;
    return state_ == State::Done ? Result::Complete : Result::Incomplete;
}

} // namespace adserve
