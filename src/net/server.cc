// UDP/TCP DNS listeners: binding, the UDP read loop, the accept loop with caps and fd-exhaustion
// back-off, async Responders with weak handles. One TCP connection's framing and pipelining is
// tcp_conn.cc. See server.h.
#include "net/server.h"

#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/server_internal.h"

namespace r53d::net {
namespace detail {

// --- Core ------------------------------------------------------------------------------------------

Core::~Core() {
  // Connections first (they refer to the loop), then listeners (Socket io before fd).
  conns_.clear();
  for (auto* v : {&udp_, &tcp_}) {
    for (auto& s : *v) {
      s.io.reset();
      if (s.fd >= 0) ::close(s.fd);
    }
  }
}

namespace {

// Best effort: a larger buffer is an optimisation, never a reason to refuse to start.
void set_udp_buffers(int fd, int bytes) {
  if (bytes <= 0) return;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  }
}

Result<int> make_socket(const SocketAddress& a, int type, int backlog, const char* proto) {
  auto fail = [&](const char* what, int fd) -> Status {
    int e = errno;
    if (fd >= 0) ::close(fd);
    return Status::unavailable(a.to_string() + " (" + proto + "): " + what + ": " + errno_text(e));
  };
  int fd = ::socket(a.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("socket", -1);
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) return fail("SO_REUSEADDR", fd);
  // [::]:53 must not also grab IPv4: 0.0.0.0:53 may be listed separately.
  if (a.family() == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    return fail("IPV6_V6ONLY", fd);
  }
  if (::bind(fd, a.sa(), a.len) != 0) return fail("bind", fd);
  if (type == SOCK_STREAM && ::listen(fd, backlog) != 0) return fail("listen", fd);
  return fd;
}

SocketAddress local_address(int fd) {
  SocketAddress a;
  a.len = sizeof a.storage;
  getsockname(fd, a.sa(), &a.len);
  return a;
}

// Room for one IP_PKTINFO or IPV6_PKTINFO control message (in6_pktinfo is the larger).
union PktinfoControl {
  cmsghdr header;  // alignment
  uint8_t buf[CMSG_SPACE(sizeof(in6_pktinfo))];
};

// Asks for the destination address of every datagram on a wildcard UDP socket.
Status enable_pktinfo(int fd, const SocketAddress& a) {
  int one = 1;
  int rc = a.family() == AF_INET6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one)
                                  : setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  if (rc != 0) {
    return Status::unavailable(a.to_string() + " (udp): " + (a.family() == AF_INET6 ? "IPV6_RECVPKTINFO" : "IP_PKTINFO") +
                               ": " + errno_text(errno));
  }
  return {};
}

// The destination of a datagram received on a wildcard socket bound to `bound`, from its
// IP_PKTINFO / IPV6_PKTINFO control message; `bound` itself if there is none.
SocketAddress destination_of(msghdr& mh, const SocketAddress& bound) {
  SocketAddress local = bound;
  if (mh.msg_flags & MSG_CTRUNC) return local;
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c != nullptr; c = CMSG_NXTHDR(&mh, c)) {
    if (bound.family() == AF_INET && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      reinterpret_cast<sockaddr_in*>(local.sa())->sin_addr = info.ipi_addr;  // the header's destination
      return local;
    }
    if (bound.family() == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      auto* v6 = reinterpret_cast<sockaddr_in6*>(local.sa());
      v6->sin6_addr = info.ipi6_addr;
      // A link-local address means nothing without its interface; keep it for the reply.
      v6->sin6_scope_id = IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr) ? info.ipi6_ifindex : 0;
      return local;
    }
  }
  return local;
}

}  // namespace

Status Core::bind_one(const SocketAddress& want, Socket& udp, Socket& tcp) {
  // With port 0 the kernel picks a UDP port that TCP may find taken: try a few times.
  for (int attempt = 0;; ++attempt) {
    auto u = make_socket(want, SOCK_DGRAM, 0, "udp");
    if (!u.ok()) return u.status();
    set_udp_buffers(*u, opt_.udp_buffer_bytes);
    if (want.is_any()) {
      Status s = enable_pktinfo(*u, want);
      if (!s.ok()) {
        ::close(*u);
        return s;
      }
    }
    SocketAddress bound = local_address(*u);
    auto t = make_socket(bound, SOCK_STREAM, opt_.listen_backlog, "tcp");
    if (t.ok()) {
      udp.fd = *u;
      udp.addr = bound;
      udp.pktinfo = want.is_any();
      tcp.fd = *t;
      tcp.addr = bound;
      return {};
    }
    ::close(*u);
    if (want.port() != 0 || attempt >= 20) return t.status();
  }
}

