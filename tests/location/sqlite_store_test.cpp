// What only the SQLite store promises: the data outlives the store object and the process — also
// a process killed with SIGKILL right after a modify's callback fired.
#include "location/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "sync_call.hpp"
#include "temp_dir.hpp"

namespace parley::location::test {
namespace {

namespace fs = std::filesystem;

class SqliteStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    path_ = (dir_ / "parley.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> open() {
    auto s = make_sqlite_store(path_);
    EXPECT_TRUE(s) << (s ? "" : s.error());
    return s ? std::move(*s) : nullptr;
  }
  static Bindings lookup(Store& store, const std::string& aor) {
    auto r = wait_for<Bindings>([&](auto cb) { store.lookup(aor, cb); });
    EXPECT_TRUE(r && *r);
    return r && *r ? **r : Bindings{};
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(SqliteStore, ReopenedStoreSeesBindingsAndUsers) {
  auto b = binding("sip:alice@example.com", "sip:alice@192.0.2.4", 3600s);
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(put(*store, b.aor, {b}));
    User u{"alice", "example.com", "m", "s", "t"};
    ASSERT_TRUE(wait_for<bool>([&](auto cb) { store->put_user(u, cb); }));
    store->close();
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(lookup(*store, b.aor), Bindings{b});
  auto u =
      wait_for<std::optional<User>>([&](auto cb) { store->find_user("alice", "example.com", cb); });
  ASSERT_TRUE(u && *u && **u);
  EXPECT_EQ((***u).ha1_sha256, "s");
}

// Two stores on one file, as `parley user add` beside a running server: each sees the other's
// committed writes.
TEST_F(SqliteStore, TwoStoresOnOneFileSeeEachOthersWrites) {
  auto server = open();
  auto tool = open();
  ASSERT_TRUE(server && tool);
  User u{"bob", "example.org", "m", "s", "t"};
  ASSERT_TRUE(wait_for<bool>([&](auto cb) { tool->put_user(u, cb); }));
  auto found =
      wait_for<std::optional<User>>([&](auto cb) { server->find_user("bob", "example.org", cb); });
  ASSERT_TRUE(found && *found && **found);
  auto b = binding("sip:bob@example.org", "sip:bob@192.0.2.5", 600s);
  ASSERT_TRUE(put(*server, b.aor, {b}));
  EXPECT_EQ(lookup(*tool, b.aor), Bindings{b});
}

// The requirement: no binding acknowledged (callback fired) is lost on kill -9. The child
// writes, tells the parent from inside the callback, and is killed while it waits.
TEST_F(SqliteStore, AcknowledgedBindingSurvivesSigkill) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto b = binding("sip:carol@example.com", "sip:carol@192.0.2.6", 3600s, "kill-9", 42);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    auto s = make_sqlite_store(path_);
    if (!s) ::_exit(3);
    (*s)->modify(
        b.aor,
        [b](const Bindings&, TimePoint) -> Result<Bindings, StoreError> { return Bindings{b}; },
        [fd = fds[1]](Result<Bindings, StoreError> r) {
          char c = r ? 'y' : 'n';
          (void)!::write(fd, &c, 1);
          // Wait here to be killed: nothing after the callback may be needed for durability.
          for (;;) ::pause();
        });
    for (;;) ::pause();
  }
  ::close(fds[1]);
  pollfd p{fds[0], POLLIN, 0};
  int ready = ::poll(&p, 1, 10000);
  char c = 0;
  bool got = ready == 1 && ::read(fds[0], &c, 1) == 1;
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fds[0]);
  ASSERT_TRUE(got) << "the child's modify never answered";
  ASSERT_EQ(c, 'y') << "the child's modify failed";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(lookup(*store, b.aor), Bindings{b});
}

// Reads hide expired bindings at once; the writer also deletes their rows, so the file does not
// grow with registrations that ended.
TEST_F(SqliteStore, ExpiredRowsAreDeletedFromTheFile) {
  auto s = make_sqlite_store(path_, {.sweep_interval = std::chrono::milliseconds(50)});
  ASSERT_TRUE(s) << s.error();
  auto store = std::move(*s);
  auto b = binding("sip:a@example.com", "sip:a@192.0.2.1", 0s);
  b.expires = Clock::now() + 200ms;
  ASSERT_TRUE(put(*store, b.aor, {b}));
  auto rows = [&] {
    sqlite3* db = nullptr;
    int n = -1;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* q = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT count(*) FROM bindings", -1, &q, nullptr) == SQLITE_OK &&
          sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int(q, 0);
      sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return n;
  };
  EXPECT_EQ(rows(), 1);
  auto deadline = Clock::now() + 5s;
  while (rows() != 0 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(rows(), 0);
  store->close();
}

TEST_F(SqliteStore, AFileThatCannotBeOpenedIsAnErrorNamingIt) {
  auto s = make_sqlite_store((dir_ / "no" / "such" / "dir" / "x.db").string());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("x.db"), std::string::npos) << s.error();
}

TEST_F(SqliteStore, AFileThatIsNotADatabaseIsAnError) {
  {
    std::FILE* f = std::fopen(path_.c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs("this is not an sqlite database, but long enough to look like a header.....\n", f);
    std::fclose(f);
  }
  auto s = make_sqlite_store(path_);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("parley.db"), std::string::npos) << s.error();
}

}  // namespace
}  // namespace parley::location::test
