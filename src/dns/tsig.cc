// TSIG (RFC 8945) on raw wire bytes with OpenSSL 3 EVP_MAC; see tsig.h for the contract.
#include "dns/tsig.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "util/base64.h"
#include "util/c_ptr.h"
#include "util/text.h"

namespace r53d::dns {
namespace {

using MacCtxPtr = CPtr<EVP_MAC_CTX, &EVP_MAC_CTX_free>;

struct AlgInfo {
  TsigAlgorithm alg;
  const char* token;      // BIND key-file / CLI token
  const char* wire_text;  // canonical wire name as text
  const char* digest;     // OpenSSL digest name
  size_t size;            // digest octets
};

constexpr AlgInfo kAlgs[] = {
    {TsigAlgorithm::kHmacMd5, "hmac-md5", "hmac-md5.sig-alg.reg.int.", "MD5", 16},
    {TsigAlgorithm::kHmacSha1, "hmac-sha1", "hmac-sha1.", "SHA1", 20},
    {TsigAlgorithm::kHmacSha224, "hmac-sha224", "hmac-sha224.", "SHA224", 28},
    {TsigAlgorithm::kHmacSha256, "hmac-sha256", "hmac-sha256.", "SHA256", 32},
    {TsigAlgorithm::kHmacSha384, "hmac-sha384", "hmac-sha384.", "SHA384", 48},
    {TsigAlgorithm::kHmacSha512, "hmac-sha512", "hmac-sha512.", "SHA512", 64},
};

const AlgInfo& info(TsigAlgorithm a) {
  for (const auto& i : kAlgs) {
    if (i.alg == a) return i;
  }
  return kAlgs[3];
}

EVP_MAC* hmac_impl() {
  // Fetched once and kept for the life of the process (OpenSSL 3 explicit fetch).
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// One HMAC computation. On any OpenSSL failure ok() turns false and final() returns nothing.
class Hmac {
 public:
  Hmac(TsigAlgorithm alg, std::span<const uint8_t> secret) : size_(info(alg).size) {
    EVP_MAC* impl = hmac_impl();
    if (!impl) return;
    ctx_.reset(EVP_MAC_CTX_new(impl));
    if (!ctx_) return;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(info(alg).digest), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx_.get(), secret.data(), secret.size(), params) != 1) ctx_.reset();
  }
  bool ok() const { return ctx_ != nullptr; }
  void update(std::span<const uint8_t> d) {
    if (ctx_ && !d.empty() && EVP_MAC_update(ctx_.get(), d.data(), d.size()) != 1) ctx_.reset();
  }
  void update_u16(uint16_t v) {
    const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    update(b);
  }
  std::vector<uint8_t> final() {
    if (!ctx_) return {};
    std::vector<uint8_t> out(size_);
    size_t len = 0;
    if (EVP_MAC_final(ctx_.get(), out.data(), &len, out.size()) != 1 || len != size_) return {};
    ctx_.reset();
    return out;
  }