Status Core::open() {
  if (opt_.listen.empty()) return Status::invalid_argument("no listen address");
  for (const auto& text : opt_.listen) {
    auto a = parse_listen_address(text);
    if (!a.ok()) return a.status();
    Socket u, t;
    R53D_RETURN_IF_ERROR(bind_one(*a, u, t));
    udp_.push_back(std::move(u));
    tcp_.push_back(std::move(t));
  }
  for (size_t i = 0; i < udp_.size(); ++i) {
    udp_[i].io = std::make_unique<loop::IoEvent>(loop_, udp_[i].fd, EV_READ, [this, i](short) { on_udp_readable(i); });
    udp_[i].io->enable();
    tcp_[i].io = std::make_unique<loop::IoEvent>(loop_, tcp_[i].fd, EV_READ, [this, i](short) { on_accept(i); });
    log::info("listening on %s (udp, tcp)", udp_[i].addr.to_string().c_str());
  }
  update_accepting();
  return {};
}

std::vector<SocketAddress> Core::addresses() const {
  std::vector<SocketAddress> out;
  for (const auto& s : udp_) out.push_back(s.addr);
  return out;
}

void Core::update_accepting() {
  bool want = accepting_ && !accept_suspended_ && conns_.size() < opt_.max_tcp_connections;
  if (want == listeners_enabled_) return;
  listeners_enabled_ = want;
  for (auto& s : tcp_) {
    if (!s.io) continue;
    if (want) {
      s.io->enable();
    } else {
      s.io->disable();
    }
  }
  if (!want && accepting_ && !accept_suspended_) {
    ++stats_.tcp_accept_paused;
    accept_log_.warn(loop_.now_ms(), "tcp: " + std::to_string(conns_.size()) +
                                         " connections open (the maximum): not accepting until one closes");
  }
}

void Core::on_accept(size_t index) {
  // Accept until EAGAIN (PgBouncer pool_accept), but never past the connection cap.
  while (listeners_enabled_ && conns_.size() < opt_.max_tcp_connections) {
    SocketAddress client;
    client.len = sizeof client.storage;
    int fd = ::accept4(tcp_[index].fd, client.sa(), &client.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK) break;
      if (e == EINTR || e == ECONNABORTED || e == EPROTO) continue;
      if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        // Out of descriptors or memory: stop accepting for a while instead of spinning.
        accept_log_.warn(loop_.now_ms(), "tcp accept on " + tcp_[index].addr.to_string() + ": " + errno_text(e) +
                                             "; pausing accepts for " + std::to_string(opt_.accept_retry_ms) + " ms");
        accept_suspended_ = true;
        update_accepting();
        resume_timer_.start_once(opt_.accept_retry_ms);
        return;
      }
      accept_log_.warn(loop_.now_ms(), "tcp accept on " + tcp_[index].addr.to_string() + ": " + errno_text(e));
      break;
    }
    ++stats_.tcp_accepted;
    uint64_t id = next_conn_id_++;
    auto conn = std::make_unique<TcpConn>(*this, id, fd, client, tcp_[index].addr);
    TcpConn* c = conn.get();
    conns_.emplace(id, std::move(conn));
    c->start();
  }
  update_accepting();
}

void Core::on_resume_accept() {
  accept_suspended_ = false;
  update_accepting();
}

void Core::conn_closed(TcpConn& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  std::unique_ptr<TcpConn> owned = std::move(it->second);
  conns_.erase(it);
  loop_.defer_delete(std::move(owned));  // we may be inside one of its callbacks
  update_accepting();
}

void Core::schedule_parse(uint64_t conn_id) {
  loop_.defer([weak = weak_from_this(), conn_id] {
    auto core = weak.lock();
    if (!core) return;
    auto it = core->conns_.find(conn_id);
    if (it != core->conns_.end()) it->second->parse_messages();
  });
}

void Core::garbage(Transport t, const SocketAddress& client, const char* why) {
  garbage_log_.warn(loop_.now_ms(), std::string(t == Transport::kUdp ? "udp" : "tcp") + " message from " +
                                        client.client_string() + " ignored: " + why);
}

