// The reply to one IXFR or AXFR request, read message by message (dns-protocol.md §5.3-5.8): the
// per-message checks, TSIG over the whole stream (RFC 8945 §5.3.1), and the state machine that
// tells the response shapes apart (BIND xfrin). Pure: no sockets, no loop; fed raw wire bytes.
//
// Two-stage model (RFC 5936 §6): the records are staged, and the caller gets either a complete,
// verified Transfer or an error, never part of one.
//
//   xfr::XfrReader reader({.zone = zone, .qtype = xfr::kTypeIxfr, .id = id, .our_serial = 41,
//                          .key = key, .request_mac = mac}, clock);
//   for each message m of the TCP stream:
//     if (Status s = reader.add(m); !s.ok()) -> fail with s (close the connection)
//     if (reader.complete()) -> stop reading; Transfer t = *reader.take();
//   stream ended early -> fail with reader.end_of_stream()
//
// Shapes (C = our serial, S = the serial of the first record, which must be the zone's SOA):
//   up to date   IXFR only: one SOA with S <= C (RFC 1982), and nothing else in the response;
//   incremental  SOA(S), then sequences SOA(old) deletions... SOA(new) additions..., then SOA(S);
//                the first old serial is C, each old serial the previous new one, the last new
//                serial S (condensed sequences, RFC 1995 §6, are fine);
//   full         SOA(S), every record of the zone, SOA(S) again (same RDATA, names compared
//                case-insensitively): AXFR's answer, and a valid answer to IXFR too.
//
// Rejected (add() or end_of_stream() returns the error; after the first error every add()
// returns it again): malformed message, ID/QR/opcode mismatch, non-zero rcode ("REFUSED from
// primary"), TC set, missing (first message) or different question, NSCOUNT != 0, an empty first
// answer, a record not of class IN or outside the zone, first record not the zone's SOA, closing
// SOA different from the opening one, sequences that do not chain ("IXFR out of sync: sequence 2
// starts at serial 7, previous ended at 8"), any record after the end, a stream that ends before
// the end ("stream ended after 5 messages before the closing SOA"; a lone newer SOA then the end
// of the stream is "incomplete"), and with a key: an unsigned first or last message, more than 99
// unsigned messages in a row, a bad MAC, another key or algorithm, a reply time outside the fudge.
// Error codes: kPermissionDenied (TSIG), kUnavailable (rcode, stream ended early),
// kInvalidArgument (everything else).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/tsig.h"
#include "util/clock.h"
#include "util/status.h"
#include "zone/name.h"

namespace r53d::xfr {

inline constexpr uint16_t kTypeIxfr = 251;
inline constexpr uint16_t kTypeAxfr = 252;

// A complete, verified transfer. Owns its records.
struct Transfer {
  enum class Kind { kUpToDate, kIncremental, kFull };
  struct Delta {
    dns::RrPtr old_soa, new_soa;
    dns::RrListPtr deleted, added;  // never null; SOAs not included
  };

  Kind kind = Kind::kUpToDate;
  uint32_t serial = 0;        // the primary's serial: S
  dns::RrPtr soa;             // the primary's SOA (the response's first record)
  dns::RrListPtr records;     // kFull: every record but the SOA, duplicates removed; else empty (never null)
  std::vector<Delta> deltas;  // kIncremental: the sequences in order
  size_t messages = 0;        // messages read
  size_t bytes = 0;           // octets of those messages (without TCP framing)
  size_t rrs = 0;             // answer records read, SOAs and duplicates included
  bool signed_ = false;       // TSIG-verified
};

// "up-to-date", "incremental", "full".
const char* transfer_kind_name(Transfer::Kind kind);

// What was asked: the reply is checked against it.
struct XfrQuery {
  zone::Name zone;
  uint16_t qtype = kTypeAxfr;                  // kTypeIxfr or kTypeAxfr
  uint16_t id = 0;                             // the request's message ID
  uint32_t our_serial = 0;                     // IXFR: the serial of the SOA in the request
  std::shared_ptr<const dns::TsigKey> key;     // null: the request was not signed
  std::vector<uint8_t> request_mac;            // with a key: the request's MAC (tsig_sign_request)
};

class XfrReader {
 public:
  // The clock checks the TSIG time of each signed message; it must outlive the reader.
  XfrReader(XfrQuery query, const Clock& clock);
  ~XfrReader();
  XfrReader(const XfrReader&) = delete;
  XfrReader& operator=(const XfrReader&) = delete;

  // Reads the next message of the reply (its exact bytes, without TCP framing). Returns the
  // reason the reply is rejected, if it is; a message after the end is an error too.
  Status add(std::span<const uint8_t> message);
  // True once the message holding the end of the transfer has been read and verified.
  bool complete() const { return complete_; }
  // The error for a stream that stopped before complete() (or the earlier error, if any).
  Status end_of_stream() const;
  // The transfer, once complete() (moved out: a second call fails with kFailedPrecondition).
  Result<Transfer> take();

  // After an error: the primary refused our key (a TSIG error BADKEY, BADSIG, BADTIME... in its
  // reply). Asking it again with the same key (AXFR after IXFR) is pointless.
  bool key_rejected() const { return key_rejected_; }
  size_t messages() const { return messages_; }
  size_t rrs() const { return rrs_; }

 private:
  enum class State { kStart, kFirstSoa, kFull, kIxfrDel, kIxfrAdd, kEnd };

  Status check_message(std::span<const uint8_t> message);
  Status feed(dns::RrPtr rr);
  Status fail(Status s);
  Status fail_here(const std::string& what);  // kInvalidArgument "message N: what"
  void push_delta();

  XfrQuery q_;
  const Clock& clock_;
  std::unique_ptr<dns::TsigStreamVerifier> verifier_;
  State state_ = State::kStart;
  Status error_;
  bool complete_ = false;
  bool taken_ = false;
  bool key_rejected_ = false;
  size_t messages_ = 0;
  size_t bytes_ = 0;
  size_t rrs_ = 0;
  Transfer::Kind kind_ = Transfer::Kind::kFull;
  uint32_t serial_ = 0;     // S
  uint32_t current_ = 0;    // IXFR: the serial reached by the sequences read so far
  dns::RrPtr first_soa_;
  dns::RrListPtr records_;
  std::vector<Transfer::Delta> deltas_;
  std::optional<Transfer::Delta> delta_;  // the sequence being read
};

}  // namespace r53d::xfr
