// DNS request dispatch: TSIG, QUERY SOA from the confirmed SOA, UPDATE to the group commit.
#include "daemon/handler.h"

#include <arpa/inet.h>

#include <cstring>

#include "dns/ldns_ptr.h"
#include "update/update.h"
#include "util/log.h"

namespace r53d::daemon {
namespace {

// Several allow-update rules for one key or address: any of them may allow a change. Owns them.
class GrantSet final : public update::Grant {
 public:
  explicit GrantSet(std::vector<std::shared_ptr<const update::Grant>> g) : grants_(std::move(g)) {}
  bool allows(const zone::Name& owner, uint16_t type) const override {
    for (const auto& g : grants_)
      if (g->allows(owner, type)) return true;
    return false;
  }
  bool allows_name(const zone::Name& owner) const override {
    for (const auto& g : grants_)
      if (g->allows_name(owner)) return true;
    return false;
  }
  std::string describe() const override {
    std::string out;
    for (const auto& g : grants_) out += (out.empty() ? "" : " or ") + g->describe();
    return out;
  }

 private:
  std::vector<std::shared_ptr<const update::Grant>> grants_;
};

Result<std::shared_ptr<const update::Grant>> grant_of(const config::UpdateRule& rule) {
  if (rule.names.empty() && rule.types.empty()) return std::shared_ptr<const update::Grant>(std::make_shared<update::AllowAll>());
  std::vector<std::string> patterns;
  for (const auto& p : rule.names) patterns.push_back(p.wildcard ? "*." + p.name : p.name);
  auto g = update::NamesTypesGrant::parse(patterns, rule.types);
  if (!g.ok()) return Status::invalid_argument(rule.where.str() + ": " + g.status().message());
  return std::shared_ptr<const update::Grant>(std::make_shared<update::NamesTypesGrant>(std::move(*g)));
}

std::shared_ptr<const update::Grant> combine(std::vector<std::shared_ptr<const update::Grant>> g) {
  if (g.size() == 1) return g.front();
  return std::make_shared<GrantSet>(std::move(g));
}

std::string key_of(const dns::RequestCheck& rc) {
  if (rc.tsig.key) return rc.tsig.key->name();
  if (rc.tsig.record) return dns::name_to_text(rc.tsig.record->key_name);
  return "-";
}

// For log lines: the name of the first question (for UPDATE, the zone section, RFC 2136 §2.3),
// "-" when there is none, "?" when the message's structure could not be read.
std::string zone_of(std::span<const uint8_t> wire, const dns::RequestCheck& rc) {
  if (!rc.scan) return "?";
  if (rc.header.qdcount == 0) return "-";
  dns::WireReader r(wire, dns::kHeaderSize);
  std::vector<uint8_t> name = r.name_canonical();
  return r.ok() ? dns::name_to_text(name) : "?";
}

}  // namespace

Status Handler::add_zone(ManagedZone* zone) {
  Zone z;
  std::map<std::string, std::vector<std::shared_ptr<const update::Grant>>> by_key;
  for (const auto& rule : zone->config().allow_update) {
    auto g = grant_of(rule);
    if (!g.ok()) return g.status();
    if (rule.kind == config::UpdateRule::Kind::kKey)
      by_key[rule.key].push_back(*g);
    else
      z.address_grants.emplace_back(rule.network, *g);
  }
  for (auto& [key, grants] : by_key) z.key_grants[key] = combine(std::move(grants));
  z.zone = zone;
  zones_[zone->apex()] = std::move(z);
  return Status();
}

Handler::Zone* Handler::find_zone(const zone::Name& name) {
  Zone* best = nullptr;
  size_t best_labels = 0;
  for (auto& [apex, z] : zones_) {
    if (!name.is_at_or_below(apex)) continue;
    size_t labels = apex.label_count();
    if (!best || labels > best_labels) {
      best = &z;
      best_labels = labels;
    }
  }
  return best;
}

void Handler::finish(std::vector<uint8_t> reply, const dns::RequestCheck& rc, const Respond& respond) {
  auto done = dns::finish_reply(std::move(reply), rc, clock_);
  if (!done.ok()) {
    log::error("cannot finish reply to id %u: %s", rc.header.id, done.status().to_string().c_str());
    return;
  }
  respond(std::move(*done));
}

void Handler::reply_rcode(std::span<const uint8_t> wire, const dns::RequestCheck& rc, uint16_t rcode,
                          const Respond& respond) {
  finish(dns::make_error_reply(wire, rc, rcode), rc, respond);
}

void Handler::handle(std::span<const uint8_t> wire, const Client& client, Respond respond) {
  dns::RequestCheck rc = dns::check_request(wire, ring_, clock_, client.tcp);
  switch (rc.action) {
    case dns::RequestAction::kDrop:
      ++stats_.dropped;
      log::info("client %s: message dropped: %s", client.text.c_str(), rc.reason.c_str());
      return;
    case dns::RequestAction::kReply:
      if (rc.tsig.result != dns::TsigResult::kOk && rc.tsig.result != dns::TsigResult::kUnsigned)
        ++stats_.tsig_errors;
      // One line with client, key name (never the secret), zone, id and the reason, which starts
      // with the rcode and TSIG error (NOTAUTH/BADKEY, NOTAUTH/BADSIG, NOTAUTH/BADTIME, FORMERR).
      log::notice("client %s key %s zone %s id %u opcode %u: %s", client.text.c_str(), key_of(rc).c_str(),
                  zone_of(wire, rc).c_str(), rc.header.id, rc.header.opcode(), rc.reason.c_str());
      respond(std::move(rc.error_reply));
      return;
    case dns::RequestAction::kServe:
      break;
  }
  uint8_t opcode = rc.header.opcode();
  if (opcode != dns::kOpcodeQuery && opcode != dns::kOpcodeUpdate && opcode != dns::kOpcodeNotify) {
    log::info("client %s: id %u: opcode %u not implemented", client.text.c_str(), rc.header.id, opcode);
    reply_rcode(wire, rc, dns::kNotImp, respond);
    return;
  }
  auto pkt = dns::wire_to_pkt(wire);
  if (!pkt.ok()) {
    log::info("client %s key %s zone %s id %u: unparsable message: %s", client.text.c_str(),
              key_of(rc).c_str(), zone_of(wire, rc).c_str(), rc.header.id, pkt.status().message().c_str());
    reply_rcode(wire, rc, dns::kFormErr, respond);
    return;
  }
  if (opcode == dns::kOpcodeQuery) {
    ++stats_.queries;
    handle_query(wire, rc, pkt->get(), client, respond);
  } else if (opcode == dns::kOpcodeUpdate) {
    ++stats_.updates;
    handle_update(wire, rc, std::move(*pkt), client, std::move(respond));
  } else {
    ++stats_.notifies;
    handle_notify(wire, rc, pkt->get(), client, respond);
  }
}

void Handler::handle_notify(std::span<const uint8_t> wire, const dns::RequestCheck& rc, const ldns_pkt* pkt,
                            const Client& client, const Respond& respond) {
  std::string key = key_of(rc);
  std::string zname = "?";
  auto refuse = [&](uint16_t rcode, const std::string& why) {
    ++stats_.notifies_refused;
    log::notice("NOTIFY %s: client %s key %s zone %s id %u: %s", dns::rcode_name(rcode), client.text.c_str(),
                key.c_str(), zname.c_str(), rc.header.id, why.c_str());
    reply_rcode(wire, rc, rcode, respond);
  };
  // RFC 1996 §3.7: QDCOUNT 1, QTYPE SOA (BIND 9.18 answers FORMERR otherwise).
  if (ldns_pkt_qdcount(pkt) != 1) return refuse(dns::kFormErr, "a NOTIFY needs exactly one question");
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
  zone::Name qname = zone::Name::from_rdf(ldns_rr_owner(q));
  zname = qname.to_text();
  if (ldns_rr_get_type(q) != LDNS_RR_TYPE_SOA) return refuse(dns::kFormErr, "only SOA NOTIFYs are defined (RFC 1996)");
  auto it = ldns_rr_get_class(q) == LDNS_RR_CLASS_IN ? zones_.find(qname) : zones_.end();
  if (it == zones_.end()) return refuse(dns::kNotAuth, "not a zone served here");
  ManagedZone& mz = *it->second.zone;
  if (!mz.secondary()) return refuse(dns::kRefused, "zone is not a secondary zone");
  const config::SecondaryConfig& sc = mz.config().secondary;
  // Compare the address only, not the port (BIND does the same, dns-protocol.md §4.2).
  size_t len = client.ipv6 ? 16 : 4;
  bool allowed = false;
  for (const auto& net : sc.allow_notify)
    if (net.ipv6 == client.ipv6 && net.contains(client.addr.data(), len)) allowed = true;
  if (!allowed) return refuse(dns::kRefused, "source address not in the zone's allow-notify");
  std::optional<size_t> from;
  bool any_key = false;
  for (size_t i = 0; i < sc.primaries.size(); ++i) {
    const config::PrimaryAddr& p = sc.primaries[i];
    any_key = any_key || !p.key.empty();
    std::array<uint8_t, 16> a{};
    if (p.ipv6 != client.ipv6 || inet_pton(p.ipv6 ? AF_INET6 : AF_INET, p.host.c_str(), a.data()) != 1) continue;
    if (std::memcmp(a.data(), client.addr.data(), len) == 0 && !from) from = i;
  }
  bool signed_ok = rc.tsig.result == dns::TsigResult::kOk && rc.tsig.key;
  std::string signer = signed_ok ? rc.tsig.key->name() : "";
  if (from && !sc.primaries[*from].key.empty()) {
    if (signer != sc.primaries[*from].key)
      return refuse(dns::kRefused, signed_ok ? "signed with key " + signer + ", the primary's key is " + sc.primaries[*from].key
                                             : "unsigned; the primary's key " + sc.primaries[*from].key + " is required");
  } else if (any_key) {
    bool known = false;
    for (const auto& p : sc.primaries) known = known || (!p.key.empty() && p.key == signer);
    if (!known)
      return refuse(dns::kRefused, signed_ok ? "signed with key " + signer + ", which is not a primary's key"
                                             : "unsigned; the zone's primaries have TSIG keys");
  }
  // The SOA in the answer section is only a hint (RFC 1996 §3.7).
  std::optional<uint32_t> hint;
  const ldns_rr_list* an = ldns_pkt_answer(pkt);
  for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(an, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) == 7 &&
        zone::Name::from_rdf(ldns_rr_owner(rr)) == qname)
      hint = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
  }
  // Answer first (dns-protocol.md §4.3, pitfall 24): NOERROR, AA, the question echoed.
  dns::PktPtr r(ldns_pkt_new());
  ldns_pkt_set_id(r.get(), rc.header.id);
  ldns_pkt_set_qr(r.get(), true);
  ldns_pkt_set_aa(r.get(), true);
  ldns_pkt_set_opcode(r.get(), LDNS_PACKET_NOTIFY);
  ldns_pkt_set_rcode(r.get(), LDNS_RCODE_NOERROR);
  ldns_pkt_push_rr(r.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(q));  // r takes ownership
  auto bytes = dns::pkt_to_wire(r.get());
  if (!bytes.ok()) return refuse(dns::kServFail, "cannot build the reply: " + bytes.status().message());
  finish(std::move(*bytes), rc, respond);
  log::info("NOTIFY: client %s key %s zone %s id %u%s: accepted", client.text.c_str(), key.c_str(), zname.c_str(),
            rc.header.id, hint ? (" serial " + std::to_string(*hint)).c_str() : "");
  mz.notify(hint, from, client.text);
}

