// Tests for route53d.ini parsing: good configs, defaults, and every error with its file:line.
#include "config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "config/key_table.h"

namespace r53d::config {
namespace {

const char* kSecret = "bWFkZS11cC1leGFtcGxlLXNlY3JldC0zMi1ieXRlcyE=";

std::string error_of(const std::string& text) {
  auto c = parse(text, "t.ini");
  EXPECT_FALSE(c.ok()) << text;
  return c.ok() ? "" : c.status().message();
}

std::string temp_dir() {
  std::string t = ::testing::TempDir() + "r53d-config-XXXXXX";
  char* d = mkdtemp(t.data());
  EXPECT_NE(d, nullptr);
  return t;
}

void write_file(const std::string& path, const std::string& text, mode_t mode = 0600) {
  std::ofstream(path) << text;
  chmod(path.c_str(), mode);
}

TEST(Config, MinRequestsPerSecond) {
  auto c = parse("[aws]\nrequests-per-second = 2.5\nmin-requests-per-second = 0.5\n", "t.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->aws.requests_per_second, 2.5);
  EXPECT_EQ(c->aws.min_requests_per_second, 0.5);
}

TEST(Config, DefaultsFromAnEmptyFile) {
  auto c = parse("", "t.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->server.listen.size(), 2u);
  EXPECT_EQ(c->server.listen[0].str(), "127.0.0.1:53");
  EXPECT_EQ(c->server.listen[1].str(), "[::1]:53");
  EXPECT_EQ(c->server.log_level, log::Level::kInfo);
  EXPECT_EQ(c->server.tcp_timeout_ms, 10000);
  EXPECT_EQ(c->server.max_tcp_clients, 100);
  EXPECT_EQ(c->aws.requests_per_second, 4.0);
  EXPECT_EQ(c->aws.min_requests_per_second, 1.0);
  EXPECT_EQ(c->aws.max_attempts, 10);
  EXPECT_EQ(c->aws.poll_interval_min_ms, 1000);
  EXPECT_EQ(c->aws.poll_interval_max_ms, 10000);
  EXPECT_TRUE(c->zones.empty());
}

// The defaults written in the key table (and so in the sample and man page) are the struct's.
TEST(Config, TableDefaultsMatchBuiltInDefaults) {
  std::string text;
  Section last = Section::kZone;
  bool first = true;
  for (const KeyDef& d : key_table()) {
    if (first || d.section != last) {
      text += d.section == Section::kServer ? "[server]\n"
              : d.section == Section::kAws  ? "[aws]\n"
              : d.section == Section::kKey  ? std::string("[key k]\nsecret = ") + kSecret + "\n"
                                            : "[zone example.com]\nprimary = 192.0.2.1\n";
      first = false;
      last = d.section;
    }
    // The zone keys of both modes at their defaults: in a secondary zone (the mode key itself is
    // checked below with the dynamic zone).
    if (d.default_value && std::string(d.name) != "mode") text += std::string(d.name) + " = " + d.default_value + "\n";
    if (std::string(d.name) == "mode") text += "mode = secondary\n";
  }
  auto a = parse(text, "t.ini");
  ASSERT_TRUE(a.ok()) << a.status().message();
  auto b = parse("[key k]\nsecret = " + std::string(kSecret) +
                     "\n[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\n",
                 "t.ini");
  ASSERT_TRUE(b.ok());
  auto dyn = parse("[zone example.com]\nmode = dynamic\n", "t.ini");
  auto dyn_default = parse("[zone example.com]\n", "t.ini");
  ASSERT_TRUE(dyn.ok() && dyn_default.ok());
  EXPECT_EQ(dyn->zones[0].mode, dyn_default->zones[0].mode);
  EXPECT_EQ(dyn_default->zones[0].dhcid, DhcidPolicy::kRefuse);
  const SecondaryConfig& sa = a->zones[0].secondary;
  const SecondaryConfig& sb = b->zones[0].secondary;
  EXPECT_EQ(sa.refresh_min_ms, sb.refresh_min_ms);
  EXPECT_EQ(sa.refresh_max_ms, sb.refresh_max_ms);
  EXPECT_EQ(sa.retry_min_ms, sb.retry_min_ms);
  EXPECT_EQ(sa.retry_max_ms, sb.retry_max_ms);
  EXPECT_EQ(sa.expire_min_ms, sb.expire_min_ms);
  EXPECT_EQ(sa.expire_max_ms, sb.expire_max_ms);
  EXPECT_EQ(sa.max_change_percent, sb.max_change_percent);
  EXPECT_EQ(sa.apex_ns, sb.apex_ns);
  EXPECT_EQ(sa.soa_timers, sb.soa_timers);
  EXPECT_EQ(a->zones[0].record_set_quota, b->zones[0].record_set_quota);
  EXPECT_EQ(a->zones[0].lock_lease_ms, b->zones[0].lock_lease_ms);
  EXPECT_EQ(a->server.listen.size(), b->server.listen.size());
  EXPECT_EQ(a->server.tcp_timeout_ms, b->server.tcp_timeout_ms);
  EXPECT_EQ(a->server.max_tcp_clients, b->server.max_tcp_clients);
  EXPECT_EQ(a->server.log_level, b->server.log_level);
  EXPECT_EQ(a->aws.requests_per_second, b->aws.requests_per_second);
  EXPECT_EQ(a->aws.max_attempts, b->aws.max_attempts);
  EXPECT_EQ(a->aws.poll_interval_min_ms, b->aws.poll_interval_min_ms);
  EXPECT_EQ(a->aws.poll_interval_max_ms, b->aws.poll_interval_max_ms);
  EXPECT_EQ(a->keys[0].algorithm, b->keys[0].algorithm);
  EXPECT_EQ(a->zones[0].mode, b->zones[0].mode);
}

TEST(Config, SecondaryZone) {
  auto c = parse(R"([key xfr-key]
secret = bWFkZS11cC1leGFtcGxlLXNlY3JldC0zMi1ieXRlcyE=
[zone example.org]
mode = secondary
primary = 192.0.2.1:5300 key xfr-key
primary = [2001:db8::1]:53
primary = 2001:db8::2
primary = 192.0.2.3
transfer-source = 127.0.0.2
transfer-source = [::1]
refresh-min = 1s
expire-max = 1d
max-change-percent = 50%
apex-ns = primary
soa-timers = primary
record-set-quota = 200000
lock-lease = 5s
background-refresh = 0
trust-mirror = yes
)", "t.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const ZoneConfig& z = c->zones[0];
  EXPECT_EQ(z.mode, ZoneMode::kSecondary);
  const SecondaryConfig& s = z.secondary;
  ASSERT_EQ(s.primaries.size(), 4u);
  EXPECT_EQ(s.primaries[0].str(), "192.0.2.1:5300");
  EXPECT_EQ(s.primaries[0].key, "xfr-key.");
  EXPECT_EQ(s.primaries[0].where.line, 5);
  EXPECT_EQ(s.primaries[1].str(), "[2001:db8::1]:53");
  EXPECT_TRUE(s.primaries[1].ipv6);
  EXPECT_EQ(s.primaries[2].str(), "[2001:db8::2]:53");
  EXPECT_EQ(s.primaries[3].str(), "192.0.2.3:53");
  EXPECT_EQ(s.primaries[3].key, "");
  // allow-notify defaults to the primaries' addresses.
  ASSERT_EQ(s.allow_notify.size(), 4u);
  EXPECT_EQ(s.allow_notify[0].str(), "192.0.2.1/32");
  EXPECT_EQ(s.allow_notify[1].str(), "2001:db8::1/128");
  EXPECT_EQ(s.transfer_source, (std::vector<std::string>{"127.0.0.2", "::1"}));
  EXPECT_EQ(s.refresh_min_ms, 1000);
  EXPECT_EQ(s.expire_max_ms, 86400000);
  EXPECT_EQ(s.max_change_percent, 50);
  EXPECT_EQ(s.apex_ns, ApexNsPolicy::kPrimary);
  EXPECT_EQ(s.soa_timers, SoaTimersPolicy::kPrimary);
  EXPECT_EQ(z.record_set_quota, 200000u);
  EXPECT_EQ(z.lock_lease_ms, 5000);
  EXPECT_EQ(z.background_refresh_ms, 0);
  EXPECT_TRUE(z.trust_mirror);
  auto n = parse("[zone example.org]\nmode = secondary\nprimary = 192.0.2.1\nallow-notify = 198.51.100.0/24, 2001:db8::/64\n", "t.ini");
  ASSERT_TRUE(n.ok()) << n.status().message();
  ASSERT_EQ(n->zones[0].secondary.allow_notify.size(), 2u) << "explicit allow-notify replaces the default";
  EXPECT_EQ(n->zones[0].secondary.allow_notify[1].str(), "2001:db8::/64");
}

TEST(Config, DhcidEmulation) {
  auto c = parse(std::string("[key k]\nsecret = ") + kSecret +
                     "\n[zone example.com]\nallow-update = key k names *.example.com types A,aaaa,dhcid\ndhcid = txt\n"
                     "[zone example.org]\ndhcid = refuse\n",
                 "t.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->zones[0].dhcid, DhcidPolicy::kTxt);
  EXPECT_EQ(c->zones[0].allow_update[0].types, (std::vector<std::string>{"A", "AAAA", "DHCID"}));
  EXPECT_EQ(c->zones[1].dhcid, DhcidPolicy::kRefuse);
}

TEST(Config, FullConfig) {
  std::string text = std::string(R"(# route53d
[server]
listen = 127.0.0.1:5300, [::1]:5300   ; inline comment
  log-level = debug
tcp-timeout = 1500ms
max-tcp-clients = 20

[aws]
endpoint = http://127.0.0.1:9000
region = us-east-1
requests-per-second = 2.5
access-key-id = AKIDEXAMPLE12345
secret-access-key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
max-attempts = 4
poll-interval-min = 0.5
poll-interval-max = 2m

[key Update-Key]
algorithm = HMAC-SHA512
secret = )") + kSecret + R"(

[key acme]
secret = )" + kSecret + R"(

[zone Example.COM.]
hosted-zone-id = /hostedzone/ZEXAMPLE
mode = dynamic
allow-update = key update-key
allow-update = key acme names _acme-challenge.example.com, *.dev.example.com types txt,CNAME
allow-update = address 192.0.2.0/24
allow-update = address 2001:db8::/32
)";
  auto c = parse(text, "t.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->server.listen.size(), 2u);
  EXPECT_EQ(c->server.listen[0].port, 5300);
  EXPECT_TRUE(c->server.listen[1].ipv6);
  EXPECT_EQ(c->server.listen[1].host, "::1");
  EXPECT_EQ(c->server.log_level, log::Level::kDebug);
  EXPECT_EQ(c->server.tcp_timeout_ms, 1500);
  EXPECT_EQ(c->aws.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(c->aws.requests_per_second, 2.5);
  EXPECT_EQ(c->aws.poll_interval_min_ms, 500);
  EXPECT_EQ(c->aws.poll_interval_max_ms, 120000);
  ASSERT_EQ(c->keys.size(), 2u);
  EXPECT_EQ(c->keys[0].name, "update-key.");
  EXPECT_EQ(c->keys[0].algorithm, "hmac-sha512");
  EXPECT_EQ(c->keys[0].secret.size(), 32u);
  EXPECT_EQ(c->keys[1].algorithm, "hmac-sha256");
  EXPECT_NE(c->find_key("UPDATE-KEY"), nullptr);
  EXPECT_EQ(c->find_key("nope"), nullptr);
  ASSERT_EQ(c->zones.size(), 1u);
  const ZoneConfig& z = c->zones[0];
  EXPECT_EQ(z.name, "example.com.");
  EXPECT_EQ(z.hosted_zone_id, "ZEXAMPLE");
  EXPECT_EQ(z.where.str(), "t.ini:25");
  ASSERT_EQ(z.allow_update.size(), 4u);
  EXPECT_EQ(z.allow_update[0].key, "update-key.");
  EXPECT_TRUE(z.allow_update[0].names.empty());
  const UpdateRule& acme = z.allow_update[1];
  ASSERT_EQ(acme.names.size(), 2u);
  EXPECT_TRUE(acme.names[0].matches("_acme-challenge.example.com."));
  EXPECT_FALSE(acme.names[0].matches("x._acme-challenge.example.com."));
  EXPECT_TRUE(acme.names[1].wildcard);
  EXPECT_TRUE(acme.names[1].matches("a.b.dev.example.com."));
  EXPECT_FALSE(acme.names[1].matches("dev.example.com."));
  EXPECT_FALSE(acme.names[1].matches("xdev.example.com."));
  EXPECT_EQ(acme.types, (std::vector<std::string>{"TXT", "CNAME"}));
  EXPECT_EQ(acme.where.line, 29);
  const UpdateRule& net = z.allow_update[2];
  EXPECT_EQ(net.kind, UpdateRule::Kind::kAddress);
  uint8_t in[4] = {192, 0, 2, 77}, out[4] = {192, 0, 3, 1};
  EXPECT_TRUE(net.network.contains(in, 4));
  EXPECT_FALSE(net.network.contains(out, 4));
  EXPECT_EQ(z.allow_update[3].network.str(), "2001:db8::/32");
  // Address rules are announced at start.
  bool warned = false;
  for (const auto& w : c->warnings) warned = warned || w.find("192.0.2.0/24") != std::string::npos;
  EXPECT_TRUE(warned);
}

struct Bad {
  const char* text;
  const char* error;
};

const Bad kBad[] = {
    {"[zone example.com]\nbackground-refresh = 500ms\n",
     "t.ini:2: background-refresh: must be 0 (off) or between 1s and 1w"},
    {"[zone example.com]\ntrust-mirror = maybe\n", "t.ini:2: trust-mirror: \"maybe\" is not yes or no"},
    {"[srever]\n", "t.ini:1: unknown section [srever] (server, aws, key NAME, zone NAME)"},
    {"[server]\nlistn = 1.2.3.4:53\n", "t.ini:2: unknown key \"listn\" in [server]"},
    {"log-level = info\n", "t.ini:1: key \"log-level\" outside a section"},
    {"[server]\n\nlisten = 127.0.0.1\n",
     "t.ini:3: listen: \"127.0.0.1\" needs a port (ADDR:PORT or [V6]:PORT)"},
    {"[server]\nlisten = ::1:53\n", "t.ini:2: listen: \"::1:53\": write IPv6 as [ADDR]:PORT"},
    {"[server]\nlisten = 127.0.0.1:99999\n", "t.ini:2: listen: port 99999 is outside 1..65535"},
    {"[server]\nlisten = 300.0.0.1:53\n", "t.ini:2: listen: \"300.0.0.1\" is not an IPv4 address"},
    {"[server]\nlisten = 127.0.0.1:53, 127.0.0.1:53\n",
     "t.ini:2: listen: 127.0.0.1:53 is listed twice (also at line 2)"},
    {"[server]\nlog-level = loud\n",
     "t.ini:2: log-level: \"loud\" is not a level (debug, info, notice, warning, error)"},
    {"[server]\nlog-level = info\nlog-level = debug\n",
     "t.ini:3: \"log-level\" given twice in [server] (first at line 2)"},
    {"[server]\ntcp-timeout = soon\n",
     "t.ini:2: tcp-timeout: \"soon\" is not a duration (e.g. 10, 1.5s, 500ms, 2m, 1d, 4w)"},
    {"[server]\nmax-tcp-clients = -1\n", "t.ini:2: max-tcp-clients: \"-1\" is not a whole number"},
    {"[server]\nuser = no-such-user-r53d\n", "t.ini:2: user: no such user \"no-such-user-r53d\""},
    {"[server]\n[server]\n", "t.ini:2: section [server] repeated (first at line 1)"},
    {"[server x]\n", "t.ini:1: [server] takes no name"},
    {"[aws]\nendpoint = ftp://x\n", "t.ini:2: endpoint: \"ftp://x\" is not an http:// or https:// URL"},
    {"[aws]\nrequests-per-second = 0\n",
     "t.ini:2: requests-per-second: \"0\" is not a rate between 0 (exclusive) and 1000"},
    {"[aws]\nmin-requests-per-second = 1001\n",
     "t.ini:2: min-requests-per-second: \"1001\" is not a rate between 0 (exclusive) and 1000"},
    {"[aws]\naccess-key-id = AKIDEXAMPLE12345\n",
     "t.ini:2: access-key-id and secret-access-key must be given together"},
    {"[aws]\nsecret-access-key = abc\n",
     "t.ini:2: access-key-id and secret-access-key must be given together"},
    {"[aws]\naccess-key-id = lower\nsecret-access-key = x\n",
     "t.ini:2: access-key-id: not an access key ID (upper-case letters and digits)"},
    {"[aws]\nsession-token = tok\n",
     "t.ini:2: session-token needs access-key-id and secret-access-key"},
    {"[aws]\nmax-attempts = 0\n", "t.ini:2: max-attempts: 0 is outside 1..100"},
    {"[aws]\npoll-interval-min = 20s\n",
     "t.ini:2: poll-interval-min is longer than poll-interval-max"},
    {"[key]\n", "t.ini:1: [key] needs a name: [key NAME]"},
    {"[key k]\nalgorithm = hmac-sha256\n", "t.ini:1: [key k.]: missing required key \"secret\""},
    {"[key k]\nalgorithm = hmac-sha3\nsecret = bWFkZQ==\n",
     "t.ini:2: algorithm: unknown algorithm \"hmac-sha3\" (hmac-md5, hmac-sha1, hmac-sha224, "
     "hmac-sha256, hmac-sha384, hmac-sha512)"},
    {"[key k]\nsecret = not*base64\n", "t.ini:2: secret: secret is not valid base64 (length is not a multiple of 4)"},
    {"[key k]\nsecret = bad*\n", "t.ini:2: secret: secret is not valid base64 (invalid character)"},
    {"[key k]\nsecret = bWFkZQ==\n[key K.]\nsecret = bWFkZQ==\n",
     "t.ini:3: section [key K.] repeated (first at line 1)"},
    {"[zone example.com]\nmode = secondary\n",
     "t.ini:1: zone example.com.: mode secondary needs a primary (primary = ADDR[:PORT] [key NAME])"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1 key xfr\n",
     "t.ini:3: primary 192.0.2.1:53: unknown key \"xfr.\" (define it in a [key xfr.] section or a key-file)"},
    {"[key k]\nsecret = bWFkZQ==\n[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\nallow-update = key k\n",
     "t.ini:6: allow-update is for dynamic zones: zone example.com. is a secondary zone and follows its primary"},
    {"[zone example.com]\nprimary = 192.0.2.1\n",
     "t.ini:2: primary is for secondary zones (zone example.com. is dynamic; set mode = secondary)"},
    {"[zone example.com]\ndhcid = maybe\n", "t.ini:2: dhcid: \"maybe\" is not refuse or txt"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\ndhcid = txt\n",
     "t.ini:4: dhcid is for dynamic zones: zone example.com. is a secondary zone and takes no UPDATEs"},
    {"[key k]\nsecret = bWFkZQ==\n[zone example.com]\nallow-update = key k types A,DHCID\n",
     "t.ini:4: allow-update: type DHCID needs dhcid = txt in zone example.com. (Route 53 cannot hold DHCID)"},
    {"[key k]\nsecret = bWFkZQ==\n[zone example.com]\nallow-update = key k types A,NSEC\n",
     "t.ini:4: allow-update: type \"NSEC\" is not a Route 53 record type"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1:99999\n", "t.ini:3: primary: port 99999 is outside 1..65535"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1 secret\n",
     "t.ini:3: primary: unexpected \"secret\"; (ADDR[:PORT] [key NAME], IPv6 as [ADDR]:PORT)"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\nallow-notify = 192.0.2.0/33\n",
     "t.ini:4: allow-notify: prefix length 33 is outside 0..32"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\nrefresh-min = 2h\nrefresh-max = 1h\n",
     "t.ini:4: refresh-min is longer than refresh-max"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\ntransfer-source = 192.0.2.5\n"
     "transfer-source = 192.0.2.6\n",
     "t.ini:5: transfer-source: one IPv4 source address only (already 192.0.2.5)"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\napex-ns = mine\n",
     "t.ini:4: apex-ns: \"mine\" is not keep or primary"},
    {"[zone example.com]\nmode = secondary\nprimary = 192.0.2.1\nmax-change-percent = 0\n",
     "t.ini:4: max-change-percent: 0 is outside 1..100"},
    {"[zone example.com]\nhosted-zone-id = z-1\n",
     "t.ini:2: hosted-zone-id: \"z-1\" is not a hosted zone ID (e.g. Z0123456789ABCDEFGHIJ)"},
    {"[zone example.com]\nallow-update = key nokey\n",
     "t.ini:2: allow-update: unknown key \"nokey.\" (define it in a [key nokey.] section or a "
     "key-file)"},
    {"[zone example.com]\nallow-update = everyone\n",
     "t.ini:2: allow-update: \"everyone\" is not a rule; (key NAME [names PATTERN[,PATTERN]] "
     "[types TYPE[,TYPE]] | address CIDR)"},
    {"[key k]\nsecret = bWFkZQ==\n[zone example.com]\nallow-update = key k names www.example.org\n",
     "t.ini:4: allow-update: name www.example.org is not in zone example.com."},
    {"[key k]\nsecret = bWFkZQ==\n[zone example.com]\nallow-update = key k types TXT,NSEC\n",
     "t.ini:4: allow-update: type \"NSEC\" is not a Route 53 record type"},
    {"[key k]\nsecret = bWFkZQ==\n[zone example.com]\nallow-update = key k names\n",
     "t.ini:4: allow-update: names needs a comma-separated list"},
    {"[zone example.com]\nallow-update = address 192.0.2.1/24\n",
     "t.ini:2: allow-update: \"192.0.2.1/24\" has host bits set (network is 192.0.2.0/24)"},
    {"[zone example.com]\nallow-update = address 192.0.2.0/33\n",
     "t.ini:2: allow-update: prefix length 33 is outside 0..32"},
    {"[zone a..com]\n", "t.ini:1: [zone a..com]: empty label in \"a..com\""},
    {"[server\n", "t.ini:1: syntax error (expected KEY = VALUE or [SECTION])"},
    {"[server]\njust words\n", "t.ini:2: syntax error (expected KEY = VALUE or [SECTION])"},
    {"[server]\nkey-file = /nonexistent/keys.conf\n",
     "t.ini:2: key-file: cannot open /nonexistent/keys.conf: No such file or directory"},
};

TEST(Config, EveryErrorSaysFileLineReason) {
  for (const Bad& b : kBad) EXPECT_EQ(error_of(b.text), b.error) << b.text;
}

// Bug: --check accepted any "http://..." endpoint (no host, port 0 or 99999, a path); the
// daemon only refused it at start. Now each is FILE:LINE: reason at parse time.
TEST(Config, BadEndpointIsRefusedAtParseTime) {
  struct Case {
    const char* url;
    const char* reason;  // after "t.ini:2: endpoint: "
  } cases[] = {
      {"ftp://x", "\"ftp://x\" is not an http:// or https:// URL"},
      {"127.0.0.1:8053", "\"127.0.0.1:8053\" is not an http:// or https:// URL"},
      {"http//x", "\"http//x\" is not an http:// or https:// URL"},
      {"http://", "\"http://\" has no host"},
      {"https:///x", "\"https:///x\" has no host"},
      {"http://:8053", "\"http://:8053\" has no host"},
      {"http://host:", "\"http://host:\": port \"\" is not a number in 1..65535"},
      {"http://host:http", "\"http://host:http\": port \"http\" is not a number in 1..65535"},
      {"http://host:-1", "\"http://host:-1\": port \"-1\" is not a number in 1..65535"},
      {"http://host:0", "\"http://host:0\": port 0 is outside 1..65535"},
      {"http://host:65536", "\"http://host:65536\": port 65536 is outside 1..65535"},
      {"http://host:123456", "\"http://host:123456\": port \"123456\" is not a number in 1..65535"},
      {"http://127.0.0.1:8053/route53",
       "\"http://127.0.0.1:8053/route53\" has a path; nothing but \"/\" may follow the host[:port]"},
      {"http://host/?a=1", "\"http://host/?a=1\" has a query; nothing but \"/\" may follow the host[:port]"},
      {"http://host?a=1", "\"http://host?a=1\" has a query; nothing but \"/\" may follow the host[:port]"},
      {"http://host#f", "\"http://host#f\" has a fragment; nothing but \"/\" may follow the host[:port]"},
      {"http://ho_st", "\"http://ho_st\": \"ho_st\" is not a host name or address"},
      {"http://[::1", "\"http://[::1\": \"[\" without \"]\" in the host"},
      {"http://[zz::1]:80", "\"http://[zz::1]:80\": \"zz::1\" is not an IPv6 address"},
      {"http://[::1]x", "\"http://[::1]x\": junk after the [IPv6] host"},
      {"http://[::1]:0", "\"http://[::1]:0\": port 0 is outside 1..65535"},
      {"http://user:pw@host", "user information (USER@ or USER:PASSWORD@) is not allowed in the URL"},
      {"ftp://user:pw@host", "user information (USER@ or USER:PASSWORD@) is not allowed in the URL"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(error_of(std::string("[aws]\nendpoint = ") + c.url + "\n"),
              std::string("t.ini:2: endpoint: ") + c.reason)
        << c.url;
  }
  // A password in user information is never echoed.
  EXPECT_EQ(error_of("[aws]\nendpoint = https://me:hunter2pw@route53.amazonaws.com\n").find("hunter2"),
            std::string::npos);
}

TEST(Config, GoodEndpointsAreAccepted) {
  const char* good[] = {"http://127.0.0.1:8053", "http://127.0.0.1:8053/", "https://route53.amazonaws.com",
                        "HTTPS://Route53.AmazonAWS.com/", "http://localhost:1", "http://localhost:65535",
                        "http://[::1]:8053", "http://[2001:db8::1]/", "https://[::1]"};
  for (const char* g : good) {
    auto c = parse(std::string("[aws]\nendpoint = ") + g + "\n", "t.ini");
    ASSERT_TRUE(c.ok()) << g << ": " << c.status().to_string();
    EXPECT_EQ(c->aws.endpoint, g);
  }
}

TEST(Config, ReportsAllErrorsInLineOrder) {
  EXPECT_EQ(error_of("[server]\nlog-level = x\n[bogus]\nfoo = 1\n[aws]\nmax-attempts = 0\n"),
            "t.ini:2: log-level: \"x\" is not a level (debug, info, notice, warning, error)\n"
            "t.ini:3: unknown section [bogus] (server, aws, key NAME, zone NAME)\n"
            "t.ini:6: max-attempts: 0 is outside 1..100");
}

TEST(Config, SecretsNeverAppearInErrors) {
  std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ*";
  std::string e = error_of("[key k]\nsecret = " + secret + "\n");
  EXPECT_EQ(e.find("c2VjcmV0"), std::string::npos) << e;
  e = error_of("[aws]\nsecret-access-key = TOPSECRETVALUE\n");
  EXPECT_EQ(e.find("TOPSECRET"), std::string::npos) << e;
}

TEST(Config, LongLinesAreFine) {
  std::string names;
  for (int i = 0; i < 60; ++i) names += (i ? "," : "") + std::string("host") + std::to_string(i) + ".example.com";
  auto c = parse("[key k]\nsecret = bWFkZQ==\n[zone example.com]\nallow-update = key k names " + names +
                     "\nmode = dynamic\n",
                 "t.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->zones[0].allow_update[0].names.size(), 60u);
}

TEST(Config, KeyFilesAreLoadedRelativeToTheConfig) {
  std::string dir = temp_dir();
  write_file(dir + "/keys.conf",
             "# made by tsig-keygen\nkey \"ddns-key.example.com\" {\n\talgorithm hmac-sha256;\n"
             "\tsecret \"" + std::string(kSecret) + "\";\n};\n");
  write_file(dir + "/route53d.ini",
             "[server]\nkey-file = keys.conf\n[zone example.com]\nallow-update = key "
             "DDNS-KEY.example.com.\n",
             0644);
  auto c = load(dir + "/route53d.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->keys.size(), 1u);
  EXPECT_EQ(c->keys[0].name, "ddns-key.example.com.");
  EXPECT_EQ(c->keys[0].where.str(), dir + "/keys.conf:2");
  // keys.conf is 0600 and route53d.ini holds no secret: no permission warning.
  for (const auto& w : c->warnings) EXPECT_EQ(w.find("readable"), std::string::npos) << w;

  // A key defined twice (section and key file) names both places.
  write_file(dir + "/dup.ini",
             "[server]\nkey-file = keys.conf\n[key ddns-key.example.com]\nsecret = bWFkZQ==\n");
  auto d = load(dir + "/dup.ini");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), dir + "/keys.conf:2: key ddns-key.example.com. defined twice (first at " +
                                      dir + "/dup.ini:3)");

  // An error inside the key file is reported with the key file's name and line.
  write_file(dir + "/bad.conf", "key \"k\" {\n algorithm hmac-sha256;\n secret \"@@@@\";\n};\n");
  write_file(dir + "/bad.ini", "[server]\nkey-file = bad.conf\n");
  auto b = load(dir + "/bad.ini");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), dir + "/bad.conf:3: key \"k\": secret is not valid base64 (invalid character)");
}

// Found by tests/fuzz/config_ini: a key file named on two key-file lines was read twice, and each
// of its keys was refused as "keys.conf:2: key ... defined twice (first at keys.conf:2)".
TEST(Config, KeyFileListedTwiceNamesTheSecondLine) {
  std::string dir = temp_dir();
  write_file(dir + "/keys.conf",
             "key \"ddns-key.example.com\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + std::string(kSecret) +
                 "\";\n};\n");
  write_file(dir + "/twice.ini", "[server]\nkey-file = keys.conf\nlisten = 127.0.0.1:5353\nkey-file = keys.conf\n");
  auto c = load(dir + "/twice.ini");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), dir + "/twice.ini:4: key-file: " + dir + "/keys.conf is already listed (line 2)");
  // The same file under another name is the same file.
  write_file(dir + "/alias.ini", "[server]\nkey-file = keys.conf\nkey-file = ./keys.conf\n");
  auto a = load(dir + "/alias.ini");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), dir + "/alias.ini:3: key-file: " + dir + "/./keys.conf is already listed (line 2)");
}

TEST(Config, WarnsWhenSecretsAreReadableByOthers) {
  std::string dir = temp_dir();
  write_file(dir + "/open.ini",
             "[aws]\naccess-key-id = AKIDEXAMPLE12345\nsecret-access-key = abc\n", 0644);
  auto c = load(dir + "/open.ini");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0], dir + "/open.ini: holds secrets but is readable by group or others "
                                  "(mode 0644); chmod 600 it");
  EXPECT_EQ(c->warnings[0].find("abc"), std::string::npos);
  chmod((dir + "/open.ini").c_str(), 0600);
  auto p = load(dir + "/open.ini");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->warnings.empty());
  auto missing = load(dir + "/none.ini");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), dir + "/none.ini: cannot open: No such file or directory");
}

