// Helpers for tests that run the real BIND tools on loopback: tool detection, a temp dir, a port
// free for UDP and TCP, and a `named` started from a generated config and stopped by its pid.
//
//   if (!have_tool("named")) GTEST_SKIP();
//   NamedProcess named;
//   ASSERT_TRUE(named.start(dir, "allow-transfer { any; };", "zone \"example.com\" { ... };", "example.com"));
//   ... named.port() ...                          // stopped (SIGTERM, waited for) on destruction
#pragma once

#include <arpa/inet.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dns/wire.h"
#include "tests/unit/net/scripted_server.h"

extern char** environ;

namespace r53d::net::testing {

inline bool have_tool(const char* name) {
  std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// A new directory under $TEST_TMP (or /tmp); the caller removes it.
inline std::string make_tmpdir(const char* prefix = "r53d-interop") {
  const char* base = getenv("TEST_TMP");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  EXPECT_NE(mkdtemp(buf.data()), nullptr);
  return buf.data();
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A port free for both UDP and TCP on 127.0.0.1 right now (a server binds it a moment later).
inline uint16_t free_port() {
  for (int i = 0; i < 50; ++i) {
    int u = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a);
    getsockname(u, reinterpret_cast<sockaddr*>(&a), &len);
    int t = ::socket(AF_INET, SOCK_STREAM, 0);
    bool ok = ::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    uint16_t port = ntohs(a.sin_port);
    ::close(u);
    ::close(t);
    if (ok) return port;
  }
  return 0;
}

// One UDP exchange with 127.0.0.1:port and a timeout; empty on timeout.
inline std::vector<uint8_t> udp_exchange(uint16_t port, const std::vector<uint8_t>& q, int timeout_ms = 1000) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<uint8_t> buf(65536);
  ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  ::close(fd);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

class NamedProcess {
 public:
  ~NamedProcess() { stop(); }

  // Writes dir/named.conf (options listening on a free port of 127.0.0.1, recursion and notify
  // off, plus `options`; then `body`), starts `named -g` and waits until it answers an SOA query
  // for `probe_zone`. Its log is dir/named.log.
  bool start(const std::string& dir, const std::string& options, const std::string& body, const char* probe_zone) {
    dir_ = dir;
    port_ = free_port();
    std::ofstream conf(dir + "/named.conf");
    conf << "options { directory \"" << dir << "\"; listen-on port " << port_ << " { 127.0.0.1; };\n"
         << "  listen-on-v6 { none; }; pid-file \"" << dir << "/named.pid\"; recursion no; notify no;\n"
         << "  dnssec-validation no; " << options << " };\ncontrols { };\n"
         << body;
    conf.close();
    std::string cmd = "exec named -g -n 1 -c " + dir + "/named.conf >" + dir + "/named.log 2>&1";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) return false;
    for (int i = 0; i < 100; ++i) {
      if (!udp_exchange(port_, make_query(1, probe_zone, dns::kTypeSoa), 100).empty()) return true;
    }
    return false;
  }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  uint16_t port() const { return port_; }
  std::string log() const { return slurp(dir_ + "/named.log"); }

 private:
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace r53d::net::testing