void Core::on_udp_readable(size_t index) {
  Socket& s = udp_[index];
  for (size_t i = 0; i < kUdpBatch; ++i) {
    SocketAddress client;
    PktinfoControl control;
    iovec iov{udp_buf_.data(), udp_buf_.size()};
    msghdr mh{};
    mh.msg_name = client.sa();
    mh.msg_namelen = sizeof client.storage;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (s.pktinfo) {
      mh.msg_control = control.buf;
      mh.msg_controllen = sizeof control.buf;
    }
    ssize_t n = ::recvmsg(s.fd, &mh, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // EAGAIN: drained. Other errors (ICMP-induced ECONNREFUSED...) are not fatal for UDP.
      return;
    }
    client.len = mh.msg_namelen;
    ++stats_.udp_received;
    std::span<const uint8_t> msg(udp_buf_.data(), static_cast<size_t>(n));
    auto hdr = dns::read_header(msg);
    if (!hdr || hdr->qr()) {
      ++stats_.udp_dropped_garbage;
      garbage(Transport::kUdp, client, hdr ? "a response (QR set)" : "shorter than a DNS header");
      continue;
    }
    if (udp_outstanding_ >= opt_.max_udp_outstanding) {
      ++stats_.udp_dropped_limit;
      drop_log_.warn(loop_.now_ms(), "udp: " + std::to_string(udp_outstanding_) +
                                         " requests outstanding (the maximum): dropped one from " +
                                         client.client_string());
      continue;
    }
    ++udp_outstanding_;
    ++outstanding_;
    Request req;
    req.wire.assign(msg.begin(), msg.end());
    req.client = client;
    req.local = s.pktinfo ? destination_of(mh, s.addr) : s.addr;
    req.transport = Transport::kUdp;
    Responder r(weak_from_this(), Transport::kUdp, index, 0, client, req.local);
    handler_.handle(std::move(req), std::move(r));
    if (!s.io || !s.io->enabled()) return;  // stop_accepting() from the handler
  }
}

void Core::dispatch_tcp(TcpConn& c, std::vector<uint8_t> wire, const SocketAddress& client, const SocketAddress& local) {
  ++outstanding_;
  Request req;
  req.wire = std::move(wire);
  req.client = client;
  req.local = local;
  req.transport = Transport::kTcp;
  req.connection_id = c.id();
  Responder r(weak_from_this(), Transport::kTcp, 0, c.id(), client, local);
  handler_.handle(std::move(req), std::move(r));
}

ssize_t Core::send_udp(const Socket& s, const SocketAddress& client, const SocketAddress& local,
                       const std::vector<uint8_t>& wire) {
  if (!s.pktinfo || local.is_any()) {
    return ::sendto(s.fd, wire.data(), wire.size(), MSG_DONTWAIT, client.sa(), client.len);
  }
  PktinfoControl control;
  std::memset(&control, 0, sizeof control);
  iovec iov{const_cast<uint8_t*>(wire.data()), wire.size()};
  msghdr mh{};
  mh.msg_name = const_cast<sockaddr*>(client.sa());
  mh.msg_namelen = client.len;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control.buf;
  cmsghdr* c = &control.header;
  if (local.family() == AF_INET) {
    // Source = the address the query was sent to; interface 0: the routing tables choose the way.
    in_pktinfo info{};
    info.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(local.sa())->sin_addr;
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
    mh.msg_controllen = CMSG_SPACE(sizeof info);
  } else {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(local.sa());
    in6_pktinfo info{};
    info.ipi6_addr = v6->sin6_addr;
    info.ipi6_ifindex = v6->sin6_scope_id;  // set for link-local only (destination_of)
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
    mh.msg_controllen = CMSG_SPACE(sizeof info);
  }
  return ::sendmsg(s.fd, &mh, MSG_DONTWAIT);
}

void Core::release(Transport t, size_t socket_index, uint64_t conn_id, const SocketAddress& client,
                   const SocketAddress& local, const std::vector<uint8_t>* wire) {
  if (outstanding_ > 0) --outstanding_;
  if (t == Transport::kUdp) {
    if (udp_outstanding_ > 0) --udp_outstanding_;
    if (!wire) return;
    if (wire->size() > dns::kMaxMessageSize) {
      log::error("udp reply to %s of %zu octets not sent: too large", client.client_string().c_str(), wire->size());
      return;
    }
    if (socket_index >= udp_.size() || udp_[socket_index].fd < 0) return;
    ssize_t n = send_udp(udp_[socket_index], client, local, *wire);
    if (n < 0) {
      ++stats_.udp_send_errors;
      drop_log_.warn(loop_.now_ms(), "udp reply to " + client.client_string() + " not sent: " + errno_text(errno));
    } else {
      ++stats_.udp_sent;
    }
    return;
  }
  auto it = conns_.find(conn_id);
  if (it == conns_.end()) {
    if (wire) {
      ++stats_.replies_after_close;
      log::debug("tcp reply to %s (conn %llu) not sent: connection closed", client.client_string().c_str(),
                 static_cast<unsigned long long>(conn_id));
    }
    return;
  }
  TcpConn& c = *it->second;
  if (wire) {
    if (wire->size() > dns::kMaxMessageSize) {
      log::error("tcp reply to %s of %zu octets not sent: too large", client.client_string().c_str(), wire->size());
    } else {
      c.send(*wire);
    }
  }
  c.request_done();
}

