#include "auth/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cassert>

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

const EVP_MD* evp(DigestAlgorithm a) {
  switch (base_algorithm(a)) {
    case DigestAlgorithm::Md5:
      return EVP_md5();
    case DigestAlgorithm::Sha256:
      return EVP_sha256();
    case DigestAlgorithm::Sha512_256:
      return EVP_sha512_256();
    default:
      return nullptr;
  }
}

// Hashes the pieces as if joined by ':' without building the joined string.
template <std::size_t N>
std::string hash_joined(DigestAlgorithm a, const std::array<std::string_view, N>& parts) {
  const EVP_MD* md = evp(a);
  assert(md != nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) EVP_DigestUpdate(ctx, ":", 1);
    EVP_DigestUpdate(ctx, parts[i].data(), parts[i].size());
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
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
