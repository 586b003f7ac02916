// Tests for DHCID emulation (src/update/dhcid.cc and its use in src/update/update.cc): the TXT
// form, Kea DHCP-DDNS's exact messages (src/bin/d2/nc_add.cc, nc_remove.cc, simple_add.cc,
// simple_remove.cc) giving RFC 4703's answers, the emulated DHCID as data at its name for every
// name-level form, what each answer rests on, and the derived names closed to direct writes.
#include "update/dhcid.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/unit/zone/fixture.h"
#include "update/update.h"

namespace r53d::update {
namespace {

using testing::dump;
using testing::make_update;
using testing::N;
using testing::rr_from_text;
using zone::Key;

const AllowAll kAll;
const Options kTxt{DhcidMode::kTxt};

// RFC 4701 §3.6.1's DHCID, and another client's.
constexpr const char* kOurs = "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=";
constexpr const char* kTheirs = "AAIBAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kHost = "kea.example.com.";
const std::string kDerived = "_dhcid.kea.example.com.";

std::string dhcid(const std::string& b64, int ttl = 0, const std::string& owner = kHost) {
  return owner + " " + std::to_string(ttl) + " IN DHCID " + b64;
}

// The messages of Kea 2.2's D2 for a forward change of kHost to `ip` by the client of `id`.
// RFC 4703 §5.3.1: add.
zone::PktPtr kea_add(const std::string& id, const std::string& ip = "192.0.2.50") {
  return make_update({kHost + " 0 NONE ANY"}, {kHost + " 3600 IN A " + ip, dhcid(id, 3600)});
}
// §5.3.2: replace, after YXDOMAIN.
zone::PktPtr kea_replace(const std::string& id, const std::string& ip = "192.0.2.50") {
  return make_update({kHost + " 0 ANY ANY", dhcid(id)}, {kHost + " 0 ANY A", kHost + " 3600 IN A " + ip});
}
// §5.5, paragraph 4: remove the address.
zone::PktPtr kea_remove_address(const std::string& id, const std::string& ip = "192.0.2.50") {
  return make_update({dhcid(id)}, {kHost + " 0 NONE A " + ip});
}
// §5.5, paragraph 5: remove the rest once no address is left.
zone::PktPtr kea_remove_rest(const std::string& id) {
  return make_update({dhcid(id), kHost + " 0 NONE A", kHost + " 0 NONE AAAA"}, {kHost + " 0 ANY ANY"});
}
// Conflict resolution off: SimpleAddTransaction / SimpleRemoveTransaction, no prerequisites.
zone::PktPtr kea_simple_add(const std::string& id, const std::string& ip = "192.0.2.50") {
  return make_update({}, {kHost + " 0 ANY A", kHost + " 0 ANY DHCID", kHost + " 3600 IN A " + ip, dhcid(id, 3600)});
}
zone::PktPtr kea_simple_remove() { return make_update({}, {kHost + " 0 ANY A", kHost + " 0 ANY DHCID"}); }

// example.com with `extra` record sets.
zone::Mirror load_with(std::vector<r53::RecordSet> extra) {
  auto sets = testing::example_zone();
  for (auto& s : extra) sets.push_back(std::move(s));
  auto m = zone::Mirror::load(N("example.com."), std::move(sets));
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return std::move(*m);
}

// Applies pkt to a working copy of m; on NOERROR the batch is committed to m, as when Route 53
// accepted it. Returns the rcode.
ldns_pkt_rcode step(zone::Mirror& m, const zone::PktPtr& pkt, const Options& opts = kTxt, const Grant& grant = kAll) {
  zone::WorkingCopy wc(m);
  Outcome o = apply(pkt.get(), grant, wc, opts);
  if (o.ok()) {
    EXPECT_TRUE(m.commit(zone::diff(wc)).ok());
  }
  return o.rcode;
}

std::string txt_at(const zone::Mirror& m, const std::string& owner = kDerived) {
  return dump(m.find(N(owner), LDNS_RR_TYPE_TXT));
}
std::string a_at(const zone::Mirror& m) { return dump(m.find(N(kHost), LDNS_RR_TYPE_A)); }

// ---- the TXT form ---------------------------------------------------------------------------

TEST(DhcidForm, TxtAtDerivedOwnerHoldsTheBase64RdataAsOneString) {
  auto rr = rr_from_text(dhcid(kOurs, 3600, "Kea.Example.COM."));
  auto txt = dhcid_as_txt(rr.get());
  ASSERT_TRUE(txt.ok()) << txt.status().to_string();
  EXPECT_EQ(zone::Name::from_rdf(ldns_rr_owner(txt->get())), N(kDerived));
  EXPECT_EQ(ldns_rr_get_type(txt->get()), LDNS_RR_TYPE_TXT);
  EXPECT_EQ(ldns_rr_get_class(txt->get()), LDNS_RR_CLASS_IN);
  EXPECT_EQ(ldns_rr_ttl(txt->get()), 3600u);
  auto value = zone::value_from_rr(txt->get());
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, std::string("\"") + kOurs + "\"");
}

TEST(DhcidForm, FormsWithoutRdataKeepClassAndHaveNoRdata) {
  auto txt = dhcid_as_txt(rr_from_text(kHost + " 0 ANY DHCID").get());
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(ldns_rr_get_class(txt->get()), LDNS_RR_CLASS_ANY);
  EXPECT_EQ(ldns_rr_rd_count(txt->get()), 0u);
}

TEST(DhcidForm, DerivedOwners) {
  EXPECT_TRUE(is_dhcid_owner(N("_dhcid.kea.example.com")));
  EXPECT_TRUE(is_dhcid_owner(N("_DHCID.kea.example.com")));
  EXPECT_FALSE(is_dhcid_owner(N("_dhcidx.kea.example.com")));
  EXPECT_FALSE(is_dhcid_owner(N("kea._dhcid.example.com")));
  EXPECT_EQ(dhcid_owner(N("example.com")), N("_dhcid.example.com"));
  EXPECT_FALSE(dhcid_owner(N("_dhcid.kea.example.com")).has_value());
  EXPECT_FALSE(dhcid_owner(N("*.example.com")).has_value());
  // 248 octets of wire + 7 = 255: fits; 249 + 7: does not.
  std::string l63(63, 'a'), l50(50, 'b'), l51(51, 'b');
  auto fits = N(l63 + "." + l63 + "." + l63 + "." + l50 + ".com");  // 3*64 + 51 + 4 + 1 = 248
  auto over = N(l63 + "." + l63 + "." + l63 + "." + l51 + ".com");
  ASSERT_EQ(fits.wire().size(), 248u);
  EXPECT_TRUE(dhcid_owner(fits).has_value());
  EXPECT_FALSE(dhcid_owner(over).has_value());
}

TEST(DhcidForm, WhatCannotBeEmulated) {
  EXPECT_FALSE(dhcid_as_txt(rr_from_text(dhcid(kOurs, 60, "*.example.com.")).get()).ok());
  EXPECT_FALSE(dhcid_as_txt(rr_from_text(dhcid(kOurs, 60, kDerived)).get()).ok());
  std::string big(256, 'A');  // 192 octets of RDATA: 256 characters of base64
  auto too_long = dhcid_as_txt(rr_from_text(dhcid(big)).get());
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("192 octets"), std::string::npos) << too_long.status().message();
  EXPECT_TRUE(dhcid_as_txt(rr_from_text(dhcid(std::string(252, 'A'))).get()).ok());  // 189 octets
}

