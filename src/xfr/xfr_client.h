// One refresh of one secondary zone against its primaries (dns-protocol.md §5.1, §5.7): SOA query,
// serial comparison (RFC 1982), then IXFR with AXFR as fallback, or AXFR directly; the next
// primary when one fails. Knows nothing about Route 53: the outcome is a complete, verified
// Transfer (or "up to date"), or the failure of every primary, delivered by callback.
//
//   xfr::XfrClient client(loop, dns_client, limiter);          // shared by every zone
//   xfr::RefreshRequest req;
//   req.zone = *zone::Name::from_text("example.com");
//   req.primaries = {{.address = *net::parse_listen_address("192.0.2.1:53"), .key = key}};
//   req.our_soa.reset(ldns_rr_clone(current_soa));             // null: no copy yet, AXFR
//   req.preferred_primary = notify_sender_index;               // optional
//   refresh_ = client.refresh(std::move(req), [this](xfr::RefreshOutcome o) { ... });
//
// For each primary, preferred one first, then in configuration order:
//   1. SOA query over UDP (EDNS payload 1232, RD clear, TSIG when the primary has a key; TC ->
//      TCP; a FORMERR to the EDNS query is retried once without EDNS). The reply must be
//      authoritative (AA), verified when signed, and hold the zone's SOA.
//   2. Compare its serial S with ours C: S == C -> up to date; S older than C (or 2^31 apart) ->
//      up to date, logged as "primary serial went backwards"; S newer -> transfer. Without our SOA
//      or with force_axfr: AXFR whatever S is.
//   3. Wait for a transfer slot at that primary (TransferLimiter), then IXFR over TCP with our
//      SOA in the authority section. Any failure of it (rcode, empty answer, lone SOA then EOF,
//      out of sync, data after the end, TSIG, EOF/reset/timeouts) -> AXFR on the same primary,
//      unless the primary rejected our key (BADKEY/BADSIG/BADTIME: AXFR would fail alike).
//   4. AXFR fails too -> the next primary.
// Logging: one warning (notice for the IXFR -> AXFR fallback) per failure with zone, primary and
// reason; one info line per completed transfer (type, serial from -> to, messages, records,
// octets, milliseconds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/tsig.h"
#include "loop/event_base.h"
#include "net/address.h"
#include "net/dns_client.h"
#include "util/status.h"
#include "xfr/transfer_limiter.h"
#include "xfr/xfr_reader.h"
#include "zone/name.h"

namespace r53d::xfr {

struct Primary {
  net::SocketAddress address;                   // with its port
  std::shared_ptr<const dns::TsigKey> key;      // null: queries and transfers unsigned
  std::optional<net::SocketAddress> source;     // transfer-source (port 0: any); none: the kernel's choice
};

struct XfrOptions {
  int soa_udp_tries = 3;                        // SOA query: UDP sends
  int64_t soa_udp_timeout_ms = 2000;            // first wait; doubles per try
  int64_t soa_timeout_ms = 15'000;              // whole SOA query, TCP fallback included
  uint16_t edns_udp_size = 1232;                // advertised in the SOA query (0: no EDNS)
  int64_t connect_timeout_ms = 10'000;          // transfer connect
  int64_t idle_timeout_ms = 3'600'000;          // transfer: nothing received (BIND max-transfer-idle-in)
  int64_t transfer_timeout_ms = 7'200'000;      // one transfer in all (BIND max-transfer-time-in)
  size_t max_message_size = 65535;              // octets per message
  size_t max_transfer_bytes = 512u << 20;       // octets per transfer
};

struct RefreshRequest {
  zone::Name zone;
  std::vector<Primary> primaries;               // at least one
  dns::RrPtr our_soa;                           // our current SOA (SERIAL = the last serial applied); null: AXFR
  bool force_axfr = false;                      // AXFR even if IXFR is possible (deltas did not apply)
  std::optional<size_t> preferred_primary;      // asked first (the NOTIFY sender)
  XfrOptions options;
};

// One failure on the way (the outcome keeps them all, in order).
struct PrimaryFailure {
  size_t primary = 0;       // index in RefreshRequest::primaries
  std::string step;         // "SOA query", "IXFR", "AXFR"
  Status status;
};

struct RefreshOutcome {
  enum class Method { kNone, kIxfr, kAxfr };

