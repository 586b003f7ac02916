// First look at a received DNS message and the finishing of its reply: header sanity, structure
// pre-scan (FORMERR), TSIG verification (RFC 8945 §5.2 error replies), EDNS version (BADVERS), and
// for every reply: OPT echo (RFC 6891), truncation to the UDP limit (TC), TSIG signing last.
//
// Usage in a handler (see net/server.h for Request/Responder):
//   dns::RequestCheck rc = dns::check_request(req.wire, ring, clock, req.transport == Transport::kTcp);
//   switch (rc.action) {
//     case dns::RequestAction::kDrop:  log::info("%s: %s", client, rc.reason.c_str()); return;  // silence
//     case dns::RequestAction::kReply: log::info(...rc.reason...); responder.respond(rc.error_reply); return;
//     case dns::RequestAction::kServe: break;   // rc.tsig.result is kOk or kUnsigned
//   }
//   // dispatch on rc.header.opcode(); build the reply (ldns or make_error_reply), without OPT/TSIG:
//   std::vector<uint8_t> reply = dns::make_error_reply(req.wire, rc, dns::kRefused);
//   auto done = dns::finish_reply(std::move(reply), rc, clock);   // OPT, TC, TSIG
//   if (done.ok()) responder.respond(*done);
//
// A RequestCheck owns copies of all it needs (no pointer into the request bytes), so it can wait
// with an asynchronous UPDATE and finish its reply seconds later.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/tsig.h"
#include "dns/wire.h"
#include "util/clock.h"
#include "util/status.h"

namespace r53d::dns {

// Our EDNS UDP payload size, advertised in replies and used as our cap (RFC 6891, DNS flag day 2020).
inline constexpr uint16_t kServerUdpPayload = 1232;

enum class RequestAction {
  kDrop,   // no reply: shorter than a header, or a response (QR set) — never answer those
  kReply,  // send error_reply as is (FORMERR, NOTAUTH + TSIG error, BADVERS); nothing else to do
  kServe,  // well-formed, TSIG verified or absent: dispatch by opcode
};

struct RequestCheck {
  RequestAction action = RequestAction::kDrop;
  Header header;                      // valid unless the message was shorter than 12 octets
  std::optional<MessageScan> scan;    // set when the structure pre-scan succeeded
  TsigVerification tsig;              // kOk/kUnsigned when action == kServe
  size_t max_reply_size = kMaxUdpSizeWithoutEdns;  // octets: TCP 65535; UDP per EDNS (>= 512)
  std::vector<uint8_t> error_reply;   // complete reply when action == kReply
  std::string reason;                 // one phrase for the log line when action != kServe

  const Edns& edns() const { static const Edns kNone; return scan ? scan->edns : kNone; }
  // For log lines: the TSIG key name of the request ("update-key.") or "-" if unsigned/unparsed.
  std::string key_name() const { return tsig.record ? name_to_text(tsig.record->key_name) : "-"; }
};

// Examines `wire` (one complete message as received). Never fails; see RequestAction. Order:
// header -> structure (FORMERR) -> TSIG (key, MAC, time, truncation) -> EDNS version (BADVERS).
RequestCheck check_request(std::span<const uint8_t> wire, const TsigKeyRing& ring, const Clock& clock, bool tcp);

// The UDP reply limit for a request: 512 without EDNS, else max(512, min(requestor's size,
// kServerUdpPayload)). TCP: 65535.
size_t max_reply_size(const Edns& edns, bool tcp);

// Builds an error reply without OPT/TSIG: the request's ID and opcode, QR, RD copied, rcode (low 4
// bits), the question section copied verbatim when the request's structure was readable. Pass it
// through finish_reply() to add OPT (with the extended rcode bits for BADVERS) and TSIG.
// It is also the whole UPDATE reply, success included: BIND's shape (zone section only,
// dns-protocol.md §1.9), which every client accepts.
std::vector<uint8_t> make_error_reply(std::span<const uint8_t> request, const RequestCheck& rc, uint16_t rcode);

// Finishes a reply built without OPT and TSIG (e.g. by ldns or make_error_reply): sets the header
// rcode's extended bits in an OPT echoed when the request had EDNS (version 0, our payload size,
// DO copied; `rcode` > 15 only via this argument, else the header's rcode is kept), truncates to
// rc.max_reply_size (keeping only header, question and OPT, TC set; RFC 8945 §5.3 / RFC 6891) with
// room reserved for the TSIG, then signs (tsig_sign_reply). Errors: kInvalidArgument (reply is not a
// parsable message), kInternal (signing failed).
Result<std::vector<uint8_t>> finish_reply(std::vector<uint8_t> reply, const RequestCheck& rc, const Clock& clock,
                                          std::optional<uint16_t> rcode = std::nullopt);

// Appends an OPT RR (owner root, class = payload size, TTL = ext_rcode|version|DO) and bumps ARCOUNT.
void append_opt(std::vector<uint8_t>& msg, uint16_t payload, uint8_t ext_rcode, bool do_bit);

}  // namespace r53d::dns
