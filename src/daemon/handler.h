// DNS request dispatch for the daemon: TSIG check, then by opcode — QUERY SOA answered from the
// confirmed SOA, UPDATE handed to the zone's group commit, NOTIFY to a secondary zone, the rest
// NOTIMP.
//
//   daemon::Handler handler(ring, clock);
//   handler.add_zone(&managed_zone);                   // one per served hosted zone
//   handler.handle(bytes, client, [&](std::vector<uint8_t> reply) { send(reply); });
//
// Answers (dns-protocol.md §1.10, §1.12, §2.4):
//  - TSIG failures: as dns::check_request() says (BADKEY/BADSIG unsigned, BADTIME signed...).
//  - QUERY SOA at a managed apex: AA, the confirmed SOA in the answer. Below an apex: AA, the SOA
//    in the authority section, NOERROR if the name exists in the mirror (or has names below it),
//    else NXDOMAIN. Other types in a managed zone: NOTIMP. Outside every zone: REFUSED. A zone
//    not loaded (yet, or its load failed) or an expired secondary zone: SERVFAIL, so that
//    monitoring sees it.
//  - UPDATE: zone section (FORMERR/NOTAUTH), zone lookup (NOTAUTH), a secondary zone (REFUSED),
//    allow-update grants (REFUSED when nothing matches), then the committer; the reply is the BIND
//    shape (zone section only).
//  - NOTIFY (RFC 1996, dns-protocol.md §4): one SOA question, else FORMERR; a zone not served:
//    NOTAUTH; a dynamic zone: REFUSED; a source outside the zone's allow-notify: REFUSED; when the
//    primaries have TSIG keys, a NOTIFY not signed with one (the sending primary's, when it comes
//    from a primary's address): REFUSED. Otherwise answered at once (NOERROR, AA, the question
//    echoed, signed when the NOTIFY was) and handed to the zone, which decides what to do.
// Every reply to a signed request is signed. Every refused or failed UPDATE logs one line with
// client, key, zone, message ID and reason. Secrets are never logged.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "commit/confirmed_soa.h"
#include "commit/zone_committer.h"
#include "config/config.h"
#include "daemon/managed_zone.h"
#include "dns/request.h"
#include "dns/tsig.h"
#include "update/grant.h"
#include "util/clock.h"
#include "zone/name.h"

namespace r53d::daemon {

// Who sent a request.
struct Client {
  std::string text;                 // "192.0.2.1#5300", "[::1]#5300": logs, retransmission key
  std::array<uint8_t, 16> addr{};   // network byte order; first 4 octets for IPv4
  bool ipv6 = false;
  bool tcp = false;
};

class Handler {
 public:
  using Respond = std::function<void(std::vector<uint8_t>)>;

  // ring and clock must outlive the handler.
  Handler(const dns::TsigKeyRing& ring, const Clock& clock) : ring_(ring), clock_(clock) {}

  // Adds a zone (owned by the daemon, which keeps it alive as long as the handler); builds its
  // grants from config().allow_update. kInvalidArgument for a rule the grant code refuses (a bad
  // name pattern or type), naming the config line.
  Status add_zone(ManagedZone* zone);
  // Stops serving the zone at apex (a reload removed or replaced it): from now on its UPDATEs and
  // NOTIFYs are answered NOTAUTH and its queries REFUSED. UPDATEs already handed to its
  // committer are answered by it. add_zone() again with the same apex replaces the entry (a
  // reload that changed grants).
  void remove_zone(const zone::Name& apex) { zones_.erase(apex); }

  // Handles one complete message. `respond` is called at most once (never for requests that get
  // no answer), possibly later (UPDATEs wait for their commit).
  void handle(std::span<const uint8_t> wire, const Client& client, Respond respond);

  // Stop handing UPDATEs to committers; new ones are answered SERVFAIL. Queries still answered.
  void stop_updates() { updates_open_ = false; }

  struct Stats {
    uint64_t queries = 0, updates = 0, notifies = 0, dropped = 0, tsig_errors = 0, notifies_refused = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Zone {
    ManagedZone* zone = nullptr;
    std::map<std::string, std::shared_ptr<const update::Grant>> key_grants;  // by "name."
    std::vector<std::pair<config::Cidr, std::shared_ptr<const update::Grant>>> address_grants;
  };

  // Longest managed zone at or above name, or nullptr.
  Zone* find_zone(const zone::Name& name);
  void handle_query(std::span<const uint8_t> wire, const dns::RequestCheck& rc, const ldns_pkt* pkt,
                    const Client& client, const Respond& respond);
  void handle_update(std::span<const uint8_t> wire, const dns::RequestCheck& rc, zone::PktPtr pkt,
                     const Client& client, Respond respond);
  void handle_notify(std::span<const uint8_t> wire, const dns::RequestCheck& rc, const ldns_pkt* pkt,
                     const Client& client, const Respond& respond);
  void reply_rcode(std::span<const uint8_t> wire, const dns::RequestCheck& rc, uint16_t rcode,
                   const Respond& respond);
  void finish(std::vector<uint8_t> reply, const dns::RequestCheck& rc, const Respond& respond);

  const dns::TsigKeyRing& ring_;
  const Clock& clock_;
  std::map<zone::Name, Zone> zones_;
  bool updates_open_ = true;
  Stats stats_;
};

}  // namespace r53d::daemon
