// Tests for the DNS listeners with real sockets on 127.0.0.1 (port 0) and a real event loop:
// UDP and TCP answers, TCP framing with split writes, pipelining, size/idle/connection limits,
// garbage, late Responders, shutdown.
#include "net/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "loop/event_base.h"
#include "util/clock.h"

namespace r53d::net {
namespace {

std::vector<uint8_t> query(uint16_t id) {
  std::vector<uint8_t> q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                            7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 6, 0, 1};
  return q;
}

uint16_t id_of(const std::vector<uint8_t>& m) { return static_cast<uint16_t>(m[0] << 8 | m[1]); }

std::vector<uint8_t> framed(const std::vector<uint8_t>& m) {
  std::vector<uint8_t> f;
  f.reserve(m.size() + 2);
  f.push_back(static_cast<uint8_t>(m.size() >> 8));
  f.push_back(static_cast<uint8_t>(m.size()));
  for (uint8_t b : m) f.push_back(b);
  return f;
}

struct Held {
  Request req;
  Responder responder;
};

class Harness : public Handler {
 public:
  explicit Harness(ServerOptions opt = {}, bool auto_reply = true) : auto_reply_(auto_reply) {
    if (opt.listen.empty()) opt.listen = {"127.0.0.1:0"};
    auto s = Server::create(loop_, opt, *this);
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    if (s.ok()) server_ = std::move(*s);
  }

  void handle(Request req, Responder r) override {
    ++handled_;
    if (auto_reply_) {
      auto reply = req.wire;
      reply[2] |= 0x80;
      r.respond(std::move(reply));
    } else {
      held_.push_back(Held{std::move(req), std::move(r)});
    }
  }

  // Runs the loop until pred() or timeout; returns pred().
  bool pump_until(const std::function<bool()>& pred, int timeout_ms = 3000) {
    int64_t deadline = SystemClock::instance().mono_ms() + timeout_ms;
    while (!pred()) {
      if (SystemClock::instance().mono_ms() > deadline) return false;
      loop_.run_once(true);
      usleep(500);
    }
    return true;
  }
  void pump_for(int ms) {
    pump_until([] { return false; }, ms);
  }

  SocketAddress addr(size_t i = 0) const { return server_->addresses().at(i); }

  loop::EventBase loop_;
  std::unique_ptr<Server> server_;
  bool auto_reply_;
  int handled_ = 0;
  std::vector<Held> held_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  int get() const { return fd_; }
  void reset() { if (fd_ >= 0) ::close(fd_); fd_ = -1; }

 private:
  int fd_;
};

Fd udp_client(const SocketAddress& to) {
  int fd = ::socket(to.family(), SOCK_DGRAM, 0);
  EXPECT_EQ(::connect(fd, to.sa(), to.len), 0);
  return Fd(fd);
}

Fd tcp_client(const SocketAddress& to) {
  int fd = ::socket(to.family(), SOCK_STREAM, 0);
  EXPECT_EQ(::connect(fd, to.sa(), to.len), 0);  // completes from the kernel's backlog
  return Fd(fd);
}

void send_all(int fd, const std::vector<uint8_t>& b) { ASSERT_EQ(::send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size())); }

// Non-blocking reader of framed TCP replies.
struct TcpReader {
  std::vector<uint8_t> buf;
  std::vector<std::vector<uint8_t>> frames;
  bool eof = false;
  void poll(int fd) {
    uint8_t tmp[4096];
    for (;;) {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
      if (n == 0) { eof = true; break; }
      if (n < 0) {
        if (errno == ECONNRESET) eof = true;
        break;
      }
      buf.insert(buf.end(), tmp, tmp + n);
    }
    while (buf.size() >= 2) {
      size_t len = (size_t{buf[0]} << 8) | buf[1];
      if (buf.size() < 2 + len) break;
      frames.emplace_back(buf.begin() + 2, buf.begin() + 2 + len);
      buf.erase(buf.begin(), buf.begin() + 2 + len);
    }
  }
};

bool udp_recv(int fd, std::vector<uint8_t>& out) {
  uint8_t tmp[65536];
  ssize_t n = ::recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
  if (n <= 0) return false;
  out.assign(tmp, tmp + n);
  return true;
}

