// Location service: modify throughput of each store, and the memory one binding costs.
//
//   BM_Modify/<store>  — REGISTER-like modifies (read the AOR's bindings, decide, write one
//     binding), `kInFlight` at a time on distinct AORs, as a busy registrar issues them; an item
//     is one modify whose callback fired (for SQLite: committed, in group commits; for Redis:
//     written, over loopback to a redis-server the benchmark starts on a free port).
//   BM_MemoryStoreRssPerBinding — resident memory (RSS from /proc/self/statm) the memory store
//     adds for 100,000 AORs with one binding each, divided by 100,000.
//
//   cmake --preset release -B build/h-loc-rel && cmake --build build/h-loc-rel --target
//   bench_location build/h-loc-rel/bench/bench_location
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "location/memory_store.hpp"
#include "location/redis_store.hpp"
#include "location/sqlite_store.hpp"
#include "redis_server.hpp"

namespace {

using namespace parley::location;
using parley::Result;
using namespace std::chrono_literals;
using Bindings = std::vector<Binding>;

constexpr int kInFlight = 256;
constexpr int kAors = 10'000;

std::vector<std::string> aors(int n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i)
    out.push_back("sip:user" + std::to_string(100000 + i) + "@example.com");
  return out;
}

// A binding as a softphone registers it over UDP.
Binding typical_binding(const std::string& aor, int i) {
  Binding b;
  b.aor = aor;
  b.contact = "sip:user" + std::to_string(100000 + i) + "@192.0.2.44:5060";
  b.expires = Clock::now() + 3600s;
  b.call_id = "a84b4c76e66710-" + std::to_string(1000000 + i) + "@pc33.example.com";
  b.cseq = 1;
  b.source = "udp:192.0.2.44:5060";
  b.user_agent = "Linphone/5.2.0 (belle-sip/5.2.0)";
  return b;
}

// The registrar's usual decide: replace the contact's binding, keep the others.
Store::Decide register_one(Binding b) {
  return [b = std::move(b)](const Bindings& current, TimePoint) -> Result<Bindings, StoreError> {
    Bindings next;
    for (const auto& c : current)
      if (c.contact != b.contact) next.push_back(c);
    next.push_back(b);
    return next;
  };
}

class Latch {
 public:
  void reset(int n) {
    std::lock_guard lock(m_);
    left_ = n;
    failed_ = 0;
  }
  void done(bool ok) {
    std::lock_guard lock(m_);
    if (!ok) ++failed_;
    if (--left_ == 0) cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 60s, [this] { return left_ == 0; }) && failed_ == 0;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int left_ = 0, failed_ = 0;
};

void run_modifies(benchmark::State& state, Store& store) {
  auto names = aors(kAors);
  Latch latch;
  int next = 0;
  for (auto _ : state) {
    latch.reset(kInFlight);
    for (int i = 0; i < kInFlight; ++i) {
      int k = next++ % kAors;
      store.modify(names[k], register_one(typical_binding(names[k], k)),
                   [&latch](Result<Bindings, StoreError> r) { latch.done(r.has_value()); });
    }
    if (!latch.wait()) {
      state.SkipWithError("a modify failed or did not answer");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kInFlight);
  store.close();
}

void BM_Modify_memory(benchmark::State& state) {
  auto store = make_memory_store();
  run_modifies(state, *store);
}
BENCHMARK(BM_Modify_memory)->UseRealTime();

void BM_Modify_sqlite(benchmark::State& state) {
  char dir[] = "/tmp/parley-bench.XXXXXX";
  if (!::mkdtemp(dir)) return state.SkipWithError("mkdtemp");
  {
    auto store = make_sqlite_store(std::string(dir) + "/bench.db");
    if (!store) {
      state.SkipWithError(store.error().c_str());
    } else {
      run_modifies(state, **store);
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Modify_sqlite)->UseRealTime();

void BM_Modify_redis(benchmark::State& state) {
  parley::location::test::RedisServer redis;
  if (!redis.start()) return state.SkipWithError("redis-server did not start");
  auto store = make_redis_store(redis.spec());
  if (!store) return state.SkipWithError(store.error().c_str());
  run_modifies(state, **store);
}
BENCHMARK(BM_Modify_redis)->UseRealTime();

long rss_bytes() {
  long pages = 0, resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  std::fclose(f);
  return resident * ::sysconf(_SC_PAGESIZE);
}

void BM_MemoryStoreRssPerBinding(benchmark::State& state) {
  constexpr int kBindings = 100'000;
  auto names = aors(kBindings);
  for (auto _ : state) {
    ::malloc_trim(0);
    long before = rss_bytes();
    auto store = make_memory_store();
    for (int i = 0; i < kBindings; ++i)
      store->modify(names[i], register_one(typical_binding(names[i], i)),
                    [](Result<Bindings, StoreError>) {});
    long after = rss_bytes();
    state.counters["rss_per_binding_bytes"] =
        static_cast<double>(after - before) / static_cast<double>(kBindings);
    state.counters["bindings"] = kBindings;
    store->close();
  }
}
BENCHMARK(BM_MemoryStoreRssPerBinding)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
