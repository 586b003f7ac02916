// RFC 2136 UPDATE processing on a zone working copy: zone section, prescan, permission, Route 53
// policy, prerequisites, then the update RRs applied in order. The DNS answer (rcode) and the
// internal status are separate outputs, set where the decision is made (Knot's ddns.h).
//
//   zone::Name zname;
//   update::Outcome z = update::read_zone_section(pkt, &zname);     // FORMERR / NOTAUTH
//   if (!z.ok()) answer(z.rcode);
//   Mirror* m = find_zone_exactly(zname);  if (!m) answer(NOTAUTH);  // caller's zone table
//   zone::WorkingCopy wc(*m);                                        // or the batch's copy
//   update::Outcome o = update::apply(pkt, grant, wc);
//   if (!o.ok()) { log("... %s", o.reason().c_str()); answer(o.rcode); }  // wc unchanged
//   else if (!wc.size().fits()) ...   // alone in wc: REFUSE ("larger than one Route 53 batch")
//
// Order of processing (dns-protocol.md §1.2; each step stops at the first failing RR, in
// message order):
//   1. zone section (RFC 2136 §3.1): ZOCOUNT != 1 or ZTYPE != SOA -> FORMERR; ZCLASS != IN or
//      ZNAME not exactly the working copy's zone -> NOTAUTH.
//   2. update prescan, structure only (§3.4.1): owner outside the zone -> NOTZONE; bad class,
//      TTL, RDATA or meta type for the form -> FORMERR.
//   3. permission (§3.3): a name/type the grant does not cover -> REFUSED. Done before the
//      prerequisites, as BIND 9.18 does, so that clients cannot probe names they may not touch;
//      after the structural prescan because a malformed or out-of-zone RR is answered
//      FORMERR/NOTZONE whatever the grant.
//   4. Route 53 policy (the checks of zone/route53_rules.h) -> REFUSED: a type Route 53 cannot hold (anything but A AAAA CAA CNAME DS
//      HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB TLSA TXT); any edit of a read-only RRset
//      (alias, routing policy, ...), including "delete all RRsets" at its name; an add that
//      would change the apex NS set (Route 53 owns it); NS at a wildcard name; TTL > 2^31-1.
//   5. prerequisites (§3.2, pseudocode §3.2.5 order): TTL != 0 -> FORMERR; outside the zone ->
//      NOTZONE; ANY/NONE with RDATA or a bad class -> FORMERR; then NXDOMAIN / NXRRSET /
//      YXDOMAIN / YXRRSET; finally value-dependent RRsets compared exactly (TTL ignored,
//      duplicates collapsed) -> NXRRSET. A value-dependent prerequisite on a read-only RRset is
//      REFUSED (its values are not DNS data route53d can compare).
//   6. apply each update RR in order (§3.4.2): later RRs see earlier ones. Silently ignored, as
//      the RFC and BIND do: duplicates; CNAME added beside other data and other data beside a
//      CNAME (a CNAME replaces a CNAME); SOA adds whose serial is not greater (RFC 1982) than
//      both the current and the mirror's serial, or not at the apex; deleting the apex SOA or NS
//      (by RRset, by name, or one RR: Route 53 owns the apex NS set, so even a non-last apex NS
//      is kept); deleting what does not exist. An added RR with a new TTL sets the TTL of its
//      whole RRset (RFC 2181 §5.2, as BIND does). An SOA add keeps Route 53's MNAME/RNAME and
//      takes serial, timers and TTL from the UPDATE.
//   7. Route 53 limits: an RRset over 400 values or a value over 4,000 characters -> REFUSED.
// On any failure the working copy is rolled back to where it was (nothing half applied).
// What the answer rests on in Route 53 is told to the working copy (zone/mirror.h, rely_*), so that
// the group commit can assert it in the batch or read it first: each prerequisite evaluated (yx*:
// present, value-dependent: the exact RRset, nx*: absent), the RRset that makes an add ignored
// (the CNAME, or the data beside which a CNAME is not added), the RRset of an ignored duplicate add
// or of a delete of a value it does not hold, and the absence of what a delete finds missing (the
// whole name for "delete all RRsets at a name").
// The SOA serial bump is not done here: zone::diff adds it once per batch (RFC 2136 §3.6 allows
// one increment for several updates).
//
// With Options::dhcid = kTxt (update/dhcid.h) every DHCID RR of the prerequisite and update
// sections stands for a TXT RR at _dhcid.NAME, and the emulated DHCID is data at NAME for every
// name-level form: "name is in use" holds and "name is not in use" fails when only the emulated
// DHCID is there (the answer then rests on that TXT RRset: asserted present, or read absent),
// "delete all RRsets at NAME" deletes it as well (asked of the grant as DHCID at NAME), and the
// CNAME rule treats it as other data at NAME. Step 4 then also REFUSES any update RR at a _dhcid.
// name (route53d's derived names) and a DHCID that cannot be emulated (update/dhcid.h).
#pragma once

