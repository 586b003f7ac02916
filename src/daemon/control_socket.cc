// Unix control socket: accept, read one command line, write the reply, close.
#include "daemon/control_socket.h"

#include <event2/event.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/log.h"

namespace r53d::daemon {
namespace {

constexpr size_t kMaxCommand = 1024;
constexpr int64_t kConnTimeoutMs = 10000;

Result<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return Status::invalid_argument("control-socket " + path + ": path too long");
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<ControlSocket>> ControlSocket::open(loop::EventBase& loop, const std::string& path,
                                                           Handler handler) {
  auto addr = address_of(path);
  if (!addr.ok()) return addr.status();
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0750) == 0) log::info("control socket: made directory %s", dir.c_str());
  }
  // A file already there: a live daemon's socket stays; a dead one's is replaced.
  int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0) {
    bool live = ::connect(probe, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) == 0;
    ::close(probe);
    if (live) return Status::already_exists("control-socket " + path + ": another process answers on it");
  }
  ::unlink(path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::unavailable("control-socket " + path + ": socket: " + errno_text());
  mode_t old = ::umask(0117);  // the file is made 0660
  int b = ::bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
  int saved = errno;
  ::umask(old);
  if (b != 0 || ::listen(fd, 16) != 0) {
    errno = b != 0 ? saved : errno;
    std::string why = errno_text();
    ::close(fd);
    return Status::unavailable("control-socket " + path + ": " + (b != 0 ? "bind: " : "listen: ") + why);
  }
  std::unique_ptr<ControlSocket> cs(new ControlSocket(loop, path, std::move(handler)));
  cs->fd_ = fd;
  ControlSocket* self = cs.get();
  cs->listen_io_ = std::make_unique<loop::IoEvent>(loop, fd, EV_READ, [self](short) { self->on_accept(); });
  cs->listen_io_->enable();
  log::info("control socket %s", path.c_str());
  return cs;
}

ControlSocket::~ControlSocket() {
  listen_io_.reset();
  for (auto& [fd, c] : conns_) {
    c->io.reset();
    ::close(fd);
  }
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

void ControlSocket::on_accept() {
  for (int i = 0; i < 16; ++i) {
    int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error: the next readiness tries again
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->io = std::make_unique<loop::IoEvent>(loop_, fd, EV_READ, [this, fd](short what) { on_conn(fd, what); });
    c->io->enable(kConnTimeoutMs);
    conns_[fd] = std::move(c);
  }
}

void ControlSocket::on_conn(int fd, short what) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  if (what & EV_TIMEOUT) return close_conn(fd);
  if (c.out.empty() && (what & EV_READ)) {
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0) c.in.append(buf, static_cast<size_t>(n));
    size_t nl = c.in.find('\n');
    if (nl == std::string::npos && n > 0 && c.in.size() <= kMaxCommand) return;  // more to come
    std::string cmd = c.in.substr(0, nl == std::string::npos ? std::min(c.in.size(), kMaxCommand) : nl);
    while (!cmd.empty() && (cmd.back() == '\r' || cmd.back() == ' ')) cmd.pop_back();
    c.out = handler_ ? handler_(cmd) : "error: no handler\n";
    if (c.out.empty()) c.out = "\n";
    c.io->set_interest(EV_WRITE);
  }
  if (!c.out.empty()) {
    while (c.sent < c.out.size()) {
      ssize_t n = ::send(fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) return close_conn(fd);
      c.sent += static_cast<size_t>(n);
    }
    close_conn(fd);
  }
}

void ControlSocket::close_conn(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  it->second->io->disable();
  loop_.defer_delete(std::move(it->second->io));  // we may be inside its callback
  ::close(fd);
  conns_.erase(it);
}

Result<std::string> control_request(const std::string& path, const std::string& command, int64_t timeout_ms) {
  auto addr = address_of(path);
  if (!addr.ok()) return addr.status();
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::unavailable("socket: " + errno_text());
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
    std::string why = errno_text();
    ::close(fd);
    return Status::unavailable("cannot connect to " + path + ": " + why +
                               " (is route53d running with this control-socket?)");
  }
  std::string line = command + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    std::string why = errno_text();
    ::close(fd);
    return Status::unavailable("cannot send to " + path + ": " + why);
  }
  std::string reply;
  char buf[4096];
  int64_t left = timeout_ms;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      left -= 1000;
      if (left <= 0) {
        ::close(fd);
        return Status::deadline_exceeded("no answer from " + path + " within " + std::to_string(timeout_ms) + " ms");
      }
      continue;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply;
}

}  // namespace r53d::daemon
