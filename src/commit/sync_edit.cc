// A zone transfer's result as a commit-pipeline edit.
#include "commit/sync_edit.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "dns/serial.h"
#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::commit {
namespace {

// Route 53's default SOA EXPIRE (route53-api.md §3.4): what the SOA gets instead of a push
// lock's mark (zone/soa.h) when the timers are Route 53's.
constexpr uint32_t kDefaultSoaExpire = 1209600;

bool is_plain(const zone::RRset& s) { return !s.read_only(); }

}  // namespace

zone::BatchSize sync_request_reserve(const zone::RRset& route53_soa) {
  std::string names;
  if (!route53_soa.rdata().empty()) {
    std::istringstream in(route53_soa.rdata()[0].value);
    std::string mname, rname;
    in >> mname >> rname;
    names = mname + " " + rname;
  }
  size_t chars = names.size() + 5 * 11;  // " NNNNNNNNNN" five times
  return zone::BatchSize{2, 2 * chars};
}

SyncEdit::SyncEdit(std::shared_ptr<const zone::PrimaryZone> primary, std::optional<std::vector<zone::Name>> scope,
                   SyncOptions options, std::string what, std::shared_ptr<SyncReport> report)
    : primary_(std::move(primary)),
      scope_(std::move(scope)),
      options_(options),
      what_(std::move(what)),
      report_(report ? std::move(report) : std::make_shared<SyncReport>()) {}

std::vector<zone::Name> SyncEdit::names_read(const zone::Name& apex) const {
  std::vector<zone::Name> out{apex};
  if (scope_) out.insert(out.end(), scope_->begin(), scope_->end());
  return out;
}

