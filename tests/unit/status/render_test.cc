// status/render.h: the Prometheus text format (families, labels, escaping, cumulative
// histograms), the JSON of /status, the table of route53d --status.
#include "status/render.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace r53d::status {
namespace {

Snapshot sample() {
  Snapshot s;
  s.version = "0.1.0";
  s.ready = true;
  s.dns.messages[{"update", "noerror"}] = 5;
  s.route53.requests[{"ChangeResourceRecordSets", "ok"}] = 3;
  s.route53.requests[{"ChangeResourceRecordSets", "throttled"}] = 1;
  Histogram h({0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  s.route53.latency_seconds["ChangeResourceRecordSets"] = h;
  ZoneSnapshot z;
  z.name = "example.com.";
  z.hosted_zone_id = "ZEXAMPLE";
  z.mode = "dynamic";
  z.state = "idle";
  z.serving = true;
  z.confirmed_serial = 6;
  z.pushed_serial = 7;
  z.updates["noerror"] = 5;
  s.zones.push_back(z);
  ZoneSnapshot sec = z;
  sec.name = "example.org.";
  sec.mode = "secondary";
  sec.freshness = "fresh";
  sec.seconds_to_expire = 3600;
  sec.skipped_records["dnssec-type"] = 4;
  s.zones.push_back(sec);
  s.config.path = "/etc/route53d/route53d.ini";
  s.config.keys = {"update-key. (hmac-sha256)"};
  return s;
}

TEST(RenderPrometheus, CountersCarryTheirLabels) {
  std::string t = render_prometheus(sample());
  EXPECT_NE(t.find("route53d_updates_total{zone=\"example.com.\",result=\"noerror\"} 5\n"), std::string::npos) << t;
  EXPECT_NE(t.find("route53d_route53_requests_total{operation=\"ChangeResourceRecordSets\",outcome=\"throttled\"} 1\n"),
            std::string::npos);
  EXPECT_NE(t.find("# TYPE route53d_updates_total counter\n"), std::string::npos);
  EXPECT_NE(t.find("route53d_confirmed_serial{zone=\"example.com.\"} 6\n"), std::string::npos);
}

TEST(RenderPrometheus, HistogramBucketsAreCumulative) {
  std::string t = render_prometheus(sample());
  const std::string n = "route53d_route53_request_duration_seconds";
  EXPECT_NE(t.find(n + "_bucket{operation=\"ChangeResourceRecordSets\",le=\"0.1\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find(n + "_bucket{operation=\"ChangeResourceRecordSets\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(t.find(n + "_bucket{operation=\"ChangeResourceRecordSets\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(t.find(n + "_sum{operation=\"ChangeResourceRecordSets\"} 5.55\n"), std::string::npos);
  EXPECT_NE(t.find(n + "_count{operation=\"ChangeResourceRecordSets\"} 3\n"), std::string::npos);
}

TEST(RenderPrometheus, SecondaryFamiliesOnlyForSecondaryZones) {
  std::string t = render_prometheus(sample());
  EXPECT_NE(t.find("route53d_expire_seconds{zone=\"example.org.\"} 3600\n"), std::string::npos);
  EXPECT_EQ(t.find("route53d_expire_seconds{zone=\"example.com.\"}"), std::string::npos);
  EXPECT_NE(t.find("route53d_skipped_records{zone=\"example.org.\",reason=\"dnssec-type\"} 4\n"), std::string::npos);
}

TEST(RenderPrometheus, EveryFamilyHasHelpAndTypeEvenWithoutSamples) {
  std::string t = render_prometheus(Snapshot{});
  for (const char* f : {"route53d_transfers_total", "route53d_change_insync_seconds", "route53d_batch_records",
                        "route53d_refresh_age_seconds", "route53d_route53_last_success_age_seconds"}) {
    EXPECT_NE(t.find(std::string("# HELP ") + f + " "), std::string::npos) << f;
    EXPECT_NE(t.find(std::string("# TYPE ") + f + " "), std::string::npos) << f;
  }
}

TEST(RenderPrometheus, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Snapshot s;
  ZoneSnapshot z;
  z.name = "we\"ird.";
  z.mode = "dynamic";
  s.zones.push_back(z);
  EXPECT_NE(render_prometheus(s).find("route53d_zone_serving{zone=\"we\\\"ird.\"} 0\n"), std::string::npos);
}

TEST(RenderPrometheus, EpochSecondsKeepTheirMilliseconds) {
  Snapshot s;
  s.process.start_time_s = 1796591074.411;
  EXPECT_NE(render_prometheus(s).find("route53d_process_start_time_seconds 1796591074.411\n"), std::string::npos);
}

TEST(RenderJson, IsValidJsonWithTheZonesAndTheConfiguration) {
  std::string j = render_json(sample());
  rapidjson::Document d;
  ASSERT_FALSE(d.Parse(j.c_str()).HasParseError()) << j;
  ASSERT_TRUE(d["zones"].IsArray());
  EXPECT_EQ(d["zones"].Size(), 2u);
  EXPECT_STREQ(d["zones"][0]["name"].GetString(), "example.com.");
  EXPECT_EQ(d["zones"][0]["confirmed_serial"].GetUint(), 6u);
  EXPECT_EQ(d["zones"][0]["updates"]["noerror"].GetUint64(), 5u);
  EXPECT_FALSE(d["zones"][0].HasMember("secondary"));
  EXPECT_STREQ(d["zones"][1]["secondary"]["freshness"].GetString(), "fresh");
  EXPECT_STREQ(d["config"]["path"].GetString(), "/etc/route53d/route53d.ini");
  EXPECT_TRUE(d["ready"].GetBool());
}

TEST(RenderTable, OneLinePerZone) {
  std::string t = render_table(sample());
  EXPECT_NE(t.find("route53d 0.1.0: ready"), std::string::npos) << t;
  EXPECT_NE(t.find("example.com.                 dynamic   ZEXAMPLE               idle                6          7"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("example.org.                 secondary"), std::string::npos);
}

}  // namespace
}  // namespace r53d::status
