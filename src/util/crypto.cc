// SHA-256 / HMAC-SHA256 / hex / constant-time compare on OpenSSL 3 EVP and EVP_MAC.
#include "util/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>

#include "util/c_ptr.h"

namespace r53d {
namespace {

using MdCtxPtr = CPtr<EVP_MD_CTX, &EVP_MD_CTX_free>;
using MacPtr = CPtr<EVP_MAC, &EVP_MAC_free>;
using MacCtxPtr = CPtr<EVP_MAC_CTX, &EVP_MAC_CTX_free>;

[[noreturn]] void die(const char* what) {
  // An EVP failure on SHA-256/HMAC means a broken OpenSSL installation; there is no way to
  // continue safely (signatures would be wrong), so stop loudly.
  std::fprintf(stderr, "fatal: OpenSSL %s failed\n", what);
  std::abort();
}

// Fetched once: EVP_MAC_fetch is comparatively expensive and the algorithm object is immutable.
EVP_MAC* hmac_alg() {
  static MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) die("EVP_MAC_fetch(HMAC)");
  return mac.get();
}

}  // namespace

std::string sha256(std::string_view data) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    die("SHA-256");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string sha256_hex(std::string_view data) { return hex_encode(sha256(data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  MacCtxPtr ctx(EVP_MAC_CTX_new(hmac_alg()));
  if (!ctx) die("EVP_MAC_CTX_new");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // An empty key is legal for HMAC; OpenSSL wants a non-null pointer.
  static const unsigned char kEmpty = 0;
  const unsigned char* k =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &len, sizeof out) != 1) {
    die("HMAC-SHA256");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace r53d