// ---- Kea with conflict resolution (RFC 4703) ------------------------------------------------

TEST(DhcidKea, AddRenewConflictRemove) {
  zone::Mirror m = testing::load_example();
  // Add: the name is free.
  EXPECT_EQ(step(m, kea_add(kOurs)), LDNS_RCODE_NOERROR);
  EXPECT_EQ(a_at(m), "3600 192.0.2.50");
  EXPECT_EQ(txt_at(m), std::string("3600 \"") + kOurs + "\"");
  EXPECT_EQ(dump(m.find(N(kHost), LDNS_RR_TYPE_DHCID)), "-") << "nothing of type DHCID is stored";
  // Renew by the same client: the add finds the name in use, the replace finds its DHCID.
  EXPECT_EQ(step(m, kea_add(kOurs, "192.0.2.51")), LDNS_RCODE_YXDOMAIN);
  EXPECT_EQ(step(m, kea_replace(kOurs, "192.0.2.51")), LDNS_RCODE_NOERROR);
  EXPECT_EQ(a_at(m), "3600 192.0.2.51");
  EXPECT_EQ(txt_at(m), std::string("3600 \"") + kOurs + "\"");
  // Another client with the same name: YXDOMAIN then NXRRSET, nothing changed.
  uint32_t serial = m.serial();
  EXPECT_EQ(step(m, kea_add(kTheirs, "192.0.2.99")), LDNS_RCODE_YXDOMAIN);
  EXPECT_EQ(step(m, kea_replace(kTheirs, "192.0.2.99")), LDNS_RCODE_NXRRSET);
  EXPECT_EQ(step(m, kea_remove_address(kTheirs, "192.0.2.51")), LDNS_RCODE_NXRRSET);
  EXPECT_EQ(m.serial(), serial);
  EXPECT_EQ(a_at(m), "3600 192.0.2.51");
  // Remove by the owner: the address, then the rest; no TXT is left orphaned.
  EXPECT_EQ(step(m, kea_remove_address(kOurs, "192.0.2.51")), LDNS_RCODE_NOERROR);
  EXPECT_EQ(a_at(m), "-");
  EXPECT_EQ(txt_at(m), std::string("3600 \"") + kOurs + "\"") << "the DHCID stays until the last address goes";
  EXPECT_EQ(step(m, kea_remove_rest(kOurs)), LDNS_RCODE_NOERROR);
  EXPECT_EQ(txt_at(m), "-");
  EXPECT_FALSE(m.name_exists(N(kHost)));
  // The name is free again: the other client can have it now.
  EXPECT_EQ(step(m, kea_add(kTheirs, "192.0.2.99")), LDNS_RCODE_NOERROR);
  EXPECT_EQ(txt_at(m), std::string("3600 \"") + kTheirs + "\"");
}

