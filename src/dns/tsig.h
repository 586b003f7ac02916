// TSIG (RFC 8945): keys, a key ring, request verification, reply signing (single and multi-message
// TCP streams) and the client side (sign a request, verify its reply or reply stream).
//
// Written on raw wire bytes and OpenSSL 3 EVP_MAC because ldns 1.8.3's TSIG code skips the time
// check, ignores the key's algorithm, lacks hmac-sha224/384 and truncated MACs, and cannot build
// error replies (dns-protocol.md §2.10). ldns is still fine for parsing the rest of the message.
//
// Server usage (normally through dns::check_request() in request.h, which does all of this):
//   dns::TsigKeyRing ring;
//   auto key = dns::TsigKey::create("update-key", "hmac-sha256", "c2VjcmV0...");
//   if (!key.ok()) ...; (void)ring.add(std::move(*key));
//   auto scan = dns::scan_message(wire);                     // must succeed first
//   dns::TsigVerification v = dns::tsig_verify_request(wire, *scan, ring, clock);
//   switch (v.result) { case kOk: case kUnsigned: serve; default: reply v.rcode() (see request.h) }
//   ... build reply bytes (no TSIG) ...
//   R53D_RETURN_IF_ERROR(dns::tsig_sign_reply(reply, v, clock));   // no-op for unsigned requests
//
// Client usage (SOA/XFR queries):
//   auto mac = dns::tsig_sign_request(query, key, clock);   // appends TSIG, returns its MAC
//   Status s = dns::tsig_verify_reply(reply_bytes, key, *mac, clock);
//
// Secrets: TsigKey never prints its secret (debug_string() redacts it) and wipes it on destruction.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire.h"
#include "util/clock.h"
#include "util/status.h"

namespace r53d::dns {

enum class TsigAlgorithm { kHmacMd5, kHmacSha1, kHmacSha224, kHmacSha256, kHmacSha384, kHmacSha512 };

// TSIG Error field values (RFC 8945 §3, dns-protocol.md §0).
enum TsigError : uint16_t { kTsigNoError = 0, kTsigBadSig = 16, kTsigBadKey = 17, kTsigBadTime = 18, kTsigBadTrunc = 22 };

inline constexpr uint16_t kTsigFudgeS = 300;  // fudge we sign with (BIND, nsupdate)

struct TsigAlgorithmSpec {
  TsigAlgorithm algorithm = TsigAlgorithm::kHmacSha256;
  size_t mac_bits = 0;  // from a "-<bits>" suffix ("hmac-sha256-128"): shortest MAC accepted; 0 = full
};

// Parses what users type: "hmac-sha256", "HMAC-SHA256", "hmac-sha256.", "hmac-md5.sig-alg.reg.int.",
// optionally with "-<bits>" (rounded up to octets; must be a legal truncation, RFC 8945 §5.2.2.1).
// Errors: kInvalidArgument naming the unknown algorithm.
Result<TsigAlgorithmSpec> parse_tsig_algorithm(std::string_view text);
// Algorithm named by a canonical (lower-case, uncompressed) wire name; nullopt if unsupported.
std::optional<TsigAlgorithm> tsig_algorithm_from_wire(std::span<const uint8_t> name_wire);
const char* tsig_algorithm_name(TsigAlgorithm a);             // BIND token, "hmac-sha256"
std::vector<uint8_t> tsig_algorithm_wire(TsigAlgorithm a);    // "hmac-sha256." in wire form
size_t tsig_digest_size(TsigAlgorithm a);                     // octets: 16, 20, 28, 32, 48, 64
// Smallest legal truncated MAC: max(10, ceil(digest/2)) octets (RFC 8945 §5.2.2.1).
size_t tsig_min_mac_size(TsigAlgorithm a);

class TsigKey {
 public:
  // name: a DNS name (case and trailing dot do not matter); algorithm: as parse_tsig_algorithm();
  // secret_base64: the BIND "secret" string. Errors: kInvalidArgument (never containing the secret).
  static Result<TsigKey> create(std::string_view name, std::string_view algorithm, std::string_view secret_base64);

  TsigKey(const TsigKey&);
  TsigKey& operator=(const TsigKey&);
  TsigKey(TsigKey&&) noexcept;
  TsigKey& operator=(TsigKey&&) noexcept;
  ~TsigKey();  // wipes the secret

