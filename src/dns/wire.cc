// Bounds-checked wire reading and the message pre-scan (RR boundaries, OPT/TSIG placement).
#include "dns/wire.h"

#include <cctype>
#include <cstdio>

namespace r53d::dns {

const char* rcode_name(uint16_t rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                       "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode < sizeof(kNames) / sizeof(kNames[0])) return kNames[rcode];
  if (rcode == kBadVers) return "BADVERS";
  static thread_local char buf[16];
  snprintf(buf, sizeof buf, "RCODE%u", rcode);
  return buf;
}

std::optional<Header> read_header(std::span<const uint8_t> wire) {
  if (wire.size() < kHeaderSize) return std::nullopt;
  WireReader r(wire);
  Header h;
  h.id = r.u16();
  h.flags = r.u16();
  h.qdcount = r.u16();
  h.ancount = r.u16();
  h.nscount = r.u16();
  h.arcount = r.u16();
  return h;
}

void write_header(std::span<uint8_t> w, const Header& h) {
  const uint16_t v[6] = {h.id, h.flags, h.qdcount, h.ancount, h.nscount, h.arcount};
  for (int i = 0; i < 6; ++i) {
    w[2 * i] = static_cast<uint8_t>(v[i] >> 8);
    w[2 * i + 1] = static_cast<uint8_t>(v[i]);
  }
}

bool WireReader::need(size_t n) {
  if (!ok_ || wire_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  return true;
}

uint8_t WireReader::u8() {
  if (!need(1)) return 0;
  return wire_[pos_++];
}

uint16_t WireReader::u16() {
  if (!need(2)) return 0;
  uint16_t v = static_cast<uint16_t>((wire_[pos_] << 8) | wire_[pos_ + 1]);
  pos_ += 2;
  return v;
}

uint32_t WireReader::u32() {
  uint32_t hi = u16();
  uint32_t lo = u16();
  return ok_ ? (hi << 16) | lo : 0;
}

uint64_t WireReader::u48() {
  uint64_t hi = u16();
  uint64_t lo = u32();
  return ok_ ? (hi << 32) | lo : 0;
}

std::vector<uint8_t> WireReader::bytes(size_t n) {
  if (!need(n)) return {};
  std::vector<uint8_t> out(wire_.begin() + pos_, wire_.begin() + pos_ + n);
  pos_ += n;
  return out;
}

void WireReader::skip(size_t n) {
  if (need(n)) pos_ += n;
}

void WireReader::skip_name() {
  // Decompress once on a copy: rejects loops and over-long names that merely skipping would miss.
  WireReader check(wire_, pos_);
  check.name_canonical();
  if (!check.ok()) { ok_ = false; return; }
  size_t total = 0;
  while (ok_) {
    uint8_t len = u8();
    if (!ok_) return;
    if ((len & 0xC0) == 0xC0) {
      size_t target = (static_cast<size_t>(len & 0x3F) << 8) | u8();
      // A pointer must point backwards, after the header (RFC 1035 §4.1.4; no loops possible).
      if (ok_ && (target < kHeaderSize || target >= pos_ - 2)) ok_ = false;
      return;
    }
    if (len & 0xC0) { ok_ = false; return; }  // 01/10 label types (RFC 6891 §5) are not supported
    if (len == 0) return;
    total += len + 1;
    if (total > 254) { ok_ = false; return; }
    skip(len);
  }
}

std::vector<uint8_t> WireReader::name_canonical() {
  std::vector<uint8_t> out;
  size_t p = pos_;
  bool jumped = false;
  for (int hops = 0; ok_; ) {
    if (p >= wire_.size()) { ok_ = false; break; }
    uint8_t len = wire_[p];
    if ((len & 0xC0) == 0xC0) {
      if (p + 1 >= wire_.size()) { ok_ = false; break; }
      size_t target = (static_cast<size_t>(len & 0x3F) << 8) | wire_[p + 1];
      if (target < kHeaderSize || target >= p || ++hops > 127) { ok_ = false; break; }
      if (!jumped) pos_ = p + 2;
      jumped = true;
      p = target;
      continue;
    }
    if (len & 0xC0) { ok_ = false; break; }
    if (p + 1 + len > wire_.size() || out.size() + len + 1 > 255) { ok_ = false; break; }
    out.push_back(len);
    for (size_t i = 0; i < len; ++i) {
      uint8_t c = wire_[p + 1 + i];
      out.push_back((c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c);
    }
    p += 1 + len;
    if (len == 0) {
      if (!jumped) pos_ = p;
      return out;
    }
  }
  return {};
}

Result<MessageScan> scan_message(std::span<const uint8_t> wire) {
  auto hdr = read_header(wire);
  if (!hdr) return Status::invalid_argument("message shorter than a DNS header");
  MessageScan s;
  s.header = *hdr;
  WireReader r(wire, kHeaderSize);
  for (unsigned i = 0; i < s.header.qdcount; ++i) {
    r.skip_name();
    r.skip(4);
    if (!r.ok()) return Status::invalid_argument("malformed question section");
  }
  s.question_end = r.pos();
  static const char* const kSection[] = {"answer", "authority", "additional"};
  const unsigned counts[3] = {s.header.ancount, s.header.nscount, s.header.arcount};
  for (int sec = 0; sec < 3; ++sec) {
    for (unsigned i = 0; i < counts[sec]; ++i) {
      RrPos rr;
      rr.offset = r.pos();
      r.skip_name();
      rr.type = r.u16();
      rr.rclass = r.u16();
      rr.ttl = r.u32();
      rr.rdlength = r.u16();
      rr.rdata_offset = r.pos();
      r.skip(rr.rdlength);
      rr.end = r.pos();
      if (!r.ok()) return Status::invalid_argument(std::string("malformed RR in the ") + kSection[sec] + " section");
      if (s.tsig) return Status::invalid_argument("TSIG record is not the last record");
      if (rr.type == kTypeTsig) {
        if (sec != 2) return Status::invalid_argument("TSIG record outside the additional section");
        s.tsig = rr;
      } else if (rr.type == kTypeOpt) {
        if (sec != 2) return Status::invalid_argument("OPT record outside the additional section");
        if (s.opt) return Status::invalid_argument("more than one OPT record");
        if (wire[rr.offset] != 0) return Status::invalid_argument("OPT owner is not the root");
        s.opt = rr;
        s.edns.present = true;
        s.edns.udp_size = rr.rclass;
        s.edns.ext_rcode = static_cast<uint8_t>(rr.ttl >> 24);
        s.edns.version = static_cast<uint8_t>(rr.ttl >> 16);
        s.edns.do_bit = rr.ttl & 0x8000;
      }
    }
  }
  s.end = r.pos();
  return s;
}

std::string name_to_text(std::span<const uint8_t> name) {
  std::string out;
  size_t p = 0;
  while (p < name.size() && name[p] != 0) {
    size_t len = name[p++];
    for (size_t i = 0; i < len && p < name.size(); ++i, ++p) {
      uint8_t c = name[p];
      if (c == '.' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c <= 0x20 || c >= 0x7F) {
        char buf[8];
        snprintf(buf, sizeof buf, "\\%03u", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '.';
  }
  return out.empty() ? "." : out;
}

Result<std::vector<uint8_t>> name_from_text(std::string_view text) {
  std::vector<uint8_t> out;
  if (text == ".") return std::vector<uint8_t>{0};
  if (text.empty()) return Status::invalid_argument("empty name");
  std::vector<uint8_t> label;
  auto flush = [&]() -> Status {
    if (label.empty()) return Status::invalid_argument("empty label in name");
    if (label.size() > 63) return Status::invalid_argument("label longer than 63 octets");
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    label.clear();
    return {};
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) return Status::invalid_argument("dangling escape in name");
      if (isdigit(static_cast<unsigned char>(text[i + 1]))) {
        if (i + 3 >= text.size() || !isdigit(static_cast<unsigned char>(text[i + 2])) ||
            !isdigit(static_cast<unsigned char>(text[i + 3]))) {
          return Status::invalid_argument("bad \\DDD escape in name");
        }
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) return Status::invalid_argument("bad \\DDD escape in name");
        label.push_back(static_cast<uint8_t>(v));
        i += 3;
      } else {
        label.push_back(static_cast<uint8_t>(text[++i]));
      }
      continue;
    }
    if (c == '.') {
      R53D_RETURN_IF_ERROR(flush());
      continue;
    }
    label.push_back(static_cast<uint8_t>(c));
  }
  if (!label.empty()) R53D_RETURN_IF_ERROR(flush());
  out.push_back(0);
  if (out.size() > 255) return Status::invalid_argument("name longer than 255 octets");
  for (auto& b : out) {
    // Lower-case in place; length octets are <= 63 so never in 'A'..'Z'.
    if (b >= 'A' && b <= 'Z') b = static_cast<uint8_t>(b + 32);
  }
  return out;
}

void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  put_u16(out, static_cast<uint16_t>(v >> 16));
  put_u16(out, static_cast<uint16_t>(v));
}

void put_u48(std::vector<uint8_t>& out, uint64_t v) {
  put_u16(out, static_cast<uint16_t>(v >> 32));
  put_u32(out, static_cast<uint32_t>(v));
}

}  // namespace r53d::dns
