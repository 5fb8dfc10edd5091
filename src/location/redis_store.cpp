#include "location/redis_store.hpp"

#include <algorithm>
#include <functional>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include "location/binding_rules.hpp"
#include "location/codec.hpp"
#include "location/job_queue.hpp"

namespace parley::location {

namespace {

using Bindings = std::vector<Binding>;
using redis::Command;
using redis::Reply;

// Compare-and-set of one AOR's value: written only if the key still holds what the node read
// (ARGV[1], "" for an absent key — an encoded set is never empty). ARGV[2] is the new value, ""
// to delete; ARGV[3] the latest expiry (ms since the epoch) as the key's absolute TTL.
constexpr const char* kCompareAndSet = R"lua(
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
end
return 1
)lua";

struct ModifyJob {
  std::string aor;
  Store::Decide decide;
  Callback<Bindings> done;
  int attempts = 0;
};
using TaskJob = std::function<void(redis::Connection&)>;
using Job = std::variant<ModifyJob, TaskJob>;

StoreError from_redis(const std::string& why) { return unavailable(why); }

class Worker {
 public:
  Worker(redis::Address address, const RedisStoreOptions& options)
      : options_(options), connection_(std::move(address), options.timeouts) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Worker() { close(); }

  bool push(Job job) { return queue_.push(std::move(job)); }
  void close() {
    queue_.close();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

 private:
  void loop() {
    std::vector<Job> jobs;
    std::vector<ModifyJob> modifies;
    auto forever = std::chrono::steady_clock::now() + std::chrono::hours(24 * 365);
    while (queue_.take(jobs, 512, forever, options_.batch_delay)) {
      // In the order they came: runs of modifies are pipelined together, other work runs alone.
      for (auto& job : jobs) {
        if (auto* m = std::get_if<ModifyJob>(&job)) {
          modifies.push_back(std::move(*m));
          continue;
        }
        run_modifies(modifies);
        std::get<TaskJob>(job)(connection_);
      }
      run_modifies(modifies);
      jobs.clear();
    }
  }

  std::string key(const std::string& aor) const { return options_.key_prefix + "aor:" + aor; }

  // Rounds of: GET every AOR's value (pipelined), decide each, compare-and-set each (pipelined);
  // those that lost to another node's write go again. One AOR is in a round once, so two
  // modifies of one AOR queued together run one after the other.
  void run_modifies(std::vector<ModifyJob>& pending) {
    std::vector<ModifyJob> round, later;
    std::unordered_set<std::string> in_round;
    while (!pending.empty()) {
      round.clear();
      later.clear();
      in_round.clear();
      for (auto& job : pending) {
        if (in_round.insert(job.aor).second)
          round.push_back(std::move(job));
        else
          later.push_back(std::move(job));
      }
      pending.clear();
      run_round(round, pending);
      std::move(later.begin(), later.end(), std::back_inserter(pending));
    }
  }

  void run_round(std::vector<ModifyJob>& round, std::vector<ModifyJob>& retry) {
    auto fail_all = [&](const std::string& why) {
      for (auto& job : round) job.done(fail(from_redis(why)));
    };
    std::vector<Command> gets;
    gets.reserve(round.size());
    for (const auto& job : round) gets.push_back({"GET", key(job.aor)});
    auto values = connection_.pipeline(gets);
    if (!values) return fail_all(values.error());
    auto sha = connection_.script(kCompareAndSet);
    if (!sha) return fail_all(sha.error());

    std::vector<Command> sets;
    std::vector<std::size_t> set_of;  // index in round of each compare-and-set
    std::vector<Result<Bindings, StoreError>> results;
    results.reserve(round.size());
    auto now = Clock::now();
    for (std::size_t i = 0; i < round.size(); ++i) {
      auto& job = round[i];
      const Reply& value = (*values)[i];
      std::string old;
      Bindings current;
      if (value.type == Reply::Type::String) {
        old = value.text;
        auto decoded = codec::decode_bindings(old, job.aor);
        if (!decoded) {
          results.push_back(fail(from_redis("redis: unreadable value at " + key(job.aor))));
          continue;
        }
        current = std::move(*decoded);
        drop_expired(current, now);
      } else if (value.type != Reply::Type::Nil) {
        results.push_back(fail(from_redis("redis: GET " + key(job.aor) + ": " + value.text)));
        continue;
      }
      results.push_back(run_decide(job.decide, job.aor, current, now));
      if (!results.back()) continue;
      const Bindings& next = *results.back();
      TimePoint latest = TimePoint::min();
      for (const auto& b : next) latest = std::max(latest, b.expires);
      sets.push_back({"EVALSHA", *sha, "1", key(job.aor), std::move(old),
                      next.empty() ? std::string() : codec::encode_bindings(next),
                      std::to_string(next.empty() ? 0 : codec::to_millis(latest))});
      set_of.push_back(i);
    }
    std::vector<Reply> written;
    std::string write_error;
    if (!sets.empty()) {
      auto w = connection_.pipeline(sets);
      if (w)
        written = std::move(*w);
      else
        write_error = w.error();
    }
    std::size_t s = 0;
    for (std::size_t i = 0; i < round.size(); ++i) {
      auto& job = round[i];
      if (!results[i] || s >= set_of.size() || set_of[s] != i) {
        job.done(std::move(results[i]));
        continue;
      }
      const std::size_t n = s++;
      if (!write_error.empty()) {
        job.done(fail(from_redis(write_error)));
      } else if (written[n].type == Reply::Type::Integer && written[n].integer == 1) {
        job.done(std::move(results[i]));
      } else if (written[n].type == Reply::Type::Integer) {
        // Another node wrote this AOR between our read and our write: decide again.
        if (++job.attempts >= options_.max_attempts)
          job.done(fail(from_redis("redis: too many conflicting writes to " + job.aor)));
        else
          retry.push_back(std::move(job));
      } else {
        job.done(fail(from_redis("redis: " + written[n].text)));
      }
    }
  }

  RedisStoreOptions options_;
  redis::Connection connection_;
  JobQueue<Job> queue_;
  std::thread thread_;
};

class RedisStore final : public Store {
 public:
  RedisStore(redis::Address address, RedisStoreOptions options) : options_(std::move(options)) {
    int n = std::max(1, options_.io_threads);
    for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(address, options_));
  }
  ~RedisStore() override { close(); }

