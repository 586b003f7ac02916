// One zone refresh: SOA query, serial comparison, IXFR with AXFR fallback, primaries in turn.
// See xfr_client.h.
#include "xfr/xfr_client.h"

#include <openssl/rand.h>

#include <string>

#include "dns/serial.h"
#include "dns/wire.h"
#include "loop/timer.h"
#include "util/log.h"

namespace r53d::xfr {

namespace {

uint16_t random_id() {
  // Unpredictable IDs make spoofed UDP replies harder (RFC 5452 §9.2).
  uint16_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) v = static_cast<uint16_t>(std::rand());
  return v;
}

uint32_t serial_of(const ldns_rr* soa) { return ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)); }

}  // namespace

const char* method_name(RefreshOutcome::Method m) {
  switch (m) {
    case RefreshOutcome::Method::kNone: return "SOA";
    case RefreshOutcome::Method::kIxfr: return "IXFR";
    case RefreshOutcome::Method::kAxfr: return "AXFR";
  }
  return "?";
}

std::vector<uint8_t> build_soa_query(const zone::Name& zone, uint16_t id, uint16_t edns_udp_size) {
  std::vector<uint8_t> q(dns::kHeaderSize);
  dns::Header h;
  h.id = id;
  h.flags = 0;  // QUERY, RD clear: an authoritative question (BIND's refresh query)
  h.qdcount = 1;
  h.arcount = edns_udp_size ? 1 : 0;
  dns::write_header(q, h);
  q.insert(q.end(), zone.wire().begin(), zone.wire().end());
  dns::put_u16(q, dns::kTypeSoa);
  dns::put_u16(q, LDNS_RR_CLASS_IN);
  if (edns_udp_size) {
    q.push_back(0);  // OPT: root owner, payload size in CLASS, TTL 0 (version 0, no DO), no options
    dns::put_u16(q, dns::kTypeOpt);
    dns::put_u16(q, edns_udp_size);
    dns::put_u32(q, 0);
    dns::put_u16(q, 0);
  }
  return q;
}

Result<std::vector<uint8_t>> build_xfr_request(const zone::Name& zone, uint16_t qtype, uint16_t id,
                                               const ldns_rr* our_soa) {
  if (qtype != kTypeIxfr && qtype != kTypeAxfr) return Status::invalid_argument("not an IXFR or AXFR type");
  std::vector<uint8_t> soa_wire;
  if (qtype == kTypeIxfr) {
    if (!our_soa || ldns_rr_get_type(our_soa) != LDNS_RR_TYPE_SOA) {
      return Status::invalid_argument("IXFR needs our SOA");
    }
    uint8_t* buf = nullptr;
    size_t size = 0;
    if (ldns_rr2wire(&buf, our_soa, LDNS_SECTION_AUTHORITY, &size) != LDNS_STATUS_OK) {
      free(buf);
      return Status::invalid_argument("cannot encode our SOA");
    }
    soa_wire.assign(buf, buf + size);
    free(buf);
  }
  std::vector<uint8_t> q(dns::kHeaderSize);
  dns::Header h;
  h.id = id;
  h.qdcount = 1;
  h.nscount = qtype == kTypeIxfr ? 1 : 0;  // RFC 1995 §3: the client's version in the authority section
  dns::write_header(q, h);
  q.insert(q.end(), zone.wire().begin(), zone.wire().end());
  dns::put_u16(q, qtype);
  dns::put_u16(q, LDNS_RR_CLASS_IN);
  q.insert(q.end(), soa_wire.begin(), soa_wire.end());
  return q;
}

Result<dns::RrPtr> check_soa_reply(std::span<const uint8_t> reply, const zone::Name& zone, const dns::TsigKey* key,
                                   std::span<const uint8_t> request_mac, const Clock& clock) {
  auto scan = dns::scan_message(reply);
  if (!scan.ok()) return Status::invalid_argument("malformed reply: " + scan.status().message());
  const dns::Header& h = scan->header;
  if (key) {
    if (Status t = dns::tsig_verify_reply(reply, *key, request_mac, clock); !t.ok()) {
      std::string m = "TSIG: " + t.message();
      if (h.rcode() != dns::kNoError) m += std::string(" (") + dns::rcode_name(h.rcode()) + " from primary)";
      return Status::permission_denied(m);
    }
  }
  if (h.rcode() != dns::kNoError) return Status::unavailable(std::string(dns::rcode_name(h.rcode())) + " from primary");
  if (h.opcode() != dns::kOpcodeQuery) return Status::invalid_argument("reply opcode " + std::to_string(h.opcode()));
  // BIND ignores a non-authoritative answer (DNS_R_NOTAUTHORITATIVE): it may come from a cache.
  if (!(h.flags & dns::kFlagAa)) return Status::invalid_argument("reply not authoritative (AA clear)");
  auto pkt = dns::wire_to_pkt(reply);
  if (!pkt.ok()) return Status::invalid_argument("malformed reply: " + pkt.status().message());
  const ldns_rr_list* an = ldns_pkt_answer(pkt->get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(an, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) continue;
    if (!(zone::Name::from_rdf(ldns_rr_owner(rr)) == zone) || ldns_rr_rd_count(rr) != 7) continue;
    if (ldns_rdf_size(ldns_rr_rdf(rr, 2)) != 4) continue;
    return dns::RrPtr(ldns_rr_clone(rr));
  }
  return Status::invalid_argument("no SOA of the zone in the answer");
}

