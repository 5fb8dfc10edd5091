// Thin RAII over the SQLite C API for the SQLite store: a connection and its prepared
// statements. Errors are strings naming what failed; nothing here throws.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace parley::location::sqlite {

using Error = std::optional<std::string>;  // nullopt: no error

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* s) : s_(s) {}
  Statement(Statement&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Statement& operator=(Statement&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~Statement() { sqlite3_finalize(s_); }

  Statement& bind(int i, std::string_view text) {
    sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t n) {
    sqlite3_bind_int64(s_, i, n);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() { return sqlite3_step(s_); }
  // Ready for the next use: reset and unbound.
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string text(int col) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(s_, col); }
  bool is_null(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Database {
 public:
  Database() = default;
  Database(Database&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Database& operator=(Database&& o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }
  ~Database() { sqlite3_close_v2(db_); }

  static Result<Database, std::string> open(const std::string& path,
                                            std::chrono::milliseconds busy_timeout) {
    // Before SQLite's first use in the process: no memory statistics, which SQLite otherwise
    // keeps under a global mutex taken by every allocation of every connection's thread. (Too
    // late once SQLite is initialised, which is harmless: the statistics stay on.)
    static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    (void)configured;
    Database d;
    int rc =
        sqlite3_open_v2(path.c_str(), &d.db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string why = d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc);
      return fail(path + ": " + why);
    }
    sqlite3_extended_result_codes(d.db_, 1);
    sqlite3_busy_timeout(d.db_, static_cast<int>(busy_timeout.count()));
    return d;
  }

  Error exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return std::nullopt;
    std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return why;
  }

  Result<Statement, std::string> prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &s, nullptr) != SQLITE_OK)
      return fail(std::string(sqlite3_errmsg(db_)));
    return Statement(s);
  }

  std::string error() const { return sqlite3_errmsg(db_); }
  int changes() const { return sqlite3_changes(db_); }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace parley::location::sqlite