TEST(ParseListenAddress, AcceptsV4AndBracketedV6) {
  struct { const char* text; bool ok; const char* back; } cases[] = {
      {"127.0.0.1:53", true, "127.0.0.1:53"}, {"0.0.0.0:5353", true, "0.0.0.0:5353"},
      {"[::1]:53", true, "[::1]:53"},         {"[::]:0", true, "[::]:0"},
      {"::1:53", false, ""},                  {"127.0.0.1", false, ""},
      {"127.0.0.1:65536", false, ""},         {"localhost:53", false, ""},
      {"[::1]53", false, ""},                 {"127.0.0.1:5x", false, ""},
  };
  for (const auto& c : cases) {
    auto a = parse_listen_address(c.text);
    EXPECT_EQ(a.ok(), c.ok) << c.text;
    if (a.ok()) {
      EXPECT_EQ(a->to_string(), c.back);
    }
  }
}

TEST(Server, AnswersOverUdp) {
  Harness h;
  auto c = udp_client(h.addr());
  send_all(c.get(), query(0x1111));
  std::vector<uint8_t> reply;
  ASSERT_TRUE(h.pump_until([&] { return udp_recv(c.get(), reply); }));
  EXPECT_EQ(id_of(reply), 0x1111);
  EXPECT_TRUE(reply[2] & 0x80);
  EXPECT_EQ(h.server_->stats().udp_sent, 1u);
  EXPECT_EQ(h.server_->outstanding(), 0u);
}

TEST(Server, TcpFramingSurvivesSplitWrites) {
  Harness h;
  auto c = tcp_client(h.addr());
  auto f = framed(query(0x2222));
  send_all(c.get(), {f[0]});
  h.pump_for(20);
  send_all(c.get(), {f[1], f[2], f[3]});
  h.pump_for(20);
  EXPECT_EQ(h.handled_, 0);
  send_all(c.get(), std::vector<uint8_t>(f.begin() + 4, f.end()));
  TcpReader r;
  ASSERT_TRUE(h.pump_until([&] { r.poll(c.get()); return !r.frames.empty(); }));
  EXPECT_EQ(id_of(r.frames[0]), 0x2222);
  EXPECT_EQ(h.handled_, 1);
}

TEST(Server, TcpPipelinedRequestsAnsweredInAnyOrder) {
  Harness h({}, /*auto_reply=*/false);
  auto c = tcp_client(h.addr());
  std::vector<uint8_t> all;
  for (uint16_t id = 1; id <= 3; ++id) {
    auto f = framed(query(id));
    all.insert(all.end(), f.begin(), f.end());
  }
  send_all(c.get(), all);  // three messages in one segment
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 3; }));
  EXPECT_EQ(h.held_[0].req.transport, Transport::kTcp);
  EXPECT_EQ(h.held_[0].req.connection_id, h.held_[2].req.connection_id);
  for (int i = 2; i >= 0; --i) {  // answer asynchronously, last first
    auto reply = h.held_[i].req.wire;
    reply[2] |= 0x80;
    h.held_[i].responder.respond(reply);
  }
  TcpReader r;
  ASSERT_TRUE(h.pump_until([&] { r.poll(c.get()); return r.frames.size() == 3; }));
  EXPECT_EQ(id_of(r.frames[0]), 3);
  EXPECT_EQ(id_of(r.frames[1]), 2);
  EXPECT_EQ(id_of(r.frames[2]), 1);
  EXPECT_EQ(h.server_->outstanding(), 0u);
}

TEST(Server, TcpPipelineCapPausesReading) {
  ServerOptions opt;
  opt.max_tcp_pipelined = 2;
  Harness h(opt, false);
  auto c = tcp_client(h.addr());
  std::vector<uint8_t> all;
  for (uint16_t id = 1; id <= 5; ++id) {
    auto f = framed(query(id));
    all.insert(all.end(), f.begin(), f.end());
  }
  send_all(c.get(), all);
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 2; }));
  h.pump_for(50);
  EXPECT_EQ(h.held_.size(), 2u);  // the rest waits in buffers
  h.held_[0].responder.respond(h.held_[0].req.wire);
  EXPECT_EQ(h.held_.size(), 2u);  // respond() never calls back into the handler
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 3; }));
  h.held_[1].responder.drop();
  h.held_[2].responder.drop();
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 5; }));
  EXPECT_EQ(id_of(h.held_[4].req.wire), 5);
}