TEST(Config, AlgorithmSpellings) {
  EXPECT_EQ(parse_tsig_algorithm("HMAC-SHA512.")->first, "hmac-sha512");
  EXPECT_EQ(parse_tsig_algorithm("sha1")->first, "hmac-sha1");
  EXPECT_EQ(parse_tsig_algorithm("hmac-md5.sig-alg.reg.int.")->first, "hmac-md5");
  EXPECT_EQ(parse_tsig_algorithm("hmac-sha256-128")->second, 128);
  EXPECT_EQ(parse_tsig_algorithm("hmac-sha256-130")->second, 136);
  EXPECT_FALSE(parse_tsig_algorithm("hmac-sha256-64").ok());
  EXPECT_FALSE(parse_tsig_algorithm("hmac-sha256-512").ok());
}

TEST(Config, Durations) {
  EXPECT_EQ(*parse_duration_ms("10"), 10000);
  EXPECT_EQ(*parse_duration_ms("1.5s"), 1500);
  EXPECT_EQ(*parse_duration_ms("250ms"), 250);
  EXPECT_EQ(*parse_duration_ms("2m"), 120000);
  EXPECT_EQ(*parse_duration_ms("1d"), 86400000);
  EXPECT_EQ(*parse_duration_ms("4w"), 2419200000);
  EXPECT_FALSE(parse_duration_ms("").ok());
  EXPECT_FALSE(parse_duration_ms("5 days").ok());
}

TEST(Config, Names) {
  EXPECT_EQ(*normalize_dns_name("Example.COM"), "example.com.");
  EXPECT_EQ(*normalize_dns_name("example.com."), "example.com.");
  EXPECT_EQ(*normalize_dns_name("."), ".");
  EXPECT_FALSE(normalize_dns_name("a..b").ok());
  EXPECT_FALSE(normalize_dns_name(std::string(64, 'x')).ok());
}

}  // namespace
}  // namespace r53d::config
