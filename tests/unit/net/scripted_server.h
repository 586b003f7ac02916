// Loopback DNS servers for client tests, driven from the test's own pump loop (no threads): a
// TCP server that plays a script (send these octets, wait, stall, close, reset) after reading
// one framed request, and a UDP server that hands each datagram to a lambda.
//
//   ScriptedTcp tcp({ScriptedTcp::send(framed(m1)), ScriptedTcp::wait(20), ScriptedTcp::close()});
//   Pump pump(loop, {&tcp});
//   auto call = client.stream(tcp.addr, ...);
//   ASSERT_TRUE(pump.until([&] { return ended; }));
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "dns/wire.h"
#include "loop/event_base.h"
#include "net/address.h"
#include "util/clock.h"

namespace r53d::net::testing {

inline std::vector<uint8_t> framed(const std::vector<uint8_t>& m) {
  std::vector<uint8_t> f = {static_cast<uint8_t>(m.size() >> 8), static_cast<uint8_t>(m.size())};
  f.insert(f.end(), m.begin(), m.end());
  return f;
}

// A plain query (RD clear) for `name`/`type`, class IN.
inline std::vector<uint8_t> make_query(uint16_t id, const char* name = "example.com", uint16_t type = dns::kTypeSoa) {
  std::vector<uint8_t> q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  auto n = dns::name_from_text(name);
  q.insert(q.end(), n->begin(), n->end());
  dns::put_u16(q, type);
  dns::put_u16(q, 1);
  return q;
}

inline SocketAddress loopback(int family, uint16_t port = 0) {
  auto a = parse_listen_address(family == AF_INET6 ? "[::1]:0" : "127.0.0.1:0");
  a->set_port(port);
  return *a;
}

// Something the pump polls between loop turns.
class Pollable {
 public:
  virtual ~Pollable() = default;
  virtual void poll() = 0;
};

class ScriptedTcp : public Pollable {
 public:
  struct Step {
    enum Kind { kSend, kWait, kStall, kClose, kReset } kind = kSend;
    std::vector<uint8_t> bytes;
    int ms = 0;
  };
  static Step send(std::vector<uint8_t> b) { return {Step::kSend, std::move(b), 0}; }
  static Step wait(int ms) { return {Step::kWait, {}, ms}; }
  static Step stall() { return {Step::kStall, {}, 0}; }    // do nothing more, keep the connection
  static Step close() { return {Step::kClose, {}, 0}; }
  static Step reset() { return {Step::kReset, {}, 0}; }   // RST (SO_LINGER 0)

  // Listens on a free loopback port. With `reply` set, the steps are computed from the request
  // (framing removed) once it has been read, and after a close or reset the server accepts the
  // next connection (one at a time) and does the same; `requests` keeps every request.
  explicit ScriptedTcp(std::vector<Step> steps, int family = AF_INET, uint16_t port = 0)
      : steps_(std::move(steps)) {
    addr = loopback(family, port);
    lfd_ = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    ::setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ok = ::bind(lfd_, addr.sa(), addr.len) == 0 && ::listen(lfd_, 8) == 0;
    addr.len = sizeof addr.storage;
    ::getsockname(lfd_, addr.sa(), &addr.len);
  }
  ~ScriptedTcp() override {
    if (cfd_ >= 0) ::close(cfd_);
    if (lfd_ >= 0) ::close(lfd_);
  }

  std::function<std::vector<Step>(const std::vector<uint8_t>& request)> reply;