  void modify(std::string aor, Decide decide, Callback<Bindings> done) override {
    Worker& w = worker_for(aor);
    if (!w.push(ModifyJob{std::move(aor), std::move(decide), done}))
      done(fail(unavailable("store closed")));
  }

  void lookup(std::string aor, Callback<Bindings> done) override {
    auto k = aor_key(aor);
    task(worker_for(aor), done, [k, aor, done](redis::Connection& c) {
      auto r = c.pipeline({{"GET", k}});
      if (!r) return done(fail(from_redis(r.error())));
      const Reply& v = r->front();
      if (v.type == Reply::Type::Nil) return done(Bindings{});
      if (v.type != Reply::Type::String) return done(fail(from_redis("redis: GET: " + v.text)));
      auto decoded = codec::decode_bindings(v.text, aor);
      if (!decoded) return done(fail(from_redis("redis: unreadable value at " + k)));
      drop_expired(*decoded, Clock::now());
      done(std::move(*decoded));
    });
  }

  void list(std::string aor, Callback<Bindings> done) override {
    if (!aor.empty()) return lookup(std::move(aor), std::move(done));
    auto prefix = options_.key_prefix + "aor:";
    task(*workers_.front(), done, [prefix, done](redis::Connection& c) {
      auto values = scan_values(c, prefix);
      if (!values) return done(fail(from_redis(values.error())));
      Bindings all;
      auto now = Clock::now();
      for (auto& [key, value] : *values) {
        auto decoded = codec::decode_bindings(value, key.substr(prefix.size()));
        if (!decoded) continue;  // gone or unreadable: not a binding to list
        drop_expired(*decoded, now);
        std::move(decoded->begin(), decoded->end(), std::back_inserter(all));
      }
      done(std::move(all));
    });
  }

