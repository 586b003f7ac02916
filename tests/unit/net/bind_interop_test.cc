// Interoperability of our TSIG and listeners with the real tools, both ways:
//  - nsupdate (UDP and TCP, -y and -k), knsupdate, dig -y and kdig -y against a small gateway built
//    from net::Server + dns::check_request/finish_reply: they must accept our signed replies;
//  - our signed queries and AXFR request against a real BIND `named` on 127.0.0.1: our code must
//    verify named's replies, its BADSIG/BADTIME errors, and a multi-message signed AXFR.
// Skipped when the tools are not installed.
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

#include "dns/ldns_ptr.h"
#include "dns/request.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "loop/event_base.h"
#include "net/server.h"
#include "util/base64.h"
#include "tests/unit/net/named_process.h"
#include "util/clock.h"

namespace r53d::net {
namespace {

using testing::have_tool;
using testing::make_query;
using testing::make_tmpdir;
using testing::slurp;
using testing::udp_exchange;

constexpr char kSecret[] = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
constexpr char kWrongSecret[] = "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY=";
const char* const kAlgs[] = {"hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"};

// Wall clock shifted by offset_s (to provoke BADTIME).
class OffsetClock : public Clock {
 public:
  explicit OffsetClock(int64_t offset_s) : offset_ms_(offset_s * 1000) {}
  int64_t mono_ms() const override { return SystemClock::instance().mono_ms(); }
  int64_t wall_ms() const override { return SystemClock::instance().wall_ms() + offset_ms_; }

 private:
  int64_t offset_ms_;
};

// Just enough of the gateway: verify TSIG, answer UPDATE NOERROR (BIND's shape: zone section
// only), answer SOA queries from ldns, sign every reply.
class MiniGateway : public Handler {
 public:
  explicit MiniGateway(const Clock& clock) : clock_(clock) {}

  void handle(Request req, Responder responder) override {
    auto rc = dns::check_request(req.wire, ring_, clock_, req.transport == Transport::kTcp);
    results_.push_back(rc.tsig.result);
    if (rc.action == dns::RequestAction::kDrop) return;
    if (rc.action == dns::RequestAction::kReply) {
      responder.respond(std::move(rc.error_reply));
      return;
    }
    std::vector<uint8_t> reply;
    if (rc.header.opcode() == dns::kOpcodeUpdate) {
      reply = dns::make_error_reply(req.wire, rc, dns::kNoError);
    } else {
      reply = soa_reply(req.wire);
    }
    auto done = dns::finish_reply(std::move(reply), rc, clock_);
    ASSERT_TRUE(done.ok()) << done.status().to_string();
    responder.respond(std::move(*done));
  }

  std::vector<uint8_t> soa_reply(const std::vector<uint8_t>& wire) {
    auto q = dns::wire_to_pkt(wire);
    EXPECT_TRUE(q.ok());
    dns::PktPtr r(ldns_pkt_new());
    ldns_pkt_set_id(r.get(), ldns_pkt_id(q->get()));
    ldns_pkt_set_qr(r.get(), true);
    ldns_pkt_set_aa(r.get(), true);
    ldns_pkt_set_opcode(r.get(), LDNS_PACKET_QUERY);
    ldns_pkt_push_rr(r.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q->get()), 0)));
    ldns_rr* soa = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&soa, "example.com. 300 IN SOA ns.example.com. admin.example.com. 42 7200 900 1209600 300",
                                  0, nullptr, nullptr), LDNS_STATUS_OK);
    ldns_pkt_push_rr(r.get(), LDNS_SECTION_ANSWER, soa);  // the packet owns soa
    auto w = dns::pkt_to_wire(r.get());
    EXPECT_TRUE(w.ok());
    return *w;
  }

  dns::TsigKeyRing ring_;
  const Clock& clock_;
  std::vector<dns::TsigResult> results_;
};

struct ToolRun {
  int exit_code = -1;
  std::string output;
};

// Runs `cmd` with /bin/sh while the loop serves, until it exits (or is killed after timeout_ms).
ToolRun run_tool(loop::EventBase& loop, const std::string& dir, const std::string& cmd, int timeout_ms = 20000) {
  std::string out = dir + "/tool.out";
  std::string full = cmd + " >" + out + " 2>&1";
  const char* argv[] = {"/bin/sh", "-c", full.c_str(), nullptr};
  pid_t pid = 0;
  ToolRun r;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) return r;
  int64_t deadline = SystemClock::instance().mono_ms() + timeout_ms;
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (SystemClock::instance().mono_ms() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    loop.run_once(true);
    usleep(1000);
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = slurp(out);
  return r;
}

