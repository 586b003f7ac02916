// Tests of route53-sim's command-line parsing.
#include "sim/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace r53d::sim {
namespace {

Result<Options> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "route53-sim");
  return parse_options(static_cast<int>(args.size()), args.data());
}

TEST(SimOptions, ParsesTheDocumentedInterface) {
  auto o = parse({"--listen", "127.0.0.1:8053", "--credentials", "AKID:secret", "--credentials",
                  "K2:s2", "--rate", "10", "--insync-after", "0.5", "--zone", "example.com=Z123ABC",
                  "--state", "/tmp/s.json", "--fault", "throttle=0.1,error=0.2,reset=0.05,latency=30"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->listen_host, "127.0.0.1");
  EXPECT_EQ(o->listen_port, 8053);
  ASSERT_EQ(o->credentials.size(), 2u);
  EXPECT_EQ(o->credentials[0].access_key_id, "AKID");
  EXPECT_EQ(o->credentials[0].secret, "secret");
  EXPECT_EQ(o->rate, 10);
  EXPECT_EQ(o->insync_after_s, 0.5);
  ASSERT_EQ(o->zones.size(), 1u);
  EXPECT_EQ(o->zones[0].name, "example.com");
  EXPECT_EQ(o->zones[0].id, "Z123ABC");
  EXPECT_EQ(o->state_file, "/tmp/s.json");
  EXPECT_DOUBLE_EQ(o->faults.throttle_p, 0.1);
  EXPECT_DOUBLE_EQ(o->faults.error500_p, 0.1);
  EXPECT_DOUBLE_EQ(o->faults.error503_p, 0.1);
  EXPECT_DOUBLE_EQ(o->faults.reset_p, 0.05);
  EXPECT_EQ(o->faults.latency_ms, 30);
}

TEST(SimOptions, DefaultsAndInlineValues) {
  auto o = parse({"--listen=[::1]:0", "--rate=0"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->listen_host, "::1");
  EXPECT_EQ(o->listen_port, 0);
  EXPECT_EQ(o->rate, 0);
  EXPECT_EQ(o->insync_after_s, 2);
  EXPECT_EQ(o->apply_time_ms, 0);
  EXPECT_EQ(o->max_rrsets_per_zone, 10000) << "Route 53's MAX_RRSETS_BY_ZONE";
  EXPECT_FALSE(o->faults.any());
  EXPECT_TRUE(o->credentials.empty());
}

TEST(SimOptions, LostFault) {
  auto o = parse({"--listen", "127.0.0.1:1", "--fault", "lost=0.3,reset=0.1"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_DOUBLE_EQ(o->faults.lost_p, 0.3);
  EXPECT_DOUBLE_EQ(o->faults.reset_p, 0.1);
  EXPECT_TRUE(o->faults.any());
  auto only = parse_fault_spec("lost=1");
  ASSERT_TRUE(only.ok());
  EXPECT_TRUE(only->any());
  EXPECT_EQ(only->reset_p, 0);
  auto bad = parse_fault_spec("lost=1.5");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--fault lost: 1.5 is out of range"), std::string::npos)
      << bad.status().message();
  auto unknown = parse_fault_spec("lose=1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("lost"), std::string::npos) << unknown.status().message();
}

TEST(SimOptions, RepeatedFaultOptionsMerge) {
  auto o = parse({"--listen", "127.0.0.1:1", "--fault", "throttle=0.5", "--fault", "latency=20"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_DOUBLE_EQ(o->faults.throttle_p, 0.5);
  EXPECT_EQ(o->faults.latency_ms, 20);

  // A later key overrides, the other keys of the earlier options are kept; "error" sets both
  // halves, a later "error500" only its own; the inline form merges the same way.
  o = parse({"--listen", "127.0.0.1:1", "--fault", "throttle=0.5,reset=0.1,error=0.4", "--fault",
             "throttle=0.2,latency=20", "--fault=error500=0,lost=0.3"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_DOUBLE_EQ(o->faults.throttle_p, 0.2);
  EXPECT_DOUBLE_EQ(o->faults.reset_p, 0.1);
  EXPECT_DOUBLE_EQ(o->faults.error500_p, 0);
  EXPECT_DOUBLE_EQ(o->faults.error503_p, 0.2);
  EXPECT_DOUBLE_EQ(o->faults.lost_p, 0.3);
  EXPECT_EQ(o->faults.latency_ms, 20);

  // Setting a key to 0 later turns that fault off.
  o = parse({"--listen", "127.0.0.1:1", "--fault", "reset=1", "--fault", "reset=0"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_FALSE(o->faults.any());

  // A bad later option is still an error, whatever came before.
  o = parse({"--listen", "127.0.0.1:1", "--fault", "throttle=0.5", "--fault", "throttle=2"});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("--fault throttle: 2 is out of range"), std::string::npos)
      << o.status().message();

  // The parser itself: base fields survive unless named.
  FaultSpec base;
  base.latency_ms = 7;
  base.reset_p = 0.25;
  auto f = parse_fault_spec("reset=0.5", base);
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->reset_p, 0.5);
  EXPECT_EQ(f->latency_ms, 7);
}

TEST(SimOptions, MaxRrsetsPerZone) {
  auto o = parse({"--listen", "127.0.0.1:0", "--max-rrsets-per-zone", "200000"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->max_rrsets_per_zone, 200000);
  o = parse({"--listen", "127.0.0.1:0", "--max-rrsets-per-zone=0"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->max_rrsets_per_zone, 0) << "0: unlimited";
  EXPECT_NE(std::string(usage_text()).find("--max-rrsets-per-zone N"), std::string::npos);
}

TEST(SimOptions, HelpNeedsNothingElse) {
  auto o = parse({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
}

TEST(SimOptions, RejectsBadArgumentsWithAClearMessage) {
  struct Case {
    std::vector<const char*> args;
    const char* needle;
  };
  const Case cases[] = {
      {{}, "--listen ADDR:PORT is required"},
      {{"--listen", "8053"}, "--listen: expected ADDR:PORT"},
      {{"--listen", "127.0.0.1:99999"}, "out of range"},
      {{"--listen", "127.0.0.1:x"}, "not an integer"},
      {{"--listen", "127.0.0.1:1", "--rate", "fast"}, "--rate: not a number: 'fast'"},
      {{"--listen", "127.0.0.1:1", "--rate", "-1"}, "--rate: -1 is out of range"},
      {{"--listen", "127.0.0.1:1", "--credentials", "nosecret"}, "expected AKID:SECRET"},
      {{"--listen", "127.0.0.1:1", "--zone", "example.com"}, "expected NAME=ID"},
      {{"--listen", "127.0.0.1:1", "--zone", "example.com=bad-id"}, "bad hosted zone ID"},
      {{"--listen", "127.0.0.1:1", "--fault", "explode=1"}, "unknown fault 'explode'"},
      {{"--listen", "127.0.0.1:1", "--fault", "error=2"}, "out of range"},
      {{"--listen", "127.0.0.1:1", "--fault", "reset"}, "expected KEY=VALUE"},
      {{"--listen", "127.0.0.1:1", "--bogus"}, "unknown option '--bogus'"},
      {{"--listen", "127.0.0.1:1", "--max-rrsets-per-zone", "-1"}, "--max-rrsets-per-zone"},
      {{"--listen", "127.0.0.1:1", "--max-rrsets-per-zone", "many"}, "--max-rrsets-per-zone"},
      {{"--listen"}, "--listen: missing value"},
  };
  for (const auto& c : cases) {
    auto o = parse(c.args);
    ASSERT_FALSE(o.ok()) << c.needle;
    EXPECT_NE(o.status().message().find(c.needle), std::string::npos)
        << "got: " << o.status().message() << " want: " << c.needle;
  }
}

}  // namespace
}  // namespace r53d::sim
