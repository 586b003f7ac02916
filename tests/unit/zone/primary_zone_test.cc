// Tests for the primary's zone copy and RFC 1995 deltas (src/zone/primary_zone.cc).
#include "zone/primary_zone.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/zone/fixture.h"

namespace r53d::zone {
namespace {

using testing::N;
using testing::primary;
using testing::primary_soa;
using testing::rr_from_text;
using testing::rr_list;
using testing::T;

// "300 192.0.2.1|600 192.0.2.2": each record's TTL and RDATA as ldns prints it, in stored order.
std::string show(const PrimaryZone& z, const std::string& owner, const std::string& type) {
  const PrimaryZone::Set* s = z.find(N(owner), T(type));
  if (s == nullptr) return "-";
  std::string out;
  for (const auto& r : s->records) {
    RrPtr rr = PrimaryZone::to_rr(N(owner), s->type, r);
    EXPECT_TRUE(rr);
    if (!out.empty()) out += "|";
    out += std::to_string(r.ttl_s);
    for (size_t i = 0; rr && i < ldns_rr_rd_count(rr.get()); ++i) {
      char* t = ldns_rdf2str(ldns_rr_rdf(rr.get(), i));
      out += std::string(" ") + t;
      free(t);
    }
  }
  return out;
}

Result<std::set<Name>> delta(PrimaryZone& z, uint32_t from, const std::vector<std::string>& del, uint32_t to,
                             const std::vector<std::string>& add) {
  auto old_soa = primary_soa(from), new_soa = primary_soa(to);
  auto d = rr_list(del), a = rr_list(add);
  return z.apply_delta(old_soa.get(), d.get(), new_soa.get(), a.get());
}

const std::vector<std::string> kV1 = {
    "example.com. 3600 IN NS ns1.example.net.",
    "example.com. 3600 IN NS ns2.example.net.",
    "example.com. 300 IN MX 10 Mail.Example.com.",
    "www.example.com. 300 IN A 192.0.2.2",
    "WWW.example.com. 300 IN A 192.0.2.1",
    "www.example.com. 300 IN AAAA 2001:db8::1",
    "mail.example.com. 300 IN A 192.0.2.25",
    "txt.example.com. 300 IN TXT \"hello\" \"world\"",
    "sub.example.com. 86400 IN NS ns.sub.example.com.",
    "sub.example.com. 86400 IN DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "ns.sub.example.com. 86400 IN A 192.0.2.53",
    "www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 example.com. AAAA",
};

TEST(PrimaryZone, FromFullKeepsEveryRecordSortedAndCounted) {
  PrimaryZone z = primary(101, kV1);
  EXPECT_EQ(z.apex(), N("example.com"));
  EXPECT_EQ(z.serial(), 101u);
  EXPECT_EQ(z.soa_ttl_s(), 3600u);
  EXPECT_EQ(z.owner_count(), 6u);   // the apex, www, mail, txt, sub, ns.sub
  EXPECT_EQ(z.rrset_count(), 10u);  // SOA aside; RRSIG counts
  EXPECT_EQ(z.record_count(), 12u);
  EXPECT_EQ(show(z, "www.example.com", "A"), "300 192.0.2.1|300 192.0.2.2");  // by canonical RDATA
  EXPECT_EQ(show(z, "example.com", "MX"), "300 10 Mail.Example.com.");       // case as sent
  EXPECT_EQ(show(z, "txt.example.com", "TXT"), "300 \"hello\" \"world\"");
  EXPECT_EQ(show(z, "example.com", "SOA"), "-");  // kept apart
  std::vector<uint16_t> types;
  for (const auto& s : z.at_name(N("www.example.com"))) types.push_back(s.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{T("A"), T("AAAA"), T("RRSIG")}));
  EXPECT_TRUE(z.at_name(N("nothing.example.com")).empty());
  auto owners = z.owners();
  EXPECT_TRUE(std::is_sorted(owners.begin(), owners.end()));
  EXPECT_EQ(std::count(owners.begin(), owners.end(), N("example.com")), 1);
}

TEST(PrimaryZone, FromFullDoesNotDependOnTransferOrder) {
  std::vector<std::string> reversed(kV1.rbegin(), kV1.rend());
  EXPECT_TRUE(primary(101, kV1) == primary(101, reversed));
  EXPECT_FALSE(primary(101, kV1) == primary(102, kV1));
  std::vector<std::string> other = kV1;
  other[3] = "www.example.com. 600 IN A 192.0.2.2";  // a TTL differs
  EXPECT_FALSE(primary(101, kV1) == primary(101, other));
}

TEST(PrimaryZone, FromFullCollapsesDuplicates) {
  PrimaryZone z = primary(1, {
                                 "a.example.com. 300 IN A 192.0.2.1",
                                 "a.example.com. 300 IN A 192.0.2.1",
                                 "b.example.com. 600 IN A 192.0.2.1",
                                 "b.example.com. 60 IN A 192.0.2.1",  // same record, lower TTL kept
                                 "c.example.com. 300 IN CNAME Target.example.com.",
                                 "c.example.com. 300 IN CNAME target.EXAMPLE.com.",  // same name, other case
                             });
  EXPECT_EQ(show(z, "a.example.com", "A"), "300 192.0.2.1");
  EXPECT_EQ(show(z, "b.example.com", "A"), "60 192.0.2.1");
  EXPECT_EQ(z.find(N("c.example.com"), T("CNAME"))->records.size(), 1u);
  EXPECT_EQ(z.record_count(), 3u);
}

TEST(PrimaryZone, FromFullRejectsWhatIsNotZoneData) {
  struct C {
    const char* what;
    const char* soa;  // nullptr: the usual one
    std::vector<std::string> records;
    const char* message;
  } cases[] = {
      {"outside the zone", nullptr, {"www.example.org. 300 IN A 192.0.2.1"},
       "record outside zone example.com.: www.example.org. A 192.0.2.1"},
      {"the parent", nullptr, {"com. 300 IN A 192.0.2.1"}, "record outside zone example.com.: com. A 192.0.2.1"},
      {"class CH", nullptr, {"www.example.com. 300 CH A 192.0.2.1"},
       "record of a class other than IN: www.example.com. A 192.0.2.1"},
      {"second SOA", nullptr, {"example.com. 300 IN SOA a.example. b.example. 1 2 3 4 5"},
       "a second SOA: example.com. SOA a.example. b.example. 1 2 3 4 5"},
      {"meta type", nullptr, {"www.example.com. 0 IN TYPE250 \\# 0"}, "meta type as zone data: www.example.com. TSIG"},
      {"SOA not at the apex", "www.example.com. 300 IN SOA a.example. b.example. 1 2 3 4 5", {},
       "the zone's SOA is owned by www.example.com., not the apex example.com."},
      {"not an SOA", "example.com. 300 IN A 192.0.2.1", {}, "the zone's SOA is not an SOA record with 7 fields"},
  };
  for (const auto& c : cases) {
    auto soa = c.soa ? rr_from_text(c.soa) : primary_soa(1);
    auto list = rr_list(c.records);
    auto z = PrimaryZone::from_full(N("example.com"), soa.get(), list.get());
    ASSERT_FALSE(z.ok()) << c.what;
    EXPECT_EQ(z.status().code(), Code::kInvalidArgument) << c.what;
    EXPECT_EQ(z.status().message(), c.message) << c.what;
  }
}

TEST(PrimaryZone, DeltaDeletesAddsAndChangesTtls) {
  PrimaryZone z = primary(101, kV1);
  auto changed = delta(z, 101,
                       {"www.example.com. 300 IN A 192.0.2.2", "mail.example.com. 300 IN A 192.0.2.25",
                        "txt.example.com. 300 IN TXT \"hello\" \"world\""},
                       102,
                       {"www.example.com. 300 IN A 192.0.2.3", "new.example.com. 60 IN TXT \"new\"",
                        "txt.example.com. 900 IN TXT \"hello\" \"world\""});  // TTL change
  ASSERT_TRUE(changed.ok()) << changed.status().to_string();
  EXPECT_EQ(*changed, (std::set<Name>{N("www.example.com"), N("mail.example.com"), N("new.example.com"),
                                      N("txt.example.com")}));
  EXPECT_EQ(z.serial(), 102u);
  EXPECT_EQ(show(z, "www.example.com", "A"), "300 192.0.2.1|300 192.0.2.3");
  EXPECT_EQ(show(z, "mail.example.com", "A"), "-");
  EXPECT_TRUE(z.at_name(N("mail.example.com")).empty());
  EXPECT_EQ(show(z, "txt.example.com", "TXT"), "900 \"hello\" \"world\"");
  EXPECT_EQ(show(z, "new.example.com", "TXT"), "60 \"new\"");
  EXPECT_EQ(z.owner_count(), 6u);  // mail gone, new came
  EXPECT_EQ(z.record_count(), 12u);

  // Deleted and added back unchanged: the SOA moves, no owner changed. Identity ignores TTL and
  // the case of names in RDATA.
  changed = delta(z, 102, {"example.com. 0 IN MX 10 mail.example.com."}, 103, {"example.com. 300 IN MX 10 Mail.Example.com."});
  ASSERT_TRUE(changed.ok()) << changed.status().to_string();
  EXPECT_TRUE(changed->empty());
  EXPECT_EQ(z.serial(), 103u);
}

TEST(PrimaryZone, DeltaThatDoesNotFitLeavesTheZoneUnchanged) {
  struct C {
    const char* what;
    uint32_t from;
    std::vector<std::string> del, add;
    Code code;
    const char* message;
  } cases[] = {
      {"another old serial", 100, {}, {}, Code::kFailedPrecondition, "delta 100->102: starts from serial 100, the zone is at 101"},
      {"delete of an absent record", 101, {"www.example.com. 300 IN A 192.0.2.9"}, {}, Code::kFailedPrecondition,
       "delta 101->102: delete of absent record www.example.com. A 192.0.2.9"},
      {"delete of an absent type", 101, {"www.example.com. 300 IN TXT \"x\""}, {}, Code::kFailedPrecondition,
       "delta 101->102: delete of absent record www.example.com. TXT \"x\""},
      {"delete of a record twice", 101, {"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.1"}, {},
       Code::kFailedPrecondition, "delta 101->102: delete of absent record www.example.com. A 192.0.2.1"},
      {"add of a present record, other TTL", 101, {"mail.example.com. 300 IN A 192.0.2.25"},
       {"www.example.com. 60 IN A 192.0.2.1"}, Code::kFailedPrecondition,
       "delta 101->102: add of present record www.example.com. A 192.0.2.1"},
      {"add of a record twice", 101, {}, {"x.example.com. 60 IN A 192.0.2.1", "x.example.com. 60 IN A 192.0.2.1"},
       Code::kFailedPrecondition, "delta 101->102: add of present record x.example.com. A 192.0.2.1"},
      {"add outside the zone", 101, {"mail.example.com. 300 IN A 192.0.2.25"}, {"x.example.org. 60 IN A 192.0.2.1"},
       Code::kInvalidArgument, "record outside zone example.com.: x.example.org. A 192.0.2.1"},
      {"SOA inside the added records", 101, {}, {"example.com. 300 IN SOA a.example. b.example. 7 2 3 4 5"},
       Code::kInvalidArgument, "a second SOA: example.com. SOA a.example. b.example. 7 2 3 4 5"},
  };
  for (const auto& c : cases) {
    PrimaryZone z = primary(101, kV1);
    auto r = delta(z, c.from, c.del, 102, c.add);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), c.code) << c.what;
    EXPECT_EQ(r.status().message(), c.message) << c.what;
    EXPECT_TRUE(z == primary(101, kV1)) << c.what << ": the zone changed";
    EXPECT_EQ(z.record_count(), 12u) << c.what;
  }
}

