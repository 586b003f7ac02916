// An edit of a hosted zone: what the commit pipeline carries (DESIGN.md "One commit pipeline, two
// sources"). An RFC 2136 UPDATE (update_edit.h) and the result of a zone transfer (sync_edit.h)
// are its two sources; both go through the same mirror, compare-and-swap batch, limits, rate
// limiter, retries, poller and confirmed serial (zone_committer.h).
//
//   class MyEdit final : public commit::Edit { ... };
//   committer.submit(std::make_unique<MyEdit>(...), [](const commit::EditAnswer& a) { ... });
//
// An edit knows how to apply itself to a working copy of the mirror (and may be applied again,
// from scratch, to a fresh copy after a lost compare-and-swap), which names it reads (what to
// re-read when they are not fresh), how to recognise a retransmission of itself, and what SOA it
// leaves: by default the batch bumps the serial (RFC 2136 §3.6: an UPDATE); an edit that puts
// its own SOA into the working copy (a transfer: the primary's serial) keeps that one. The Route
// 53 rules are not the edit's: the working copy refuses what Route 53 does not let route53d
// change (zone::WriteRules), whatever the source.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "zone/mirror.h"

namespace r53d::commit {

// What apply() did.
struct EditResult {
  // The DNS answer for an UPDATE; for other edits NOERROR or the closest rcode (REFUSED: a rule
  // or a safety check says no; SERVFAIL: could not be done now).
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::string reason;    // why, when rcode != NOERROR (one phrase for the log line)
  bool changed = false;  // the edit wrote to the working copy
  bool ok() const { return rcode == LDNS_RCODE_NOERROR; }
};

// The answer for one edit, given once the pipeline is done with it.
struct EditAnswer {
  EditAnswer() = default;
  EditAnswer(ldns_pkt_rcode rc, std::string why) : rcode(rc), reason(std::move(why)) {}

  ldns_pkt_rcode rcode = LDNS_RCODE_SERVFAIL;
  std::string reason;     // why, when rcode != NOERROR
  bool replayed = false;  // the answer of an earlier identical message, sent again
  // For an edit that changed the zone: the change ID of the request that completed it ("" when
  // it was found applied after its reply was lost), the serial Route 53 then holds, and how many
  // ChangeResourceRecordSets requests carried it (a push of several requests counts each).
  std::string change_id;
  uint32_t serial = 0;
  size_t requests = 0;
  // An exclusive edit that reads less than the whole zone met another writer's push lock and the
  // committer took it over: that writer may have left changes anywhere, so the caller must
  // compare the whole zone instead (zone_committer.h).
  bool full_sync_needed = false;
};

class Edit {
 public:
  virtual ~Edit() = default;
  // For log lines: "UPDATE id 4660 from 192.0.2.1#5300", "IXFR 11 -> 12 from 192.0.2.1#53".
  virtual std::string describe() const = 0;
  // Applies the edit to wc, which holds whatever the edits before it in the batch did. On
  // failure wc must be left as it was (roll back to a mark taken first).
  virtual EditResult apply(zone::WorkingCopy& wc) = 0;
  // Every owner name apply() may read (the freshness re-read of zone/mirror.h): a superset is
  // fine. Ignored when reads_whole_zone().
  virtual std::vector<zone::Name> names_read(const zone::Name& apex) const = 0;
  // The names whose absence apply() may rely on (an UPDATE's nxdomain/nxrrset prerequisites):
  // read ahead, with the edit's own, when an edit before it must read from Route 53 first (see
  // zone/mirror.h "Writers that do not go through route53d"). A hint: none is fine.
  virtual std::vector<zone::Name> absence_names(const zone::Name& /*apex*/) const { return {}; }
  // Everything apply() reads is either asserted in the batch or read from Route 53 after the edit
  // arrived (it tells the working copy through rely_*: zone/mirror.h): then a name that is not
  // fresh needs no re-read first, as long as the committer checks reliances (verify_foreign).
  virtual bool asserts_reads() const { return false; }
  // apply() reads every name of the zone (a full comparison after a zone transfer).
  virtual bool reads_whole_zone() const { return false; }
  // Retransmissions of the same edit share this key ("": none are recognised).
  virtual std::string dedup_key() const { return ""; }
  // Goes alone into its batch and may need several change requests (then under the push lock).
  virtual bool exclusive() const { return false; }
};

}  // namespace r53d::commit