#include <string>
#include <vector>

#include "update/dhcid.h"
#include "update/grant.h"
#include "util/status.h"
#include "zone/mirror.h"

namespace r53d::update {

struct Outcome {
  // The DNS answer.
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  // OK iff rcode is NOERROR; otherwise its message is the reason for the log line ("update RR 2
  // (www.example.com. CNAME): type ... ") and its code says the kind of failure:
  // kInvalidArgument FORMERR/NOTZONE, kNotFound NOTAUTH, kPermissionDenied REFUSED,
  // kFailedPrecondition prerequisite failures, kInternal SERVFAIL.
  Status status;
  // This UPDATE wrote to the working copy (false: nothing to do, e.g. only duplicates).
  bool changed = false;
  // RFC 2136 silent no-ops, for debug logging ("update RR 1: add A beside a CNAME ignored").
  std::vector<std::string> ignored;

  bool ok() const { return rcode == LDNS_RCODE_NOERROR; }
  const std::string& reason() const { return status.message(); }
};

// Per-zone choices of UPDATE processing (the zone's configuration).
struct Options {
  DhcidMode dhcid = DhcidMode::kRefuse;
};

// Checks the zone section (step 1 without the zone lookup) and gives ZNAME in *zone.
// FORMERR: ZOCOUNT != 1, ZTYPE != SOA. NOTAUTH: ZCLASS != IN.
Outcome read_zone_section(const ldns_pkt* pkt, zone::Name* zone);

// Processes one UPDATE (pkt borrowed; opcode and TSIG already checked by the caller) against wc
// with the permissions of `grant` and the zone's `options`. See the order above.
Outcome apply(const ldns_pkt* pkt, const Grant& grant, zone::WorkingCopy& wc, const Options& options = {});

// The owner names of the prerequisite and update sections at or below `apex`, sorted, each once:
// every name apply() may read in the zone (pkt borrowed). With DHCID emulation, the derived
// _dhcid. name of each of them too.
std::vector<zone::Name> names_read(const ldns_pkt* pkt, const zone::Name& apex, const Options& options = {});

// The owner names whose absence (of the name, or of an RRset there) apply() may check: prerequisites
// of class NONE and deletes of whole names, sorted, each once (pkt borrowed). The group commit
// reads them from Route 53 ahead for queued UPDATEs, sharing one ListResourceRecordSets. With
// DHCID emulation, the derived _dhcid. name of each of them too.
std::vector<zone::Name> absence_names(const ldns_pkt* pkt, const zone::Name& apex, const Options& options = {});

// "NOERROR", "FORMERR", ..., "NOTZONE" (ldns spells NOTIMP "NOTIMPL"; this says "NOTIMP").
const char* rcode_name(ldns_pkt_rcode rcode);

}  // namespace r53d::update