TEST(Server, TcpOversizeMessageClosesConnection) {
  ServerOptions opt;
  opt.max_tcp_message = 100;
  Harness h(opt);
  auto c = tcp_client(h.addr());
  send_all(c.get(), {0x00, 0xC8, 0x12, 0x34});  // announces 200 octets
  TcpReader r;
  ASSERT_TRUE(h.pump_until([&] { r.poll(c.get()); return r.eof; }));
  EXPECT_EQ(h.handled_, 0);
  EXPECT_EQ(h.server_->stats().tcp_closed_oversize, 1u);
  EXPECT_EQ(h.server_->stats().tcp_open, 0u);
}

TEST(Server, TcpIdleConnectionIsClosed) {
  ServerOptions opt;
  opt.tcp_idle_timeout_ms = 100;
  Harness h(opt);
  auto c = tcp_client(h.addr());
  send_all(c.get(), {0x00});  // a trickle of bytes is not activity
  TcpReader r;
  int64_t start = SystemClock::instance().mono_ms();
  ASSERT_TRUE(h.pump_until([&] { r.poll(c.get()); return r.eof; }, 2000));
  EXPECT_GE(SystemClock::instance().mono_ms() - start, 80);
  EXPECT_EQ(h.server_->stats().tcp_closed_idle, 1u);
}

TEST(Server, TcpConnectionWaitingForAnAnswerIsNotIdle) {
  ServerOptions opt;
  opt.tcp_idle_timeout_ms = 100;
  Harness h(opt, false);
  auto c = tcp_client(h.addr());
  send_all(c.get(), framed(query(7)));
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 1; }));
  TcpReader r;
  h.pump_until([&] { r.poll(c.get()); return r.eof; }, 400);
  EXPECT_FALSE(r.eof);
  h.held_[0].responder.respond(h.held_[0].req.wire);  // "Route 53 accepted", seconds later
  ASSERT_TRUE(h.pump_until([&] { r.poll(c.get()); return r.frames.size() == 1; }));
  EXPECT_EQ(id_of(r.frames[0]), 7);
}

TEST(Server, TcpConnectionCapPausesAcceptingUntilOneCloses) {
  ServerOptions opt;
  opt.max_tcp_connections = 2;
  Harness h(opt);
  auto c1 = tcp_client(h.addr());
  auto c2 = tcp_client(h.addr());
  ASSERT_TRUE(h.pump_until([&] { return h.server_->stats().tcp_open == 2; }));
  auto c3 = tcp_client(h.addr());  // sits in the kernel backlog
  send_all(c3.get(), framed(query(3)));
  TcpReader r3;
  h.pump_until([&] { r3.poll(c3.get()); return !r3.frames.empty(); }, 200);
  EXPECT_TRUE(r3.frames.empty());
  EXPECT_EQ(h.server_->stats().tcp_accepted, 2u);
  EXPECT_EQ(h.server_->stats().tcp_accept_paused, 1u);
  c1.reset();
  ASSERT_TRUE(h.pump_until([&] { r3.poll(c3.get()); return !r3.frames.empty(); }));
  EXPECT_EQ(id_of(r3.frames[0]), 3);
}

TEST(Server, GarbageIsDroppedAndServingContinues) {
  Harness h;
  auto u = udp_client(h.addr());
  send_all(u.get(), {1, 2, 3, 4, 5});
  auto resp = query(9);
  resp[2] |= 0x80;  // a response: never answered
  send_all(u.get(), resp);
  auto t = tcp_client(h.addr());
  send_all(t.get(), {0, 3, 'a', 'b', 'c'});
  h.pump_until([&] { return h.server_->stats().udp_dropped_garbage == 2 && h.server_->stats().tcp_dropped_garbage == 1; });
  EXPECT_EQ(h.handled_, 0);
  send_all(u.get(), query(10));
  send_all(t.get(), framed(query(11)));
  std::vector<uint8_t> reply;
  TcpReader r;
  ASSERT_TRUE(h.pump_until([&] { r.poll(t.get()); return !r.frames.empty(); }));
  ASSERT_TRUE(h.pump_until([&] { return udp_recv(u.get(), reply); }));
  EXPECT_EQ(id_of(reply), 10);
  EXPECT_EQ(id_of(r.frames[0]), 11);
}