void Handler::handle_query(std::span<const uint8_t> wire, const dns::RequestCheck& rc, const ldns_pkt* q,
                           const Client& client, const Respond& respond) {
  if (ldns_pkt_qdcount(q) != 1) {
    reply_rcode(wire, rc, dns::kFormErr, respond);
    return;
  }
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(q), 0);
  zone::Name qname = zone::Name::from_rdf(ldns_rr_owner(question));
  uint16_t qtype = ldns_rr_get_type(question);
  uint16_t qclass = ldns_rr_get_class(question);
  Zone* z = qclass == LDNS_RR_CLASS_IN ? find_zone(qname) : nullptr;
  if (!z) {
    log::debug("client %s: id %u: query for %s outside managed zones: REFUSED", client.text.c_str(),
               rc.header.id, qname.to_text().c_str());
    reply_rcode(wire, rc, dns::kRefused, respond);
    return;
  }
  if (qtype != LDNS_RR_TYPE_SOA) {
    // Serving the zone's data from the mirror comes later.
    reply_rcode(wire, rc, dns::kNotImp, respond);
    return;
  }
  ManagedZone& mz = *z->zone;
  zone::RRset::Ptr confirmed = mz.confirmed_soa();
  if (!mz.serving() || !confirmed || mz.expired()) {
    // Monitoring must see it: a zone not loaded, or an expired secondary zone.
    log::debug("client %s: id %u: SOA query for %s: SERVFAIL (zone %s)", client.text.c_str(), rc.header.id,
               qname.to_text().c_str(), mz.expired() ? "expired" : "not loaded");
    reply_rcode(wire, rc, dns::kServFail, respond);
    return;
  }
  bool at_apex = qname == mz.apex();
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  if (!at_apex) {
    const zone::Mirror& m = mz.committer()->mirror();
    // An empty non-terminal exists too (RFC 8020): NODATA, not NXDOMAIN.
    if (!m.name_exists(qname)) rcode = LDNS_RCODE_NXDOMAIN;
  }
  dns::PktPtr r(ldns_pkt_new());
  ldns_pkt_set_id(r.get(), rc.header.id);
  ldns_pkt_set_qr(r.get(), true);
  ldns_pkt_set_aa(r.get(), true);
  ldns_pkt_set_opcode(r.get(), LDNS_PACKET_QUERY);
  ldns_pkt_set_rd(r.get(), ldns_pkt_rd(q));
  ldns_pkt_set_cd(r.get(), ldns_pkt_cd(q));
  ldns_pkt_set_rcode(r.get(), rcode);
  ldns_pkt_push_rr(r.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(question));  // r takes ownership
  zone::RrListPtr soa = confirmed->to_rr_list();
  for (size_t i = 0; i < ldns_rr_list_rr_count(soa.get()); ++i)
    ldns_pkt_push_rr(r.get(), at_apex ? LDNS_SECTION_ANSWER : LDNS_SECTION_AUTHORITY,
                     ldns_rr_clone(ldns_rr_list_rr(soa.get(), i)));
  auto bytes = dns::pkt_to_wire(r.get());
  if (!bytes.ok()) {
    log::error("client %s: id %u: cannot build SOA reply: %s", client.text.c_str(), rc.header.id,
               bytes.status().message().c_str());
    reply_rcode(wire, rc, dns::kServFail, respond);
    return;
  }
  finish(std::move(*bytes), rc, respond);
}

