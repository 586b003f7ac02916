// XfrClient against a real BIND `named` on 127.0.0.1 (skipped when named is not installed):
// AXFR of a 3,000-record zone (many messages) with and without TSIG, IXFR after nsupdate changes,
// IXFR from a serial not in the journal (full-zone form), `provide-ixfr no` (AXFR form to IXFR),
// up to date, a zone whose transfers need the key, a wrong key. One named for the whole suite.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "loop/event_base.h"
#include "net/dns_client.h"
#include "tests/unit/net/named_process.h"
#include "tests/unit/net/scripted_server.h"
#include "tests/unit/xfr/canned.h"
#include "xfr/xfr_client.h"

namespace r53d::xfr {
namespace {

using net::testing::have_tool;

constexpr int kHosts = 3000;

class XfrInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_tool("named") || !have_tool("nsupdate")) return;
    dir_ = new std::string(net::testing::make_tmpdir("r53d-xfr"));
    std::ofstream zone(*dir_ + "/example.com.db");
    zone << "$TTL 300\n@ SOA ns.example.com. admin.example.com. 100 7200 900 1209600 300\n@ NS ns.example.com.\n"
         << "ns A 192.0.2.53\nold TXT \"to be deleted\"\n";
    for (int i = 0; i < kHosts; ++i) zone << "host" << i << " A 10.0." << (i / 256) % 256 << "." << i % 256 << "\n";
    zone.close();
    std::ofstream signed_zone(*dir_ + "/signed.example.db");
    signed_zone << "$TTL 300\n@ SOA ns.signed.example. admin.signed.example. 7 7200 900 1209600 300\n@ NS ns\nns A 192.0.2.53\n";
    signed_zone.close();
    std::ostringstream body;
    body << "key \"xfr-key\" { algorithm hmac-sha256; secret \"" << testing::kSecret << "\"; };\n"
         // IXFR is not offered to 127.0.0.2: its IXFR requests get the whole zone in AXFR form.
         << "server 127.0.0.2 { provide-ixfr no; };\n"
         << "zone \"example.com\" { type primary; file \"" << *dir_ << "/example.com.db\"; allow-update { key \"xfr-key\"; }; };\n"
         << "zone \"signed.example\" { type primary; file \"" << *dir_
         << "/signed.example.db\"; allow-transfer { key \"xfr-key\"; }; };\n";
    named_ = new net::testing::NamedProcess();
    if (!named_->start(*dir_, "allow-transfer { any; };", body.str(), "example.com")) {
      ADD_FAILURE() << "named did not start:\n" << named_->log();
    }
  }
  static void TearDownTestSuite() {
    delete named_;
    named_ = nullptr;
    if (dir_) std::system(("rm -rf " + *dir_).c_str());
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!named_) GTEST_SKIP() << "named or nsupdate not installed";
  }

  RefreshRequest request(const char* zone, dns::RrPtr our_soa, bool with_key = false) {
    RefreshRequest r;
    r.zone = *zone::Name::from_text(zone);
    Primary p;
    p.address = *net::parse_listen_address("127.0.0.1:" + std::to_string(named_->port()));
    if (with_key) p.key = testing::make_key();
    r.primaries.push_back(p);
    r.our_soa = std::move(our_soa);
    r.options.soa_udp_timeout_ms = 500;
    r.options.soa_timeout_ms = 3000;
    r.options.transfer_timeout_ms = 10'000;
    return r;
  }

  RefreshOutcome run(RefreshRequest req) {
    std::optional<RefreshOutcome> out;
    auto call = client_.refresh(std::move(req), [&](RefreshOutcome o) { out = std::move(o); });
    net::testing::Pump pump(loop_, {});
    EXPECT_TRUE(pump.until([&] { return out.has_value(); }, 15'000));
    return out ? std::move(*out) : RefreshOutcome{};
  }

  // The zone's current SOA by AXFR (and, on the way, a check of the whole transfer).
  dns::RrPtr current_soa() {
    auto o = run(request("example.com", nullptr));
    EXPECT_TRUE(o.status.ok()) << o.status.to_string();
    return o.transfer ? dns::RrPtr(ldns_rr_clone(o.transfer->soa.get())) : nullptr;
  }

  void nsupdate(const std::string& commands) {
    std::string dir = *dir_;
    std::ofstream(dir + "/nsupdate.txt") << "server 127.0.0.1 " << named_->port() << "\nzone example.com\n" << commands << "send\n";
    std::string cmd = std::string("nsupdate -t 5 -y hmac-sha256:xfr-key:") + testing::kSecret + " " + dir +
                      "/nsupdate.txt >" + dir + "/nsupdate.out 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << net::testing::slurp(dir + "/nsupdate.out");
  }

  static std::string* dir_;
  static net::testing::NamedProcess* named_;
  loop::EventBase loop_;
  net::DnsClient dns_{loop_};
  TransferLimiter limiter_{loop_, 2};
  XfrClient client_{loop_, dns_, limiter_};
};

std::string* XfrInterop::dir_ = nullptr;
net::testing::NamedProcess* XfrInterop::named_ = nullptr;

uint32_t serial_of(const ldns_rr* soa) { return ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)); }