  void poll() override {
    int64_t now = SystemClock::instance().mono_ms();
    if (cfd_ < 0 && !done_) {
      peer.len = sizeof peer.storage;
      cfd_ = ::accept4(lfd_, peer.sa(), &peer.len, SOCK_NONBLOCK);
      if (cfd_ < 0) return;
      ++accepted;
    }
    if (cfd_ < 0) return;
    if (!have_request_) {
      uint8_t tmp[4096];
      ssize_t n = ::recv(cfd_, tmp, sizeof tmp, 0);
      if (n > 0) request_framed.insert(request_framed.end(), tmp, tmp + n);
      if (request_framed.size() >= 2 &&
          request_framed.size() >= 2 + (size_t{request_framed[0]} << 8 | request_framed[1])) {
        have_request_ = true;
        request.assign(request_framed.begin() + 2, request_framed.end());
        requests.push_back(request);
        if (reply) steps_ = reply(request);
      }
      if (!have_request_) return;
    }
    while (step_ < steps_.size()) {
      Step& s = steps_[step_];
      if (s.kind == Step::kSend) {
        while (sent_ < s.bytes.size()) {
          ssize_t n = ::send(cfd_, s.bytes.data() + sent_, s.bytes.size() - sent_, MSG_NOSIGNAL);
          if (n <= 0) return;  // the client is slow or gone: try again next poll
          sent_ += static_cast<size_t>(n);
        }
        sent_ = 0;
      } else if (s.kind == Step::kWait) {
        if (wait_until_ < 0) wait_until_ = now + s.ms;
        if (now < wait_until_) return;
        wait_until_ = -1;
      } else if (s.kind == Step::kStall) {
        return;
      } else {
        if (s.kind == Step::kReset) {
          linger l{1, 0};
          ::setsockopt(cfd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        ::close(cfd_);
        cfd_ = -1;
        if (reply) {  // ready for the next connection
          have_request_ = false;
          request_framed.clear();
          steps_.clear();
          step_ = 0;
          return;
        }
        done_ = true;
      }
      ++step_;
    }
  }

  SocketAddress addr;
  SocketAddress peer;
  bool ok = false;
  int accepted = 0;
  std::vector<uint8_t> request_framed;
  std::vector<uint8_t> request;
  std::vector<std::vector<uint8_t>> requests;

 private:
  std::vector<Step> steps_;
  int lfd_ = -1;
  int cfd_ = -1;
  bool have_request_ = false;
  bool done_ = false;
  size_t step_ = 0;
  size_t sent_ = 0;
  int64_t wait_until_ = -1;
};

class ScriptedUdp : public Pollable {
 public:
  // on_datagram(request, from, fd) may send replies with ::sendto(fd, ...).
  using Handler = std::function<void(const std::vector<uint8_t>& request, const SocketAddress& from, int fd)>;

  explicit ScriptedUdp(Handler h, int family = AF_INET, uint16_t port = 0) : handler_(std::move(h)) {
    addr = loopback(family, port);
    fd_ = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    ok = ::bind(fd_, addr.sa(), addr.len) == 0;
    addr.len = sizeof addr.storage;
    ::getsockname(fd_, addr.sa(), &addr.len);
  }
  ~ScriptedUdp() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void poll() override {
    uint8_t tmp[65536];
    for (;;) {
      SocketAddress from;
      from.len = sizeof from.storage;
      ssize_t n = ::recvfrom(fd_, tmp, sizeof tmp, 0, from.sa(), &from.len);
      if (n < 0) return;
      ++received;
      if (handler_) handler_(std::vector<uint8_t>(tmp, tmp + n), from, fd_);
    }
  }
  int fd() const { return fd_; }

  SocketAddress addr;
  bool ok = false;
  int received = 0;

 private:
  Handler handler_;
  int fd_ = -1;
};

// Runs the loop (non-blocking turns) and polls the servers until a predicate holds.
class Pump {
 public:
  Pump(loop::EventBase& loop, std::vector<Pollable*> servers) : loop_(loop), servers_(std::move(servers)) {}
  bool until(const std::function<bool()>& pred, int timeout_ms = 3000) {
    int64_t deadline = SystemClock::instance().mono_ms() + timeout_ms;
    while (!pred()) {
      if (SystemClock::instance().mono_ms() > deadline) return false;
      step();
    }
    return true;
  }
  void for_ms(int ms) {
    until([] { return false; }, ms);
  }
  void step() {
    loop_.run_once(true);
    for (auto* s : servers_) s->poll();
    usleep(200);
  }

 private:
  loop::EventBase& loop_;
  std::vector<Pollable*> servers_;
};

}  // namespace r53d::net::testing