EditResult SyncEdit::apply(zone::WorkingCopy& wc) {
  SyncReport& rep = *report_;
  rep = SyncReport{};
  const zone::Mirror& m = wc.base();
  const zone::PrimaryZone& p = *primary_;
  const zone::RRset& cur_soa = wc.soa();
  rep.route53_serial = cur_soa.soa_serial();
  rep.route53_sets = m.rrset_count();
  if (dns::serial_gt(cur_soa.soa_serial(), p.serial())) {
    rep.route53_newer = true;
    return EditResult{LDNS_RCODE_SERVFAIL,
                      "Route 53 already holds serial " + std::to_string(cur_soa.soa_serial()) +
                          ", newer than the primary's " + std::to_string(p.serial()),
                      false};
  }
  if (scope_ && options_.scope_base_serial && cur_soa.soa_serial() != *options_.scope_base_serial) {
    // The names changed since the base version are not all that differs from what Route 53 holds.
    rep.scope_stale = true;
    return EditResult{LDNS_RCODE_SERVFAIL,
                      "Route 53 holds serial " + std::to_string(cur_soa.soa_serial()) + ", not the " +
                          std::to_string(*options_.scope_base_serial) + " the difference starts from",
                      false};
  }
  zone::WorkingCopy::Mark mark = wc.mark();
  auto refuse = [&](ldns_pkt_rcode rcode, const std::string& why) {
    wc.rollback(mark);
    rep.refused = rcode == LDNS_RCODE_REFUSED;
    rep.plan.clear();
    return EditResult{rcode, why, false};
  };

  std::vector<zone::Name> names;
  if (scope_) {
    names = *scope_;
  } else {
    std::set<zone::Name> all;
    for (auto& n : p.owners()) all.insert(n);
    for (auto& n : m.names()) all.insert(n);
    all.insert(m.apex());
    names.assign(all.begin(), all.end());
  }
  zone::SyncPolicy policy = options_.policy;
  policy.request_reserve = sync_request_reserve(cur_soa);
  for (const zone::Name& owner : names) {
    if (!owner.is_at_or_below(m.apex())) continue;
    std::vector<zone::RRset::Ptr> now = wc.at_name(owner);
    zone::DesiredName d = zone::desired_at(p, owner, zone::ReadOnlyAt::from_sets(now), policy);
    for (auto& s : d.skipped) {
      rep.skips.add(s);
      rep.skipped.push_back(s);
    }
    for (auto& t : d.ttl_lowered) {
      ++rep.ttl_lowered;
      rep.ttl_lowered_text.push_back(owner.to_text() + " " + zone::type_to_r53(t.type) + ": TTL " +
                                     std::to_string(t.ttl_s) + " (the primary had " + std::to_string(t.ttl_s) + ".." +
                                     std::to_string(t.max_ttl_s) + ")");
    }
    auto left_alone = [&](uint16_t type) {
      return std::binary_search(d.left_alone.begin(), d.left_alone.end(), type);
    };
    // Erase what Route 53 holds and the primary does not.
    for (const auto& s : now) {
      if (!is_plain(*s) || left_alone(s->type()) || s->type() == LDNS_RR_TYPE_SOA) continue;
      bool wanted = std::any_of(d.rrsets.begin(), d.rrsets.end(), [&](const zone::RRset::Ptr& w) { return w->type() == s->type(); });
      if (wanted) continue;
      Status st = wc.erase(owner, s->type());
      if (!st.ok()) return refuse(LDNS_RCODE_REFUSED, st.message());
      ++rep.deletes;
      if (options_.want_plan) rep.plan.push_back(PlanItem{PlanItem::Kind::kDelete, s, nullptr});
    }
    // Put what differs.
    for (const auto& want : d.rrsets) {
      zone::RRset::Ptr have;
      for (const auto& s : now)
        if (s->type() == want->type()) have = s;
      if (have && have->same_data(*want)) continue;
      Status st = wc.put(want);
      if (!st.ok()) return refuse(LDNS_RCODE_REFUSED, st.message());
      if (have) {
        ++rep.changes;
        if (options_.want_plan) rep.plan.push_back(PlanItem{PlanItem::Kind::kChange, have, want});
      } else {
        ++rep.creates;
        if (options_.want_plan) rep.plan.push_back(PlanItem{PlanItem::Kind::kCreate, nullptr, want});
      }
    }
  }

  // The SOA: Route 53's names, the primary's serial, timers per policy; never a lock's mark.
  auto soa = zone::desired_soa(cur_soa, p.soa(), options_.policy);
  if (soa.ok() && zone::soa_is_locked(**soa)) {
    auto f = zone::soa_fields(**soa);
    if (f.ok()) {
      f->expire = kDefaultSoaExpire;
      soa = zone::soa_with_fields(**soa, *f, (*soa)->ttl_s());
    }
  }
  if (!soa.ok()) return refuse(LDNS_RCODE_SERVFAIL, "cannot build the SOA: " + soa.status().message());
  rep.soa_changes = !(*soa)->same_data(cur_soa);
  Status st = wc.put(*soa);
  if (!st.ok()) return refuse(LDNS_RCODE_REFUSED, st.message());

  // Safety (issue: never push a sync that wipes the zone by mistake).
  rep.result_sets = rep.route53_sets + rep.creates - std::min(rep.deletes, rep.route53_sets + rep.creates);
  size_t plain_primary = p.rrset_count();
  const auto* apex_ns = p.find(m.apex(), LDNS_RR_TYPE_NS);
  if (apex_ns) --plain_primary;
  if (plain_primary == 0 && rep.deletes > 0) {
    return refuse(LDNS_RCODE_REFUSED,
                  "the primary's zone has no records besides its SOA and NS: not taken as \"delete everything\" "
                  "(" + std::to_string(rep.deletes) + " of " + std::to_string(rep.route53_sets) +
                      " record sets would go)");
  }
  size_t touched = rep.deletes + rep.changes;
  if (!options_.force && rep.route53_sets > 10 &&
      touched * 100 > static_cast<size_t>(options_.max_change_percent) * rep.route53_sets) {
    return refuse(LDNS_RCODE_REFUSED,
                  "the sync would delete " + std::to_string(rep.deletes) + " and change " +
                      std::to_string(rep.changes) + " of the zone's " + std::to_string(rep.route53_sets) +
                      " record sets (" + std::to_string(touched * 100 / rep.route53_sets) +
                      "%, more than max-change-percent " + std::to_string(options_.max_change_percent) +
                      "); not pushed: route53d --sync ZONE --force pushes it, or raise max-change-percent");
  }
  if (rep.result_sets > options_.record_set_quota) {
    return refuse(LDNS_RCODE_REFUSED,
                  "the zone would hold " + std::to_string(rep.result_sets) +
                      " record sets, more than the hosted zone's quota of " +
                      std::to_string(options_.record_set_quota) +
                      " (MAX_RRSETS_BY_ZONE): ask AWS support to raise it for this hosted zone, then set "
                      "record-set-quota");
  }
  return EditResult{LDNS_RCODE_NOERROR, "", wc.changed()};
}

}  // namespace r53d::commit
