// IXFR/AXFR reply reader: per-message checks, stream TSIG, shape state machine. See xfr_reader.h.
#include "xfr/xfr_reader.h"

#include <string>
#include <unordered_set>

#include "dns/serial.h"
#include "dns/wire.h"

namespace r53d::xfr {

namespace {

std::string type_text(ldns_rr_type t) {
  char* s = ldns_rr_type2str(t);
  std::string out = s ? s : "?";
  free(s);
  return out;
}

std::string owner_text(const ldns_rr* rr) { return zone::Name::from_rdf(ldns_rr_owner(rr)).to_text(); }

// SERIAL of an SOA RR; nullopt if its RDATA is not the 7 SOA fields.
std::optional<uint32_t> soa_serial(const ldns_rr* rr) {
  if (ldns_rr_rd_count(rr) != 7) return std::nullopt;
  const ldns_rdf* f = ldns_rr_rdf(rr, 2);
  if (!f || ldns_rdf_size(f) != 4) return std::nullopt;
  return ldns_rdf2native_int32(f);
}

// Same owner and RDATA; names compared case-insensitively, TTL ignored (RFC 5936 §2.2: the last
// record is "the same" SOA).
bool same_soa(const ldns_rr* a, const ldns_rr* b) {
  if (ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) != 0) return false;
  if (ldns_rr_rd_count(a) != 7 || ldns_rr_rd_count(b) != 7) return false;
  for (size_t i = 0; i < 7; ++i) {
    const ldns_rdf* x = ldns_rr_rdf(a, i);
    const ldns_rdf* y = ldns_rr_rdf(b, i);
    int c = i < 2 ? ldns_dname_compare(x, y) : ldns_rdf_compare(x, y);
    if (c != 0) return false;
  }
  return true;
}

// The RR in canonical wire form (RFC 4034 §6.2: owner and the names inside well-known RDATA
// lower-cased) with the TTL zeroed: two records are duplicates iff their keys are equal.
std::string dedup_key(const ldns_rr* rr) {
  ldns_buffer* b = ldns_buffer_new(256);
  std::string key;
  if (ldns_rr2buffer_wire_canonical(b, rr, LDNS_SECTION_ANSWER) == LDNS_STATUS_OK) {
    key.assign(reinterpret_cast<const char*>(ldns_buffer_begin(b)), ldns_buffer_position(b));
    size_t ttl = ldns_rdf_size(ldns_rr_owner(rr)) + 4;
    if (key.size() >= ttl + 4) key.replace(ttl, 4, 4, '\0');
  }
  ldns_buffer_free(b);
  return key;
}

// `list` without repeated records (the first of each kept, order preserved).
dns::RrListPtr deduplicated(dns::RrListPtr list) {
  dns::RrListPtr out(ldns_rr_list_new());
  std::unordered_set<std::string> seen;
  size_t n = ldns_rr_list_rr_count(list.get());
  seen.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    ldns_rr* rr = ldns_rr_list_rr(list.get(), i);
    if (seen.insert(dedup_key(rr)).second) {
      ldns_rr_list_push_rr(out.get(), rr);  // `out` owns it now
    } else {
      ldns_rr_free(rr);
    }
  }
  ldns_rr_list_set_rr_count(list.get(), 0);
  return out;  // `list` (now empty) is freed on return
}

}  // namespace

const char* transfer_kind_name(Transfer::Kind kind) {
  switch (kind) {
    case Transfer::Kind::kUpToDate: return "up-to-date";
    case Transfer::Kind::kIncremental: return "incremental";
    case Transfer::Kind::kFull: return "full";
  }
  return "?";
}

XfrReader::XfrReader(XfrQuery query, const Clock& clock)
    : q_(std::move(query)), clock_(clock), records_(ldns_rr_list_new()) {
  if (q_.key) verifier_ = std::make_unique<dns::TsigStreamVerifier>(q_.key, q_.request_mac);
}

XfrReader::~XfrReader() = default;

Status XfrReader::fail(Status s) {
  error_ = s;
  return s;
}

Status XfrReader::fail_here(const std::string& what) {
  return fail(Status::invalid_argument("message " + std::to_string(messages_) + ": " + what));
}