  void find_user(std::string username, std::string realm,
                 Callback<std::optional<User>> done) override {
    auto k = user_key(username, realm);
    task(worker_for(username), done, [k, done](redis::Connection& c) {
      auto r = c.pipeline({{"GET", k}});
      if (!r) return done(fail(from_redis(r.error())));
      const Reply& v = r->front();
      if (v.type == Reply::Type::Nil) return done(std::optional<User>());
      auto user = v.type == Reply::Type::String ? codec::decode_user(v.text) : std::nullopt;
      if (!user) return done(fail(from_redis("redis: unreadable user at " + k)));
      done(std::move(user));
    });
  }

  void put_user(User user, Callback<bool> done) override {
    auto k = user_key(user.username, user.realm);
    auto value = codec::encode_user(user);
    task(worker_for(user.username), done, [k, value, done](redis::Connection& c) {
      auto r = c.pipeline({{"SET", k, value}});
      if (!r) return done(fail(from_redis(r.error())));
      if (r->front().type == Reply::Type::Error)
        return done(fail(from_redis("redis: SET: " + r->front().text)));
      done(true);
    });
  }

  void remove_user(std::string username, std::string realm, Callback<bool> done) override {
    auto k = user_key(username, realm);
    task(worker_for(username), done, [k, done](redis::Connection& c) {
      auto r = c.pipeline({{"DEL", k}});
      if (!r) return done(fail(from_redis(r.error())));
      if (r->front().type != Reply::Type::Integer)
        return done(fail(from_redis("redis: DEL: " + r->front().text)));
      done(r->front().integer > 0);
    });
  }

  void list_users(Callback<std::vector<User>> done) override {
    auto prefix = options_.key_prefix + "user:";
    task(*workers_.front(), done, [prefix, done](redis::Connection& c) {
      auto values = scan_values(c, prefix);
      if (!values) return done(fail(from_redis(values.error())));
      std::vector<User> users;
      for (auto& [key, value] : *values)
        if (auto u = codec::decode_user(value)) users.push_back(std::move(*u));
      done(std::move(users));
    });
  }

  void close() override {
    for (auto& w : workers_) w->close();
  }

 private:
  std::string aor_key(const std::string& aor) const { return options_.key_prefix + "aor:" + aor; }
  std::string user_key(const std::string& username, const std::string& realm) const {
    std::string k = options_.key_prefix + "user:";
    codec::put_string(k, realm);
    codec::put_string(k, username);
    return k;
  }
  Worker& worker_for(const std::string& s) {
    return *workers_[std::hash<std::string>{}(s) % workers_.size()];
  }
  template <class T>
  static void task(Worker& w, const Callback<T>& done, TaskJob job) {
    if (!w.push(std::move(job))) done(fail(unavailable("store closed")));
  }

  // Every key under `prefix` with its value: SCAN, then MGET of each batch of keys. A key that
  // expires in between has no value and is left out.
  static Result<std::vector<std::pair<std::string, std::string>>, std::string> scan_values(
      redis::Connection& c, const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string cursor = "0";
    do {
      auto r = c.pipeline({{"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"}});
      if (!r) return fail(r.error());
      const Reply& page = r->front();
      if (page.type != Reply::Type::Array || page.elements.size() != 2)
        return fail("redis: SCAN: " + page.text);
      cursor = page.elements[0].text;
      const auto& keys = page.elements[1].elements;
      if (keys.empty()) continue;
      Command mget{"MGET"};
      for (const auto& k : keys) mget.push_back(k.text);
      auto v = c.pipeline({mget});
      if (!v) return fail(v.error());
      const Reply& got = v->front();
      if (got.type != Reply::Type::Array || got.elements.size() != keys.size())
        return fail("redis: MGET: " + got.text);
      for (std::size_t i = 0; i < keys.size(); ++i)
        if (got.elements[i].type == Reply::Type::String)
          out.emplace_back(keys[i].text, got.elements[i].text);
    } while (cursor != "0");
    return out;
  }

  RedisStoreOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace

Result<std::unique_ptr<Store>, std::string> make_redis_store(std::string_view spec,
                                                             RedisStoreOptions options) {
  auto address = redis::parse_spec(spec);
  if (!address) return fail(address.error());
  return std::unique_ptr<Store>(std::make_unique<RedisStore>(*address, std::move(options)));
}

}  // namespace parley::location