  Status status;                       // OK when a primary answered; else names each primary's failure
  size_t primary = 0;                  // OK: index of the primary that answered
  net::SocketAddress primary_address;
  uint32_t primary_serial = 0;         // OK: the serial of the primary's SOA reply
  Method method = Method::kNone;       // kNone: the SOA query alone said up to date
  bool fell_back = false;              // IXFR failed and AXFR was used
  Status fallback_reason;              // why IXFR failed (when fell_back)
  bool serial_went_backwards = false;  // the primary's serial is older than ours
  std::optional<Transfer> transfer;    // OK: the verified result (kUpToDate without a transfer too)
  std::vector<PrimaryFailure> failures;
};
const char* method_name(RefreshOutcome::Method m);  // "SOA", "IXFR", "AXFR"

namespace detail {
class RefreshOp;
}

// One running refresh. Move-only; destroying it (or cancel()) stops it: sockets closed, slot
// released, no callback afterwards.
class [[nodiscard]] RefreshCall {
 public:
  RefreshCall() noexcept;
  RefreshCall(RefreshCall&&) noexcept;
  RefreshCall& operator=(RefreshCall&&) noexcept;
  RefreshCall(const RefreshCall&) = delete;
  RefreshCall& operator=(const RefreshCall&) = delete;
  ~RefreshCall();
  void cancel();
  bool active() const;  // true until the outcome callback ran or cancel()

 private:
  friend class XfrClient;
  explicit RefreshCall(std::unique_ptr<detail::RefreshOp> op);
  std::unique_ptr<detail::RefreshOp> op_;
};

class XfrClient {
 public:
  using Callback = std::function<void(RefreshOutcome)>;
  // All three must outlive the client and every RefreshCall.
  XfrClient(loop::EventBase& loop, net::DnsClient& dns, TransferLimiter& limiter)
      : loop_(loop), dns_(dns), limiter_(limiter) {}

  // Starts a refresh; `done` runs exactly once from the loop (never before refresh() returns)
  // unless the RefreshCall is dropped first. A request without primaries fails (kInvalidArgument).
  RefreshCall refresh(RefreshRequest request, Callback done);

 private:
  loop::EventBase& loop_;
  net::DnsClient& dns_;
  TransferLimiter& limiter_;
};

// Wire builders (exposed for tests and tools). The SOA query: QUERY, RD clear, question (zone,
// SOA, IN), an OPT with `edns_udp_size` unless 0. The transfer request: question (zone, IXFR or
// AXFR, IN) and, for IXFR, `our_soa` in the authority section (RFC 1995 §3). Neither is signed.
std::vector<uint8_t> build_soa_query(const zone::Name& zone, uint16_t id, uint16_t edns_udp_size);
Result<std::vector<uint8_t>> build_xfr_request(const zone::Name& zone, uint16_t qtype, uint16_t id,
                                               const ldns_rr* our_soa);

// Checks a reply to build_soa_query() (dns-protocol.md §5.1): TSIG when `key` (request MAC
// `request_mac`), NOERROR, AA, and the zone's SOA in the answer section. Returns that SOA (a copy).
// Errors: kPermissionDenied (TSIG), kUnavailable (rcode), kInvalidArgument (the rest).
Result<dns::RrPtr> check_soa_reply(std::span<const uint8_t> reply, const zone::Name& zone, const dns::TsigKey* key,
                                   std::span<const uint8_t> request_mac, const Clock& clock);

}  // namespace r53d::xfr