Status XfrReader::add(std::span<const uint8_t> message) {
  if (!error_.ok()) return error_;
  ++messages_;
  bytes_ += message.size();
  if (complete_) return fail_here("data after the end of the transfer");
  R53D_RETURN_IF_ERROR(check_message(message));
  auto pkt = dns::wire_to_pkt(message);
  if (!pkt.ok()) return fail_here("malformed: " + pkt.status().message());
  // Take the answer records out of the packet: they move into the staged transfer.
  dns::RrListPtr answer(ldns_pkt_answer(pkt->get()));
  ldns_pkt_set_answer(pkt->get(), ldns_rr_list_new());
  size_t n = ldns_rr_list_rr_count(answer.get());
  std::vector<dns::RrPtr> rrs;
  rrs.reserve(n);
  for (size_t i = 0; i < n; ++i) rrs.emplace_back(ldns_rr_list_rr(answer.get(), i));
  ldns_rr_list_set_rr_count(answer.get(), 0);  // the RrPtrs own them now
  for (auto& rr : rrs) {
    if (ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN) {
      return fail_here("record " + owner_text(rr.get()) + " of class " + std::to_string(ldns_rr_get_class(rr.get())) +
                       ", not IN");
    }
    if (!zone::Name::from_rdf(ldns_rr_owner(rr.get())).is_at_or_below(q_.zone)) {
      return fail_here("record " + owner_text(rr.get()) + " is outside the zone " + q_.zone.to_text());
    }
    R53D_RETURN_IF_ERROR(feed(std::move(rr)));
  }
  if (state_ == State::kEnd) {
    if (verifier_) {
      // RFC 8945 §5.3.1: the last message must be signed.
      if (Status s = verifier_->finish(); !s.ok()) {
        return fail(Status::permission_denied("message " + std::to_string(messages_) + ": TSIG: " + s.message()));
      }
    }
    complete_ = true;
  }
  return {};
}

Status XfrReader::check_message(std::span<const uint8_t> message) {
  auto scan = dns::scan_message(message);
  if (!scan.ok()) return fail_here("malformed: " + scan.status().message());
  const dns::Header& h = scan->header;
  if (h.id != q_.id) return fail_here("ID " + std::to_string(h.id) + ", expected " + std::to_string(q_.id));
  if (!h.qr()) return fail_here("QR clear");
  if (h.opcode() != dns::kOpcodeQuery) return fail_here("opcode " + std::to_string(h.opcode()) + ", not QUERY");
  // TSIG first (RFC 8945 §5.3.1): nothing in an unverified message is trusted, its rcode included.
  if (verifier_) {
    if (Status s = verifier_->add(message, clock_); !s.ok()) {
      if (scan->tsig) {
        auto rec = dns::parse_tsig_record(message, *scan->tsig);
        key_rejected_ = rec.ok() && rec->error != dns::kTsigNoError;
      }
      std::string m = "message " + std::to_string(messages_) + ": TSIG: " + s.message();
      if (h.rcode() != dns::kNoError) m += std::string(" (") + dns::rcode_name(h.rcode()) + " from primary)";
      return fail(Status::permission_denied(m));
    }
  }
  if (h.rcode() != dns::kNoError) {
    std::string m = std::string(dns::rcode_name(h.rcode())) + " from primary";
    if (messages_ > 1) m += " in message " + std::to_string(messages_);
    return fail(Status::unavailable(m));
  }
  if (h.flags & dns::kFlagTc) return fail_here("TC set");
  // RFC 5936 §2.2.1: the question in the first message; later ones may repeat it.
  if (h.qdcount > 1) return fail_here("more than one question");
  if (h.qdcount == 0 && messages_ == 1) return fail_here("no question");
  if (h.qdcount == 1) {
    dns::WireReader r(message, dns::kHeaderSize);
    auto name = r.name_canonical();
    uint16_t type = r.u16(), qclass = r.u16();
    if (!r.ok() || std::string(name.begin(), name.end()) != q_.zone.wire() || type != q_.qtype ||
        qclass != LDNS_RR_CLASS_IN) {
      return fail_here("question " + dns::name_to_text(name) + " type " + std::to_string(type) + " class " +
                       std::to_string(qclass) + " is not the request's");
    }
  }
  if (h.nscount != 0) return fail_here("authority section not empty (NSCOUNT " + std::to_string(h.nscount) + ")");
  if (h.ancount == 0 && messages_ == 1) return fail(Status::invalid_argument("empty answer"));
  return {};
}

void XfrReader::push_delta() {
  if (delta_) deltas_.push_back(std::move(*delta_));
  delta_.reset();
}

