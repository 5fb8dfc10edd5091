// One connection to Redis for the Redis store's I/O thread: connect and command timeouts, so a
// Redis that is down or hung turns into an error quickly; pipelined commands; and a reconnect on
// the next use after a failure (no more often than every `retry_interval`, so a dead Redis costs
// callers one quick error each rather than a connect timeout each).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

struct redisContext;

namespace parley::location::redis {

struct Address {
  std::string host;
  int port = 6379;
  int db = 0;
};

// "redis://HOST:PORT[/DB]" (HOST may be [IPv6]); an error says what is wrong.
Result<Address, std::string> parse_spec(std::string_view spec);

struct Timeouts {
  std::chrono::milliseconds connect{500};
  std::chrono::milliseconds command{1000};
  std::chrono::milliseconds retry_interval{200};
};

struct Reply {
  enum class Type { String, Integer, Nil, Array, Status, Error } type = Type::Nil;
  std::string text;  // String, Status, Error
  long long integer = 0;
  std::vector<Reply> elements;
};

using Command = std::vector<std::string>;

class Connection {
 public:
  Connection(Address address, Timeouts timeouts);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends every command in one write and reads every reply. Any I/O error or timeout drops the
  // connection and answers an error for the whole pipeline (a reply of type Error is not one).
  Result<std::vector<Reply>, std::string> pipeline(const std::vector<Command>& commands);

  // The SHA1 under which a script is loaded on the current connection, loading it when needed.
  Result<std::string, std::string> script(const std::string& body);

 private:
  std::optional<std::string> connect();  // error, or nullopt when connected
  void drop(std::string why);

  Address address_;
  Timeouts timeouts_;
  redisContext* context_ = nullptr;
  std::string last_error_;
  std::chrono::steady_clock::time_point last_failure_{};
  std::string script_body_, script_sha_;
};

}  // namespace parley::location::redis