void Handler::handle_update(std::span<const uint8_t> wire, const dns::RequestCheck& rc, zone::PktPtr pkt,
                            const Client& client, Respond respond) {
  std::string key = key_of(rc);
  auto refuse = [&](uint16_t rcode, const std::string& zname, const std::string& why) {
    log::notice("UPDATE %s: client %s key %s zone %s id %u: %s", dns::rcode_name(rcode), client.text.c_str(),
                key.c_str(), zname.c_str(), rc.header.id, why.c_str());
    reply_rcode(wire, rc, rcode, respond);
  };
  zone::Name zname;
  update::Outcome zs = update::read_zone_section(pkt.get(), &zname);
  if (!zs.ok()) {
    refuse(zs.rcode, "?", zs.reason());
    return;
  }
  auto it = zones_.find(zname);
  if (it == zones_.end()) {
    refuse(dns::kNotAuth, zname.to_text(), "not a zone served here");
    return;
  }
  Zone& z = it->second;
  if (z.zone->secondary()) {
    refuse(dns::kRefused, zname.to_text(), "zone is a secondary zone: change it at its primary");
    return;
  }
  std::vector<std::shared_ptr<const update::Grant>> grants;
  if (rc.tsig.result == dns::TsigResult::kOk && rc.tsig.key) {
    auto g = z.key_grants.find(rc.tsig.key->name());
    if (g != z.key_grants.end()) grants.push_back(g->second);
  }
  for (const auto& [net, g] : z.address_grants)
    if (net.ipv6 == client.ipv6 && net.contains(client.addr.data(), client.ipv6 ? 16 : 4)) grants.push_back(g);
  if (grants.empty()) {
    refuse(dns::kRefused, zname.to_text(),
           rc.tsig.result == dns::TsigResult::kOk ? "key not allowed to update this zone"
                                                  : "unsigned update not allowed from this address");
    return;
  }
  if (!updates_open_) {
    refuse(dns::kServFail, zname.to_text(), "shutting down");
    return;
  }
  if (!z.zone->serving()) {
    refuse(dns::kServFail, zname.to_text(), "zone not loaded from Route 53 (yet)");
    return;
  }
  commit::UpdateRequest req;
  req.client = client.text;
  req.id = rc.header.id;
  req.wire.assign(wire.begin(), wire.end());
  req.pkt = std::move(pkt);
  req.grant = combine(std::move(grants));
  req.key = key;
  if (z.zone->config().dhcid == config::DhcidPolicy::kTxt) req.options.dhcid = update::DhcidMode::kTxt;
  std::string zone_text = zname.to_text();
  std::string client_text = client.text;
  // The reply needs the request bytes and its TSIG state after the commit: the closure owns them.
  auto request = std::make_shared<std::vector<uint8_t>>(wire.begin(), wire.end());
  auto check = std::make_shared<dns::RequestCheck>(rc);
  z.zone->committer()->submit(std::move(req), [this, request, check, respond = std::move(respond), zone_text,
                                             client_text, key](const commit::EditAnswer& a) {
    if (a.rcode != LDNS_RCODE_NOERROR)
      log::notice("UPDATE %s: client %s key %s zone %s id %u: %s%s", update::rcode_name(a.rcode),
                  client_text.c_str(), key.c_str(), zone_text.c_str(), check->header.id, a.reason.c_str(),
                  a.replayed ? " (retransmission, answer replayed)" : "");
    else
      log::debug("UPDATE NOERROR: client %s key %s zone %s id %u%s", client_text.c_str(), key.c_str(),
                 zone_text.c_str(), check->header.id, a.replayed ? " (retransmission)" : "");
    reply_rcode(*request, *check, static_cast<uint16_t>(a.rcode), respond);
  });
}

}  // namespace r53d::daemon