TEST(PrimaryZone, DeltasInSequenceEqualTheFullTransferOfTheLastVersion) {
  PrimaryZone z = primary(101, kV1);
  ASSERT_TRUE(delta(z, 101, {"www.example.com. 300 IN A 192.0.2.2"}, 102, {"www.example.com. 300 IN A 192.0.2.3"}).ok());
  ASSERT_TRUE(delta(z, 102,
                    {"sub.example.com. 86400 IN NS ns.sub.example.com.",
                     "sub.example.com. 86400 IN DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                     "ns.sub.example.com. 86400 IN A 192.0.2.53"},
                    103, {"www.example.com. 60 IN AAAA 2001:db8::2"})
                  .ok());
  // A failing third delta leaves the second in place.
  EXPECT_FALSE(delta(z, 103, {"www.example.com. 300 IN A 192.0.2.2"}, 104, {}).ok());
  EXPECT_EQ(z.serial(), 103u);

  PrimaryZone full = primary(103, {
                                      "example.com. 3600 IN NS ns1.example.net.",
                                      "example.com. 3600 IN NS ns2.example.net.",
                                      "example.com. 300 IN MX 10 Mail.Example.com.",
                                      "www.example.com. 300 IN A 192.0.2.3",
                                      "www.example.com. 300 IN A 192.0.2.1",
                                      "www.example.com. 300 IN AAAA 2001:db8::1",
                                      "www.example.com. 60 IN AAAA 2001:db8::2",
                                      "mail.example.com. 300 IN A 192.0.2.25",
                                      "txt.example.com. 300 IN TXT \"hello\" \"world\"",
                                      "www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 example.com. AAAA",
                                  });
  EXPECT_TRUE(z == full);
  EXPECT_EQ(z.record_count(), full.record_count());
  EXPECT_EQ(z.rrset_count(), full.rrset_count());
  EXPECT_EQ(z.owners(), full.owners());
}

TEST(PrimaryZone, RecordsReadBackAsTheyCame) {
  const char* lines[] = {
      "www.example.com. 300 IN A 192.0.2.1",
      "www.example.com. 300 IN AAAA 2001:db8::8a2e:370:7334",
      "example.com. 300 IN CAA 0 issue \"ca.example.net; account=1\"",
      "example.com. 300 IN MX 10 Mail.Example.COM.",
      "_sip._tcp.example.com. 300 IN SRV 10 5 5060 sip.example.com.",
      "example.com. 300 IN NAPTR 100 50 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
      "_443._tcp.example.com. 300 IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "example.com. 300 IN SSHFP 4 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "example.com. 300 IN HTTPS 1 . alpn=h2,h3 port=8443",
      "svc.example.com. 300 IN SVCB 0 target.example.com.",
      "txt.example.com. 300 IN TXT \"a \\\"quoted\\\" \\\\ string\" \"caf\\195\\169\" \"\"",
      "a\\.b.example.com. 300 IN PTR x\\032y.example.com.",
      "*.wild.example.com. 300 IN A 192.0.2.42",
      "loc.example.com. 300 IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
      "www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 example.com. AAAA",
      "example.com. 300 IN NSEC www.example.com. A NS SOA MX RRSIG NSEC",
  };
  std::vector<std::string> records(std::begin(lines), std::end(lines));
  PrimaryZone z = primary(1, records);
  EXPECT_EQ(z.record_count(), records.size());
  for (const auto& line : records) {
    RrPtr want = rr_from_text(line);
    Name owner = Name::from_rdf(ldns_rr_owner(want.get()));
    const PrimaryZone::Set* s = z.find(owner, ldns_rr_get_type(want.get()));
    ASSERT_NE(s, nullptr) << line;
    ASSERT_EQ(s->records.size(), 1u) << line;
    RrPtr got = PrimaryZone::to_rr(owner, s->type, s->records[0]);
    ASSERT_TRUE(got) << line;
    EXPECT_EQ(ldns_rr_compare(got.get(), want.get()), 0) << line;
    EXPECT_EQ(ldns_rr_ttl(got.get()), 300u) << line;
    // The value text is byte for byte what the RR the primary sent gives (case of names kept).
    EXPECT_EQ(value_from_rr(got.get()).ok() ? *value_from_rr(got.get()) : "-",
              value_from_rr(want.get()).ok() ? *value_from_rr(want.get()) : "-")
        << line;
  }
}

// A zone of `n` records as a primary would send it: mostly single-value A/AAAA sets, MX, TXT (SPF
// and 2-string DKIM keys), CNAMEs, SRV, delegations with DS and glue, some round-robin sets.
// Fixed seed: the same zone every run.
std::vector<RrPtr> generate_zone(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<RrPtr> out;
  auto add = [&](const std::string& line) { out.push_back(rr_from_text(line)); };
  for (size_t host = 0; out.size() < n; ++host) {
    std::string owner = "host" + std::to_string(host) + ".example.com.";
    unsigned kind = rng() % 100;
    auto ip = [&]() { return "10." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256); };
    if (kind < 45) {
      add(owner + " 300 IN A " + ip());
    } else if (kind < 60) {
      add(owner + " 300 IN A " + ip());
      char hex[8];
      std::snprintf(hex, sizeof hex, "%x", static_cast<unsigned>(rng() % 65536));
      add(owner + " 300 IN AAAA 2001:db8::" + hex);
    } else if (kind < 70) {
      add(owner + " 3600 IN CNAME web" + std::to_string(rng() % 1000) + ".cdn.example.net.");
    } else if (kind < 78) {
      add(owner + " 3600 IN MX 10 mx1." + owner);
      add(owner + " 3600 IN MX 20 mx2." + owner);
      add(owner + " 3600 IN TXT \"v=spf1 ip4:" + ip() + "/24 include:_spf.example.net -all\"");
    } else if (kind < 83) {
      add("sel._domainkey." + owner + " 3600 IN TXT \"v=DKIM1; k=rsa; p=" + std::string(200, 'A' + rng() % 26) + "\" \"" +
          std::string(190, 'a' + rng() % 26) + "\"");
    } else if (kind < 88) {
      add("_sip._tcp." + owner + " 300 IN SRV 10 5 5060 sip." + owner);
    } else if (kind < 94) {
      add(owner + " 86400 IN NS ns1." + owner);
      add(owner + " 86400 IN NS ns2." + owner);
      add(owner + " 86400 IN DS " + std::to_string(rng() % 65536) + " 13 2 " + std::string(64, "0123456789abcdef"[rng() % 16]));
      add("ns1." + owner + " 86400 IN A " + ip());
      add("ns2." + owner + " 86400 IN A " + ip());
    } else {
      size_t k = 2 + rng() % 20;
      for (size_t i = 0; i < k; ++i) add(owner + " 60 IN A 10.1." + std::to_string(i) + "." + std::to_string(host % 256));
    }
  }
  return out;
}