bool holds(const ldns_rr_list* list, const char* text, const char* origin) {
  auto want = testing::rr(text, origin);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    if (ldns_rr_compare(ldns_rr_list_rr(list, i), want.get()) == 0) return true;
  }
  return false;
}

TEST_F(XfrInterop, AxfrOfAMultiMessageZoneWithAndWithoutTsig) {
  for (bool with_key : {false, true}) {
    SCOPED_TRACE(with_key);
    auto o = run(request("example.com", nullptr, with_key));
    ASSERT_TRUE(o.status.ok()) << o.status.to_string();
    EXPECT_EQ(o.method, RefreshOutcome::Method::kAxfr);
    ASSERT_TRUE(o.transfer.has_value());
    EXPECT_EQ(o.transfer->kind, Transfer::Kind::kFull);
    EXPECT_EQ(o.transfer->signed_, with_key);
    EXPECT_GT(o.transfer->messages, 1u);  // really several messages
    // Every record but the SOA: the hosts, NS, ns A, and whatever TXT/A the other tests left.
    EXPECT_GE(ldns_rr_list_rr_count(o.transfer->records.get()), static_cast<size_t>(kHosts + 2));
    EXPECT_TRUE(holds(o.transfer->records.get(), "host2999 A 10.0.11.183", "example.com."));
    EXPECT_EQ(o.transfer->serial, o.primary_serial);
  }
}