 private:
  MacCtxPtr ctx_;
  size_t size_;
};

// The message as it was before the TSIG was added (RFC 8945 §4.3.1): ID := Original ID,
// ARCOUNT - 1, TSIG RR removed.
void hash_stripped(Hmac& h, std::span<const uint8_t> wire, size_t tsig_offset, uint16_t original_id) {
  uint8_t hdr[kHeaderSize];
  std::copy(wire.begin(), wire.begin() + kHeaderSize, hdr);
  hdr[0] = static_cast<uint8_t>(original_id >> 8);
  hdr[1] = static_cast<uint8_t>(original_id);
  uint16_t ar = static_cast<uint16_t>((hdr[10] << 8 | hdr[11]) - 1);
  hdr[10] = static_cast<uint8_t>(ar >> 8);
  hdr[11] = static_cast<uint8_t>(ar);
  h.update(hdr);
  h.update(wire.subspan(kHeaderSize, tsig_offset - kHeaderSize));
}

// TSIG variables (RFC 8945 §4.3.3).
void hash_variables(Hmac& h, std::span<const uint8_t> key_name, std::span<const uint8_t> alg, uint64_t time,
                    uint16_t fudge, uint16_t error, std::span<const uint8_t> other) {
  std::vector<uint8_t> v(key_name.begin(), key_name.end());
  put_u16(v, kClassAny);
  put_u32(v, 0);
  v.insert(v.end(), alg.begin(), alg.end());
  put_u48(v, time);
  put_u16(v, fudge);
  put_u16(v, error);
  put_u16(v, static_cast<uint16_t>(other.size()));
  v.insert(v.end(), other.begin(), other.end());
  h.update(v);
}

void hash_timers(Hmac& h, uint64_t time, uint16_t fudge) {
  std::vector<uint8_t> v;
  put_u48(v, time);
  put_u16(v, fudge);
  h.update(v);
}

void hash_prior_mac(Hmac& h, std::span<const uint8_t> mac) {
  h.update_u16(static_cast<uint16_t>(mac.size()));
  h.update(mac);
}

std::vector<uint8_t> build_tsig_rr(std::span<const uint8_t> key_name, std::span<const uint8_t> alg, uint64_t time,
                                   uint16_t fudge, std::span<const uint8_t> mac, uint16_t original_id,
                                   uint16_t error, std::span<const uint8_t> other) {
  std::vector<uint8_t> rd(alg.begin(), alg.end());
  put_u48(rd, time);
  put_u16(rd, fudge);
  put_u16(rd, static_cast<uint16_t>(mac.size()));
  rd.insert(rd.end(), mac.begin(), mac.end());
  put_u16(rd, original_id);
  put_u16(rd, error);
  put_u16(rd, static_cast<uint16_t>(other.size()));
  rd.insert(rd.end(), other.begin(), other.end());
  std::vector<uint8_t> rr(key_name.begin(), key_name.end());
  put_u16(rr, kTypeTsig);
  put_u16(rr, kClassAny);
  put_u32(rr, 0);
  put_u16(rr, static_cast<uint16_t>(rd.size()));
  rr.insert(rr.end(), rd.begin(), rd.end());
  return rr;
}

void append_rr(std::vector<uint8_t>& msg, const std::vector<uint8_t>& rr) {
  msg.insert(msg.end(), rr.begin(), rr.end());
  uint16_t ar = static_cast<uint16_t>((msg[10] << 8 | msg[11]) + 1);
  msg[10] = static_cast<uint8_t>(ar >> 8);
  msg[11] = static_cast<uint8_t>(ar);
}

uint16_t header_id(std::span<const uint8_t> msg) { return static_cast<uint16_t>(msg[0] << 8 | msg[1]); }

int64_t now_seconds(const Clock& clock) { return clock.wall_ms() / 1000; }

bool time_ok(int64_t now, uint64_t signed_at, uint16_t fudge) {
  int64_t t = static_cast<int64_t>(signed_at);
  return now >= t - fudge && now <= t + fudge;
}

bool mac_equal(std::span<const uint8_t> received, const std::vector<uint8_t>& computed) {
  return !computed.empty() && received.size() <= computed.size() &&
         CRYPTO_memcmp(received.data(), computed.data(), received.size()) == 0;
}

// Signs `msg` (no TSIG yet) and appends the TSIG; returns the MAC, empty on OpenSSL failure.
// `unsigned_before`: earlier unsigned messages of a stream, hashed between prior MAC and `msg`.
std::vector<uint8_t> sign_and_append(std::vector<uint8_t>& msg, const TsigKey& key,
                                     std::span<const uint8_t> prior_mac, bool have_prior, bool timers_only,
                                     std::span<const uint8_t> key_name, uint64_t time, uint16_t error,
                                     std::span<const uint8_t> other,
                                     std::span<const uint8_t> unsigned_before = {}) {
  auto alg = tsig_algorithm_wire(key.algorithm());
  Hmac h(key.algorithm(), key.secret());
  if (have_prior) hash_prior_mac(h, prior_mac);
  h.update(unsigned_before);
  h.update(msg);
  if (timers_only) {
    hash_timers(h, time, kTsigFudgeS);
  } else {
    hash_variables(h, key_name, alg, time, kTsigFudgeS, error, other);
  }
  auto mac = h.final();
  if (mac.empty()) return mac;
  append_rr(msg, build_tsig_rr(key_name, alg, time, kTsigFudgeS, mac, header_id(msg), error, other));
  return mac;
}

}  // namespace

