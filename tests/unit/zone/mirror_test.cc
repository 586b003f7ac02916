// Tests for the zone mirror, working copies and compare-and-swap batches (src/zone/mirror.cc,
// src/zone/rrset.cc, src/zone/soa.cc).
#include "zone/mirror.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/unit/zone/fixture.h"
#include "zone/soa.h"

namespace r53d::zone {
namespace {

using testing::dump;
using testing::N;
using testing::rs;

RRset::Ptr add_rr(const WorkingCopy& wc, const std::string& owner, uint16_t type, uint32_t ttl, const std::string& value) {
  auto rd = Rdata::from_value(N(owner), type, ttl, value);
  EXPECT_TRUE(rd.ok()) << value;
  auto cur = wc.find(N(owner), type);
  return cur ? cur->with_added(*rd, ttl) : RRset::make(N(owner), type, ttl, {*rd});
}

std::string show(const r53::Change& c) {
  std::string out = std::string(r53::action_name(c.action)) + " " + c.rrset.name + " " + c.rrset.type + " " +
                    (c.rrset.ttl_s ? std::to_string(*c.rrset.ttl_s) : "-");
  for (const auto& v : c.rrset.values) out += " [" + v + "]";
  return out;
}

std::vector<std::string> show(const Batch& b) {
  std::vector<std::string> out;
  for (const auto& c : b.changes) out.push_back(show(c));
  return out;
}

const std::string kSoaOld = std::string("[") + testing::kSoaValue + "]";
const std::string kSoa101 = "[ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 101 7200 900 1209600 86400]";

// ---- loading ------------------------------------------------------------------------------

TEST(Mirror, LoadsAndLooksUp) {
  Mirror m = testing::load_example();
  EXPECT_EQ(m.apex(), N("example.com"));
  EXPECT_EQ(m.serial(), 100u);
  EXPECT_EQ(dump(m.find(N("WWW.example.com"), LDNS_RR_TYPE_A)), "300 192.0.2.1 192.0.2.2");
  EXPECT_EQ(m.find(N("www.example.com"), LDNS_RR_TYPE_AAAA), nullptr);
  EXPECT_EQ(m.at_name(N("example.com")).size(), 3u);  // NS, SOA, MX
  EXPECT_TRUE(m.has_name(N("a.b.example.com")));
  EXPECT_FALSE(m.has_name(N("b.example.com")));  // empty non-terminal
  EXPECT_TRUE(m.has_name(N("*.wild.example.com")));
  EXPECT_EQ(m.names().size(), 10u);
  EXPECT_EQ(m.rrset_count(), 12u);
  EXPECT_EQ(m.generation(), 0u);
}

TEST(Mirror, ReadOnlySets) {
  Mirror m = testing::load_example();
  auto alias = m.find(N("alias.example.com"), LDNS_RR_TYPE_A);
  ASSERT_TRUE(alias);
  EXPECT_TRUE(alias->read_only());
  EXPECT_EQ(alias->read_only_reason(), "alias record");
  auto geo = m.find(N("geo.example.com"), LDNS_RR_TYPE_A);
  ASSERT_TRUE(geo);
  EXPECT_TRUE(geo->read_only());
  EXPECT_EQ(geo->stored().size(), 2u);  // both members of the weighted group
  EXPECT_TRUE(m.find(N("hc.example.com"), LDNS_RR_TYPE_A)->read_only());
  EXPECT_FALSE(m.find(N("www.example.com"), LDNS_RR_TYPE_A)->read_only());
  // A set whose values cannot be parsed is kept, read-only, rather than failing the load.
  auto z = testing::example_zone();
  z.push_back(rs("odd.example.com.", "A", 60, {"not-an-address"}));
  auto m2 = Mirror::load(N("example.com"), z);
  ASSERT_TRUE(m2.ok());
  EXPECT_TRUE(m2->find(N("odd.example.com"), LDNS_RR_TYPE_A)->read_only());
}

TEST(Mirror, LoadRejectsBadListings) {
  struct C {
    const char* what;
    std::vector<r53::RecordSet> extra;
    bool drop_soa;
  };
  std::vector<C> cases = {
      {"name outside the zone", {rs("www.example.org.", "A", 60, {"192.0.2.1"})}, false},
      {"same set twice", {rs("www.example.com.", "A", 60, {"192.0.2.1"})}, false},
      {"unknown type", {rs("x.example.com.", "BOGUS", 60, {"1"})}, false},
      {"no SOA", {}, true},
  };
  for (const auto& c : cases) {
    auto z = testing::example_zone();
    if (c.drop_soa) z.erase(z.begin());
    for (const auto& e : c.extra) z.push_back(e);
    auto m = Mirror::load(N("example.com"), z);
    EXPECT_FALSE(m.ok()) << c.what;
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), Code::kInvalidArgument) << c.what;
    }
  }
}

// ---- working copy -------------------------------------------------------------------------