  const std::string& name() const { return name_; }                      // "update-key." (lower case)
  const std::vector<uint8_t>& name_wire() const { return name_wire_; }  // canonical wire form
  TsigAlgorithm algorithm() const { return algorithm_; }
  // Shortest MAC this key accepts in requests; shorter legal ones get BADTRUNC. Full digest unless
  // the algorithm was given with "-<bits>".
  size_t required_mac_size() const { return required_mac_size_; }
  std::span<const uint8_t> secret() const { return secret_; }
  // `key "update-key." hmac-sha256 (secret: 32 octets, redacted)`: safe for logs.
  std::string debug_string() const;

 private:
  TsigKey() = default;
  std::string name_;
  std::vector<uint8_t> name_wire_;
  TsigAlgorithm algorithm_ = TsigAlgorithm::kHmacSha256;
  size_t required_mac_size_ = 0;
  std::vector<uint8_t> secret_;
};

// Keys by name (one algorithm per name, as in BIND). Keys are shared with the verifications that
// used them: an UPDATE waiting for its commit still signs its reply after the ring was replaced.
class TsigKeyRing {
 public:
  // Errors: kAlreadyExists if a key of that name exists.
  Status add(TsigKey key);
  // Lookup by canonical wire name or by text name; nullptr if unknown.
  std::shared_ptr<const TsigKey> find(std::span<const uint8_t> name_wire) const;
  std::shared_ptr<const TsigKey> find(std::string_view name) const;
  size_t size() const { return keys_.size(); }

 private:
  std::map<std::vector<uint8_t>, std::shared_ptr<const TsigKey>> keys_;
};

// The fields of a TSIG RR (RFC 8945 §4.2) as received.
struct TsigRecord {
  size_t rr_offset = 0;              // where the TSIG RR starts in the message
  std::vector<uint8_t> key_name;     // canonical wire form
  std::vector<uint8_t> algorithm;    // canonical wire form
  uint64_t time_signed = 0;          // seconds since the epoch (48 bits)
  uint16_t fudge = 0;                // seconds
  std::vector<uint8_t> mac;
  uint16_t original_id = 0;
  uint16_t error = 0;
  std::vector<uint8_t> other;
};

// Parses the TSIG RR at `rr` (from scan_message). Errors: kInvalidArgument (bad class/TTL, RDATA
// that does not match RDLENGTH).
Result<TsigRecord> parse_tsig_record(std::span<const uint8_t> wire, const RrPos& rr);

enum class TsigResult {
  kUnsigned,  // no TSIG: serve as unsigned, reply unsigned
  kOk,        // verified: serve, sign the reply
  kFormErr,   // malformed TSIG / illegal MAC size / Error != 0 in a request: FORMERR
  kBadKey,    // unknown key, unsupported algorithm, algorithm != key's: NOTAUTH + BADKEY, unsigned
  kBadSig,    // MAC mismatch (or MAC size 0): NOTAUTH + BADSIG, unsigned
  kBadTime,   // outside Time Signed +- Fudge: NOTAUTH + BADTIME, signed, server time in Other Data
  kBadTrunc,  // legal but shorter than the key's policy: NOTAUTH + BADTRUNC, signed
};
const char* tsig_result_name(TsigResult r);  // "OK", "BADKEY", ...

// Outcome of verifying a request; also everything needed to sign its reply(ies). Copyable, owns
// what it refers to (the key is shared), so it may wait with an UPDATE until its commit finishes.
struct TsigVerification {
  TsigResult result = TsigResult::kUnsigned;
  std::shared_ptr<const TsigKey> key;   // the key when the MAC verified
  std::optional<TsigRecord> record;     // the request's TSIG when it could be parsed
  bool mac_verified = false;
  int64_t now_s = 0;                    // server time at verification (for BADTIME Other Data)
  std::string reason;                   // one phrase for the log; never contains a secret