TEST_F(XfrInterop, IxfrAfterNsupdateWithTsig) {
  auto before = current_soa();
  ASSERT_TRUE(before);
  uint32_t s0 = serial_of(before.get());
  nsupdate("update delete old.example.com TXT\nupdate add new.example.com 300 A 192.0.2.99\n");
  auto o = run(request("example.com", dns::RrPtr(ldns_rr_clone(before.get())), /*with_key=*/true));
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_EQ(o.method, RefreshOutcome::Method::kIxfr);
  EXPECT_FALSE(o.fell_back);
  ASSERT_EQ(o.transfer->kind, Transfer::Kind::kIncremental);
  EXPECT_TRUE(o.transfer->signed_);
  EXPECT_EQ(o.transfer->serial, s0 + 1);
  ASSERT_EQ(o.transfer->deltas.size(), 1u);
  const auto& d = o.transfer->deltas[0];
  EXPECT_EQ(serial_of(d.old_soa.get()), s0);
  EXPECT_EQ(serial_of(d.new_soa.get()), s0 + 1);
  EXPECT_TRUE(holds(d.deleted.get(), "old TXT \"to be deleted\"", "example.com.")) << ldns_rr_list_rr_count(d.deleted.get());
  EXPECT_TRUE(holds(d.added.get(), "new A 192.0.2.99", "example.com."));
  EXPECT_EQ(ldns_rr_list_rr_count(d.deleted.get()), 1u);
  EXPECT_EQ(ldns_rr_list_rr_count(d.added.get()), 1u);

  // Two more updates: two sequences in one IXFR, unsigned this time.
  nsupdate("update add two.example.com 300 A 192.0.2.2\n");
  nsupdate("update delete two.example.com A\nupdate add three.example.com 300 A 192.0.2.3\n");
  auto two = run(request("example.com", dns::RrPtr(ldns_rr_clone(o.transfer->soa.get()))));
  ASSERT_TRUE(two.status.ok()) << two.status.to_string();
  ASSERT_EQ(two.transfer->kind, Transfer::Kind::kIncremental);
  EXPECT_EQ(two.transfer->deltas.size(), 2u);
  EXPECT_EQ(two.transfer->serial, s0 + 3);

  // Now up to date: the SOA query alone says so.
  auto same = run(request("example.com", dns::RrPtr(ldns_rr_clone(two.transfer->soa.get()))));
  ASSERT_TRUE(same.status.ok());
  EXPECT_EQ(same.method, RefreshOutcome::Method::kNone);
  EXPECT_EQ(same.transfer->kind, Transfer::Kind::kUpToDate);
}

TEST_F(XfrInterop, IxfrFromASerialNotInTheJournalGetsTheFullZone) {
  auto soa = current_soa();
  ASSERT_TRUE(soa);
  // Serial 50: older than anything named has; it answers with the zone in AXFR form.
  auto old = testing::rr("@ 3600 SOA ns.example.com. admin.example.com. 50 7200 900 1209600 300", "example.com.");
  auto o = run(request("example.com", std::move(old)));
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_EQ(o.method, RefreshOutcome::Method::kIxfr);
  EXPECT_FALSE(o.fell_back);
  EXPECT_EQ(o.transfer->kind, Transfer::Kind::kFull);
  EXPECT_GE(ldns_rr_list_rr_count(o.transfer->records.get()), static_cast<size_t>(kHosts + 2));
}

TEST_F(XfrInterop, ProvideIxfrNoAnswersWithTheFullZone) {
  auto before = current_soa();
  ASSERT_TRUE(before);
  nsupdate("update add noixfr.example.com 300 A 192.0.2.77\n");
  auto req = request("example.com", dns::RrPtr(ldns_rr_clone(before.get())));
  req.primaries[0].source = *net::parse_listen_address("127.0.0.2:0");  // named: provide-ixfr no for it
  auto o = run(std::move(req));
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_EQ(o.method, RefreshOutcome::Method::kIxfr);
  EXPECT_EQ(o.transfer->kind, Transfer::Kind::kFull);
  EXPECT_TRUE(holds(o.transfer->records.get(), "noixfr A 192.0.2.77", "example.com."));
}

TEST_F(XfrInterop, TransfersThatNeedTheKey) {
  auto unsigned_req = run(request("signed.example", nullptr));
  EXPECT_FALSE(unsigned_req.status.ok());
  ASSERT_FALSE(unsigned_req.failures.empty());
  EXPECT_EQ(unsigned_req.failures.back().step, "AXFR");
  // named answers an unsigned refused AXFR with REFUSED (or, in some versions, NOTAUTH).
  EXPECT_NE(unsigned_req.failures.back().status.message().find(" from primary"), std::string::npos)
      << unsigned_req.failures.back().status.to_string();
  auto signed_req = run(request("signed.example", nullptr, true));
  ASSERT_TRUE(signed_req.status.ok()) << signed_req.status.to_string();
  EXPECT_TRUE(signed_req.transfer->signed_);
  EXPECT_EQ(signed_req.transfer->serial, 7u);
  // A key named like the primary's but with another secret: named answers BADSIG, unsigned.
  auto wrong = request("signed.example", nullptr);
  wrong.primaries[0].key = testing::make_key("xfr-key", "hmac-sha256", "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY=");
  auto bad = run(std::move(wrong));
  ASSERT_EQ(bad.failures.size(), 1u);
  EXPECT_EQ(bad.failures[0].step, "SOA query");
  EXPECT_EQ(bad.failures[0].status,
            Status::permission_denied("TSIG: server answered TSIG error BADSIG (unsigned) (NOTAUTH from primary)"));
}

}  // namespace
}  // namespace r53d::xfr