namespace detail {

class RefreshOp {
 public:
  RefreshOp(loop::EventBase& loop, net::DnsClient& dns, TransferLimiter& limiter, RefreshRequest req,
            XfrClient::Callback done)
      : loop_(loop), dns_(dns), limiter_(limiter), req_(std::move(req)), done_cb_(std::move(done)),
        later_(loop, [this] { on_later(); }) {}

  void start();
  void cancel() {
    done_ = true;
    call_.cancel();
    ticket_ = {};
    later_.cancel();
  }
  bool active() const { return !done_; }
  loop::EventBase& loop() { return loop_; }

 private:
  const Primary& primary() const { return req_.primaries[order_[pos_]]; }
  std::string where() const {
    return "zone " + req_.zone.to_text() + ": primary " + primary().address.to_string();
  }
  void start_primary();
  void send_soa_query();
  void on_soa_reply(Result<net::DnsReply> r);
  void up_to_date(dns::RrPtr soa);
  void start_transfer(uint16_t qtype);
  net::StreamStep on_message(std::span<const uint8_t> m);
  void on_stream_end(const net::StreamEnd& e);
  void succeed(Transfer t);
  void fail_primary(const char* step, Status s);
  void on_later();
  void finish();

  loop::EventBase& loop_;
  net::DnsClient& dns_;
  TransferLimiter& limiter_;
  RefreshRequest req_;
  XfrClient::Callback done_cb_;
  loop::Timer later_;
  bool done_ = false;
  std::vector<size_t> order_;  // primaries, preferred first
  size_t pos_ = 0;
  std::optional<uint32_t> our_serial_;
  // Per attempt.
  net::DnsCall call_;
  TransferLimiter::Ticket ticket_;
  bool edns_ = true;
  uint16_t id_ = 0;
  std::vector<uint8_t> mac_;
  uint16_t qtype_ = 0;
  std::unique_ptr<XfrReader> reader_;
  int64_t transfer_start_ms_ = 0;
  RefreshOutcome outcome_;
};

void RefreshOp::start() {
  if (req_.primaries.empty()) {
    outcome_.status = Status::invalid_argument("zone " + req_.zone.to_text() + ": no primaries");
    later_.start_once(0);  // never call back before refresh() returns
    return;
  }
  if (req_.our_soa) {
    if (ldns_rr_get_type(req_.our_soa.get()) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(req_.our_soa.get()) != 7) {
      outcome_.status = Status::invalid_argument("zone " + req_.zone.to_text() + ": our SOA is not an SOA record");
      later_.start_once(0);
      return;
    }
    our_serial_ = serial_of(req_.our_soa.get());
  }
  if (req_.preferred_primary && *req_.preferred_primary < req_.primaries.size()) {
    order_.push_back(*req_.preferred_primary);
  }
  for (size_t i = 0; i < req_.primaries.size(); ++i) {
    if (order_.empty() || order_[0] != i) order_.push_back(i);
  }
  start_primary();
}

void RefreshOp::on_later() { finish(); }

void RefreshOp::start_primary() {
  if (pos_ >= order_.size()) {
    std::string m = "zone " + req_.zone.to_text() + ": every primary failed";
    for (const auto& f : outcome_.failures) {
      m += "; " + req_.primaries[f.primary].address.to_string() + ": " + f.step + ": " + f.status.message();
    }
    outcome_.status = Status::unavailable(m);
    finish();
    return;
  }
  edns_ = req_.options.edns_udp_size != 0;
  send_soa_query();
}

void RefreshOp::send_soa_query() {
  const Primary& p = primary();
  id_ = random_id();
  auto q = build_soa_query(req_.zone, id_, edns_ ? req_.options.edns_udp_size : 0);
  mac_.clear();
  if (p.key) {
    auto mac = dns::tsig_sign_request(q, *p.key, loop_.clock());
    if (!mac.ok()) {
      fail_primary("SOA query", mac.status());
      return;
    }
    mac_ = std::move(*mac);
  }
  net::DnsCallOptions opt;
  opt.source = p.source;
  opt.udp_tries = req_.options.soa_udp_tries;
  opt.udp_timeout_ms = req_.options.soa_udp_timeout_ms;
  opt.connect_timeout_ms = req_.options.connect_timeout_ms;
  opt.idle_timeout_ms = req_.options.soa_timeout_ms;
  opt.total_timeout_ms = req_.options.soa_timeout_ms;
  call_ = dns_.query(p.address, std::move(q), opt, [this](Result<net::DnsReply> r) { on_soa_reply(std::move(r)); });
}

void RefreshOp::on_soa_reply(Result<net::DnsReply> r) {
  if (!r.ok()) {
    fail_primary("SOA query", r.status());
    return;
  }
  const Primary& p = primary();
  auto soa = check_soa_reply(r->wire, req_.zone, p.key.get(), mac_, loop_.clock());
  if (!soa.ok()) {
    auto h = dns::read_header(r->wire);
    if (edns_ && h && h->rcode() == dns::kFormErr) {
      // An old server that does not understand EDNS: ask again without it (as BIND does).
      log::notice("%s: FORMERR to the SOA query with EDNS, retrying without", where().c_str());
      edns_ = false;
      send_soa_query();
      return;
    }
    fail_primary("SOA query", soa.status());
    return;
  }
  uint32_t s = serial_of(soa->get());
  outcome_.primary_serial = s;
  if (our_serial_ && !req_.force_axfr) {
    if (s == *our_serial_) {
      up_to_date(std::move(*soa));
      return;
    }
    if (!dns::serial_gt(s, *our_serial_)) {
      // Older, or exactly 2^31 away (undefined): never transfer on that (dns-protocol.md §5.9).
      log::warning("%s: primary serial went backwards: %u, ours is %u (zone left as it is)", where().c_str(), s,
                   *our_serial_);
      outcome_.serial_went_backwards = true;
      up_to_date(std::move(*soa));
      return;
    }
  }
  uint16_t qtype = our_serial_ && !req_.force_axfr ? kTypeIxfr : kTypeAxfr;
  ticket_ = limiter_.acquire(p.address, [this, qtype] { start_transfer(qtype); });
}

void RefreshOp::up_to_date(dns::RrPtr soa) {
  log::debug("%s: serial %u, up to date", where().c_str(), outcome_.primary_serial);
  Transfer t;
  t.kind = Transfer::Kind::kUpToDate;
  t.serial = outcome_.primary_serial;
  t.soa = std::move(soa);
  t.records.reset(ldns_rr_list_new());
  outcome_.method = RefreshOutcome::Method::kNone;
  outcome_.transfer = std::move(t);
  outcome_.primary = order_[pos_];
  outcome_.primary_address = primary().address;
  outcome_.status = Status();
  finish();
}

void RefreshOp::start_transfer(uint16_t qtype) {
  const Primary& p = primary();
  qtype_ = qtype;
  const char* step = qtype == kTypeIxfr ? "IXFR" : "AXFR";
  id_ = random_id();
  auto wire = build_xfr_request(req_.zone, qtype, id_, qtype == kTypeIxfr ? req_.our_soa.get() : nullptr);
  if (!wire.ok()) {
    fail_primary(step, wire.status());
    return;
  }
  mac_.clear();
  if (p.key) {
    auto mac = dns::tsig_sign_request(*wire, *p.key, loop_.clock());
    if (!mac.ok()) {
      fail_primary(step, mac.status());
      return;
    }
    mac_ = std::move(*mac);
  }
  XfrQuery xq;
  xq.zone = req_.zone;
  xq.qtype = qtype;
  xq.id = id_;
  xq.our_serial = our_serial_.value_or(0);
  xq.key = p.key;
  xq.request_mac = mac_;
  reader_ = std::make_unique<XfrReader>(std::move(xq), loop_.clock());
  net::DnsCallOptions opt;
  opt.source = p.source;
  opt.connect_timeout_ms = req_.options.connect_timeout_ms;
  opt.idle_timeout_ms = req_.options.idle_timeout_ms;
  opt.total_timeout_ms = req_.options.transfer_timeout_ms;
  opt.max_message_size = req_.options.max_message_size;
  opt.max_stream_bytes = req_.options.max_transfer_bytes;
  transfer_start_ms_ = loop_.now_ms();
  call_ = dns_.stream(
      p.address, std::move(*wire), opt, [this](std::span<const uint8_t> m) { return on_message(m); },
      [this](const net::StreamEnd& e) { on_stream_end(e); });
}

net::StreamStep RefreshOp::on_message(std::span<const uint8_t> m) {
  Status s = reader_->add(m);
  if (!s.ok()) return net::StreamStep::abort(std::move(s));
  return reader_->complete() ? net::StreamStep::done() : net::StreamStep::more();
}

void RefreshOp::on_stream_end(const net::StreamEnd& e) {
  Status why;
  if (e.status.ok()) {
    auto t = reader_->take();
    if (t.ok()) {
      succeed(std::move(*t));
      return;
    }
    why = t.status();
  } else {
    // A clean EOF is the reader's to explain ("incomplete", "before the closing SOA").
    why = e.closed_by_peer ? reader_->end_of_stream() : e.status;
  }
  if (qtype_ == kTypeIxfr && !reader_->key_rejected()) {
    // dns-protocol.md §5.7: any IXFR failure falls back to AXFR on the same primary (the slot is kept).
    log::notice("%s: IXFR failed, falling back to AXFR: %s", where().c_str(), why.message().c_str());
    outcome_.failures.push_back({order_[pos_], "IXFR", why});
    outcome_.fell_back = true;
    outcome_.fallback_reason = why;
    start_transfer(kTypeAxfr);
    return;
  }
  fail_primary(qtype_ == kTypeIxfr ? "IXFR" : "AXFR", why);
}

void RefreshOp::succeed(Transfer t) {
  outcome_.method = qtype_ == kTypeIxfr ? RefreshOutcome::Method::kIxfr : RefreshOutcome::Method::kAxfr;
  if (our_serial_ && dns::serial_lt(t.serial, *our_serial_)) outcome_.serial_went_backwards = true;
  size_t records = ldns_rr_list_rr_count(t.records.get());
  for (const auto& d : t.deltas) {
    records += ldns_rr_list_rr_count(d.deleted.get()) + ldns_rr_list_rr_count(d.added.get());
  }
  std::string from = our_serial_ ? std::to_string(*our_serial_) : std::string("none");
  std::string kind = transfer_kind_name(t.kind);
  if (t.kind == Transfer::Kind::kIncremental) kind += " (" + std::to_string(t.deltas.size()) + " sequences)";
  log::info("%s: %s%s: serial %s -> %u, %s, %zu messages, %zu records, %zu octets, %lld ms%s", where().c_str(),
            method_name(outcome_.method), outcome_.fell_back ? " (after IXFR failed)" : "", from.c_str(), t.serial,
            kind.c_str(), t.messages, records, t.bytes, static_cast<long long>(loop_.now_ms() - transfer_start_ms_),
            t.signed_ ? ", TSIG verified" : "");
  outcome_.primary = order_[pos_];
  outcome_.primary_address = primary().address;
  outcome_.transfer = std::move(t);
  outcome_.status = Status();
  finish();
}

void RefreshOp::fail_primary(const char* step, Status s) {
  log::warning("%s: %s failed: %s", where().c_str(), step, s.message().c_str());
  outcome_.failures.push_back({order_[pos_], step, std::move(s)});
  // This primary is done with: give its transfer slot to the next zone in line.
  ticket_ = {};
  reader_.reset();
  outcome_.fell_back = false;
  outcome_.fallback_reason = Status();
  ++pos_;
  start_primary();
}

void RefreshOp::finish() {
  if (done_) return;
  cancel();
  auto cb = std::move(done_cb_);
  if (cb) cb(std::move(outcome_));
}

}  // namespace detail

RefreshCall::RefreshCall() noexcept = default;
RefreshCall::RefreshCall(std::unique_ptr<detail::RefreshOp> op) : op_(std::move(op)) {}
RefreshCall::RefreshCall(RefreshCall&&) noexcept = default;

RefreshCall& RefreshCall::operator=(RefreshCall&& o) noexcept {
  if (this != &o) {
    RefreshCall old(std::move(*this));
    op_ = std::move(o.op_);
  }
  return *this;
}

RefreshCall::~RefreshCall() {
  if (!op_) return;
  op_->cancel();
  loop::EventBase& loop = op_->loop();
  loop.defer_delete(std::move(op_));  // possibly inside its own callback
}

void RefreshCall::cancel() {
  if (op_) op_->cancel();
}

bool RefreshCall::active() const { return op_ && op_->active(); }

RefreshCall XfrClient::refresh(RefreshRequest request, Callback done) {
  auto op = std::make_unique<detail::RefreshOp>(loop_, dns_, limiter_, std::move(request), std::move(done));
  op->start();
  return RefreshCall(std::move(op));
}

}  // namespace r53d::xfr
