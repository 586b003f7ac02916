// Bounds-checked reading of DNS wire format: header, names, and a pre-scan of a whole message
// (RR boundaries, OPT and TSIG placement) done before anything trusts the bytes.
//
// ldns_wire2pkt() does not check that a TSIG is last and unique or that there is one OPT
// (dns-protocol.md §6.1), and TSIG needs the exact offset of the TSIG RR in the received bytes,
// so every request goes through scan_message() first:
//
//   auto hdr = dns::read_header(bytes);
//   if (!hdr) { log; return; }                       // not even a header: stay silent
//   auto scan = dns::scan_message(bytes);
//   if (!scan.ok()) { reply FORMERR (dns::make_error_reply(bytes, *hdr, nullptr, kFormErr)); }
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/status.h"

namespace r53d::dns {

// RFC 1035 §4.1.1 header flag masks (16-bit word after the ID) and field values.
inline constexpr uint16_t kFlagQr = 0x8000;
inline constexpr uint16_t kFlagAa = 0x0400;
inline constexpr uint16_t kFlagTc = 0x0200;
inline constexpr uint16_t kFlagRd = 0x0100;
inline constexpr uint16_t kFlagCd = 0x0010;
inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxMessageSize = 65535;
inline constexpr size_t kMaxUdpSizeWithoutEdns = 512;

inline constexpr uint8_t kOpcodeQuery = 0;
inline constexpr uint8_t kOpcodeNotify = 4;
inline constexpr uint8_t kOpcodeUpdate = 5;

// Header RCODEs (4 bits) and the EDNS extended value BADVERS (12 bits, dns-protocol.md §0).
enum Rcode : uint16_t {
  kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5,
  kYxDomain = 6, kYxRrset = 7, kNxRrset = 8, kNotAuth = 9, kNotZone = 10, kBadVers = 16,
};
const char* rcode_name(uint16_t rcode);  // "NOERROR", "BADVERS", "RCODE99"

inline constexpr uint16_t kTypeSoa = 6;
inline constexpr uint16_t kTypeOpt = 41;
inline constexpr uint16_t kTypeTsig = 250;
inline constexpr uint16_t kClassAny = 255;

struct Header {
  uint16_t id = 0;
  uint16_t flags = 0;  // QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE as on the wire
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  bool qr() const { return flags & kFlagQr; }
  uint8_t opcode() const { return (flags >> 11) & 0xF; }
  uint8_t rcode() const { return flags & 0xF; }
};

// Reads the 12-octet header; nullopt if the message is shorter.
std::optional<Header> read_header(std::span<const uint8_t> wire);

// Writes ID/flags/counts into the first 12 octets of `wire` (which must hold at least 12).
void write_header(std::span<uint8_t> wire, const Header& h);

// A cursor over wire bytes with a sticky error (Knot's wire_ctx): after the first overrun every read
// returns 0/empty and ok() stays false; check once at the end.
class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> wire, size_t pos = 0) : wire_(wire), pos_(pos) {}

  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u48();
  // Copies n octets.
  std::vector<uint8_t> bytes(size_t n);
  void skip(size_t n);
  // Skips a possibly compressed name, checking label types and that pointers point backwards to
  // a position >= 12 inside the message.
  void skip_name();
  // Reads a possibly compressed name into canonical wire form (uncompressed, ASCII lower case).
  std::vector<uint8_t> name_canonical();

  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  size_t remaining() const { return ok_ ? wire_.size() - pos_ : 0; }
  void fail() { ok_ = false; }

 private:
  bool need(size_t n);
  std::span<const uint8_t> wire_;
  size_t pos_;
  bool ok_ = true;
};

// One resource record located in a message.
struct RrPos {
  size_t offset = 0;        // first octet of the owner name
  size_t rdata_offset = 0;  // first octet of RDATA
  size_t end = 0;           // one past the last RDATA octet
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint32_t ttl = 0;
  uint16_t rdlength = 0;
};

// EDNS(0) from the request's OPT RR (RFC 6891 §6.1.2-6.1.3).
struct Edns {
  bool present = false;
  uint16_t udp_size = 0;    // requestor's payload size as sent (may be < 512)
  uint8_t ext_rcode = 0;    // upper 8 bits of the 12-bit rcode
  uint8_t version = 0;
  bool do_bit = false;
};

struct MessageScan {
  Header header;
  size_t question_end = kHeaderSize;  // one past the question section
  size_t end = kHeaderSize;           // one past the last RR (later octets are trailing garbage)
  std::optional<RrPos> opt;           // the OPT RR, if any (only in the additional section)
  std::optional<RrPos> tsig;          // the TSIG RR, if any (always the last RR when present)
  Edns edns;
};

// Walks every section using RDLENGTH. Errors (kInvalidArgument, message suitable for a log line):
// short header, truncated name or RR, bad label, forward/looping compression pointer, OPT outside
// the additional section / more than one OPT / OPT owner not root, TSIG not last or more than one.
// Trailing octets after the last RR are accepted (as BIND and ldns do).
Result<MessageScan> scan_message(std::span<const uint8_t> wire);

// Renders a canonical (uncompressed) wire name as text with a trailing dot ("example.com.").
std::string name_to_text(std::span<const uint8_t> name_wire);

// Converts text ("Example.COM" or "example.com.") to canonical wire form (lower case). Escapes
// (\. \DDD) are supported. Errors: kInvalidArgument (empty label, label > 63, name > 255).
Result<std::vector<uint8_t>> name_from_text(std::string_view text);

// Small helpers for writing wire.
void put_u16(std::vector<uint8_t>& out, uint16_t v);
void put_u32(std::vector<uint8_t>& out, uint32_t v);
void put_u48(std::vector<uint8_t>& out, uint64_t v);

}  // namespace r53d::dns
