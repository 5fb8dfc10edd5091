#include "location/memory_store.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

#include "location/binding_rules.hpp"

namespace parley::location {

namespace {

constexpr std::size_t kShards = 64;

// Bindings are kept without their `aor` (the map's key holds it once) and in vectors of exact
// size: with 100,000 registered contacts that is most of the memory a binding costs.
struct Shard {
  std::mutex mutex;
  // A flat (Swiss) table: a lookup reads a group of control bytes and one slot, not a bucket and
  // a list of nodes, which at tens of thousands of AORs are cache misses each.
  absl::flat_hash_map<std::string, std::vector<Binding>> aors;
  // No binding of this shard expires before this: the sweeper skips the shard until then.
  TimePoint next_expiry = TimePoint::max();
};

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(MemoryStoreOptions options) : options_(options) {
    sweeper_ = std::thread([this] { sweep_loop(); });
  }
  ~MemoryStore() override { close(); }

  void modify(std::string aor, Decide decide, Callback<std::vector<Binding>> done) override {
    if (closed()) return done(fail(unavailable("store closed")));
    Shard& shard = shard_of(aor);
    auto now = Clock::now();
    Result<std::vector<Binding>, StoreError> next = fail(StoreError{});
    {
      std::lock_guard lock(shard.mutex);
      auto it = shard.aors.find(aor);
      std::vector<Binding> current;
      if (it != shard.aors.end()) current = with_aor(it->second, aor, now);
      next = run_decide(decide, aor, current, now);
      if (next) {
        if (next->empty()) {
          if (it != shard.aors.end()) shard.aors.erase(it);
        } else {
          std::vector<Binding> stored;
          stored.reserve(next->size());
          for (const auto& b : *next) {
            stored.push_back(b);
            stored.back().aor.clear();
            stored.back().aor.shrink_to_fit();
            if (b.expires < shard.next_expiry) shard.next_expiry = b.expires;
          }
          if (it != shard.aors.end())
            it->second = std::move(stored);
          else
            shard.aors.emplace(aor, std::move(stored));
        }
      }
    }
    done(std::move(next));
  }

  void lookup(std::string aor, Callback<std::vector<Binding>> done) override {
    if (closed()) return done(fail(unavailable("store closed")));
    Shard& shard = shard_of(aor);
    std::vector<Binding> found;
    {
      std::lock_guard lock(shard.mutex);
      if (auto it = shard.aors.find(aor); it != shard.aors.end())
        found = with_aor(it->second, aor, Clock::now());
    }
    done(std::move(found));
  }

  void list(std::string aor, Callback<std::vector<Binding>> done) override {
    if (!aor.empty()) return lookup(std::move(aor), std::move(done));
    if (closed()) return done(fail(unavailable("store closed")));
    std::vector<Binding> all;
    auto now = Clock::now();
    for (auto& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      for (const auto& [key, bindings] : shard.aors) {
        auto some = with_aor(bindings, key, now);
        std::move(some.begin(), some.end(), std::back_inserter(all));
      }
    }
    done(std::move(all));
  }

  void find_user(std::string username, std::string realm,
                 Callback<std::optional<User>> done) override {
    if (closed()) return done(fail(unavailable("store closed")));
    std::optional<User> found;
    {
      std::lock_guard lock(users_mutex_);
      auto it = users_.find(std::pair(std::move(username), std::move(realm)));
      if (it != users_.end()) found = it->second;
    }
    done(std::move(found));
  }

  void put_user(User user, Callback<bool> done) override {
    if (closed()) return done(fail(unavailable("store closed")));
    {
      std::lock_guard lock(users_mutex_);
      auto key = std::pair(user.username, user.realm);
      users_.insert_or_assign(std::move(key), std::move(user));
    }
    done(true);
  }

  void remove_user(std::string username, std::string realm, Callback<bool> done) override {
    if (closed()) return done(fail(unavailable("store closed")));
    bool existed = false;
    {
      std::lock_guard lock(users_mutex_);
      existed = users_.erase(std::pair(std::move(username), std::move(realm))) > 0;
    }
    done(existed);
  }

  void list_users(Callback<std::vector<User>> done) override {
    if (closed()) return done(fail(unavailable("store closed")));
    std::vector<User> all;
    {
      std::lock_guard lock(users_mutex_);
      for (const auto& [key, user] : users_) all.push_back(user);
    }
    std::sort(all.begin(), all.end(), [](const User& x, const User& y) {
      return std::tie(x.username, x.realm) < std::tie(y.username, y.realm);
    });
    done(std::move(all));
  }

  void close() override {
    {
      std::lock_guard lock(sweep_mutex_);
      if (closed_) return;
      closed_ = true;
    }
    sweep_wake_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
  }

 private:
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  Shard& shard_of(const std::string& aor) {
    return shards_[std::hash<std::string>{}(aor) % kShards];
  }

  static std::vector<Binding> with_aor(const std::vector<Binding>& stored, const std::string& aor,
                                       TimePoint now) {
    std::vector<Binding> out;
    out.reserve(stored.size());
    for (const auto& b : stored) {
      if (b.expires <= now) continue;
      out.push_back(b);
      out.back().aor = aor;
    }
    return out;
  }

  void sweep_loop() {
    std::unique_lock lock(sweep_mutex_);
    while (!closed_) {
      sweep_wake_.wait_for(lock, options_.sweep_interval, [this] { return closed_.load(); });
      if (closed_) break;
      lock.unlock();
      sweep(Clock::now());
      lock.lock();
    }
  }

  void sweep(TimePoint now) {
    std::size_t held = 0;
    for (auto& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      if (shard.next_expiry > now) {
        if (options_.on_sweep) held += count(shard);
        continue;
      }
      TimePoint next = TimePoint::max();
      for (auto it = shard.aors.begin(); it != shard.aors.end();) {
        auto& bindings = it->second;
        auto before = bindings.size();
        drop_expired(bindings, now);
        if (bindings.empty()) {
          shard.aors.erase(it++);
          continue;
        }
        if (bindings.size() != before) bindings.shrink_to_fit();
        for (const auto& b : bindings) next = std::min(next, b.expires);
        held += bindings.size();
        ++it;
      }
      shard.next_expiry = next;
    }
    if (options_.on_sweep) options_.on_sweep(held);
  }

  static std::size_t count(const Shard& shard) {
    std::size_t n = 0;
    for (const auto& [key, bindings] : shard.aors) n += bindings.size();
    return n;
  }

  MemoryStoreOptions options_;
  std::array<Shard, kShards> shards_;
  std::mutex users_mutex_;
  absl::flat_hash_map<std::pair<std::string, std::string>, User> users_;
  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  // Read without a lock on every call; written under sweep_mutex_ so the sweeper's wait sees it.
  std::atomic<bool> closed_ = false;
  std::thread sweeper_;
};

}  // namespace

std::unique_ptr<Store> make_memory_store(MemoryStoreOptions options) {
  return std::make_unique<MemoryStore>(options);
}

}  // namespace parley::location
