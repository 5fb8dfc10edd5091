#include "auth/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cassert>
#include <memory>

namespace parley::auth {

bool supported(DigestAlgorithm a) { return a != DigestAlgorithm::Other; }

DigestAlgorithm base_algorithm(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::Md5Sess:
      return DigestAlgorithm::Md5;
    case DigestAlgorithm::Sha256Sess:
      return DigestAlgorithm::Sha256;
    case DigestAlgorithm::Sha512_256Sess:
      return DigestAlgorithm::Sha512_256;
    default:
      return a;
  }
}

bool is_session(DigestAlgorithm a) { return base_algorithm(a) != a; }

namespace {

// Named by EVP_md5() and the like, an algorithm is looked up in OpenSSL 3's providers again by
// every EVP_DigestInit_ex (an "implicit fetch", most of the cost of hashing a few short strings);
// each is fetched once here instead, and kept for the life of the process.
const EVP_MD* fetched(const char* name, const EVP_MD* legacy) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md != nullptr ? md : legacy;
}

const EVP_MD* evp(DigestAlgorithm a) {
  switch (base_algorithm(a)) {
    case DigestAlgorithm::Md5: {
      static const EVP_MD* const md = fetched("MD5", EVP_md5());
      return md;
    }
    case DigestAlgorithm::Sha256: {
      static const EVP_MD* const md = fetched("SHA2-256", EVP_sha256());
      return md;
    }
    case DigestAlgorithm::Sha512_256: {
      static const EVP_MD* const md = fetched("SHA2-512/256", EVP_sha512_256());
      return md;
    }
    default:
      return nullptr;
  }
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Hashes the pieces as if joined by ':' without building the joined string. One context per
// thread, reinitialised for each hash.
template <std::size_t N>
std::string hash_joined(DigestAlgorithm a, const std::array<std::string_view, N>& parts) {
  const EVP_MD* md = evp(a);
  assert(md != nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> owned(EVP_MD_CTX_new());
  EVP_MD_CTX* ctx = owned.get();
  EVP_DigestInit_ex2(ctx, md, nullptr);
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) EVP_DigestUpdate(ctx, ":", 1);
    EVP_DigestUpdate(ctx, parts[i].data(), parts[i].size());
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * len, '\0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::string hash_hex(DigestAlgorithm a, std::string_view data) { return hash_joined<1>(a, {data}); }

std::string ha1(DigestAlgorithm a, std::string_view username, std::string_view realm,
                std::string_view password) {
  return hash_joined<3>(a, {username, realm, password});
}

std::string request_digest(const DigestInput& in) {
  std::string session;
  std::string_view ha1 = in.ha1;
  if (is_session(in.algorithm)) {
    session = hash_joined<3>(in.algorithm, {in.ha1, in.nonce, in.cnonce});
    ha1 = session;
  }
  std::string ha2 =
      in.qop == "auth-int"
          ? hash_joined<3>(in.algorithm, {in.method, in.uri, hash_hex(in.algorithm, in.body)})
          : hash_joined<2>(in.algorithm, {in.method, in.uri});
  if (in.qop.empty()) return hash_joined<3>(in.algorithm, {ha1, in.nonce, ha2});
  return hash_joined<6>(in.algorithm, {ha1, in.nonce, in.nc, in.cnonce, in.qop, ha2});
}

std::string response_auth(DigestInput in) {
  in.method = {};
  return request_digest(in);
}

bool digest_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]) | 0x20;  // hex digits and letters: lower
    unsigned char y = static_cast<unsigned char>(b[i]) | 0x20;
    diff |= x ^ y;
  }
  return diff == 0;
}

}  // namespace parley::auth