TEST(Server, ResponderIsNoOpAfterConnectionOrServerIsGone) {
  ServerOptions opt;
  opt.max_tcp_message = 100;
  Harness h(opt, false);
  auto c = tcp_client(h.addr());
  send_all(c.get(), framed(query(1)));
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 1; }));
  send_all(c.get(), {0xFF, 0xFF});  // oversize: the server closes the connection
  ASSERT_TRUE(h.pump_until([&] { return h.server_->stats().tcp_open == 0; }));
  h.held_[0].responder.respond(h.held_[0].req.wire);
  h.pump_for(20);
  EXPECT_EQ(h.server_->stats().replies_after_close, 1u);
  EXPECT_EQ(h.server_->outstanding(), 0u);
  // A UDP request held past the server's lifetime.
  auto u = udp_client(h.addr());
  send_all(u.get(), query(2));
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 2; }));
  h.server_.reset();
  h.held_[1].responder.respond(h.held_[1].req.wire);  // must not crash
  EXPECT_FALSE(h.held_[1].responder.active());
}

TEST(Server, UdpOutstandingCapDropsTheExcess) {
  ServerOptions opt;
  opt.max_udp_outstanding = 2;
  Harness h(opt, false);
  auto u = udp_client(h.addr());
  for (uint16_t id = 1; id <= 5; ++id) send_all(u.get(), query(id));
  ASSERT_TRUE(h.pump_until([&] { return h.server_->stats().udp_received == 5; }));
  EXPECT_EQ(h.held_.size(), 2u);
  EXPECT_EQ(h.server_->stats().udp_dropped_limit, 3u);
  h.held_[0].responder.drop();
  send_all(u.get(), query(6));
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 3; }));
  EXPECT_EQ(id_of(h.held_[2].req.wire), 6);
}

TEST(Server, StopAcceptingStillDeliversOutstandingAnswers) {
  Harness h({}, false);
  auto u = udp_client(h.addr());
  auto t = tcp_client(h.addr());
  send_all(u.get(), query(1));
  send_all(t.get(), framed(query(2)));
  ASSERT_TRUE(h.pump_until([&] { return h.held_.size() == 2; }));
  h.server_->stop_accepting();
  send_all(u.get(), query(3));
  h.pump_for(50);
  EXPECT_EQ(h.held_.size(), 2u);
  EXPECT_EQ(h.server_->outstanding(), 2u);
  for (auto& x : h.held_) x.responder.respond(x.req.wire);
  std::vector<uint8_t> reply;
  ASSERT_TRUE(h.pump_until([&] { return udp_recv(u.get(), reply); }));
  EXPECT_EQ(id_of(reply), 1);
  TcpReader r;
  ASSERT_TRUE(h.pump_until([&] { r.poll(t.get()); return r.eof; }));  // answered, then closed
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(id_of(r.frames[0]), 2);
}

TEST(Server, ListensOnIpv6Loopback) {
  int probe = ::socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  bool have_v6 = probe >= 0 && ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (probe >= 0) ::close(probe);
  if (!have_v6) GTEST_SKIP() << "no ::1 on this host";
  ServerOptions opt;
  opt.listen = {"127.0.0.1:0", "[::1]:0"};
  Harness h(opt);
  ASSERT_EQ(h.server_->addresses().size(), 2u);
  EXPECT_EQ(h.addr(1).family(), AF_INET6);
  auto u = udp_client(h.addr(1));
  send_all(u.get(), query(6));
  auto t = tcp_client(h.addr(1));
  send_all(t.get(), framed(query(66)));
  std::vector<uint8_t> reply;
  ASSERT_TRUE(h.pump_until([&] { return udp_recv(u.get(), reply); }));
  TcpReader r;
  ASSERT_TRUE(h.pump_until([&] { r.poll(t.get()); return !r.frames.empty(); }));
  EXPECT_EQ(id_of(r.frames[0]), 66);
}

TEST(Server, BindConflictNamesTheAddress) {
  Harness h;
  loop::EventBase loop;
  ServerOptions opt;
  opt.listen = {h.addr().to_string()};
  auto second = Server::create(loop, opt, h);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find(h.addr().to_string()), std::string::npos) << second.status().to_string();
  EXPECT_NE(second.status().message().find("bind"), std::string::npos);
}

}  // namespace
}  // namespace r53d::net
