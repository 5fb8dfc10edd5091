// Digest arithmetic of the server, per call on one core: what a registration with digest costs
// the server beyond its two transactions.
//
//   BM_Challenge/<n>      — challenges(): a fresh nonce (HMAC-SHA256) and n challenge values
//   BM_NonceCheck         — nonce_issued(): the nonce's HMAC recomputed and compared
//   BM_RequestDigest/<a>  — request_digest() with qop=auth: HA2 and the response hash (a = MD5,
//                           SHA-256), what verify() computes per request and again for rspauth
//
//   cmake --build build/release --target bench_auth && build/release/bench/bench_auth
#include <benchmark/benchmark.h>

#include "auth/digest.hpp"
#include "auth/server.hpp"

namespace {

using namespace parley::auth;
using parley::message::DigestAlgorithm;

constexpr std::string_view kRealm = "example.com";
constexpr std::string_view kSource = "192.0.2.7";

void BM_Challenge(benchmark::State& state) {
  DigestServerConfig config;
  if (state.range(0) == 1) config.algorithms = {DigestAlgorithm::Md5};
  DigestServer server(config);
  auto now = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(server.challenges(kRealm, kSource, now));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Challenge)->Arg(1)->Arg(2);

void BM_NonceCheck(benchmark::State& state) {
  DigestServer server;
  std::string nonce = server.make_nonce(kRealm, kSource, std::chrono::steady_clock::now());
  for (auto _ : state) {
    auto issued = server.nonce_issued(nonce, kRealm, kSource);
    if (!issued) state.SkipWithError("our own nonce did not check");
    benchmark::DoNotOptimize(issued);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NonceCheck);

void BM_RequestDigest(benchmark::State& state) {
  auto algorithm = state.range(0) == 0 ? DigestAlgorithm::Md5 : DigestAlgorithm::Sha256;
  std::string h = ha1(algorithm, "alice", kRealm, "secret");
  DigestInput in;
  in.algorithm = algorithm;
  in.ha1 = h;
  in.nonce = "0000019a1b2c3d4e00000000000004d2f3a1c2b3d4e5f60718293a4b5c6d7e8f";
  in.cnonce = "0a4f113b";
  in.nc = "00000001";
  in.qop = "auth";
  in.method = "REGISTER";
  in.uri = "sip:example.com";
  for (auto _ : state) benchmark::DoNotOptimize(request_digest(in));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestDigest)->Arg(0)->Arg(1)->ArgName("sha256");

}  // namespace

BENCHMARK_MAIN();
