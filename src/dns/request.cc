// check_request / make_error_reply / finish_reply: the edge where untrusted bytes become a request.
#include "dns/request.h"

#include <algorithm>

namespace r53d::dns {

size_t max_reply_size(const Edns& edns, bool tcp) {
  if (tcp) return kMaxMessageSize;
  if (!edns.present) return kMaxUdpSizeWithoutEdns;
  return std::max<size_t>(kMaxUdpSizeWithoutEdns, std::min<size_t>(edns.udp_size, kServerUdpPayload));
}

void append_opt(std::vector<uint8_t>& msg, uint16_t payload, uint8_t ext_rcode, bool do_bit) {
  msg.push_back(0);  // root owner
  put_u16(msg, kTypeOpt);
  put_u16(msg, payload);
  put_u32(msg, (uint32_t{ext_rcode} << 24) | (do_bit ? 0x8000u : 0u));  // version 0
  put_u16(msg, 0);
  uint16_t ar = static_cast<uint16_t>((msg[10] << 8 | msg[11]) + 1);
  msg[10] = static_cast<uint8_t>(ar >> 8);
  msg[11] = static_cast<uint8_t>(ar);
}

std::vector<uint8_t> make_error_reply(std::span<const uint8_t> request, const RequestCheck& rc, uint16_t rcode) {
  Header h;
  h.id = rc.header.id;
  h.flags = static_cast<uint16_t>(kFlagQr | (rc.header.opcode() << 11) | (rc.header.flags & kFlagRd) | (rcode & 0xF));
  std::vector<uint8_t> out;
  if (rc.scan && request.size() >= rc.scan->question_end) {
    h.qdcount = rc.header.qdcount;
    out.assign(request.begin(), request.begin() + rc.scan->question_end);  // header overwritten below
  } else {
    out.resize(kHeaderSize);
  }
  write_header(out, h);
  return out;
}

Result<std::vector<uint8_t>> finish_reply(std::vector<uint8_t> reply, const RequestCheck& rc, const Clock& clock,
                                          std::optional<uint16_t> rcode) {
  auto scan = scan_message(reply);
  if (!scan.ok()) return Status::invalid_argument("reply: " + scan.status().message());
  if (scan->tsig) return Status::invalid_argument("reply already carries a TSIG");
  if (rcode) {
    reply[3] = static_cast<uint8_t>((reply[3] & 0xF0) | (*rcode & 0xF));
  }
  if (rc.edns().present && !scan->opt) {
    uint8_t ext = rcode ? static_cast<uint8_t>(*rcode >> 4) : 0;
    append_opt(reply, kServerUdpPayload, ext, rc.edns().do_bit);
    scan = scan_message(reply);
    if (!scan.ok()) return Status::internal("reply: " + scan.status().message());
  }
  size_t tsig_size = tsig_reply_size(rc.tsig);
  if (reply.size() + tsig_size > rc.max_reply_size) {
    // Keep header + question (+ OPT), set TC: the client retries over TCP (RFC 1035 §4.2.1).
    std::vector<uint8_t> opt;
    if (scan->opt) opt.assign(reply.begin() + scan->opt->offset, reply.begin() + scan->opt->end);
    reply.resize(scan->question_end);
    Header h = scan->header;
    h.flags |= kFlagTc;
    h.ancount = h.nscount = 0;
    h.arcount = opt.empty() ? 0 : 1;
    write_header(reply, h);
    reply.insert(reply.end(), opt.begin(), opt.end());
    if (reply.size() + tsig_size > rc.max_reply_size) {
      // Even the question does not fit (a huge name in a 512-octet limit with TSIG): header only.
      reply.resize(kHeaderSize);
      h.qdcount = 0;
      h.arcount = 0;
      write_header(reply, h);
      if (!opt.empty()) {
        reply.insert(reply.end(), opt.begin(), opt.end());
        h.arcount = 1;
        write_header(reply, h);
      }
    }
  }
  R53D_RETURN_IF_ERROR(tsig_sign_reply(reply, rc.tsig, clock));
  return reply;
}

RequestCheck check_request(std::span<const uint8_t> wire, const TsigKeyRing& ring, const Clock& clock, bool tcp) {
  RequestCheck rc;
  rc.max_reply_size = max_reply_size(Edns{}, tcp);
  auto hdr = read_header(wire);
  if (!hdr) {
    rc.reason = "message of " + std::to_string(wire.size()) + " octets is shorter than a DNS header, dropped";
    return rc;
  }
  rc.header = *hdr;
  if (hdr->qr()) {
    rc.reason = "message is a response (QR set), dropped";
    return rc;
  }
  auto scan = scan_message(wire);
  if (!scan.ok()) {
    rc.action = RequestAction::kReply;
    rc.reason = "FORMERR: " + scan.status().message();
    auto reply = finish_reply(make_error_reply(wire, rc, kFormErr), rc, clock);
    rc.error_reply = reply.ok() ? std::move(*reply) : std::vector<uint8_t>{};
    if (rc.error_reply.empty()) rc.action = RequestAction::kDrop;
    return rc;
  }
  rc.scan = *scan;
  rc.max_reply_size = max_reply_size(rc.scan->edns, tcp);
  rc.tsig = tsig_verify_request(wire, *rc.scan, ring, clock);
  std::optional<uint16_t> err;
  if (rc.tsig.result != TsigResult::kOk && rc.tsig.result != TsigResult::kUnsigned) {
    err = rc.tsig.rcode();
    rc.reason = std::string(rcode_name(*err)) + "/" + tsig_result_name(rc.tsig.result) + ": " + rc.tsig.reason;
  } else if (rc.scan->edns.present && rc.scan->edns.version > 0) {
    // RFC 6891 §6.1.3: BADVERS, with an OPT of version 0 and no answer data.
    err = kBadVers;
    rc.reason = "BADVERS: EDNS version " + std::to_string(rc.scan->edns.version);
  }
  if (!err) {
    rc.action = RequestAction::kServe;
    return rc;
  }
  rc.action = RequestAction::kReply;
  auto reply = finish_reply(make_error_reply(wire, rc, *err), rc, clock, *err);
  if (!reply.ok()) {
    rc.action = RequestAction::kDrop;
    rc.reason += " (no reply: " + reply.status().message() + ")";
    return rc;
  }
  rc.error_reply = std::move(*reply);
  return rc;
}

}  // namespace r53d::dns