// Memory held by a 100,000-record zone (malloc's in-use bytes, after the transfer's own RR list
// is gone). The brief: well under 50 MB. Prints the figure for the commit message.
TEST(PrimaryZone, HundredThousandRecordsTakeWellUnderFiftyMegabytes) {
  constexpr size_t kRecords = 100000;
  std::vector<RrPtr> rrs = generate_zone(kRecords, 12);
  size_t before = 0, after = 0, count = 0;
  std::optional<PrimaryZone> zone;
  {
    RrListPtr list(ldns_rr_list_new());
    for (auto& rr : rrs) ldns_rr_list_push_rr(list.get(), rr.release());  // the list owns them now
    rrs.clear();
    rrs.shrink_to_fit();
    auto soa = primary_soa(1);
    before = mallinfo2().uordblks;
    auto z = PrimaryZone::from_full(N("example.com"), soa.get(), list.get());
    ASSERT_TRUE(z.ok()) << z.status().to_string();
    zone.emplace(std::move(*z));
    after = mallinfo2().uordblks;
    count = zone->record_count();
  }
  EXPECT_GE(count, kRecords);
  double mb = static_cast<double>(after - before) / (1024.0 * 1024.0);
  std::printf("[ measured ] PrimaryZone: %zu records, %zu owners, %zu RRsets: %.1f MiB (%.0f bytes/record)\n", count,
              zone->owner_count(), zone->rrset_count(), mb, static_cast<double>(after - before) / count);
  EXPECT_LT(mb, 25.0);
}

}  // namespace
}  // namespace r53d::zone
