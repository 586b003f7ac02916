// The [server] keys of operations: log, syslog-facility, shutdown-grace, http-listen,
// http-allow, control-socket (key_table.cc), each valid and invalid, with FILE:LINE.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "config/config.h"

namespace r53d::config {
namespace {

Result<Config> parse_server(const std::string& lines) { return parse("[server]\n" + lines, "t.ini"); }

TEST(ServerKeys, Defaults) {
  auto c = parse_server("");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->server.log_syslog);
  EXPECT_EQ(c->server.syslog_facility, LOG_DAEMON);
  EXPECT_EQ(c->server.shutdown_grace_ms, 10000);
  EXPECT_FALSE(c->server.http_listen.has_value());
  ASSERT_EQ(c->server.http_allow.size(), 2u);
  EXPECT_EQ(c->server.http_allow[0].str(), "127.0.0.1/32");
  EXPECT_EQ(c->server.http_allow[1].str(), "::1/128");
  EXPECT_EQ(c->server.control_socket, "/run/route53d/route53d.sock");
}

TEST(ServerKeys, ValuesTaken) {
  auto c = parse_server(
      "log = syslog\nsyslog-facility = local3\nshutdown-grace = 2m\nhttp-listen = [::1]:9153\n"
      "http-allow = 10.0.0.0/8\nhttp-allow = 192.0.2.1\ncontrol-socket = none\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->server.log_syslog);
  EXPECT_EQ(c->server.syslog_facility, LOG_LOCAL3);
  EXPECT_EQ(c->server.shutdown_grace_ms, 120000);
  ASSERT_TRUE(c->server.http_listen.has_value());
  EXPECT_EQ(c->server.http_listen->str(), "[::1]:9153");
  ASSERT_EQ(c->server.http_allow.size(), 2u) << "the first explicit http-allow replaces the default";
  EXPECT_EQ(c->server.http_allow[0].str(), "10.0.0.0/8");
  EXPECT_TRUE(c->server.control_socket.empty());
}

TEST(ServerKeys, BadValuesNameTheLine) {
  struct Case {
    std::string line, want;
  } cases[] = {
      {"log = journal", "t.ini:2: log: \"journal\" is not stderr or syslog"},
      {"syslog-facility = kern", "t.ini:2: syslog-facility: \"kern\" is not a facility (daemon, user, local0 .. local7)"},
      {"shutdown-grace = 1h", "t.ini:2: shutdown-grace: must be between 0 and 10m"},
      {"http-listen = 127.0.0.1", "t.ini:2: http-listen: \"127.0.0.1\" needs a port"},
      {"http-allow = 10.0.0.1/8", "t.ini:2: http-allow: \"10.0.0.1/8\" has host bits set"},
      {"control-socket = run/x.sock", "t.ini:2: control-socket: \"run/x.sock\" is not an absolute path (or none)"},
  };
  for (const auto& c : cases) {
    auto r = parse_server(c.line + "\n");
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
}

TEST(ServerKeys, HttpListenMayNotTakeADnsListenAddress) {
  auto r = parse_server("listen = 127.0.0.1:9153\nhttp-listen = 127.0.0.1:9153\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.ini:3: http-listen: 127.0.0.1:9153 is also a DNS listen address (line 2)"),
            std::string::npos)
      << r.status().message();
}

// The packaged setup: the configuration root:route53d 0640, the daemon running as route53d.
TEST(ServerKeys, SecretsReadableByTheDaemonsOwnGroupAreNotWarnedAbout) {
  char tmpl[] = "/tmp/r53d-grp-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/r.ini";
  std::ofstream(path) << "[aws]\naccess-key-id = AKIDEXAMPLE12345\nsecret-access-key = abc\n";
  ASSERT_EQ(chown(path.c_str(), static_cast<uid_t>(-1), getegid()), 0);
  chmod(path.c_str(), 0640);
  auto own = load(path);
  ASSERT_TRUE(own.ok());
  EXPECT_TRUE(own->warnings.empty()) << own->warnings.front();
  chmod(path.c_str(), 0604);  // readable by others: still warned about
  auto open = load(path);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->warnings.size(), 1u);
  unlink(path.c_str());
  rmdir(tmpl);
}

}  // namespace
}  // namespace r53d::config
