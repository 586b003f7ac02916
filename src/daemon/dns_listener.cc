// UDP and TCP DNS listeners on raw non-blocking sockets and loop::IoEvent.
#include "daemon/dns_listener.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/log.h"

namespace r53d::daemon {
namespace {

constexpr int kUdpBatch = 64;             // datagrams read per readiness event
constexpr size_t kMaxTcpBuffered = 1 << 20;  // unsent reply octets before a client is dropped

Client client_of(const sockaddr_storage& ss, bool tcp) {
  Client c;
  c.tcp = tcp;
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (ss.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      std::memcpy(c.addr.data(), s6->sin6_addr.s6_addr + 12, 4);
      inet_ntop(AF_INET, c.addr.data(), host, sizeof host);
    } else {
      c.ipv6 = true;
      std::memcpy(c.addr.data(), s6->sin6_addr.s6_addr, 16);
      inet_ntop(AF_INET6, c.addr.data(), host, sizeof host);
    }
    port = ntohs(s6->sin6_port);
  } else {
    const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
    std::memcpy(c.addr.data(), &s4->sin_addr, 4);
    inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
    port = ntohs(s4->sin_port);
  }
  c.text = c.ipv6 ? "[" + std::string(host) + "]#" + std::to_string(port) : std::string(host) + "#" + std::to_string(port);
  return c;
}

Status sys_error(const config::ListenAddr& a, const char* what) {
  return Status::unavailable(a.str() + ": " + what + ": " + std::strerror(errno));
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

struct DnsListener::TcpConn {
  int fd = -1;
  Client client;
  std::unique_ptr<loop::IoEvent> io;
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  size_t pending = 0;  // requests handed over whose reply has not been queued yet
  bool eof = false;
  ~TcpConn() {
    io.reset();
    if (fd >= 0) ::close(fd);
  }
};

DnsListener::DnsListener(loop::EventBase& loop, ListenerOptions options, Dispatch dispatch)
    : loop_(loop), options_(options), dispatch_(std::move(dispatch)), alive_(std::make_shared<bool>(true)) {}

DnsListener::~DnsListener() {
  *alive_ = false;
  conns_.clear();
  udp_io_.reset();
  accept_io_.reset();
  if (udp_fd_ >= 0) ::close(udp_fd_);
  if (tcp_fd_ >= 0) ::close(tcp_fd_);
}

Result<std::unique_ptr<DnsListener>> DnsListener::open(loop::EventBase& loop, const config::ListenAddr& addr,
                                                       ListenerOptions options, Dispatch dispatch) {
  std::unique_ptr<DnsListener> l(new DnsListener(loop, options, std::move(dispatch)));
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (addr.ipv6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(addr.port);
    if (inet_pton(AF_INET6, addr.host.c_str(), &s6->sin6_addr) != 1)
      return Status::invalid_argument(addr.str() + ": not an IPv6 address");
    len = sizeof(sockaddr_in6);
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(addr.port);
    if (inet_pton(AF_INET, addr.host.c_str(), &s4->sin_addr) != 1)
      return Status::invalid_argument(addr.str() + ": not an IPv4 address");
    len = sizeof(sockaddr_in);
  }
  int family = addr.ipv6 ? AF_INET6 : AF_INET;
  int one = 1;

  l->tcp_fd_ = ::socket(family, SOCK_STREAM, 0);
  if (l->tcp_fd_ < 0) return sys_error(addr, "socket");
  setsockopt(l->tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (addr.ipv6) setsockopt(l->tcp_fd_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(l->tcp_fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) return sys_error(addr, "bind (TCP)");
  if (::listen(l->tcp_fd_, 128) != 0) return sys_error(addr, "listen");
  set_nonblocking(l->tcp_fd_);
  // With port 0, UDP takes the port the kernel gave TCP.
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  getsockname(l->tcp_fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
  l->port_ = ntohs(addr.ipv6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                             : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  if (addr.ipv6)
    reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(l->port_);
  else
    reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(l->port_);

  l->udp_fd_ = ::socket(family, SOCK_DGRAM, 0);
  if (l->udp_fd_ < 0) return sys_error(addr, "socket");
  if (addr.ipv6) setsockopt(l->udp_fd_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  int rcvbuf = 4 << 20;  // bursts of thousands of UPDATEs (dnsperf) must not be dropped
  setsockopt(l->udp_fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (::bind(l->udp_fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) return sys_error(addr, "bind (UDP)");
  set_nonblocking(l->udp_fd_);

  DnsListener* self = l.get();
  l->udp_io_ = std::make_unique<loop::IoEvent>(loop, l->udp_fd_, EV_READ, [self](short) { self->on_udp_readable(); });
  l->udp_io_->enable();
  l->accept_io_ = std::make_unique<loop::IoEvent>(loop, l->tcp_fd_, EV_READ, [self](short) { self->on_accept(); });
  l->accept_io_->enable();
  return l;
}

void DnsListener::pause() {
  paused_ = true;
  if (udp_io_) udp_io_->disable();
  if (accept_io_) accept_io_->disable();
}

void DnsListener::on_udp_readable() {
  static thread_local std::vector<uint8_t> buf(65536);
  for (int i = 0; i < kUdpBatch && !paused_; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ssize_t n = ::recvfrom(udp_fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n < 0) return;  // EAGAIN or a transient error: wait for the next event
    Client c = client_of(ss, false);
    std::weak_ptr<bool> alive = alive_;
    int fd = udp_fd_;
    dispatch_(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)), c,
              [alive, fd, ss, len](std::vector<uint8_t> reply) {
                if (auto p = alive.lock(); !p || !*p) return;
                ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&ss), len);
              });
  }
}

void DnsListener::on_accept() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept(tcp_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    if (fd < 0) return;
    if (conns_.size() >= static_cast<size_t>(options_.max_tcp_clients)) {
      log::warning("TCP client %s refused: %d connections open (max-tcp-clients)",
                   client_of(ss, true).text.c_str(), options_.max_tcp_clients);
      ::close(fd);
      continue;
    }
    set_nonblocking(fd);
    auto conn = std::make_unique<TcpConn>();
    conn->fd = fd;
    conn->client = client_of(ss, true);
    uint64_t id = next_conn_++;
    conn->io = std::make_unique<loop::IoEvent>(loop_, fd, EV_READ, [this, id](short what) { on_conn_io(id, what); });
    conn->io->enable(options_.tcp_timeout_ms);
    conns_[id] = std::move(conn);
  }
}

void DnsListener::on_conn_io(uint64_t id, short what) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  TcpConn& c = *it->second;
  if (what & EV_TIMEOUT) {
    if (c.pending == 0 && c.out.empty()) {
      log::debug("TCP client %s: idle timeout", c.client.text.c_str());
      close_conn(id);
    }
    return;
  }
  if (what & EV_WRITE) {
    while (!c.out.empty()) {
      ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        close_conn(id);
        return;
      }
      c.out.erase(c.out.begin(), c.out.begin() + n);
    }
    if (c.out.empty()) {
      if (c.eof && c.pending == 0) {
        close_conn(id);
        return;
      }
      c.io->set_interest(c.eof ? 0 : EV_READ);
    }
  }
  if ((what & EV_READ) && !c.eof) {
    uint8_t buf[16384];
    for (;;) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n == 0) {
        c.eof = true;
        break;
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        close_conn(id);
        return;
      }
      c.in.insert(c.in.end(), buf, buf + n);
    }
    // RFC 1035 §4.2.2: each message is preceded by its length in two octets.
    size_t off = 0;
    while (c.in.size() - off >= 2 && !paused_) {
      size_t len = (static_cast<size_t>(c.in[off]) << 8) | c.in[off + 1];
      if (c.in.size() - off - 2 < len) break;
      std::vector<uint8_t> msg(c.in.begin() + static_cast<std::ptrdiff_t>(off + 2),
                               c.in.begin() + static_cast<std::ptrdiff_t>(off + 2 + len));
      off += 2 + len;
      ++c.pending;
      std::weak_ptr<bool> alive = alive_;
      Client client = c.client;
      dispatch_(msg, client, [this, alive, id](std::vector<uint8_t> reply) {
        if (auto p = alive.lock(); !p || !*p) return;
        conn_send(id, reply);
      });
      if (conns_.find(id) == conns_.end()) return;
    }
    c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(off));
    if (c.eof) {
      if (c.pending == 0 && c.out.empty())
        close_conn(id);
      else
        c.io->set_interest(c.out.empty() ? 0 : EV_WRITE);
    }
  }
}

void DnsListener::conn_send(uint64_t id, const std::vector<uint8_t>& reply) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;  // the client went away
  TcpConn& c = *it->second;
  if (c.pending > 0) --c.pending;
  if (c.out.size() + reply.size() > kMaxTcpBuffered) {
    log::warning("TCP client %s: not reading its replies; closed", c.client.text.c_str());
    close_conn(id);
    return;
  }
  c.out.push_back(static_cast<uint8_t>(reply.size() >> 8));
  c.out.push_back(static_cast<uint8_t>(reply.size() & 0xFF));
  c.out.insert(c.out.end(), reply.begin(), reply.end());
  c.io->set_interest(c.eof ? EV_WRITE : (EV_READ | EV_WRITE));
}

void DnsListener::close_conn(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  // Never destroyed inside its own callback: hand it to the loop.
  it->second->io->disable();
  loop_.defer_delete(std::move(it->second));
  conns_.erase(it);
}

}  // namespace r53d::daemon