std::vector<std::string> Core::unread_requests() {
  std::vector<std::string> out;
  static const char* const kOpcodes[] = {"QUERY", "IQUERY", "STATUS", "3", "NOTIFY", "UPDATE"};
  for (auto& s : udp_) {
    if (s.fd < 0) continue;
    for (size_t i = 0; i < 100000; ++i) {
      SocketAddress client;
      client.len = sizeof client.storage;
      ssize_t n = ::recvfrom(s.fd, udp_buf_.data(), udp_buf_.size(), MSG_DONTWAIT, client.sa(), &client.len);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      if (n < 12 || (udp_buf_[2] & 0x80) != 0) continue;  // not a request
      unsigned id = (static_cast<unsigned>(udp_buf_[0]) << 8) | udp_buf_[1];
      unsigned opcode = (udp_buf_[2] >> 3) & 0x0f;
      out.push_back("client " + client.client_string() + " id " + std::to_string(id) + " opcode " +
                    (opcode < 6 ? kOpcodes[opcode] : std::to_string(opcode)));
    }
  }
  return out;
}

void Core::stop_accepting() {
  accepting_ = false;
  update_accepting();
  for (auto& s : udp_) {
    if (s.io) s.io->disable();
  }
  for (auto& s : tcp_) {
    s.io.reset();
    if (s.fd >= 0) ::close(s.fd);
    s.fd = -1;
  }
  std::vector<TcpConn*> all;
  for (auto& [id, c] : conns_) all.push_back(c.get());
  for (auto* c : all) c->stop_reading();  // may close (and unlink) the connection
}

}  // namespace detail

// --- Responder -------------------------------------------------------------------------------------

Responder::Responder(std::weak_ptr<detail::Core> core, Transport t, size_t socket_index, uint64_t conn_id,
                     const SocketAddress& client, const SocketAddress& local)
    : core_(std::move(core)), transport_(t), socket_index_(socket_index), conn_id_(conn_id), client_(client),
      local_(local), active_(true) {}

Responder::Responder(Responder&& o) noexcept
    : core_(std::move(o.core_)), transport_(o.transport_), socket_index_(o.socket_index_), conn_id_(o.conn_id_),
      client_(o.client_), local_(o.local_), active_(o.active_) {
  o.active_ = false;
}

Responder& Responder::operator=(Responder&& o) noexcept {
  if (this != &o) {
    drop();
    core_ = std::move(o.core_);
    transport_ = o.transport_;
    socket_index_ = o.socket_index_;
    conn_id_ = o.conn_id_;
    client_ = o.client_;
    local_ = o.local_;
    active_ = o.active_;
    o.active_ = false;
  }
  return *this;
}

Responder::~Responder() { drop(); }

void Responder::respond(const std::vector<uint8_t>& wire) { release(&wire); }

void Responder::drop() { release(nullptr); }

void Responder::release(const std::vector<uint8_t>* wire) {
  if (!active_) return;
  active_ = false;
  if (auto core = core_.lock()) {
    core->release(transport_, socket_index_, conn_id_, client_, local_, wire);
  }
  core_.reset();
}

// --- Server ----------------------------------------------------------------------------------------

Result<std::unique_ptr<Server>> Server::create(loop::EventBase& loop, ServerOptions options, Handler& handler) {
  auto core = std::make_shared<detail::Core>(loop, std::move(options), handler);
  R53D_RETURN_IF_ERROR(core->open());
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

Server::~Server() = default;

std::vector<SocketAddress> Server::addresses() const { return core_->addresses(); }
void Server::stop_accepting() { core_->stop_accepting(); }
std::vector<std::string> Server::unread_requests() { return core_->unread_requests(); }
size_t Server::outstanding() const { return core_->outstanding(); }
ServerStats Server::stats() const { return core_->stats(); }

}  // namespace r53d::net