// --- XfrClient against tests/system/xfr/faultyprimary.py: each fault as the client reports it ----

namespace r53d::xfr {
namespace {

std::string faulty_primary_path() {
  const char* top = getenv("R53D_TOP");
  if (top && *top) return std::string(top) + "/tests/system/xfr/faultyprimary.py";
  std::string here = __FILE__;  // tests/unit/xfr/xfr_interop_test.cc, relative to the top
  return here.substr(0, here.rfind("unit/xfr/")) + "system/xfr/faultyprimary.py";
}

class XfrAgainstFaultyPrimary : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tool("python3") || access(faulty_primary_path().c_str(), R_OK) != 0) GTEST_SKIP() << "no faultyprimary.py";
    dir_ = net::testing::make_tmpdir("r53d-faulty");
    std::ofstream v1(dir_ + "/v1.zone");
    v1 << "$ORIGIN example.com.\n$TTL 300\n@ SOA ns admin 100 7200 900 1209600 300\n@ NS ns\nns A 192.0.2.53\n"
       << "old TXT \"x\"\n";
    for (int i = 0; i < 300; ++i) v1 << "h" << i << " A 10.0." << i / 256 << "." << i % 256 << "\n";
    v1.close();
    std::ifstream in(dir_ + "/v1.zone");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find(" 100 "), 5, " 101 ");
    text.replace(text.find("old TXT \"x\""), 11, "new A 192.0.2.9");
    std::ofstream(dir_ + "/v2.zone") << text;
  }
  void TearDown() override {
    stop();
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }
  // Starts the primary with `flags`; false if it did not come up.
  bool start(const std::string& flags) {
    stop();
    unlink((dir_ + "/fp.log").c_str());  // not the previous run's "listening on" line
    std::string cmd = "exec /usr/bin/python3 " + faulty_primary_path() + " --origin example.com --zone " + dir_ +
                      "/v1.zone --zone " + dir_ + "/v2.zone --key xfr-key:" + testing::kSecret + " " + flags + " >" +
                      dir_ + "/fp.log 2>&1";
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) return false;
    for (int i = 0; i < 200; ++i) {
      std::string log = net::testing::slurp(dir_ + "/fp.log");
      size_t at = log.find("listening on 127.0.0.1:");
      if (at != std::string::npos && log.find('\n', at) != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(log.substr(at + 23)));
        return true;
      }
      usleep(20'000);
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
  RefreshOutcome run(std::optional<uint32_t> ours) {
    RefreshRequest r;
    r.zone = *zone::Name::from_text("example.com");
    r.primaries.push_back(Primary{*net::parse_listen_address("127.0.0.1:" + std::to_string(port_)), testing::make_key(), {}});
    if (ours) r.our_soa = testing::rr("@ SOA ns admin " + std::to_string(*ours) + " 7200 900 1209600 300", "example.com.");
    r.options.soa_udp_timeout_ms = 500;
    r.options.idle_timeout_ms = 300;
    r.options.transfer_timeout_ms = 5000;
    std::optional<RefreshOutcome> out;
    auto call = client_.refresh(std::move(r), [&](RefreshOutcome o) { out = std::move(o); });
    net::testing::Pump pump(loop_, {});
    EXPECT_TRUE(pump.until([&] { return out.has_value(); }, 10'000));
    return out ? std::move(*out) : RefreshOutcome{};
  }
  std::string last_failure(const RefreshOutcome& o) {
    return o.failures.empty() ? std::string("(none)") : o.failures.back().step + ": " + o.failures.back().status.message();
  }

  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  loop::EventBase loop_;
  net::DnsClient dns_{loop_};
  TransferLimiter limiter_{loop_, 2};
  XfrClient client_{loop_, dns_, limiter_};
};

TEST_F(XfrAgainstFaultyPrimary, GoodIxfrAndAxfr) {
  ASSERT_TRUE(start("--unsigned-run 99 --rrs-per-message 1"));
  auto inc = run(100);
  ASSERT_TRUE(inc.status.ok()) << inc.status;
  EXPECT_EQ(inc.method, RefreshOutcome::Method::kIxfr);
  EXPECT_EQ(inc.transfer->kind, Transfer::Kind::kIncremental);
  auto full = run(std::nullopt);  // 305 messages, signed every 100th: accepted
  ASSERT_TRUE(full.status.ok()) << full.status;
  EXPECT_EQ(full.transfer->messages, 305u);
  EXPECT_TRUE(full.transfer->signed_);
}

TEST_F(XfrAgainstFaultyPrimary, EachStreamFault) {
  struct Case {
    const char* flags;
    const char* failure;  // the last failure, "STEP: message"
  };
  const Case cases[] = {
      {"--unsigned-run 100 --rrs-per-message 1", "AXFR: message 101: TSIG: more than 99 unsigned messages in a row"},
      {"--cut-after 2", "AXFR: stream ended after 2 messages before the closing SOA"},
      {"--stall-after 2", "AXFR: idle for 300 ms after 2 messages"},
      {"--bad-tsig 3", "AXFR: message 3: TSIG: bad MAC in reply"},
      {"--bad-final-soa", "AXFR: message 7: closing SOA (serial 102) differs from the opening SOA (serial 101)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.flags);
    ASSERT_TRUE(start(c.flags));
    auto o = run(std::nullopt);
    EXPECT_FALSE(o.status.ok());
    EXPECT_EQ(last_failure(o), c.failure);
  }
}

TEST_F(XfrAgainstFaultyPrimary, IxfrFaultsFallBackToAxfr) {
  struct Case {
    const char* flags;
    const char* reason;
  };
  const Case cases[] = {
      {"--lone-soa", "incomplete: a lone SOA with serial 101 (newer than ours, 100) then the end of the stream"},
      {"--refuse-ixfr NOTIMP", "NOTIMP from primary"},
      {"--refuse-ixfr REFUSED", "REFUSED from primary"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.flags);
    ASSERT_TRUE(start(c.flags));
    auto o = run(100);
    ASSERT_TRUE(o.status.ok()) << o.status;
    EXPECT_TRUE(o.fell_back);
    EXPECT_EQ(o.method, RefreshOutcome::Method::kAxfr);
    EXPECT_EQ(o.fallback_reason.message(), c.reason);
  }
  ASSERT_TRUE(start("--ixfr-full"));
  auto full = run(100);
  ASSERT_TRUE(full.status.ok()) << full.status;
  EXPECT_FALSE(full.fell_back);
  EXPECT_EQ(full.transfer->kind, Transfer::Kind::kFull);
}

TEST_F(XfrAgainstFaultyPrimary, SerialWentBackwards) {
  ASSERT_TRUE(start("--soa-serial 90"));
  auto o = run(100);
  ASSERT_TRUE(o.status.ok());
  EXPECT_TRUE(o.serial_went_backwards);
  EXPECT_EQ(o.primary_serial, 90u);
  EXPECT_EQ(o.method, RefreshOutcome::Method::kNone);
}

}  // namespace
}  // namespace r53d::xfr