TEST(DhcidKea, RemoveOfANameThatHoldsAnotherAddressKeepsTheDhcid) {
  zone::Mirror m = testing::load_example();
  ASSERT_EQ(step(m, kea_add(kOurs)), LDNS_RCODE_NOERROR);
  ASSERT_EQ(step(m, make_update({}, {kHost + " 3600 IN AAAA 2001:db8::50"})), LDNS_RCODE_NOERROR);
  EXPECT_EQ(step(m, kea_remove_address(kOurs)), LDNS_RCODE_NOERROR);
  EXPECT_EQ(step(m, kea_remove_rest(kOurs)), LDNS_RCODE_YXRRSET) << "an AAAA is still there";
  EXPECT_EQ(txt_at(m), std::string("3600 \"") + kOurs + "\"");
}

// ---- Kea without conflict resolution --------------------------------------------------------

TEST(DhcidKea, SimpleAddAndRemoveTakeTheNameWhoeverHadIt) {
  zone::Mirror m = testing::load_example();
  ASSERT_EQ(step(m, kea_add(kOurs)), LDNS_RCODE_NOERROR);
  EXPECT_EQ(step(m, kea_simple_add(kTheirs, "192.0.2.99")), LDNS_RCODE_NOERROR);
  EXPECT_EQ(a_at(m), "3600 192.0.2.99");
  EXPECT_EQ(txt_at(m), std::string("3600 \"") + kTheirs + "\"");
  EXPECT_EQ(step(m, kea_simple_remove()), LDNS_RCODE_NOERROR);
  EXPECT_EQ(a_at(m), "-");
  EXPECT_EQ(txt_at(m), "-");
  EXPECT_EQ(step(m, kea_simple_remove()), LDNS_RCODE_NOERROR) << "removing what is gone is a no-op";
}

// ---- the emulated DHCID is data at its name -------------------------------------------------

TEST(DhcidAsData, ANameHoldingOnlyTheEmulatedDhcidIsInUse) {
  auto only = [] { return load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kOurs + "\""})}); };
  {
    zone::Mirror m = only();
    EXPECT_EQ(step(m, make_update({kHost + " 0 NONE ANY"}, {})), LDNS_RCODE_YXDOMAIN);
    EXPECT_EQ(step(m, make_update({kHost + " 0 ANY ANY"}, {})), LDNS_RCODE_NOERROR);
    EXPECT_EQ(step(m, make_update({kHost + " 0 ANY DHCID"}, {})), LDNS_RCODE_NOERROR);
    EXPECT_EQ(step(m, make_update({kHost + " 0 NONE DHCID"}, {})), LDNS_RCODE_YXRRSET);
    EXPECT_EQ(step(m, make_update({dhcid(kOurs)}, {})), LDNS_RCODE_NOERROR);
    EXPECT_EQ(step(m, make_update({dhcid(kTheirs)}, {})), LDNS_RCODE_NXRRSET);
  }
  {
    zone::Mirror m = only();
    EXPECT_EQ(step(m, make_update({}, {kHost + " 0 ANY ANY"})), LDNS_RCODE_NOERROR);
    EXPECT_EQ(txt_at(m), "-") << "delete all RRsets at a name deletes the emulated DHCID";
  }
  {
    SCOPED_TRACE("without emulation the TXT is plain data at another name");
    zone::Mirror m = only();
    Options refuse;
    EXPECT_EQ(step(m, make_update({kHost + " 0 NONE ANY"}, {}), refuse), LDNS_RCODE_NOERROR);
    EXPECT_EQ(step(m, make_update({kHost + " 0 ANY ANY"}, {}), refuse), LDNS_RCODE_NXDOMAIN);
    EXPECT_EQ(step(m, make_update({}, {kHost + " 0 ANY ANY"}), refuse), LDNS_RCODE_NOERROR);
    EXPECT_NE(txt_at(m), "-");
  }
}