class ToolsAgainstUs : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tool("nsupdate") || !have_tool("dig")) GTEST_SKIP() << "BIND tools not installed";
    dir_ = make_tmpdir();
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  // Starts a gateway whose ring holds update-key with `alg` and kSecret.
  void start(const char* alg, const Clock& clock = SystemClock::instance()) {
    gw_ = std::make_unique<MiniGateway>(clock);
    auto key = dns::TsigKey::create("update-key", alg, kSecret);
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(gw_->ring_.add(std::move(*key)).ok());
    ServerOptions opt;
    opt.listen = {"127.0.0.1:0"};
    auto s = Server::create(loop_, opt, *gw_);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    server_ = std::move(*s);
    port_ = server_->addresses()[0].port();
  }

  ToolRun nsupdate(const std::string& flags, const std::string& key_arg) {
    std::ofstream(dir_ + "/script") << "server 127.0.0.1 " << port_ << "\nzone example.com\n"
                                    << "update add www.example.com 300 A 192.0.2.1\nsend\n";
    return run_tool(loop_, dir_, "nsupdate -t 5 -u 1 -r 1 " + flags + " " + key_arg + " " + dir_ + "/script");
  }

  std::string dir_;
  loop::EventBase loop_;
  std::unique_ptr<MiniGateway> gw_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ToolsAgainstUs, NsupdateAcceptsOurSignedRepliesForEveryAlgorithm) {
  for (const char* alg : kAlgs) {
    SCOPED_TRACE(alg);
    start(alg);
    for (const char* transport : {"", "-v"}) {
      auto r = nsupdate(transport, std::string("-y ") + alg + ":update-key:" + kSecret);
      EXPECT_EQ(r.exit_code, 0) << transport << "\n" << r.output;
      ASSERT_FALSE(gw_->results_.empty());
      EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kOk);
    }
    server_.reset();
  }
}

TEST_F(ToolsAgainstUs, NsupdateWithTsigKeygenKeyFile) {
  if (!have_tool("tsig-keygen")) GTEST_SKIP();
  auto r = run_tool(loop_, dir_, "tsig-keygen -a hmac-sha512 ddns-key.example.com");
  ASSERT_EQ(r.exit_code, 0);
  std::ofstream(dir_ + "/key.conf") << r.output;
  size_t s = r.output.find("secret \"");
  ASSERT_NE(s, std::string::npos);
  std::string secret = r.output.substr(s + 8, r.output.find('"', s + 8) - s - 8);
  gw_ = std::make_unique<MiniGateway>(SystemClock::instance());
  auto key = dns::TsigKey::create("ddns-key.example.com", "hmac-sha512", secret);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(gw_->ring_.add(std::move(*key)).ok());
  ServerOptions opt;
  opt.listen = {"127.0.0.1:0"};
  server_ = std::move(*Server::create(loop_, opt, *gw_));
  port_ = server_->addresses()[0].port();
  auto u = nsupdate("", "-k " + dir_ + "/key.conf");
  EXPECT_EQ(u.exit_code, 0) << u.output;
  EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kOk);
}

TEST_F(ToolsAgainstUs, NsupdateReportsOurTsigErrors) {
  start("hmac-sha256");
  auto r = nsupdate("", std::string("-y hmac-sha256:update-key:") + kWrongSecret);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kBadSig);
  EXPECT_NE(r.output.find("NOTAUTH"), std::string::npos) << r.output;
  r = nsupdate("", std::string("-y hmac-sha256:unknown-key:") + kSecret);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kBadKey);
  // nsupdate's default algorithm is hmac-md5: BADKEY against an hmac-sha256 key.
  r = nsupdate("", std::string("-y update-key:") + kSecret);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kBadKey);
  server_.reset();
  // Server clock 1000 s ahead: BADTIME, signed, which nsupdate verifies and reports.
  OffsetClock ahead(1000);
  start("hmac-sha256", ahead);
  r = nsupdate("", std::string("-y hmac-sha256:update-key:") + kSecret);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kBadTime);
  // nsupdate verified our signed BADTIME reply: "update failed: NOTAUTH(BADTIME)".
  EXPECT_NE(r.output.find("NOTAUTH(BADTIME)"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("expected a TSIG"), std::string::npos) << r.output;
}

