// Test helpers shared by the zone and update unit tests: a small hosted zone as Route 53 would
// list it, UPDATE packets built from text RRs, and a compact dump of RRsets.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "r53/model.h"
#include "zone/codec.h"
#include "zone/mirror.h"
#include "zone/name.h"
#include "zone/primary_zone.h"

namespace r53d::testing {

inline r53::RecordSet rs(std::string name, std::string type, int64_t ttl, std::vector<std::string> values) {
  r53::RecordSet r;
  r.name = std::move(name);
  r.type = std::move(type);
  r.ttl_s = ttl;
  r.values = std::move(values);
  return r;
}

inline constexpr const char* kSoaValue =
    "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 7200 900 1209600 86400";

// example.com as ListResourceRecordSets returns it.
//  b.example.com is an empty non-terminal (only a.b.example.com exists);
//  alias/geo/hc are read-only (alias, weighted routing group, health check).
inline std::vector<r53::RecordSet> example_zone() {
  std::vector<r53::RecordSet> z = {
      rs("example.com.", "SOA", 900, {kSoaValue}),
      rs("example.com.", "NS", 172800, {"ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk."}),
      rs("example.com.", "MX", 300, {"10 Mail.Example.com"}),
      rs("www.example.com.", "A", 300, {"192.0.2.1", "192.0.2.2"}),
      rs("mail.example.com.", "A", 300, {"192.0.2.25"}),
      rs("cname.example.com.", "CNAME", 300, {"www.example.com"}),
      rs("txt.example.com.", "TXT", 300, {"\"hello world\""}),
      rs("a.b.example.com.", "A", 300, {"192.0.2.9"}),
      rs("\\052.wild.example.com.", "A", 300, {"192.0.2.42"}),
  };
  r53::RecordSet alias;
  alias.name = "alias.example.com.";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{"Z35SXDOTRQ7X7K", "dualstack.lb-1.us-east-1.elb.amazonaws.com.", false};
  z.push_back(alias);
  for (const char* id : {"one", "two"}) {
    r53::RecordSet g = rs("geo.example.com.", "A", 60, {std::string("192.0.2.") + (id[0] == 'o' ? "101" : "102")});
    g.set_identifier = id;
    g.weight = 10;
    z.push_back(g);
  }
  r53::RecordSet hc = rs("hc.example.com.", "A", 60, {"192.0.2.77"});
  hc.health_check_id = "abcdef01-2345-6789-abcd-ef0123456789";
  z.push_back(hc);
  return z;
}

inline zone::Name N(const std::string& text) {
  auto n = zone::Name::from_text(text);
  EXPECT_TRUE(n.ok()) << text;
  return n.ok() ? *n : zone::Name();
}

inline zone::Mirror load_example() {
  auto m = zone::Mirror::load(N("example.com."), example_zone());
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return std::move(*m);
}

inline uint16_t T(const std::string& mnemonic) { return static_cast<uint16_t>(ldns_get_rr_type_by_name(mnemonic.c_str())); }

// "www.example.com. 0 ANY A" style text; RRs without RDATA get "\# 0" appended.
inline zone::RrPtr rr_from_text(const std::string& text) {
  std::string t = text;
  size_t fields = 0;
  bool in = false;
  for (char c : t) {
    if (c == ' ' || c == '\t') in = false;
    else if (!in) { in = true; ++fields; }
  }
  if (fields == 4) t += " \\# 0";
  ldns_rr* rr = nullptr;
  ldns_status st = ldns_rr_new_frm_str(&rr, t.c_str(), 0, nullptr, nullptr);
  EXPECT_EQ(st, LDNS_STATUS_OK) << text << ": " << ldns_get_errorstr_by_id(st);
  return zone::RrPtr(rr);
}

// A list of RRs from text lines ("www.example.com. 300 IN A 192.0.2.1").
inline zone::RrListPtr rr_list(const std::vector<std::string>& lines) {
  zone::RrListPtr l(ldns_rr_list_new());
  for (const auto& line : lines) ldns_rr_list_push_rr(l.get(), rr_from_text(line).release());  // the list owns it
  return l;
}

inline constexpr const char* kPrimarySoa =
    "example.com. 3600 IN SOA ns1.example.net. hostmaster.example.net. ";  // + "SERIAL 7200 900 1209600 300"

// The primary's SOA with `serial`.
inline zone::RrPtr primary_soa(uint32_t serial) {
  return rr_from_text(std::string(kPrimarySoa) + std::to_string(serial) + " 7200 900 1209600 300");
}

// A PrimaryZone of example.com from a full transfer: the SOA with `serial`, then `records`.
inline zone::PrimaryZone primary(uint32_t serial, const std::vector<std::string>& records) {
  auto soa = primary_soa(serial);
  auto list = rr_list(records);
  auto z = zone::PrimaryZone::from_full(N("example.com."), soa.get(), list.get());
  EXPECT_TRUE(z.ok()) << z.status().to_string();
  return std::move(*z);
}

// An UPDATE for `zone` (class IN) with prerequisites and updates given as text RRs, sent through
// the wire format and parsed back, as the listener would hand it over.
inline zone::PktPtr make_update(const std::vector<std::string>& prereqs, const std::vector<std::string>& updates,
                                const std::string& zone_name = "example.com.", ldns_rr_class zclass = LDNS_RR_CLASS_IN) {
  zone::RrListPtr pr(ldns_rr_list_new()), up(ldns_rr_list_new());
  for (const auto& p : prereqs) ldns_rr_list_push_rr(pr.get(), rr_from_text(p).release());
  for (const auto& u : updates) ldns_rr_list_push_rr(up.get(), rr_from_text(u).release());
  ldns_pkt* raw = ldns_update_pkt_new(ldns_dname_new_frm_str(zone_name.c_str()), zclass, pr.get(), up.get(), nullptr);
  zone::PktPtr built(raw);
  uint8_t* wire = nullptr;
  size_t len = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, built.get(), &len), LDNS_STATUS_OK);
  ldns_pkt* parsed = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&parsed, wire, len), LDNS_STATUS_OK);
  free(wire);
  return zone::PktPtr(parsed);
}

// "300 192.0.2.1 192.0.2.2" (TTL, then the values sorted), "-" if absent, "read-only" for those.
inline std::string dump(const zone::RRset::Ptr& set) {
  if (!set) return "-";
  if (set->read_only()) return "read-only";
  std::vector<std::string> v;
  for (const auto& r : set->rdata()) v.push_back(r.value);
  std::sort(v.begin(), v.end());
  std::string out = std::to_string(set->ttl_s());
  for (const auto& s : v) out += " " + s;
  return out;
}

}  // namespace r53d::testing