TEST(DhcidAsData, CnameRule) {
  zone::Mirror m = load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kOurs + "\""})});
  zone::WorkingCopy wc(m);
  Outcome o = apply(make_update({}, {kHost + " 300 IN CNAME www.example.com."}).get(), kAll, wc, kTxt);
  EXPECT_TRUE(o.ok());
  EXPECT_FALSE(o.changed) << "a CNAME is not added beside the emulated DHCID";
  ASSERT_EQ(o.ignored.size(), 1u);
  EXPECT_NE(o.ignored[0].find("CNAME beside other data"), std::string::npos) << o.ignored[0];

  zone::WorkingCopy wc2(m);
  Outcome o2 = apply(make_update({}, {dhcid(kTheirs, 300, "cname.example.com.")}).get(), kAll, wc2, kTxt);
  EXPECT_TRUE(o2.ok());
  EXPECT_FALSE(o2.changed) << "a DHCID is not added beside a CNAME";
  EXPECT_EQ(dump(wc2.find(N("_dhcid.cname.example.com"), LDNS_RR_TYPE_TXT)), "-");
}

// ---- what each answer rests on (writers that bypass route53d) -------------------------------

TEST(DhcidReliance, YxdomainHeldByTheTxtAloneAssertsThatTxt) {
  zone::Mirror m = load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kOurs + "\""})});
  zone::WorkingCopy wc(m);
  auto mark = wc.mark();
  // Kea's replace: yxdomain and the DHCID value both rest on the TXT RRset, asserted in the batch.
  ASSERT_TRUE(apply(kea_replace(kOurs).get(), kAll, wc, kTxt).ok());
  EXPECT_EQ(wc.assertions(), (std::vector<Key>{Key{N(kDerived), LDNS_RR_TYPE_TXT}}));
  EXPECT_TRUE(wc.unasserted_since(mark, false).empty()) << "the batch asserts everything this answer rests on";
}

TEST(DhcidReliance, NxdomainRestsOnBothNamesBeingRead) {
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  auto mark = wc.mark();
  ASSERT_TRUE(apply(kea_add(kOurs).get(), kAll, wc, kTxt).ok());
  // The add CREATEs the TXT (its CREATE fails if another writer made it); the name as a whole
  // must have been read after the UPDATE arrived.
  EXPECT_EQ(wc.unasserted_since(mark, false), std::vector<zone::Name>{N(kHost)});
  // A failed add (another client's TXT there) sends no batch: both names must be read.
  zone::Mirror taken = load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kTheirs + "\""})});
  zone::WorkingCopy wc2(taken);
  auto mark2 = wc2.mark();
  ASSERT_EQ(apply(kea_add(kOurs).get(), kAll, wc2, kTxt).rcode, LDNS_RCODE_YXDOMAIN);
  auto all = wc2.unasserted_since(mark2, true);
  EXPECT_EQ(std::set<zone::Name>(all.begin(), all.end()), (std::set<zone::Name>{N(kHost), N(kDerived)}));
}

TEST(DhcidReliance, DeleteAllDeletesTheExactTxtOrReadsItsAbsence) {
  zone::Mirror m = load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kOurs + "\""})});
  zone::WorkingCopy wc(m);
  auto mark = wc.mark();
  ASSERT_TRUE(apply(make_update({}, {kHost + " 0 ANY ANY"}).get(), kAll, wc, kTxt).ok());
  zone::Batch b = zone::diff(wc);
  bool deletes_txt = false;
  for (const auto& c : b.changes)
    deletes_txt |= c.action == r53::Action::kDelete && c.rrset.name == kDerived && c.rrset.type == "TXT";
  EXPECT_TRUE(deletes_txt) << "the batch DELETEs the exact TXT (its compare-and-swap)";
  EXPECT_EQ(wc.unasserted_since(mark, false), std::vector<zone::Name>{N(kHost)});

  zone::Mirror empty = testing::load_example();
  zone::WorkingCopy wc2(empty);
  auto mark2 = wc2.mark();
  Outcome o = apply(make_update({}, {kHost + " 0 ANY ANY"}).get(), kAll, wc2, kTxt);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.changed);
  auto all = wc2.unasserted_since(mark2, true);
  EXPECT_EQ(std::set<zone::Name>(all.begin(), all.end()), (std::set<zone::Name>{N(kHost), N(kDerived)}));
}