TEST_F(ToolsAgainstUs, KnsupdateAcceptsOurSignedReplies) {
  if (!have_tool("knsupdate")) GTEST_SKIP();
  start("hmac-sha384");
  std::ofstream(dir_ + "/kscript") << "server 127.0.0.1 " << port_ << "\nzone example.com\n"
                                   << "update add www.example.com 300 A 192.0.2.1\nsend\n";
  auto r = run_tool(loop_, dir_, std::string("knsupdate -t 5 -r 1 -y hmac-sha384:update-key:") + kSecret + " " + dir_ + "/kscript");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kOk);
}

TEST_F(ToolsAgainstUs, DigAndKdigVerifySignedSoaAnswers) {
  start("hmac-sha256");
  for (const char* tcp : {"+notcp", "+tcp"}) {
    auto r = run_tool(loop_, dir_, "dig -p " + std::to_string(port_) + " @127.0.0.1 " + tcp +
                                       " +tries=1 +time=3 -y hmac-sha256:update-key:" + kSecret + " example.com SOA");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("status: NOERROR"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("TSIG PSEUDOSECTION"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("could not be validated"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(" 42 7200 900 1209600 300"), std::string::npos) << r.output;
    EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kOk);
  }
  // EDNS version 1: BADVERS with an OPT of version 0, signed.
  auto v = run_tool(loop_, dir_, "dig -p " + std::to_string(port_) + " @127.0.0.1 +edns=1 +noednsneg +tries=1 +time=3 -y hmac-sha256:update-key:" +
                                     kSecret + " example.com SOA");
  EXPECT_NE(v.output.find("status: BADVERS"), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("EDNS: version: 0"), std::string::npos) << v.output;
  EXPECT_EQ(v.output.find("could not be validated"), std::string::npos) << v.output;
  if (have_tool("kdig")) {
    auto r = run_tool(loop_, dir_, "kdig -p " + std::to_string(port_) + " @127.0.0.1 +retry=0 +timeout=3 -y hmac-sha256:update-key:" +
                                       kSecret + " example.com SOA");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("NOERROR"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("WARNING"), std::string::npos) << r.output;
    EXPECT_EQ(gw_->results_.back(), dns::TsigResult::kOk);
  }
}

}  // namespace
}  // namespace r53d::net

// --- Our client-side TSIG against a real named --------------------------------------------------

namespace r53d::net {
namespace {

class OursAgainstNamed : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tool("named")) GTEST_SKIP() << "named not installed";
    dir_ = make_tmpdir();
    std::ostringstream conf;
    for (const char* alg : kAlgs) conf << "key \"k-" << alg << "\" { algorithm " << alg << "; secret \"" << kSecret << "\"; };\n";
    conf << "zone \"example.com\" { type primary; file \"" << dir_ << "/example.com.db\"; };\n";
    std::ofstream zone(dir_ + "/example.com.db");
    zone << "$TTL 300\n@ SOA ns.example.com. admin.example.com. 42 7200 900 1209600 300\n@ NS ns.example.com.\n"
         << "ns A 192.0.2.53\n";
    for (int i = 0; i < 3000; ++i) zone << "host" << i << " A 10." << (i / 65536) % 256 << "." << (i / 256) % 256 << "." << i % 256 << "\n";
    zone.close();
    ASSERT_TRUE(named_.start(dir_, "allow-transfer { any; };", conf.str(), "example.com")) << "named did not answer:\n" << named_.log();
    port_ = named_.port();
  }
  void TearDown() override {
    named_.stop();
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  dns::TsigKey key(const char* alg, const char* secret = kSecret) {
    auto k = dns::TsigKey::create(std::string("k-") + alg, alg, secret);
    EXPECT_TRUE(k.ok());
    return *k;
  }

  std::string dir_;
  testing::NamedProcess named_;
  uint16_t port_ = 0;
};

