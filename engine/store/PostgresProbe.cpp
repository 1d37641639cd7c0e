#include "PostgresProbe.h"

#include <cerrno>
#include <cstring>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace adserve::PostgresProbe {

namespace {

using Clock = std::chrono::steady_clock;

// The protocol's SSLRequest: length 8, then the code 80877103 (1234 and 5679), big-endian.
constexpr unsigned char kSslRequest[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};

enum class Outcome { Answered, Silent, Failed };

class Socket
{
public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Socket(const Socket &) = delete;
    Socket &operator=(const Socket &) = delete;
    int fd() const { return fd_; }

    // Waits for `events` until the deadline: false when it passed first.
    bool waitFor(short events, Clock::time_point deadline) const
    {
        pollfd watched{fd_, events, 0};
        while (true) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                return false;
            const int ready = poll(&watched, 1, int(left.count()));
            if (ready > 0 || (ready < 0 && errno != EINTR))
                return true; // ready, or failed: the next call on the socket says which
        }
    }

private:
    const int fd_;
};

Outcome ask(const sockaddr *address, socklen_t length, Clock::time_point deadline)
{
    Socket socket(::socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (socket.fd() < 0)
        return Outcome::Failed;
    if (::connect(socket.fd(), address, length) != 0 && errno != EINPROGRESS)
        return Outcome::Failed;
    if (!socket.waitFor(POLLOUT, deadline))
        return Outcome::Silent;
    int connectError = 0;
    socklen_t size = sizeof connectError;
    if (getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &connectError, &size) != 0 || connectError != 0)
        return Outcome::Failed;
    if (::send(socket.fd(), kSslRequest, sizeof kSslRequest, MSG_NOSIGNAL) != ssize_t(sizeof kSslRequest))
        return Outcome::Failed;
    if (!socket.waitFor(POLLIN, deadline))
        return Outcome::Silent;
    char answer = 0;
    return ::recv(socket.fd(), &answer, 1, 0) == 1 ? Outcome::Answered : Outcome::Failed;
}

Outcome askUnixSocket(const QString &folder, int port, Clock::time_point deadline)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray path = (folder + QStringLiteral("/.s.PGSQL.") + QString::number(port)).toLocal8Bit();
    if (size_t(path.size()) >= sizeof address.sun_path)
        return Outcome::Failed;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    return ask(reinterpret_cast<const sockaddr *>(&address), sizeof address, deadline);
}

Outcome askTcp(const QString &host, int port, Clock::time_point deadline)
{
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(host.toUtf8().constData(), QByteArray::number(port).constData(), &hints, &found) != 0)
        return Outcome::Failed;
    const Outcome outcome = ask(found->ai_addr, found->ai_addrlen, deadline);
    freeaddrinfo(found);
    return outcome;
}

} // namespace

bool answers(const QString &host, int port, std::chrono::milliseconds timeout, QString *error)
{
    if (host.isEmpty() || host.contains(QLatin1Char(',')) || timeout.count() <= 0)
        return true;
    const Clock::time_point deadline = Clock::now() + timeout;
    const Outcome outcome = host.startsWith(QLatin1Char('/')) ? askUnixSocket(host, port, deadline)
                                                              : askTcp(host, port, deadline);
    if (outcome != Outcome::Silent)
        return true;
    *error = QStringLiteral("PostgreSQL did not answer a new connection within %1 ms (DATABASE_QUERY_TIMEOUT_MS)")
                 .arg(timeout.count());
    return false;
}

} // namespace adserve::PostgresProbe