TEST(DhcidReliance, NamesReadAndAbsenceNamesIncludeTheDerivedNames) {
  auto add = kea_add(kOurs);
  EXPECT_EQ(names_read(add.get(), N("example.com"), kTxt), (std::vector<zone::Name>{N(kHost), N(kDerived)}));
  EXPECT_EQ(absence_names(add.get(), N("example.com"), kTxt), (std::vector<zone::Name>{N(kHost), N(kDerived)}));
  EXPECT_EQ(absence_names(kea_remove_rest(kOurs).get(), N("example.com"), kTxt),
            (std::vector<zone::Name>{N(kHost), N(kDerived)}));
  EXPECT_EQ(names_read(add.get(), N("example.com")), std::vector<zone::Name>{N(kHost)}) << "no emulation";
}

// ---- refuse mode, the derived names, grants -------------------------------------------------

TEST(DhcidPolicy, RefuseModeRefusesEveryDhcidWrite) {
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  Outcome o = apply(kea_add(kOurs).get(), kAll, wc, Options{});
  EXPECT_EQ(o.rcode, LDNS_RCODE_REFUSED);
  EXPECT_NE(o.reason().find("DHCID"), std::string::npos) << o.reason();
  EXPECT_EQ(step(m, kea_simple_remove(), Options{}), LDNS_RCODE_REFUSED);
}

TEST(DhcidPolicy, DerivedNamesAreClosedToDirectWrites) {
  zone::Mirror m = load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kOurs + "\""})});
  for (const std::string& u : std::vector<std::string>{kDerived + " 300 IN TXT \"forged\"", kDerived + " 0 ANY TXT", kDerived + " 0 ANY ANY",
                               kDerived + " 0 NONE TXT \"" + kOurs + "\"", "_DHCID.other.example.com. 300 IN A 192.0.2.1",
                                                  dhcid(kOurs, 300, kDerived)}) {
    SCOPED_TRACE(u);
    zone::WorkingCopy wc(m);
    Outcome o = apply(make_update({}, {u}).get(), kAll, wc, kTxt);
    EXPECT_EQ(o.rcode, LDNS_RCODE_REFUSED);
    EXPECT_NE(o.reason().find("_dhcid."), std::string::npos) << o.reason();
    EXPECT_FALSE(wc.changed());
  }
  // Reading them is fine.
  EXPECT_EQ(step(m, make_update({kDerived + " 0 ANY TXT"}, {})), LDNS_RCODE_NOERROR);
  // Without emulation they are ordinary names.
  EXPECT_EQ(step(m, make_update({}, {kDerived + " 0 ANY TXT"}), Options{}), LDNS_RCODE_NOERROR);
}

TEST(DhcidPolicy, DhcidThatCannotBeEmulatedIsRefusedAndCanNeverExist) {
  zone::Mirror m = testing::load_example();
  EXPECT_EQ(step(m, make_update({}, {dhcid(kOurs, 300, "*.wild.example.com.")})), LDNS_RCODE_REFUSED);
  EXPECT_EQ(step(m, make_update({"*.wild.example.com. 0 NONE DHCID"}, {})), LDNS_RCODE_NOERROR);
  EXPECT_EQ(step(m, make_update({"*.wild.example.com. 0 ANY DHCID"}, {})), LDNS_RCODE_NXRRSET);
}

TEST(DhcidPolicy, GrantsSpeakOfDhcidAtTheName) {
  zone::Mirror m = load_with({testing::rs(kDerived, "TXT", 300, {std::string("\"") + kOurs + "\""}),
                              testing::rs(kHost, "A", 300, {"192.0.2.50"})});
  auto a_only = NamesTypesGrant::parse({"kea.example.com"}, {"A"});
  auto a_dhcid = NamesTypesGrant::parse({"kea.example.com"}, {"A", "DHCID"});
  ASSERT_TRUE(a_only.ok() && a_dhcid.ok());
  EXPECT_EQ(step(m, kea_add(kTheirs), kTxt, *a_only), LDNS_RCODE_REFUSED) << "the DHCID add is not granted";
  EXPECT_EQ(step(m, make_update({}, {kHost + " 0 ANY ANY"}), kTxt, *a_only), LDNS_RCODE_REFUSED)
      << "deleting the name would delete the emulated DHCID";
  EXPECT_EQ(step(m, make_update({}, {kHost + " 0 ANY ANY"}), kTxt, *a_dhcid), LDNS_RCODE_NOERROR);
  EXPECT_EQ(txt_at(m), "-");
}

}  // namespace
}  // namespace r53d::update
