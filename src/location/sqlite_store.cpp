#include "location/sqlite_store.hpp"

#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "location/binding_rules.hpp"
#include "location/codec.hpp"
#include "location/job_queue.hpp"
#include "location/sqlite_db.hpp"

namespace parley::location {

namespace {

using sqlite::Database;
using sqlite::Error;
using sqlite::Statement;
using Bindings = std::vector<Binding>;

constexpr int kSchemaVersion = 1;

// Bindings keyed by (aor, pos): pos keeps the order decide gave them in. Times are milliseconds
// since the epoch (UTC). Path is a list of length-prefixed strings (codec.hpp).
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bindings(
  aor TEXT NOT NULL, pos INTEGER NOT NULL, contact TEXT NOT NULL, params TEXT NOT NULL,
  q INTEGER, expires INTEGER NOT NULL, call_id TEXT NOT NULL, cseq INTEGER NOT NULL,
  path TEXT NOT NULL, source TEXT NOT NULL, user_agent TEXT NOT NULL,
  PRIMARY KEY(aor, pos)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bindings_by_expiry ON bindings(expires);
CREATE TABLE IF NOT EXISTS users(
  username TEXT NOT NULL, realm TEXT NOT NULL, ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL,
  ha1_sha512_256 TEXT NOT NULL, PRIMARY KEY(username, realm)) WITHOUT ROWID;
)sql";

constexpr const char* kBindingColumns =
    "aor, contact, params, q, expires, call_id, cseq, path, source, user_agent";

// A connection with the statements its thread uses, prepared once.
struct Connection {
  Database db;
  Statement select_bindings, delete_bindings, insert_binding, delete_expired, select_all;
  Statement select_user, upsert_user, delete_user, select_users;
  // The writer's round: prepared once, where sqlite3_exec would parse the SQL of each of the two
  // savepoint statements again for every write.
  Statement begin, commit, savepoint, release, rollback_to;

  static Result<Connection, std::string> open(const std::string& path,
                                              const SqliteStoreOptions& options) {
    auto db = Database::open(path, options.busy_timeout);
    if (!db) return fail(db.error());
    Connection c;
    c.db = std::move(*db);
    // Per connection. NORMAL in WAL mode: COMMIT returns once the log is written (to the OS),
    // which a crash or kill -9 of the process does not undo; FULL adds an fsync per commit.
    if (auto e = c.db.exec(options.fsync_each_commit ? "PRAGMA synchronous=FULL"
                                                     : "PRAGMA synchronous=NORMAL"))
      return fail(path + ": " + *e);
    std::string why;
    auto prepare = [&](Statement& s, const std::string& sql) {
      if (!why.empty()) return;
      auto p = c.db.prepare(sql);
      if (p)
        s = std::move(*p);
      else
        why = p.error() + " in: " + sql;
    };
    std::string columns = kBindingColumns;
    prepare(c.select_bindings,
            "SELECT " + columns + " FROM bindings WHERE aor = ?1 AND expires > ?2 ORDER BY pos");
    prepare(c.delete_bindings, "DELETE FROM bindings WHERE aor = ?1");
    prepare(c.insert_binding, "INSERT INTO bindings(pos, " + columns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    prepare(c.delete_expired, "DELETE FROM bindings WHERE expires <= ?1");
    prepare(c.select_all,
            "SELECT " + columns + " FROM bindings WHERE expires > ?1 ORDER BY aor, pos");
    prepare(c.select_user,
            "SELECT username, realm, ha1_md5, ha1_sha256, ha1_sha512_256 FROM users "
            "WHERE username = ?1 AND realm = ?2");
    prepare(c.upsert_user,
            "INSERT OR REPLACE INTO users(username, realm, ha1_md5, ha1_sha256, ha1_sha512_256) "
            "VALUES (?1, ?2, ?3, ?4, ?5)");
    prepare(c.delete_user, "DELETE FROM users WHERE username = ?1 AND realm = ?2");
    prepare(c.select_users,
            "SELECT username, realm, ha1_md5, ha1_sha256, ha1_sha512_256 FROM users "
            "ORDER BY realm, username");
    prepare(c.begin, "BEGIN IMMEDIATE");
    prepare(c.commit, "COMMIT");
    prepare(c.savepoint, "SAVEPOINT w");
    prepare(c.release, "RELEASE w");
    prepare(c.rollback_to, "ROLLBACK TO w");
    if (!why.empty()) return fail(path + ": " + why);
    return c;
  }

  // The rows of a statement whose columns are kBindingColumns.
  Result<Bindings, std::string> read_bindings(Statement& s) {
    Bindings out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      Binding b;
      b.aor = s.text(0);
      b.contact = s.text(1);
      b.params = s.text(2);
      if (!s.is_null(3)) b.q = static_cast<std::uint16_t>(s.integer(3));
      b.expires = codec::from_millis(s.integer(4));
      b.call_id = s.text(5);
      b.cseq = static_cast<std::uint32_t>(s.integer(6));
      auto path = codec::decode_strings(s.text(7));
      if (path) b.path = std::move(*path);
      b.source = s.text(8);
      b.user_agent = s.text(9);
      out.push_back(std::move(b));
    }
    s.reset();
    if (rc != SQLITE_DONE) return fail(db.error());
    return out;
  }