Result<TsigAlgorithmSpec> parse_tsig_algorithm(std::string_view text) {
  std::string t = ascii_lower(text);
  if (!t.empty() && t.back() == '.') t.pop_back();
  if (t == "hmac-md5.sig-alg.reg.int") t = "hmac-md5";
  TsigAlgorithmSpec spec;
  std::string base = t;
  size_t bits = 0;
  // "-<bits>" suffix: the last '-' followed by digits only.
  size_t dash = t.rfind('-');
  if (dash != std::string::npos && dash + 1 < t.size() &&
      std::all_of(t.begin() + dash + 1, t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    base = t.substr(0, dash);
    if (t.size() - dash - 1 > 4) return Status::invalid_argument("bad MAC length in TSIG algorithm '" + t + "'");
    bits = std::stoul(t.substr(dash + 1));
  }
  for (const auto& i : kAlgs) {
    if (base == i.token) {
      spec.algorithm = i.alg;
      if (bits) {
        size_t octets = (bits + 7) / 8;
        if (octets > i.size || octets < tsig_min_mac_size(i.alg)) {
          return Status::invalid_argument("MAC length " + std::to_string(bits) + " bits is not allowed for " + i.token);
        }
        spec.mac_bits = bits;
      }
      return spec;
    }
  }
  return Status::invalid_argument("unknown TSIG algorithm '" + std::string(text) + "'");
}

std::optional<TsigAlgorithm> tsig_algorithm_from_wire(std::span<const uint8_t> name_wire) {
  std::string text = name_to_text(name_wire);
  for (const auto& i : kAlgs) {
    if (text == i.wire_text) return i.alg;
  }
  return std::nullopt;
}

const char* tsig_algorithm_name(TsigAlgorithm a) { return info(a).token; }

std::vector<uint8_t> tsig_algorithm_wire(TsigAlgorithm a) { return *name_from_text(info(a).wire_text); }

size_t tsig_digest_size(TsigAlgorithm a) { return info(a).size; }

size_t tsig_min_mac_size(TsigAlgorithm a) { return std::max<size_t>(10, (info(a).size + 1) / 2); }

// --- TsigKey ---------------------------------------------------------------------------------

Result<TsigKey> TsigKey::create(std::string_view name, std::string_view algorithm, std::string_view secret_base64) {
  auto wire = name_from_text(name);
  if (!wire.ok()) return Status::invalid_argument("bad key name '" + std::string(name) + "': " + wire.status().message());
  auto spec = parse_tsig_algorithm(algorithm);
  if (!spec.ok()) return spec.status();
  auto secret = base64_decode(secret_base64);
  if (!secret.ok()) return Status::invalid_argument("key " + name_to_text(*wire) + ": secret is not valid base64");
  if (secret->empty()) return Status::invalid_argument("key " + name_to_text(*wire) + ": empty secret");
  TsigKey k;
  k.name_wire_ = std::move(*wire);
  k.name_ = name_to_text(k.name_wire_);
  k.algorithm_ = spec->algorithm;
  k.required_mac_size_ = spec->mac_bits ? (spec->mac_bits + 7) / 8 : tsig_digest_size(spec->algorithm);
  k.secret_ = std::move(*secret);
  return k;
}

TsigKey::TsigKey(const TsigKey&) = default;
TsigKey& TsigKey::operator=(const TsigKey& o) {
  if (this != &o) {
    OPENSSL_cleanse(secret_.data(), secret_.size());
    name_ = o.name_;
    name_wire_ = o.name_wire_;
    algorithm_ = o.algorithm_;
    required_mac_size_ = o.required_mac_size_;
    secret_ = o.secret_;
  }
  return *this;
}
TsigKey::TsigKey(TsigKey&&) noexcept = default;
TsigKey& TsigKey::operator=(TsigKey&& o) noexcept {
  if (this != &o) {
    OPENSSL_cleanse(secret_.data(), secret_.size());
    name_ = std::move(o.name_);
    name_wire_ = std::move(o.name_wire_);
    algorithm_ = o.algorithm_;
    required_mac_size_ = o.required_mac_size_;
    secret_ = std::move(o.secret_);
  }
  return *this;
}
TsigKey::~TsigKey() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

std::string TsigKey::debug_string() const {
  std::string alg = tsig_algorithm_name(algorithm_);
  if (required_mac_size_ != tsig_digest_size(algorithm_)) alg += "-" + std::to_string(required_mac_size_ * 8);
  return "key \"" + name_ + "\" " + alg + " (secret: " + std::to_string(secret_.size()) + " octets, redacted)";
}

// --- TsigKeyRing -----------------------------------------------------------------------------

Status TsigKeyRing::add(TsigKey key) {
  auto name = key.name_wire();
  if (keys_.count(name)) return Status::already_exists("duplicate TSIG key " + key.name());
  keys_.emplace(std::move(name), std::make_shared<const TsigKey>(std::move(key)));
  return {};
}

std::shared_ptr<const TsigKey> TsigKeyRing::find(std::span<const uint8_t> name_wire) const {
  auto it = keys_.find(std::vector<uint8_t>(name_wire.begin(), name_wire.end()));
  return it == keys_.end() ? nullptr : it->second;
}

std::shared_ptr<const TsigKey> TsigKeyRing::find(std::string_view name) const {
  auto wire = name_from_text(name);
  return wire.ok() ? find(*wire) : nullptr;
}

// --- Parsing ----------------------------------------------------------------------------------

Result<TsigRecord> parse_tsig_record(std::span<const uint8_t> wire, const RrPos& rr) {
  if (rr.rclass != kClassAny || rr.ttl != 0) return Status::invalid_argument("TSIG record with class not ANY or TTL not 0");
  TsigRecord rec;
  rec.rr_offset = rr.offset;
  WireReader owner(wire, rr.offset);
  rec.key_name = owner.name_canonical();
  // RDATA is read from a view ending at RDATA's end so nothing can run past RDLENGTH; the
  // algorithm name may still be compressed (pointing back into the message).
  WireReader r(wire.first(rr.end), rr.rdata_offset);
  rec.algorithm = r.name_canonical();
  rec.time_signed = r.u48();
  rec.fudge = r.u16();
  uint16_t mac_size = r.u16();
  rec.mac = r.bytes(mac_size);
  rec.original_id = r.u16();
  rec.error = r.u16();
  uint16_t other_len = r.u16();
  rec.other = r.bytes(other_len);
  if (!owner.ok() || !r.ok() || r.pos() != rr.end) return Status::invalid_argument("malformed TSIG RDATA");
  return rec;
}

// --- Server side -------------------------------------------------------------------------------

const char* tsig_result_name(TsigResult r) {
  switch (r) {
    case TsigResult::kUnsigned: return "UNSIGNED";
    case TsigResult::kOk: return "OK";
    case TsigResult::kFormErr: return "FORMERR";
    case TsigResult::kBadKey: return "BADKEY";
    case TsigResult::kBadSig: return "BADSIG";
    case TsigResult::kBadTime: return "BADTIME";
    case TsigResult::kBadTrunc: return "BADTRUNC";
  }
  return "?";
}

uint16_t TsigVerification::rcode() const {
  switch (result) {
    case TsigResult::kUnsigned:
    case TsigResult::kOk: return kNoError;
    case TsigResult::kFormErr: return kFormErr;
    default: return kNotAuth;
  }
}

uint16_t TsigVerification::tsig_error() const {
  switch (result) {
    case TsigResult::kBadKey: return kTsigBadKey;
    case TsigResult::kBadSig: return kTsigBadSig;
    case TsigResult::kBadTime: return kTsigBadTime;
    case TsigResult::kBadTrunc: return kTsigBadTrunc;
    // BIND answers an illegal MAC size with FORMERR plus an unsigned TSIG carrying BADSIG.
    case TsigResult::kFormErr: return mac_verified ? kTsigNoError : kTsigBadSig;
    default: return kTsigNoError;
  }
}

bool TsigVerification::has_reply_tsig() const {
  if (mac_verified) return true;
  if (!record) return false;
  return result == TsigResult::kBadKey || result == TsigResult::kBadSig || result == TsigResult::kFormErr;
}

TsigVerification tsig_verify_request(std::span<const uint8_t> wire, const MessageScan& scan, const TsigKeyRing& ring,
                                     const Clock& clock) {
  TsigVerification v;
  v.now_s = now_seconds(clock);
  if (!scan.tsig) return v;
  auto rec = parse_tsig_record(wire, *scan.tsig);
  if (!rec.ok()) {
    v.result = TsigResult::kFormErr;
    v.reason = rec.status().message();
    return v;
  }
  v.record = std::move(*rec);
  const TsigRecord& r = *v.record;
  std::string key_text = name_to_text(r.key_name);
  // 1. Key: known name, supported algorithm, and the key's own algorithm (ldns limitation 2).
  auto key = ring.find(r.key_name);
  if (!key) {
    v.result = TsigResult::kBadKey;
    v.reason = "unknown TSIG key " + key_text;
    return v;
  }
  auto alg = tsig_algorithm_from_wire(r.algorithm);
  if (!alg) {
    v.result = TsigResult::kBadKey;
    v.reason = "unsupported TSIG algorithm " + name_to_text(r.algorithm) + " for key " + key_text;
    return v;
  }
  if (*alg != key->algorithm()) {
    v.result = TsigResult::kBadKey;
    v.reason = "key " + key_text + " is known with algorithm " + tsig_algorithm_name(key->algorithm()) +
               ", request used " + tsig_algorithm_name(*alg);
    return v;
  }
  // 2. MAC size (RFC 8945 §5.2.2.1), then the MAC itself.
  size_t digest = tsig_digest_size(*alg);
  if (r.mac.size() > digest || (!r.mac.empty() && r.mac.size() < tsig_min_mac_size(*alg))) {
    v.result = TsigResult::kFormErr;
    v.reason = "illegal MAC size " + std::to_string(r.mac.size()) + " for " + tsig_algorithm_name(*alg) +
               " (key " + key_text + ")";
    return v;
  }
  if (r.mac.empty()) {
    v.result = TsigResult::kBadSig;
    v.reason = "empty MAC (key " + key_text + ")";
    return v;
  }
  Hmac h(*alg, key->secret());
  hash_stripped(h, wire, r.rr_offset, r.original_id);
  hash_variables(h, r.key_name, r.algorithm, r.time_signed, r.fudge, r.error, r.other);
  auto computed = h.final();
  if (!mac_equal(r.mac, computed)) {
    v.result = TsigResult::kBadSig;
    v.reason = computed.empty() ? "HMAC computation failed (key " + key_text + ")" : "bad MAC (key " + key_text + ")";
    return v;
  }
  // From here on the request is authentic: replies are signed.
  v.mac_verified = true;
  v.key = key;
  // 3. Time (RFC 8945 §5.2.3), with the request's own fudge.
  if (!time_ok(v.now_s, r.time_signed, r.fudge)) {
    v.result = TsigResult::kBadTime;
    v.reason = "time signed " + std::to_string(r.time_signed) + " is outside server time " + std::to_string(v.now_s) +
               " +- " + std::to_string(r.fudge) + " s (key " + key_text + ")";
    return v;
  }
  // 4. Truncation policy.
  if (r.mac.size() < key->required_mac_size()) {
    v.result = TsigResult::kBadTrunc;
    v.reason = "MAC truncated to " + std::to_string(r.mac.size()) + " octets, key " + key_text + " requires " +
               std::to_string(key->required_mac_size());
    return v;
  }
  // A request carries no TSIG error (ldns limitation 7).
  if (r.error != 0) {
    v.result = TsigResult::kFormErr;
    v.reason = "request TSIG has error field " + std::to_string(r.error) + " (key " + key_text + ")";
    return v;
  }
  v.result = TsigResult::kOk;
  return v;
}

size_t tsig_reply_size(const TsigVerification& v) {
  if (!v.has_reply_tsig()) return 0;
  const TsigRecord& r = *v.record;
  size_t mac = v.mac_verified ? tsig_digest_size(v.key->algorithm()) : 0;
  size_t alg = v.mac_verified ? tsig_algorithm_wire(v.key->algorithm()).size() : r.algorithm.size();
  size_t other = v.result == TsigResult::kBadTime ? 6 : 0;
  return r.key_name.size() + 10 + alg + 6 + 2 + 2 + mac + 2 + 2 + 2 + other;
}

Status tsig_sign_reply(std::vector<uint8_t>& reply, const TsigVerification& v, const Clock& clock) {
  if (!v.has_reply_tsig()) return {};
  if (reply.size() < kHeaderSize) return Status::invalid_argument("reply shorter than a DNS header");
  const TsigRecord& r = *v.record;
  uint64_t now = static_cast<uint64_t>(now_seconds(clock));
  if (!v.mac_verified) {
    // BADKEY/BADSIG: the request is not authentic, so the reply must not be signed (RFC 8945 §5.3.2).
    append_rr(reply, build_tsig_rr(r.key_name, r.algorithm, now, kTsigFudgeS, {}, header_id(reply), v.tsig_error(), {}));
    return {};
  }
  std::vector<uint8_t> other;
  uint64_t time = now;
  if (v.result == TsigResult::kBadTime) {
    time = r.time_signed;  // the client can check the reply against its own clock (BIND does the same)
    put_u48(other, now);
  }
  auto mac = sign_and_append(reply, *v.key, r.mac, true, false, r.key_name, time, v.tsig_error(), other);
  if (mac.empty()) return Status::internal("TSIG: HMAC computation failed");
  return {};
}

Status TsigStreamSigner::sign(std::vector<uint8_t>& msg, const Clock& clock) {
  if (!v_.mac_verified || v_.result != TsigResult::kOk) return tsig_sign_reply(msg, v_, clock);
  if (msg.size() < kHeaderSize) return Status::invalid_argument("message shorter than a DNS header");
  const TsigRecord& r = *v_.record;
  uint64_t now = static_cast<uint64_t>(now_seconds(clock));
  std::vector<uint8_t> mac;
  if (first_) {
    mac = sign_and_append(msg, *v_.key, r.mac, true, false, r.key_name, now, 0, {});
  } else {
    mac = sign_and_append(msg, *v_.key, prior_mac_, true, true, r.key_name, now, 0, {}, pending_);
  }
  pending_.clear();
  if (mac.empty()) return Status::internal("TSIG: HMAC computation failed");
  prior_mac_ = std::move(mac);
  first_ = false;
  return {};
}

// --- Client side -------------------------------------------------------------------------------

Result<std::vector<uint8_t>> tsig_sign_request(std::vector<uint8_t>& msg, const TsigKey& key, const Clock& clock) {
  if (msg.size() < kHeaderSize) return Status::invalid_argument("message shorter than a DNS header");
  auto mac = sign_and_append(msg, key, {}, false, false, key.name_wire(),
                             static_cast<uint64_t>(now_seconds(clock)), 0, {});
  if (mac.empty()) return Status::internal("TSIG: HMAC computation failed");
  return mac;
}

namespace {

// Checks a signed message's TSIG against `key`; `h` already holds the prior MAC (and any unsigned
// messages). Returns the received MAC on success.
Result<std::vector<uint8_t>> verify_signed(Hmac& h, std::span<const uint8_t> msg, const MessageScan& scan,
                                           const TsigKey& key, bool timers_only, const Clock& clock) {
  auto rec = parse_tsig_record(msg, *scan.tsig);
  if (!rec.ok()) return rec.status();
  if (rec->key_name != key.name_wire()) return Status::permission_denied("reply signed with another key " + name_to_text(rec->key_name));
  auto alg = tsig_algorithm_from_wire(rec->algorithm);
  if (!alg || *alg != key.algorithm()) return Status::permission_denied("reply signed with another algorithm " + name_to_text(rec->algorithm));
  if (rec->mac.empty()) {
    return Status::permission_denied(std::string("server answered TSIG error ") +
                                     (rec->error == kTsigBadKey ? "BADKEY" : rec->error == kTsigBadSig ? "BADSIG" : std::to_string(rec->error)) +
                                     " (unsigned)");
  }
  if (rec->mac.size() != tsig_digest_size(*alg)) return Status::permission_denied("reply MAC is truncated");
  hash_stripped(h, msg, rec->rr_offset, rec->original_id);
  if (timers_only) {
    hash_timers(h, rec->time_signed, rec->fudge);
  } else {
    hash_variables(h, rec->key_name, rec->algorithm, rec->time_signed, rec->fudge, rec->error, rec->other);
  }
  if (!mac_equal(rec->mac, h.final())) return Status::permission_denied("bad MAC in reply");
  if (rec->error == kTsigBadTime) {
    WireReader o(rec->other);
    uint64_t server = o.u48();
    return Status::permission_denied("BADTIME: server time " + (o.ok() ? std::to_string(server) : std::string("?")));
  }
  if (rec->error != 0) return Status::permission_denied("server answered TSIG error " + std::to_string(rec->error));
  if (!time_ok(now_seconds(clock), rec->time_signed, rec->fudge)) return Status::permission_denied("reply time outside fudge");
  return std::move(rec->mac);
}

}  // namespace

Status tsig_verify_reply(std::span<const uint8_t> reply, const TsigKey& key, std::span<const uint8_t> request_mac,
                         const Clock& clock) {
  auto scan = scan_message(reply);
  if (!scan.ok()) return scan.status();
  if (!scan->tsig) return Status::permission_denied("reply not signed");
  Hmac h(key.algorithm(), key.secret());
  hash_prior_mac(h, request_mac);
  auto mac = verify_signed(h, reply, *scan, key, false, clock);
  return mac.ok() ? Status() : mac.status();
}

struct TsigStreamVerifier::State {
  explicit State(const TsigKey& k) : hmac(k.algorithm(), k.secret()) {}
  Hmac hmac;
};

TsigStreamVerifier::TsigStreamVerifier(std::shared_ptr<const TsigKey> key, std::vector<uint8_t> request_mac)
    : key_(std::move(key)), prior_mac_(std::move(request_mac)) {
  state_ = std::make_unique<State>(*key_);
  hash_prior_mac(state_->hmac, prior_mac_);
}

TsigStreamVerifier::~TsigStreamVerifier() = default;

Status TsigStreamVerifier::add(std::span<const uint8_t> msg, const Clock& clock) {
  auto scan = scan_message(msg);
  if (!scan.ok()) return scan.status();
  if (!scan->tsig) {
    if (first_) return Status::permission_denied("first message of the reply is not signed");
    if (++unsigned_run_ > 99) return Status::permission_denied("more than 99 unsigned messages in a row");
    state_->hmac.update(msg);  // RFC 8945 §5.3.1: unsigned messages are part of the next digest
    last_signed_ = false;
    return {};
  }
  auto mac = verify_signed(state_->hmac, msg, *scan, *key_, !first_, clock);
  if (!mac.ok()) return mac.status();
  prior_mac_ = std::move(*mac);
  state_ = std::make_unique<State>(*key_);
  hash_prior_mac(state_->hmac, prior_mac_);
  first_ = false;
  unsigned_run_ = 0;
  last_signed_ = true;
  return {};
}

Status TsigStreamVerifier::finish() const {
  if (!last_signed_) return Status::permission_denied("last message of the reply is not signed");
  return {};
}

}  // namespace r53d::dns
