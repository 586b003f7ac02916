// Tests for wildcard UDP listeners (net/server.h): the reply to a query sent to 127.0.0.2 (or ::1)
// leaves from that address and Request::local names it; the Responder keeps it when answered
// later. Each case runs in a child process inside a network namespace of its own (lo only), so the
// wildcard socket can be reached from nowhere else; skipped where unshare(CLONE_NEWNET) is refused.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loop/event_base.h"
#include "net/server.h"
#include "util/clock.h"

namespace r53d::net {
namespace {

constexpr int kSkip = 77;

std::vector<uint8_t> query(uint16_t id) {
  return {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
          7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 6, 0, 1};
}

SocketAddress addr(const char* text) {
  auto a = parse_listen_address(text);
  return a.ok() ? *a : SocketAddress{};
}

std::string host_of(const SocketAddress& a) {
  std::string s = a.client_string();
  return s.substr(0, s.rfind('#'));
}

// Answers every query, at once or (held) when release() is called.
class Echo : public Handler {
 public:
  void handle(Request req, Responder r) override {
    locals.push_back(req.local);
    auto reply = req.wire;
    reply[2] |= 0x80;
    if (hold) {
      held.emplace_back(std::move(r), std::move(reply));
    } else {
      r.respond(std::move(reply));
    }
  }
  void release() {
    for (auto& [r, w] : held) r.respond(std::move(w));
    held.clear();
  }
  bool hold = false;
  std::vector<SocketAddress> locals;
  std::vector<std::pair<Responder, std::vector<uint8_t>>> held;
};

// In a new network namespace: lo up (127.0.0.1/8 and ::1 come with it). "" or the reason it failed.
std::string enter_private_netns(bool& skip) {
  if (unshare(CLONE_NEWNET) != 0) {
    skip = true;
    return std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
  }
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  if (fd >= 0) ::close(fd);
  return ok ? "" : std::string("bringing lo up: ") + std::strerror(errno);
}

// Sends a query from `from` to `to` (the server's port), runs the loop, and checks that the reply
// comes from `to`. Returns "" or what went wrong.
std::string exchange(loop::EventBase& loop, Echo& echo, SocketAddress from, SocketAddress to) {
  int fd = ::socket(from.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, from.sa(), from.len) != 0) return std::string("client bind: ") + std::strerror(errno);
  auto q = query(0x1234);
  if (::sendto(fd, q.data(), q.size(), 0, to.sa(), to.len) != static_cast<ssize_t>(q.size())) {
    ::close(fd);
    return std::string("sendto: ") + std::strerror(errno);
  }
  int64_t deadline = SystemClock::instance().mono_ms() + 3000;
  std::string err = "no reply within 3 s";
  while (SystemClock::instance().mono_ms() < deadline) {
    if (echo.hold && !echo.locals.empty()) {
      loop.run_once(true);  // the Responder outlives handle(): answered from a later loop turn
      echo.release();
    }
    loop.run_once(true);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5) != 1) continue;
    uint8_t buf[512];
    SocketAddress src;
    src.len = sizeof src.storage;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, src.sa(), &src.len);
    if (n < 12 || buf[0] != 0x12 || buf[1] != 0x34 || !(buf[2] & 0x80)) {
      err = "bad reply";
      break;
    }
    err = host_of(src) == host_of(to) ? "" : "reply from " + src.client_string() + ", query sent to " + to.client_string();
    break;
  }
  ::close(fd);
  return err;
}

// Runs body in a child process in a private network namespace; the child reports through a pipe.
void in_child(const std::function<std::string()>& body) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(p[0]);
    bool skip = false;
    std::string err = enter_private_netns(skip);
    if (err.empty()) err = body();
    if (!err.empty()) (void)!::write(p[1], err.data(), err.size());
    _exit(skip ? kSkip : err.empty() ? 0 : 1);
  }
  ::close(p[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "child died: " << status;
  if (WEXITSTATUS(status) == kSkip) GTEST_SKIP() << msg;
  EXPECT_EQ(WEXITSTATUS(status), 0) << msg;
}

std::string serve_and_check(bool hold, const char* listen, const char* from, const char* to) {
  loop::EventBase loop;
  Echo echo;
  echo.hold = hold;
  ServerOptions opt;
  opt.listen = {listen};
  auto server = Server::create(loop, opt, echo);
  if (!server.ok()) return "Server::create: " + server.status().to_string();
  SocketAddress dest = addr(to);
  dest.set_port((*server)->addresses().at(0).port());
  std::string err = exchange(loop, echo, addr(from), dest);
  if (!err.empty()) return err;
  if (echo.locals.size() != 1) return "handled " + std::to_string(echo.locals.size()) + " queries, want 1";
  if (echo.locals[0].to_string() != dest.to_string())
    return "Request::local " + echo.locals[0].to_string() + ", want " + dest.to_string();
  if ((*server)->stats().udp_sent != 1) return "udp_sent " + std::to_string((*server)->stats().udp_sent);
  return "";
}

TEST(ServerPktinfo, WildcardIpv4AnswersFromTheQueriedAddress) {
  in_child([] { return serve_and_check(false, "0.0.0.0:0", "127.0.0.1:0", "127.0.0.2:0"); });
}

TEST(ServerPktinfo, WildcardIpv4AnswersLaterFromTheQueriedAddress) {
  in_child([] { return serve_and_check(true, "0.0.0.0:0", "127.0.0.1:0", "127.0.0.3:0"); });
}

TEST(ServerPktinfo, WildcardIpv6NamesTheDestination) {
  in_child([] { return serve_and_check(false, "[::]:0", "[::1]:0", "[::1]:0"); });
}

TEST(ServerPktinfo, WildcardIpv4AndIpv6OnOnePort) {
  in_child([]() -> std::string {
    loop::EventBase loop;
    Echo echo;
    ServerOptions opt;
    opt.listen = {"0.0.0.0:0"};
    auto v4 = Server::create(loop, opt, echo);
    if (!v4.ok()) return v4.status().to_string();
    uint16_t port = (*v4)->addresses().at(0).port();
    opt.listen = {"[::]:" + std::to_string(port)};
    auto v6 = Server::create(loop, opt, echo);  // IPV6_V6ONLY: no clash with 0.0.0.0
    if (!v6.ok()) return "[::] on the port of 0.0.0.0: " + v6.status().to_string();
    SocketAddress to = addr("[::1]:0");
    to.set_port(port);
    return exchange(loop, echo, addr("[::1]:0"), to);
  });
}

TEST(ServerPktinfo, BoundAddressKeepsItsLocal) {
  // Not a wildcard: Request::local is the bound address (no control messages involved).
  loop::EventBase loop;
  Echo echo;
  ServerOptions opt;
  opt.listen = {"127.0.0.1:0"};
  auto server = Server::create(loop, opt, echo);
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  SocketAddress to = (*server)->addresses().at(0);
  EXPECT_EQ(exchange(loop, echo, addr("127.0.0.1:0"), to), "");
  ASSERT_EQ(echo.locals.size(), 1u);
  EXPECT_EQ(echo.locals[0].to_string(), to.to_string());
}

TEST(SocketAddress, IsAny) {
  EXPECT_TRUE(addr("0.0.0.0:53").is_any());
  EXPECT_TRUE(addr("[::]:53").is_any());
  EXPECT_FALSE(addr("127.0.0.1:53").is_any());
  EXPECT_FALSE(addr("[::1]:53").is_any());
  EXPECT_FALSE(addr("[::ffff:0.0.0.0]:53").is_any());
}

}  // namespace
}  // namespace r53d::net