  // Header rcode of the error reply for error results (NOTAUTH or FORMERR); NOERROR otherwise.
  uint16_t rcode() const;
  // TSIG Error field of the reply (0 when ok or unsigned).
  uint16_t tsig_error() const;
  // True when replies must carry a signed TSIG (kOk, kBadTime, kBadTrunc, verified kFormErr).
  bool signs_reply() const { return mac_verified; }
  // True when replies carry any TSIG RR (signed, or unsigned with MAC size 0 for BADKEY/BADSIG).
  bool has_reply_tsig() const;
};

// Verifies the request in `wire` (scan from scan_message() of the same bytes) in RFC 8945 §5.2
// order: key -> MAC -> time -> truncation. Never fails: the result says how to answer.
TsigVerification tsig_verify_request(std::span<const uint8_t> wire, const MessageScan& scan,
                                     const TsigKeyRing& ring, const Clock& clock);

// Octets tsig_sign_reply() will append (0 if none): reserve them before deciding what fits UDP.
size_t tsig_reply_size(const TsigVerification& v);

// Appends the reply TSIG RFC 8945 §5.3 asks for to `reply` (a complete message without TSIG whose
// header ID is the request's), incrementing ARCOUNT. Signed (request MAC + reply + variables) for
// verified requests; BADTIME replies echo the request's Time Signed and carry server time in Other
// Data; BADKEY/BADSIG replies get an unsigned TSIG (MAC size 0). No-op for unsigned requests.
// Sign last: any later change to `reply` breaks the MAC. Errors: kInvalidArgument (reply shorter
// than a header), kInternal (OpenSSL failure).
Status tsig_sign_reply(std::vector<uint8_t>& reply, const TsigVerification& v, const Clock& clock);

// Signs every message of a multi-message TCP reply (AXFR/IXFR, RFC 8945 §5.3.1): the first with
// the request MAC and full variables, each later one with the previous MAC and timers only.
class TsigStreamSigner {
 public:
  explicit TsigStreamSigner(TsigVerification v) : v_(std::move(v)) {}
  // Appends a TSIG to `msg` (no-op for unsigned requests). Errors as tsig_sign_reply().
  Status sign(std::vector<uint8_t>& msg, const Clock& clock);
  // Sends `msg` unsigned (allowed after the first message, at most 99 in a row): it is folded into
  // the next signed message's MAC. route53d signs every message; this exists for tests of clients.
  void pass_unsigned(std::span<const uint8_t> msg) { pending_.insert(pending_.end(), msg.begin(), msg.end()); }

 private:
  TsigVerification v_;
  std::vector<uint8_t> prior_mac_;
  std::vector<uint8_t> pending_;  // unsigned messages since the last signed one
  bool first_ = true;
};

// Client side: appends a TSIG signed with `key` (Original ID = header ID, Error 0, fudge 300) to
// `msg` and returns the MAC (needed to verify the reply). Errors: kInvalidArgument, kInternal.
Result<std::vector<uint8_t>> tsig_sign_request(std::vector<uint8_t>& msg, const TsigKey& key, const Clock& clock);

// Client side: verifies a single reply to a request whose MAC was `request_mac`. Checks the TSIG
// is present, last, for the same key name and algorithm, the MAC (full length) and the time.
// Errors: kPermissionDenied with the reason ("reply not signed", "BADSIG from server", "bad MAC",
// "BADTIME: server time 1700000000"...), kInvalidArgument for malformed messages.
Status tsig_verify_reply(std::span<const uint8_t> reply, const TsigKey& key, std::span<const uint8_t> request_mac,
                         const Clock& clock);

// Client side, multi-message replies (XFR over TCP, RFC 8945 §5.3.1): the first message must be
// signed; up to 99 unsigned messages may follow a signed one; the last must be signed (finish()).
class TsigStreamVerifier {
 public:
  TsigStreamVerifier(std::shared_ptr<const TsigKey> key, std::vector<uint8_t> request_mac);
  ~TsigStreamVerifier();
  TsigStreamVerifier(const TsigStreamVerifier&) = delete;
  TsigStreamVerifier& operator=(const TsigStreamVerifier&) = delete;
  // Feeds the next message. Errors: kPermissionDenied (verification failed: abort the transfer).
  Status add(std::span<const uint8_t> msg, const Clock& clock);
  // Call after the last message. Errors: kPermissionDenied if the last message was unsigned.
  Status finish() const;

 private:
  struct State;
  std::shared_ptr<const TsigKey> key_;
  std::vector<uint8_t> prior_mac_;
  std::unique_ptr<State> state_;  // running HMAC over unsigned messages since the last signed one
  int unsigned_run_ = 0;
  bool first_ = true;
  bool last_signed_ = false;
};

}  // namespace r53d::dns