  Result<Bindings, std::string> bindings_of(const std::string& aor, TimePoint now) {
    select_bindings.bind(1, aor).bind(2, codec::to_millis(now));
    return read_bindings(select_bindings);
  }

  Error replace_bindings(const std::string& aor, const Bindings& bindings) {
    if (auto e = run(delete_bindings.bind(1, aor))) return e;
    std::int64_t pos = 0;
    for (const auto& b : bindings) {
      auto& s = insert_binding;
      s.bind(1, pos++).bind(2, aor).bind(3, b.contact).bind(4, b.params);
      if (b.q)
        s.bind(5, std::int64_t{*b.q});
      else
        s.bind_null(5);
      s.bind(6, codec::to_millis(b.expires)).bind(7, b.call_id).bind(8, std::int64_t{b.cseq});
      s.bind(9, codec::encode_strings(b.path)).bind(10, b.source).bind(11, b.user_agent);
      if (auto e = run(s)) return e;
    }
    return std::nullopt;
  }

  Result<std::vector<User>, std::string> read_users(Statement& s) {
    std::vector<User> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.push_back(User{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
    s.reset();
    if (rc != SQLITE_DONE) return fail(db.error());
    return out;
  }

  // Steps a statement that returns no rows.
  Error run(Statement& s) {
    int rc = s.step();
    s.reset();
    if (rc != SQLITE_DONE) return db.error();
    return std::nullopt;
  }
};

// Creates the schema, or checks that the file's is one this code reads.
Error prepare_file(Database& db) {
  // WAL (kept in the file): readers — the reader thread, `parley location list` in another
  // process — never block the writer, and a commit is one append to the log.
  if (auto e = db.exec("PRAGMA journal_mode=WAL")) return e;
  if (auto e = db.exec("BEGIN IMMEDIATE")) return e;
  Error e = db.exec(kSchema);
  if (!e) {
    auto version = db.prepare("SELECT max(version) FROM schema_version");
    if (!version) {
      e = version.error();
    } else if (version->step() != SQLITE_ROW) {
      e = db.error();
    } else if (version->is_null(0)) {
      e = db.exec(
          ("INSERT INTO schema_version(version) VALUES (" + std::to_string(kSchemaVersion) + ")")
              .c_str());
    } else if (version->integer(0) != kSchemaVersion) {
      e = "schema version " + std::to_string(version->integer(0)) + ", this parley reads " +
          std::to_string(kSchemaVersion);
    }
  }
  if (e) {
    (void)db.exec("ROLLBACK");
    return e;
  }
  return db.exec("COMMIT");
}

// A write: runs inside the round's transaction (an error undoes only its own savepoint), then
// hears whether it is durable.
struct WriteJob {
  std::function<Error(Connection&)> run;
  std::function<void(Error)> finish;
};
using ReadJob = std::function<void(Connection&)>;

class SqliteStore final : public Store {
 public:
  SqliteStore(Connection writer, Connection reader, SqliteStoreOptions options)
      : options_(options) {
    writer_thread_ = std::thread([this, c = std::move(writer)]() mutable { write_loop(c); });
    reader_thread_ = std::thread([this, c = std::move(reader)]() mutable { read_loop(c); });
  }
  ~SqliteStore() override { close(); }

  void modify(std::string aor, Decide decide, Callback<Bindings> done) override {
    auto result = std::make_shared<Result<Bindings, StoreError>>(fail(StoreError{}));
    WriteJob job{[aor, decide = std::move(decide), result](Connection& c) -> Error {
                   auto now = Clock::now();
                   auto current = c.bindings_of(aor, now);
                   if (!current) return current.error();
                   *result = run_decide(decide, aor, *current, now);
                   if (!*result) return std::nullopt;  // refused: nothing to write
                   return c.replace_bindings(aor, **result);
                 },
                 [result, done](Error e) {
                   if (e) return done(fail(unavailable("sqlite: " + *e)));
                   done(std::move(*result));
                 }};
    write(std::move(job), done);
  }

  void lookup(std::string aor, Callback<Bindings> done) override {
    read(
        [aor, done](Connection& c) {
          auto r = c.bindings_of(aor, Clock::now());
          if (!r) return done(fail(unavailable("sqlite: " + r.error())));
          done(std::move(*r));
        },
        done);
  }

  void list(std::string aor, Callback<Bindings> done) override {
    if (!aor.empty()) return lookup(std::move(aor), std::move(done));
    read(
        [done](Connection& c) {
          c.select_all.bind(1, codec::to_millis(Clock::now()));
          auto r = c.read_bindings(c.select_all);
          if (!r) return done(fail(unavailable("sqlite: " + r.error())));
          done(std::move(*r));
        },
        done);
  }

  void find_user(std::string username, std::string realm,
                 Callback<std::optional<User>> done) override {
    read(
        [username, realm, done](Connection& c) {
          c.select_user.bind(1, username).bind(2, realm);
          auto r = c.read_users(c.select_user);
          if (!r) return done(fail(unavailable("sqlite: " + r.error())));
          std::optional<User> found;
          if (!r->empty()) found = std::move(r->front());
          done(std::move(found));
        },
        done);
  }

  void put_user(User user, Callback<bool> done) override {
    WriteJob job{[user](Connection& c) {
                   c.upsert_user.bind(1, user.username).bind(2, user.realm);
                   c.upsert_user.bind(3, user.ha1_md5).bind(4, user.ha1_sha256);
                   c.upsert_user.bind(5, user.ha1_sha512_256);
                   return c.run(c.upsert_user);
                 },
                 [done](Error e) {
                   if (e) return done(fail(unavailable("sqlite: " + *e)));
                   done(true);
                 }};
    write(std::move(job), done);
  }

  void remove_user(std::string username, std::string realm, Callback<bool> done) override {
    auto existed = std::make_shared<bool>(false);
    WriteJob job{[username, realm, existed](Connection& c) {
                   auto e = c.run(c.delete_user.bind(1, username).bind(2, realm));
                   *existed = !e && c.db.changes() > 0;
                   return e;
                 },
                 [existed, done](Error e) {
                   if (e) return done(fail(unavailable("sqlite: " + *e)));
                   done(*existed);
                 }};
    write(std::move(job), done);
  }

  void list_users(Callback<std::vector<User>> done) override {
    read(
        [done](Connection& c) {
          auto r = c.read_users(c.select_users);
          if (!r) return done(fail(unavailable("sqlite: " + r.error())));
          done(std::move(*r));
        },
        done);
  }

  void close() override {
    writes_.close();
    reads_.close();
    // A callback that closes the store runs on one of these threads: it cannot wait for itself.
    auto self = std::this_thread::get_id();
    if (writer_thread_.joinable() && writer_thread_.get_id() != self) writer_thread_.join();
    if (reader_thread_.joinable() && reader_thread_.get_id() != self) reader_thread_.join();
  }

 private:
  template <class T>
  void write(WriteJob job, const Callback<T>& done) {
    if (!writes_.push(std::move(job))) done(fail(unavailable("store closed")));
  }
  template <class T>
  void read(ReadJob job, const Callback<T>& done) {
    if (!reads_.push(std::move(job))) done(fail(unavailable("store closed")));
  }

  // Group commit: everything queued goes into one transaction; callbacks only after COMMIT.
  void write_loop(Connection& c) {
    using Steady = std::chrono::steady_clock;
    auto next_sweep = Steady::now() + options_.sweep_interval;
    std::vector<WriteJob> jobs;
    std::vector<Error> errors;
    while (writes_.take(jobs, options_.max_batch, next_sweep, options_.commit_delay)) {
      if (!jobs.empty()) commit_round(c, jobs, errors);
      jobs.clear();
      if (Steady::now() >= next_sweep) {
        c.delete_expired.bind(1, codec::to_millis(Clock::now()));
        (void)c.run(c.delete_expired);  // a busy file now is swept next time
        next_sweep = Steady::now() + options_.sweep_interval;
      }
    }
  }

  static void commit_round(Connection& c, std::vector<WriteJob>& jobs, std::vector<Error>& errors) {
    errors.assign(jobs.size(), std::nullopt);
    Error round = c.run(c.begin);
    if (!round) {
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        if ((round = c.run(c.savepoint))) break;
        errors[i] = jobs[i].run(c);
        if (errors[i]) round = c.run(c.rollback_to);
        if (!round) round = c.run(c.release);
        if (round) break;
      }
      if (!round) round = c.run(c.commit);
      if (round) (void)c.db.exec("ROLLBACK");
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].finish(round ? round : errors[i]);
  }

  void read_loop(Connection& c) {
    std::vector<ReadJob> jobs;
    auto forever = std::chrono::steady_clock::now() + std::chrono::hours(24 * 365);
    while (reads_.take(jobs, 256, forever)) {
      for (auto& job : jobs) job(c);
      jobs.clear();
    }
  }

  SqliteStoreOptions options_;
  JobQueue<WriteJob> writes_;
  JobQueue<ReadJob> reads_;
  std::thread writer_thread_;
  std::thread reader_thread_;
};

}  // namespace

Result<std::unique_ptr<Store>, std::string> make_sqlite_store(const std::string& path,
                                                              SqliteStoreOptions options) {
  {
    // The statements need the schema: create it (or check it) first.
    auto db = Database::open(path, options.busy_timeout);
    if (!db) return fail(db.error());
    if (auto e = prepare_file(*db)) return fail(path + ": " + *e);
  }
  auto writer = Connection::open(path, options);
  if (!writer) return fail(writer.error());
  auto reader = Connection::open(path, options);
  if (!reader) return fail(reader.error());
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(std::move(*writer), std::move(*reader), options));
}

}  // namespace parley::location