TEST(WorkingCopy, OverlaysTheMirror) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  EXPECT_FALSE(wc.changed());
  ASSERT_TRUE(wc.put(add_rr(wc, "new.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  EXPECT_TRUE(wc.changed());
  EXPECT_EQ(dump(wc.find(N("new.example.com"), LDNS_RR_TYPE_A)), "60 192.0.2.5");
  EXPECT_EQ(wc.find(N("www.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_FALSE(wc.name_in_use(N("www.example.com")));
  EXPECT_TRUE(wc.name_in_use(N("new.example.com")));
  EXPECT_EQ(wc.at_name(N("example.com")).size(), 3u);
  // The mirror does not move.
  EXPECT_EQ(dump(m.find(N("www.example.com"), LDNS_RR_TYPE_A)), "300 192.0.2.1 192.0.2.2");
  EXPECT_EQ(m.find(N("new.example.com"), LDNS_RR_TYPE_A), nullptr);
}

TEST(WorkingCopy, RollbackToMark) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  ASSERT_TRUE(wc.put(add_rr(wc, "a.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  auto mark = wc.mark();
  BatchSize before = wc.size();
  ASSERT_TRUE(wc.put(add_rr(wc, "a.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.6")).ok());
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(wc.put(add_rr(wc, "b2.example.com", LDNS_RR_TYPE_TXT, 60, "\"x\"")).ok());
  wc.rollback(mark);
  EXPECT_EQ(dump(wc.find(N("a.example.com"), LDNS_RR_TYPE_A)), "60 192.0.2.5");
  EXPECT_EQ(dump(wc.find(N("www.example.com"), LDNS_RR_TYPE_A)), "300 192.0.2.1 192.0.2.2");
  EXPECT_EQ(wc.find(N("b2.example.com"), LDNS_RR_TYPE_TXT), nullptr);
  EXPECT_EQ(wc.size(), before);
  wc.rollback(WorkingCopy::Mark{});
  EXPECT_FALSE(wc.changed());
  EXPECT_EQ(wc.size(), BatchSize{});
  EXPECT_TRUE(diff(wc).empty());
}

TEST(WorkingCopy, NetZeroChangesAreNotChanges) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  auto www = m.find(N("www.example.com"), LDNS_RR_TYPE_A);
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(wc.put(www).ok());
  ASSERT_TRUE(wc.put(add_rr(wc, "n.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  ASSERT_TRUE(wc.erase(N("n.example.com"), LDNS_RR_TYPE_A).ok());
  EXPECT_FALSE(wc.changed());
  EXPECT_TRUE(diff(wc).empty());
  EXPECT_EQ(diff(wc).new_serial, 100u);
}

TEST(WorkingCopy, NamesToReloadCoverReadsAndWrites) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  (void)wc.find(N("probe.example.com"), LDNS_RR_TYPE_A);
  (void)wc.name_in_use(N("other.example.com"));
  ASSERT_TRUE(wc.put(add_rr(wc, "w.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  auto names = wc.names_to_reload();
  for (const char* n : {"example.com", "probe.example.com", "other.example.com", "w.example.com"})
    EXPECT_NE(std::find(names.begin(), names.end(), N(n)), names.end()) << n;
}

// ---- diff: the compare-and-swap batch -----------------------------------------------------

TEST(Diff, CreateDeleteReplaceAndSoaBump) {
  struct C {
    const char* what;
    std::function<void(WorkingCopy&)> edit;
    std::vector<std::string> want;
  };
  std::vector<C> cases = {
      {"nothing", [](WorkingCopy&) {}, {}},
      {"create",
       [](WorkingCopy& wc) { ASSERT_TRUE(wc.put(add_rr(wc, "new.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok()); },
       {"DELETE example.com. SOA 900 " + kSoaOld, "CREATE new.example.com. A 60 [192.0.2.5]",
        "CREATE example.com. SOA 900 " + kSoa101}},
      {"delete",
       [](WorkingCopy& wc) { ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok()); },
       {"DELETE example.com. SOA 900 " + kSoaOld, "DELETE www.example.com. A 300 [192.0.2.1] [192.0.2.2]",
        "CREATE example.com. SOA 900 " + kSoa101}},
      {"replace keeps stored text of existing values",
       [](WorkingCopy& wc) { ASSERT_TRUE(wc.put(add_rr(wc, "example.com", LDNS_RR_TYPE_MX, 60, "20 mx2.example.com.")).ok()); },
       {"DELETE example.com. SOA 900 " + kSoaOld, "DELETE example.com. MX 300 [10 Mail.Example.com]",
        "CREATE example.com. MX 60 [10 Mail.Example.com] [20 mx2.example.com.]", "CREATE example.com. SOA 900 " + kSoa101}},
      {"wildcard name in Route 53 form",
       [](WorkingCopy& wc) { ASSERT_TRUE(wc.put(add_rr(wc, "*.wild.example.com", LDNS_RR_TYPE_A, 300, "192.0.2.43")).ok()); },
       {"DELETE example.com. SOA 900 " + kSoaOld, "DELETE \\052.wild.example.com. A 300 [192.0.2.42]",
        "CREATE \\052.wild.example.com. A 300 [192.0.2.42] [192.0.2.43]", "CREATE example.com. SOA 900 " + kSoa101}},
      {"deletes come before creates (CNAME swap)",
       [](WorkingCopy& wc) {
         ASSERT_TRUE(wc.erase(N("cname.example.com"), LDNS_RR_TYPE_CNAME).ok());
         ASSERT_TRUE(wc.put(add_rr(wc, "cname.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.8")).ok());
         ASSERT_TRUE(wc.put(add_rr(wc, "aaa.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.9")).ok());
       },
       {"DELETE example.com. SOA 900 " + kSoaOld, "DELETE cname.example.com. CNAME 300 [www.example.com]",
        "CREATE aaa.example.com. A 60 [192.0.2.9]", "CREATE cname.example.com. A 60 [192.0.2.8]",
        "CREATE example.com. SOA 900 " + kSoa101}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Mirror m = testing::load_example();
    WorkingCopy wc(m);
    c.edit(wc);
    Batch b = diff(wc);
    EXPECT_EQ(show(b), c.want);
    EXPECT_EQ(b.size, size_of_changes(b.changes));
    EXPECT_EQ(wc.size(), b.size);
    EXPECT_EQ(b.old_serial, 100u);
    EXPECT_EQ(b.new_serial, c.want.empty() ? 100u : 101u);
  }
}

TEST(Diff, DeleteIsTheExactStoredRecordSet) {
  auto z = testing::example_zone();
  // A stored set with fields DNS does not carry must come back verbatim in the DELETE.
  r53::RecordSet odd = rs("Odd.Example.com", "TXT", 86400, {"\"b\"", "\"a\"", "\"c\""});
  z.push_back(odd);
  auto m = Mirror::load(N("example.com"), z);
  ASSERT_TRUE(m.ok());
  WorkingCopy wc(*m);
  auto cur = wc.find(N("odd.example.com"), LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(cur);
  ASSERT_TRUE(wc.put(cur->without(cur->rdata()[1].canon)).ok());
  Batch b = diff(wc);
  ASSERT_EQ(b.changes.size(), 4u);
  EXPECT_EQ(b.changes[1].action, r53::Action::kDelete);
  EXPECT_EQ(b.changes[1].rrset, odd);  // name text, TTL, values and their order as stored
  EXPECT_EQ(show(b.changes[2]), "CREATE Odd.Example.com TXT 86400 [\"b\"] [\"c\"]");
}

TEST(Diff, SoaSetByAnUpdateIsKept) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  auto soa = soa_with_serial(m.soa(), 5000);
  ASSERT_TRUE(soa.ok());
  ASSERT_TRUE(wc.put(*soa).ok());
  Batch only_soa = diff(wc);
  EXPECT_EQ(show(only_soa),
            (std::vector<std::string>{"DELETE example.com. SOA 900 " + kSoaOld,
                                      "CREATE example.com. SOA 900 [ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. "
                                      "5000 7200 900 1209600 86400]"}));
  ASSERT_TRUE(wc.put(add_rr(wc, "n.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  Batch b = diff(wc);
  EXPECT_EQ(b.new_serial, 5000u);  // no extra +1
  EXPECT_EQ(b.changes.size(), 3u);
  EXPECT_EQ(wc.size(), b.size);
}

TEST(Diff, SerialWrapsPastZero) {
  auto z = testing::example_zone();
  z[0].values[0] = "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 4294967295 7200 900 1209600 86400";
  auto m = Mirror::load(N("example.com"), z);
  ASSERT_TRUE(m.ok());
  WorkingCopy wc(*m);
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  Batch b = diff(wc);
  EXPECT_EQ(b.old_serial, 4294967295u);
  EXPECT_EQ(b.new_serial, 1u);  // RFC 2136 §7.11: never 0
  EXPECT_EQ(b.changes.back().rrset.values[0],
            "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
}

TEST(Diff, SizeCountsDeleteAndCreateAndDetectsOversize) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  ASSERT_TRUE(wc.put(add_rr(wc, "www.example.com", LDNS_RR_TYPE_A, 300, "192.0.2.3")).ok());
  BatchSize s = wc.size();
  // SOA out + in (2 records), www out (2) + in (3).
  EXPECT_EQ(s.records, 7u);
  size_t soa_chars = std::string(testing::kSoaValue).size() * 2;
  EXPECT_EQ(s.chars, soa_chars + 2 * 9 + 3 * 9);
  EXPECT_TRUE(s.fits());
  // 1,000 records is the limit: SOA pair (2) + 998 new single-value sets fits, one more does not.
  WorkingCopy big(m);
  for (int i = 0; i < 998; ++i)
    ASSERT_TRUE(big.put(add_rr(big, "h" + std::to_string(i) + ".example.com", LDNS_RR_TYPE_A, 60, "192.0.2.1")).ok());
  EXPECT_EQ(big.size().records, 1000u);
  EXPECT_TRUE(big.size().fits());
  auto mark = big.mark();
  ASSERT_TRUE(big.put(add_rr(big, "h998.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.1")).ok());
  EXPECT_FALSE(big.size().fits());
  EXPECT_EQ(diff(big).size, big.size());
  big.rollback(mark);
  EXPECT_TRUE(big.size().fits());
  // 32,000 characters: a few long TXT values exceed it with few records.
  WorkingCopy chars(m);
  std::string v = "\"" + std::string(250, 'x') + "\"";
  std::string value;
  for (int i = 0; i < 15; ++i) value += (i ? " " : "") + v;  // ~3,800 characters per value
  for (int i = 0; i < 9; ++i)
    ASSERT_TRUE(chars.put(add_rr(chars, "t" + std::to_string(i) + ".example.com", LDNS_RR_TYPE_TXT, 60, value)).ok());
  EXPECT_LT(chars.size().records, 20u);
  EXPECT_FALSE(chars.size().fits());
  EXPECT_EQ(diff(chars).size, chars.size());
}

TEST(Diff, SizeOfChangesCountsUpsertTwiceAndAliasOnce) {
  r53::RecordSet alias;
  alias.name = "a.example.com.";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{"Z1", "x.example.com.", false};
  std::vector<r53::Change> changes = {
      {r53::Action::kCreate, rs("x.example.com.", "A", 60, {"192.0.2.1", "192.0.2.22"})},
      {r53::Action::kUpsert, rs("y.example.com.", "TXT", 60, {"\"abc\""})},
      {r53::Action::kDelete, alias},
  };
  EXPECT_EQ(size_of_changes(changes), (BatchSize{2 + 2 + 1, 19 + 10}));
}

// ---- commit and reload --------------------------------------------------------------------

TEST(Mirror, CommitAppliesTheBatch) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  ASSERT_TRUE(wc.put(add_rr(wc, "new.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  Batch b = diff(wc);
  ASSERT_TRUE(m.commit(b).ok());
  EXPECT_EQ(m.generation(), 1u);
  EXPECT_EQ(m.serial(), 101u);
  EXPECT_EQ(dump(m.find(N("new.example.com"), LDNS_RR_TYPE_A)), "60 192.0.2.5");
  EXPECT_EQ(m.find(N("www.example.com"), LDNS_RR_TYPE_A), nullptr);
  // The mirror now holds exactly what was CREATEd: the next DELETE will match Route 53.
  EXPECT_EQ(m.find(N("new.example.com"), LDNS_RR_TYPE_A)->stored()[0], b.changes[2].rrset);
  EXPECT_EQ(m.soa().stored()[0], b.changes.back().rrset);
  // A batch built on the old generation is refused, and changes nothing.
  EXPECT_EQ(m.commit(b).code(), Code::kFailedPrecondition);
  EXPECT_EQ(m.generation(), 1u);
  // The next working copy starts from the committed state.
  WorkingCopy wc2(m);
  ASSERT_TRUE(wc2.erase(N("new.example.com"), LDNS_RR_TYPE_A).ok());
  Batch b2 = diff(wc2);
  EXPECT_EQ(b2.old_serial, 101u);
  EXPECT_EQ(b2.new_serial, 102u);
  EXPECT_EQ(show(b2.changes[1]), "DELETE new.example.com. A 60 [192.0.2.5]");
  EXPECT_TRUE(m.commit(b2).ok());
  EXPECT_TRUE(m.commit(diff(WorkingCopy(m))).ok());  // empty batch: no-op
  EXPECT_EQ(m.generation(), 2u);
}

TEST(Mirror, ReloadNamesReplacesOnlyThoseNames) {
  Mirror m = testing::load_example();
  std::vector<r53::RecordSet> fresh = {
      rs("example.com.", "SOA", 900, {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 150 7200 900 1209600 86400"}),
      rs("example.com.", "NS", 172800, {"ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk."}),
      rs("www.example.com.", "AAAA", 300, {"2001:db8::1"}),
      rs("zzz.example.com.", "A", 300, {"192.0.2.200"}),  // another name on the page: ignored
  };
  ASSERT_TRUE(m.reload_names({N("example.com"), N("www.example.com"), N("mail.example.com")}, fresh).ok());
  EXPECT_EQ(m.generation(), 1u);
  EXPECT_EQ(m.serial(), 150u);
  EXPECT_EQ(m.find(N("example.com"), LDNS_RR_TYPE_MX), nullptr);  // gone from the apex
  EXPECT_EQ(m.find(N("www.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(dump(m.find(N("www.example.com"), LDNS_RR_TYPE_AAAA)), "300 2001:db8::1");
  EXPECT_EQ(m.find(N("mail.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(m.find(N("zzz.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(dump(m.find(N("txt.example.com"), LDNS_RR_TYPE_TXT)), "300 \"hello world\"");  // untouched
  // Reloading the apex without an SOA is refused and leaves the mirror as it was.
  EXPECT_FALSE(m.reload_names({N("example.com")}, {}).ok());
  EXPECT_EQ(m.serial(), 150u);
  EXPECT_EQ(m.generation(), 1u);
}

// Was: an SOA query below the apex scanned every owner name of the zone (Mirror::names(), a copy
// of up to 100,000 names per query) to tell an empty non-terminal from NXDOMAIN.
TEST(Mirror, NameExistsKnowsEmptyNonTerminalsThroughCommitsAndReloads) {
  Mirror m = testing::load_example();
  EXPECT_TRUE(m.name_exists(N("example.com")));
  EXPECT_TRUE(m.name_exists(N("a.b.example.com")));
  EXPECT_TRUE(m.name_exists(N("B.example.com")));     // empty non-terminal, any case
  EXPECT_TRUE(m.name_exists(N("wild.example.com")));  // above the wildcard owner
  EXPECT_FALSE(m.name_exists(N("c.b.example.com")));
  EXPECT_FALSE(m.name_exists(N("x.a.b.example.com")));
  EXPECT_FALSE(m.name_exists(N("nope.example.com")));
  EXPECT_FALSE(m.name_exists(N("com")));  // above the apex: not the mirror's to say
  // Two owners below one empty non-terminal; a third level deep.
  WorkingCopy wc(m);
  ASSERT_TRUE(wc.put(add_rr(wc, "c.b.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.5")).ok());
  ASSERT_TRUE(wc.put(add_rr(wc, "x.y.z.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.6")).ok());
  ASSERT_TRUE(m.commit(diff(wc)).ok());
  EXPECT_TRUE(m.name_exists(N("c.b.example.com")));
  EXPECT_TRUE(m.name_exists(N("y.z.example.com")));
  EXPECT_TRUE(m.name_exists(N("z.example.com")));
  // Deleting one owner below b. keeps b.; deleting the last one takes it away.
  WorkingCopy wc2(m);
  ASSERT_TRUE(wc2.erase(N("a.b.example.com"), LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(wc2.erase(N("x.y.z.example.com"), LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(m.commit(diff(wc2)).ok());
  EXPECT_FALSE(m.name_exists(N("a.b.example.com")));
  EXPECT_TRUE(m.name_exists(N("b.example.com")));
  EXPECT_FALSE(m.name_exists(N("y.z.example.com")));
  EXPECT_FALSE(m.name_exists(N("z.example.com")));
  // A second type at an owner, then removing one of its two types: the owner stays counted once.
  WorkingCopy wc3(m);
  ASSERT_TRUE(wc3.put(add_rr(wc3, "c.b.example.com", LDNS_RR_TYPE_TXT, 60, "\"t\"")).ok());
  ASSERT_TRUE(m.commit(diff(wc3)).ok());
  WorkingCopy wc4(m);
  ASSERT_TRUE(wc4.erase(N("c.b.example.com"), LDNS_RR_TYPE_TXT).ok());
  ASSERT_TRUE(m.commit(diff(wc4)).ok());
  EXPECT_TRUE(m.name_exists(N("b.example.com")));
  WorkingCopy wc5(m);
  ASSERT_TRUE(wc5.erase(N("c.b.example.com"), LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(m.commit(diff(wc5)).ok());
  EXPECT_FALSE(m.name_exists(N("b.example.com")));
  // A re-read that finds a name another writer created brings its ancestors with it.
  std::vector<r53::RecordSet> fresh = {rs("q.p.example.com.", "A", 60, {"192.0.2.7"})};
  ASSERT_TRUE(m.reload_names({N("q.p.example.com")}, fresh).ok());
  EXPECT_TRUE(m.name_exists(N("p.example.com")));
  ASSERT_TRUE(m.reload_names({N("q.p.example.com")}, {}).ok());
  EXPECT_FALSE(m.name_exists(N("p.example.com")));
}

TEST(Mirror, StaleBatchAfterReloadIsRefused) {
  Mirror m = testing::load_example();
  WorkingCopy wc(m);
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  Batch b = diff(wc);
  ASSERT_TRUE(m.reload_names({N("www.example.com")}, {rs("www.example.com.", "A", 60, {"192.0.2.9"})}).ok());
  EXPECT_EQ(m.commit(b).code(), Code::kFailedPrecondition);
  EXPECT_EQ(dump(m.find(N("www.example.com"), LDNS_RR_TYPE_A)), "60 192.0.2.9");
}

// Bug: after a partial re-read found a new SOA, names not re-read were still trusted, so an
// UPDATE that only read one of them (a prerequisite) was locked by the new SOA alone.
TEST(Mirror, PartialRereadWithANewSoaLeavesOnlyTheNamesReadFresh) {
  Mirror m = testing::load_example();
  EXPECT_TRUE(m.all_fresh());
  EXPECT_TRUE(m.is_fresh(N("txt.example.com")));
  const auto soa150 = rs("example.com.", "SOA", 900,
                         {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 150 7200 900 1209600 86400"});
  const auto ns = rs("example.com.", "NS", 172800, {"ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk."});
  ASSERT_TRUE(m.reload_names({N("example.com"), N("www.example.com")}, {soa150, ns}).ok());
  EXPECT_FALSE(m.all_fresh());
  EXPECT_TRUE(m.is_fresh(N("example.com")));
  EXPECT_TRUE(m.is_fresh(N("www.example.com")));
  EXPECT_FALSE(m.is_fresh(N("txt.example.com")));
  EXPECT_FALSE(m.is_fresh(N("absent.example.com"))) << "an absent name is as stale as a present one";

  // A later partial read with the same SOA adds its names.
  ASSERT_TRUE(m.reload_names({N("example.com"), N("txt.example.com")}, {soa150, ns}).ok());
  EXPECT_TRUE(m.is_fresh(N("txt.example.com")));
  EXPECT_TRUE(m.is_fresh(N("www.example.com")));
  // One that finds yet another SOA forgets the earlier ones.
  auto soa160 = soa150;
  soa160.values = {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 160 7200 900 1209600 86400"};
  ASSERT_TRUE(m.reload_names({N("example.com"), N("mail.example.com")}, {soa160, ns}).ok());
  EXPECT_TRUE(m.is_fresh(N("mail.example.com")));
  EXPECT_FALSE(m.is_fresh(N("www.example.com")));
  EXPECT_FALSE(m.is_fresh(N("txt.example.com")));

  // A whole-zone read makes every name fresh again.
  ASSERT_TRUE(m.reload_zone({soa160, ns}).ok());
  EXPECT_TRUE(m.all_fresh());
  EXPECT_TRUE(m.is_fresh(N("www.example.com")));
  EXPECT_EQ(m.find(N("www.example.com"), LDNS_RR_TYPE_A), nullptr) << "gone from Route 53, gone here";
  EXPECT_EQ(m.serial(), 160u);
}

TEST(Mirror, PartialRereadWithTheSameSoaKeepsEveryNameFresh) {
  Mirror m = testing::load_example();
  auto zone = testing::example_zone();
  std::vector<r53::RecordSet> apex;
  for (auto& r : zone)
    if (r.name == "example.com.") apex.push_back(r);
  ASSERT_TRUE(m.reload_names({N("example.com")}, apex).ok());
  EXPECT_TRUE(m.all_fresh());
  EXPECT_TRUE(m.is_fresh(N("txt.example.com")));
}

TEST(WorkingCopy, ReadsOfNamesThatAreNotFreshAreRecordedAndRolledBack) {
  Mirror m = testing::load_example();
  const auto soa150 = rs("example.com.", "SOA", 900,
                         {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 150 7200 900 1209600 86400"});
  const auto ns = rs("example.com.", "NS", 172800, {"ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk."});
  ASSERT_TRUE(m.reload_names({N("example.com"), N("www.example.com")}, {soa150, ns}).ok());
  WorkingCopy wc(m);
  WorkingCopy::Mark start = wc.mark();
  (void)wc.find(N("www.example.com"), LDNS_RR_TYPE_A);
  EXPECT_FALSE(wc.read_stale_since(start)) << "www was just read";
  (void)wc.find(N("txt.example.com"), LDNS_RR_TYPE_TXT);
  EXPECT_TRUE(wc.read_stale_since(start));
  wc.rollback(start);
  EXPECT_FALSE(wc.read_stale_since(start));
  WorkingCopy::Mark later = wc.mark();
  (void)wc.find(N("example.com"), LDNS_RR_TYPE_SOA);
  EXPECT_FALSE(wc.read_stale_since(later));
}

TEST(Soa, WithSerialAndFromUpdateKeepMnameRname) {
  Mirror m = testing::load_example();
  auto s = soa_with_serial(m.soa(), 7);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->soa_serial(), 7u);
  EXPECT_EQ((*s)->ttl_s(), 900u);
  EXPECT_EQ((*s)->stored()[0].values[0], "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 7 7200 900 1209600 86400");
  auto rr = testing::rr_from_text("example.com. 60 IN SOA evil.example.net. root.evil.example.net. 9 1 2 3 4");
  auto u = soa_from_update(m.soa(), rr.get());
  ASSERT_TRUE(u.ok());
  EXPECT_EQ((*u)->ttl_s(), 60u);
  EXPECT_EQ((*u)->stored()[0].values[0], "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 9 1 2 3 4");
  auto list = (*u)->to_rr_list();
  ASSERT_EQ(ldns_rr_list_rr_count(list.get()), 1u);
  const ldns_rr* out = ldns_rr_list_rr(list.get(), 0);
  EXPECT_EQ(ldns_rr_ttl(out), 60u);
  EXPECT_EQ(Name::from_rdf(ldns_rr_rdf(out, 0)), N("ns-2048.awsdns-64.net"));
  EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(out, 2)), 9u);
  EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(out, 6)), 4u);
  EXPECT_FALSE(soa_with_serial(*m.find(N("www.example.com"), LDNS_RR_TYPE_A), 1).ok());
}

TEST(RRset, CanonicalRdataIgnoresCaseOfEmbeddedNamesOnly) {
  auto a = testing::rr_from_text("x.example.com. 300 IN MX 10 Mail.Example.COM.");
  auto b = testing::rr_from_text("y.example.com. 60 IN MX 10 mail.example.com.");
  EXPECT_EQ(canonical_rdata(a.get()), canonical_rdata(b.get()));
  auto t1 = testing::rr_from_text("x.example.com. 300 IN TXT \"ABC\"");
  auto t2 = testing::rr_from_text("x.example.com. 300 IN TXT \"abc\"");
  EXPECT_NE(canonical_rdata(t1.get()), canonical_rdata(t2.get()));
  EXPECT_TRUE(is_route53_type(LDNS_RR_TYPE_HTTPS));
  EXPECT_TRUE(is_route53_type(LDNS_RR_TYPE_CAA));
  EXPECT_FALSE(is_route53_type(LDNS_RR_TYPE_DNSKEY));
  EXPECT_FALSE(is_route53_type(LDNS_RR_TYPE_DHCID));
  EXPECT_FALSE(is_route53_type(LDNS_RR_TYPE_NSEC3));
  int n = 0;
  for (int t = 0; t < 65536; ++t) n += is_route53_type(static_cast<uint16_t>(t));
  EXPECT_EQ(n, 17);
}

}  // namespace
}  // namespace r53d::zone

namespace r53d::zone {
namespace {

using testing::load_example;
using testing::N;

RRset::Ptr make_set(const std::string& owner, uint16_t type, uint32_t ttl, const std::string& value) {
  auto rd = Rdata::from_value(N(owner), type, ttl, value);
  EXPECT_TRUE(rd.ok()) << value;
  return RRset::make(N(owner), type, ttl, {*rd});
}

// The Route 53 rules are the working copy's, whatever the edit (DESIGN.md "One commit pipeline,
// two sources"): nothing is written when a rule says no.
TEST(WorkingCopyRules, RefusesWhatRoute53DoesNotLetRoute53dChange) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  struct C {
    std::string what;
    Status s;
    std::string reason;
  };
  std::vector<C> cases = {
      {"alias set", wc.put(make_set("alias.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.1")), "never changes"},
      {"routing group", wc.erase(N("geo.example.com"), LDNS_RR_TYPE_A), "never changes"},
      {"type Route 53 cannot hold",
       wc.put(RRset::make(N("x.example.com"), LDNS_RR_TYPE_HINFO, 60,
                          make_set("x.example.com", LDNS_RR_TYPE_TXT, 60, "\"a\" \"b\"")->rdata())),
       "cannot hold"},
      {"apex NS", wc.put(make_set("example.com", LDNS_RR_TYPE_NS, 60, "ns.example.net.")), "apex NS"},
      {"apex NS delete", wc.erase(N("example.com"), LDNS_RR_TYPE_NS), "apex NS"},
      {"SOA delete", wc.erase(N("example.com"), LDNS_RR_TYPE_SOA), "cannot be deleted"},
      {"SOA below the apex", wc.put(make_set("sub.example.com", LDNS_RR_TYPE_SOA, 60,
                                             "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 1 2 3 4 5")),
       "apex only"},
      {"SOA MNAME", wc.put(make_set("example.com", LDNS_RR_TYPE_SOA, 900, "ns1.example.net. awsdns-hostmaster.amazon.com. 101 7200 900 1209600 86400")),
       "MNAME and RNAME"},
      {"wildcard NS", wc.put(make_set("*.example.com", LDNS_RR_TYPE_NS, 60, "ns.example.net.")), "wildcard"},
      {"CNAME at the apex", wc.put(make_set("example.com", LDNS_RR_TYPE_CNAME, 60, "www.example.net.")), "apex"},
      {"outside the zone", wc.put(make_set("www.example.net", LDNS_RR_TYPE_A, 60, "192.0.2.1")), "outside"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(c.s.ok()) << c.what;
    EXPECT_NE(c.s.message().find(c.reason), std::string::npos) << c.what << ": " << c.s.message();
  }
  EXPECT_FALSE(wc.changed()) << "a refused write changed the working copy";
  // What is allowed: data, a new SOA keeping MNAME/RNAME, a delegation below the apex.
  EXPECT_TRUE(wc.put(make_set("example.com", LDNS_RR_TYPE_SOA, 900,
                              "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 101 7200 900 1209600 86400"))
                  .ok());
  EXPECT_TRUE(wc.put(make_set("sub.example.com", LDNS_RR_TYPE_NS, 60, "ns.example.net.")).ok());
  EXPECT_TRUE(wc.put(make_set("sub.example.com", LDNS_RR_TYPE_DS, 60, "12345 13 2 " + std::string(64, 'A'))).ok());
}

TEST(WorkingCopyRules, ApexNsIsWritableWhenTheRulesSaySo) {
  Mirror m = load_example();
  WorkingCopy wc(m, WriteRules{.apex_ns = true});
  EXPECT_TRUE(wc.put(make_set("example.com", LDNS_RR_TYPE_NS, 60, "ns.example.net.")).ok());
  EXPECT_EQ(diff(wc).changes.size(), 4u);  // SOA out, NS out, NS in, SOA in
}

TEST(SoaLock, MarkKeepsTheSerialAndBumpReleasesIt) {
  Mirror m = load_example();
  auto locked = soa_locked(m.soa(), 0x123456);
  ASSERT_TRUE(locked.ok());
  EXPECT_TRUE(soa_is_locked(**locked));
  EXPECT_FALSE(soa_is_locked(m.soa()));
  EXPECT_EQ((*locked)->soa_serial(), 100u);
  EXPECT_EQ(soa_fields(**locked)->expire, 0x5D123456u);
  EXPECT_EQ((*locked)->rdata()[0].value, "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 7200 900 1561474134 86400");
  // A batch on top of a locked SOA (a takeover) does not keep the mark.
  auto z = testing::example_zone();
  z[0].values = {(*locked)->rdata()[0].value};
  auto lm = Mirror::load(N("example.com"), z);
  ASSERT_TRUE(lm.ok());
  WorkingCopy wc(*lm);
  ASSERT_TRUE(wc.put(make_set("n.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.1")).ok());
  Batch b = diff(wc);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(b.changes.back().rrset.values[0], "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 101 7200 900 1209600 86400");
  EXPECT_EQ(size_of_changes(b.changes), wc.size()) << "size() counts the released SOA exactly";
}

TEST(DiffInRequests, ChainsTheSoaAndKeepsEveryOwnerInOneRequest) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  ASSERT_TRUE(wc.put(make_set("a.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.1")).ok());
  ASSERT_TRUE(wc.put(make_set("a.example.com", LDNS_RR_TYPE_TXT, 60, "\"a\"")).ok());
  ASSERT_TRUE(wc.erase(N("www.example.com"), LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(wc.put(make_set("z.example.com", LDNS_RR_TYPE_A, 60, "192.0.2.26")).ok());
  auto groups = change_groups(wc);
  // In the mirror's name order (canonical wire bytes: a, z, www).
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].owner, N("a.example.com"));
  EXPECT_EQ(groups[1].owner, N("z.example.com"));
  EXPECT_EQ(groups[2].owner, N("www.example.com"));
  EXPECT_EQ(groups[0].size, (BatchSize{2, 9 + 3}));
  EXPECT_EQ(groups[2].size, (BatchSize{2, 18}));
  auto mark = soa_locked(m.soa(), 7);
  ASSERT_TRUE(mark.ok());
  RRset::Ptr last = final_soa(wc);
  EXPECT_EQ(last->soa_serial(), 101u);
  auto chain = diff_in_requests(wc, {{0, 2}, {1}}, {*mark, last});
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_TRUE(chain[0].changes.empty()) << "a push makes each request's changes when it is sent";
  std::vector<r53::Change> c0 = request_changes(chain[0]), c1 = request_changes(chain[1]);
  ASSERT_EQ(c0.size(), 2u + 3u);  // SOA pair, a A, a TXT, www A deleted
  ASSERT_EQ(c1.size(), 2u + 1u);  // SOA pair, z A
  EXPECT_EQ(c0.front().rrset.values[0], m.soa().rdata()[0].value);
  EXPECT_EQ(c0.back().rrset.values[0], (*mark)->rdata()[0].value);
  EXPECT_EQ(c1.front().rrset.values[0], (*mark)->rdata()[0].value);
  EXPECT_EQ(c1.back().rrset.values[0], last->rdata()[0].value);
  EXPECT_EQ(chain[0].size, size_of_changes(c0));
  EXPECT_EQ(chain[1].size, size_of_changes(c1));
  EXPECT_EQ(chain[0].new_serial, 100u);
  EXPECT_EQ(chain[1].new_serial, 101u);
  // The chain applies to the mirror request after request (what the committer does as Route 53
  // accepts them): the first on the working copy's generation, the next on the one after.
  ASSERT_TRUE(m.commit(chain[0]).ok());
  EXPECT_TRUE(soa_is_locked(m.soa()));
  EXPECT_EQ(dump(m.find(N("www.example.com"), LDNS_RR_TYPE_A)), "-");
  EXPECT_EQ(dump(m.find(N("z.example.com"), LDNS_RR_TYPE_A)), "-");
  chain[1].base_generation = m.generation();
  ASSERT_TRUE(m.commit(chain[1]).ok());
  EXPECT_EQ(m.serial(), 101u);
  EXPECT_FALSE(soa_is_locked(m.soa()));
  EXPECT_EQ(dump(m.find(N("z.example.com"), LDNS_RR_TYPE_A)), "60 192.0.2.26");
}

}  // namespace
}  // namespace r53d::zone

namespace r53d::zone {
namespace {

using testing::load_example;
using testing::N;

// ---- Writers that do not go through route53d: reliances, assertions, read stamps ---------------

TEST(Reliance, PresenceIsAssertedByAnIdenticalDeleteAndCreateCountedInTheSize) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  wc.rely_present(Key{N("mail.example.com"), LDNS_RR_TYPE_A});
  ASSERT_TRUE(wc.put(RRset::make(N("n.example.com"), LDNS_RR_TYPE_A, 60,
                                 {*Rdata::from_value(N("n.example.com"), LDNS_RR_TYPE_A, 60, "192.0.2.5")}))
                  .ok());
  Batch b = diff(wc);
  std::vector<std::string> got;
  for (const auto& c : b.changes) got.push_back(std::string(r53::action_name(c.action)) + " " + c.rrset.name + " " + c.rrset.type);
  EXPECT_EQ(got, (std::vector<std::string>{"DELETE example.com. SOA", "DELETE mail.example.com. A",
                                           "CREATE mail.example.com. A", "CREATE n.example.com. A",
                                           "CREATE example.com. SOA"}));
  EXPECT_EQ(wc.size(), b.size) << "the assertion counts in the batch limits";
  ASSERT_EQ(b.asserted.size(), 1u);
  EXPECT_EQ(b.swaps.size(), 2u) << "an assertion changes nothing in the mirror";
}

TEST(Reliance, WrittenRRsetIsNotAssertedTwice) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  wc.rely_present(Key{N("mail.example.com"), LDNS_RR_TYPE_A});
  ASSERT_TRUE(wc.erase(N("mail.example.com"), LDNS_RR_TYPE_A).ok());  // its DELETE is the assertion
  EXPECT_TRUE(wc.assertions().empty());
  EXPECT_TRUE(diff(wc).asserted.empty());
}

TEST(Reliance, AbsenceNeedsAReadUnlessTheBatchCreatesThatRRset) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  auto mark = wc.mark();
  wc.rely_absent(Key{N("n.example.com"), LDNS_RR_TYPE_A});
  wc.rely_absent(Key{N("gone.example.com"), LDNS_RR_TYPE_ANY});
  wc.rely_present(Key{N("txt.example.com"), LDNS_RR_TYPE_ANY});  // stands on txt TXT
  ASSERT_TRUE(wc.put(RRset::make(N("n.example.com"), LDNS_RR_TYPE_A, 60,
                                 {*Rdata::from_value(N("n.example.com"), LDNS_RR_TYPE_A, 60, "192.0.2.5")}))
                  .ok());
  EXPECT_EQ(wc.unasserted_since(mark, false), std::vector<Name>{N("gone.example.com")});
  EXPECT_TRUE(wc.creates_hold());
  ASSERT_EQ(wc.assertions().size(), 1u);
  EXPECT_EQ(wc.assertions()[0].owner, N("txt.example.com"));
  // A failed edit sends no batch: everything it relied on must be read.
  auto all = wc.unasserted_since(mark, true);
  EXPECT_EQ(std::set<Name>(all.begin(), all.end()),
            (std::set<Name>{N("gone.example.com"), N("n.example.com"), N("txt.example.com")}));
  // A later edit that undoes the CREATE breaks the absence it asserted.
  ASSERT_TRUE(wc.erase(N("n.example.com"), LDNS_RR_TYPE_A).ok());
  EXPECT_FALSE(wc.creates_hold());
  wc.rollback(mark);
  EXPECT_TRUE(wc.assertions().empty());
  EXPECT_TRUE(wc.unasserted_since(mark, true).empty());
}

TEST(Reliance, ReadOnlyRRsetsAreReadNotAsserted) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  auto mark = wc.mark();
  wc.rely_present(Key{N("alias.example.com"), LDNS_RR_TYPE_A});
  EXPECT_EQ(wc.unasserted_since(mark, false), std::vector<Name>{N("alias.example.com")});
  EXPECT_TRUE(wc.assertions().empty());
}

TEST(Reliance, TrackingOffRecordsNothing) {
  Mirror m = load_example();
  WorkingCopy wc(m);
  wc.track_reliances(false);
  auto mark = wc.mark();
  wc.rely_present(Key{N("mail.example.com"), LDNS_RR_TYPE_A});
  wc.rely_absent(Key{N("gone.example.com"), LDNS_RR_TYPE_ANY});
  EXPECT_TRUE(wc.assertions().empty());
  EXPECT_TRUE(wc.unasserted_since(mark, true).empty());
}

TEST(Mirror, ReadStampsAndForeignChanges) {
  Mirror m = load_example();
  EXPECT_EQ(m.read_stamp(N("www.example.com")), 0u);
  // Same data read again: stamped, no foreign change.
  ASSERT_TRUE(m.reload_names({N("mail.example.com")}, {testing::rs("mail.example.com.", "A", 300, {"192.0.2.25"})}, 7).ok());
  EXPECT_EQ(m.read_stamp(N("mail.example.com")), 7u);
  EXPECT_EQ(m.read_stamp(N("www.example.com")), 0u);
  EXPECT_EQ(m.foreign_changes(), 0u);
  // A name another writer created, one it deleted: both are changes.
  ASSERT_TRUE(m.reload_names({N("new.example.com")}, {testing::rs("new.example.com.", "A", 60, {"192.0.2.1"})}, 9).ok());
  EXPECT_EQ(m.foreign_changes(), 1u);
  ASSERT_TRUE(m.reload_names({N("mail.example.com")}, {}, 10).ok());
  EXPECT_EQ(m.foreign_changes(), 2u);
  m.set_zone_stamp(8);
  EXPECT_EQ(m.read_stamp(N("www.example.com")), 8u);
  EXPECT_EQ(m.read_stamp(N("mail.example.com")), 10u);
}

}  // namespace
}  // namespace r53d::zone