Status XfrReader::feed(dns::RrPtr rr) {
  ++rrs_;
  bool is_soa = ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_SOA;
  uint32_t serial = 0;
  if (is_soa) {
    auto s = soa_serial(rr.get());
    if (!s) return fail_here("malformed SOA record");
    serial = *s;
  }
  const bool ixfr = q_.qtype == kTypeIxfr;
  switch (state_) {
    case State::kStart:
      if (!is_soa) return fail_here("first record is not an SOA (" + type_text(ldns_rr_get_type(rr.get())) + ")");
      if (!(zone::Name::from_rdf(ldns_rr_owner(rr.get())) == q_.zone)) {
        return fail_here("first SOA is not the zone's (" + owner_text(rr.get()) + ")");
      }
      serial_ = serial;
      first_soa_ = std::move(rr);
      if (ixfr && !dns::serial_gt(serial_, q_.our_serial)) {
        // RFC 1995 §2: a single SOA not newer than ours means "up to date"; it must be all.
        kind_ = Transfer::Kind::kUpToDate;
        state_ = State::kEnd;
      } else {
        state_ = State::kFirstSoa;
      }
      return {};
    case State::kFirstSoa:
      if (is_soa) {
        if (ixfr && serial == q_.our_serial) {
          kind_ = Transfer::Kind::kIncremental;
          current_ = serial;
          delta_.emplace();
          delta_->old_soa = std::move(rr);
          delta_->deleted.reset(ldns_rr_list_new());
          delta_->added.reset(ldns_rr_list_new());
          state_ = State::kIxfrDel;
          return {};
        }
        if (!same_soa(rr.get(), first_soa_.get())) {
          if (ixfr) {
            return fail(Status::invalid_argument("IXFR out of sync: sequence 1 starts at serial " + std::to_string(serial) +
                                                 ", ours is " + std::to_string(q_.our_serial)));
          }
          return fail_here("closing SOA (serial " + std::to_string(serial) + ") differs from the opening SOA (serial " +
                           std::to_string(serial_) + ")");
        }
        kind_ = Transfer::Kind::kFull;  // a zone holding only its SOA
        state_ = State::kEnd;
        return {};
      }
      kind_ = Transfer::Kind::kFull;
      state_ = State::kFull;
      ldns_rr_list_push_rr(records_.get(), rr.release());  // the list owns it
      return {};
    case State::kFull:
      if (is_soa) {
        if (!same_soa(rr.get(), first_soa_.get())) {
          return fail_here("closing SOA (serial " + std::to_string(serial) + ") differs from the opening SOA (serial " +
                           std::to_string(serial_) + ")");
        }
        state_ = State::kEnd;
        return {};
      }
      ldns_rr_list_push_rr(records_.get(), rr.release());
      return {};
    case State::kIxfrDel:
      if (is_soa) {
        current_ = serial;
        delta_->new_soa = std::move(rr);
        state_ = State::kIxfrAdd;
        return {};
      }
      ldns_rr_list_push_rr(delta_->deleted.get(), rr.release());
      return {};
    case State::kIxfrAdd:
      if (!is_soa) {
        ldns_rr_list_push_rr(delta_->added.get(), rr.release());
        return {};
      }
      if (serial == serial_) {
        // The end marker (BIND: a sequence starting at S could only go beyond S).
        if (current_ != serial_) {
          return fail(Status::invalid_argument("IXFR out of sync: the last sequence ends at serial " +
                                               std::to_string(current_) + ", the transfer's serial is " +
                                               std::to_string(serial_)));
        }
        if (!same_soa(rr.get(), first_soa_.get())) {
          return fail_here("closing SOA differs from the opening SOA (serial " + std::to_string(serial_) + ")");
        }
        push_delta();
        state_ = State::kEnd;
        return {};
      }
      if (serial != current_) {
        return fail(Status::invalid_argument("IXFR out of sync: sequence " + std::to_string(deltas_.size() + 2) +
                                             " starts at serial " + std::to_string(serial) + ", previous ended at " +
                                             std::to_string(current_)));
      }
      push_delta();
      delta_.emplace();
      delta_->old_soa = std::move(rr);
      delta_->deleted.reset(ldns_rr_list_new());
      delta_->added.reset(ldns_rr_list_new());
      state_ = State::kIxfrDel;
      return {};
    case State::kEnd:
      return fail_here("data after the closing SOA (" + owner_text(rr.get()) + " " +
                       type_text(ldns_rr_get_type(rr.get())) + ")");
  }
  return fail(Status::internal("XfrReader: bad state"));
}

Status XfrReader::end_of_stream() const {
  if (!error_.ok()) return error_;
  if (complete_) return {};
  if (messages_ == 0) return Status::unavailable("stream ended before the first message");
  if (state_ == State::kFirstSoa && rrs_ == 1 && q_.qtype == kTypeIxfr) {
    // RFC 1995 §2 / PowerDNS#1835: a lone newer SOA is not "up to date".
    return Status::unavailable("incomplete: a lone SOA with serial " + std::to_string(serial_) +
                               " (newer than ours, " + std::to_string(q_.our_serial) + ") then the end of the stream");
  }
  return Status::unavailable("stream ended after " + std::to_string(messages_) + " messages before the closing SOA");
}

Result<Transfer> XfrReader::take() {
  if (!error_.ok()) return error_;
  if (!complete_) return Status::failed_precondition("transfer not complete");
  if (taken_) return Status::failed_precondition("transfer already taken");
  taken_ = true;
  Transfer t;
  t.kind = kind_;
  t.serial = serial_;
  t.soa = std::move(first_soa_);
  t.records = kind_ == Transfer::Kind::kFull ? deduplicated(std::move(records_)) : dns::RrListPtr(ldns_rr_list_new());
  t.deltas = std::move(deltas_);
  t.messages = messages_;
  t.bytes = bytes_;
  t.rrs = rrs_;
  t.signed_ = verifier_ != nullptr;
  return t;
}

}  // namespace r53d::xfr