TEST_F(OursAgainstNamed, NamedAcceptsOurSignedQueriesAndWeVerifyItsReplies) {
  for (const char* alg : kAlgs) {
    SCOPED_TRACE(alg);
    auto k = key(alg);
    auto q = make_query(0x4242, "example.com", dns::kTypeSoa);
    auto mac = dns::tsig_sign_request(q, k, SystemClock::instance());
    ASSERT_TRUE(mac.ok());
    auto reply = udp_exchange(port_, q);
    ASSERT_FALSE(reply.empty());
    EXPECT_EQ(dns::read_header(reply)->rcode(), dns::kNoError);
    EXPECT_EQ(dns::read_header(reply)->ancount, 1);
    Status s = dns::tsig_verify_reply(reply, k, *mac, SystemClock::instance());
    EXPECT_TRUE(s.ok()) << s.to_string();
  }
}

TEST_F(OursAgainstNamed, WeReadNamedsBadSigAndBadTime) {
  auto wrong = key("hmac-sha256", kWrongSecret);
  auto q = make_query(1, "example.com", dns::kTypeSoa);
  auto mac = dns::tsig_sign_request(q, wrong, SystemClock::instance());
  auto reply = udp_exchange(port_, q);
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(dns::read_header(reply)->rcode(), dns::kNotAuth);
  EXPECT_EQ(dns::tsig_verify_reply(reply, wrong, *mac, SystemClock::instance()).message(),
            "server answered TSIG error BADSIG (unsigned)");
  // Our clock 1000 s behind: named's BADTIME reply is signed; we verify it and read its clock.
  auto k = key("hmac-sha512");
  OffsetClock behind(-1000);
  q = make_query(2, "example.com", dns::kTypeSoa);
  mac = dns::tsig_sign_request(q, k, behind);
  reply = udp_exchange(port_, q);
  ASSERT_FALSE(reply.empty());
  Status s = dns::tsig_verify_reply(reply, k, *mac, behind);
  ASSERT_EQ(s.message().rfind("BADTIME: server time ", 0), 0u) << s.to_string();
  int64_t server_time = std::stoll(s.message().substr(21));
  EXPECT_NEAR(server_time, SystemClock::instance().wall_ms() / 1000, 5);
}

TEST_F(OursAgainstNamed, WeVerifyNamedsMultiMessageSignedAxfr) {
  auto k = std::make_shared<const dns::TsigKey>(key("hmac-sha256"));
  auto q = make_query(7, "example.com", 252);  // AXFR
  auto mac = dns::tsig_sign_request(q, *k, SystemClock::instance());
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port_);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<uint8_t> framed = {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  ASSERT_EQ(::send(fd, framed.data(), framed.size(), 0), static_cast<ssize_t>(framed.size()));
  dns::TsigStreamVerifier verifier(k, *mac);
  std::vector<uint8_t> buf;
  int messages = 0, soas = 0, records = 0;
  std::vector<std::vector<uint8_t>> all;
  while (soas < 2) {
    uint8_t tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    ASSERT_GT(n, 0) << "connection ended after " << messages << " messages";
    buf.insert(buf.end(), tmp, tmp + n);
    while (buf.size() >= 2 && buf.size() >= 2 + ((size_t{buf[0]} << 8) | buf[1])) {
      size_t len = (size_t{buf[0]} << 8) | buf[1];
      std::vector<uint8_t> msg(buf.begin() + 2, buf.begin() + 2 + len);
      buf.erase(buf.begin(), buf.begin() + 2 + len);
      ++messages;
      all.push_back(msg);
      Status s = verifier.add(msg, SystemClock::instance());
      ASSERT_TRUE(s.ok()) << "message " << messages << ": " << s.to_string();
      auto pkt = dns::wire_to_pkt(msg);
      ASSERT_TRUE(pkt.ok());
      ldns_rr_list* an = ldns_pkt_answer(pkt->get());
      for (size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
        ++records;
        if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == LDNS_RR_TYPE_SOA) ++soas;
      }
    }
  }
  ::close(fd);
  EXPECT_TRUE(verifier.finish().ok());
  EXPECT_GT(messages, 1);  // really multi-message
  EXPECT_EQ(records, 3000 + 2 + 2);  // hosts, ns A, NS, SOA twice
  // One flipped octet in the second message breaks the running MAC.
  all[1][all[1].size() / 2] ^= 0x01;
  dns::TsigStreamVerifier second(k, *mac);
  bool failed = false;
  for (const auto& m : all) failed = failed || !second.add(m, SystemClock::instance()).ok();
  EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace r53d::net
