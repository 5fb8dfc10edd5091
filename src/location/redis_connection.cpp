#include "location/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>

namespace parley::location::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::String;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::Status;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::Error;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::Integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::Array;
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::Nil;
  }
  return out;
}

std::optional<int> number(std::string_view s, int lo, int hi) {
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < lo || n > hi)
    return std::nullopt;
  return n;
}

}  // namespace

Result<Address, std::string> parse_spec(std::string_view spec) {
  auto bad = [&](std::string why) {
    return fail("bad redis store '" + std::string(spec) + "': " + why +
                " (expected redis://HOST:PORT[/DB])");
  };
  if (!spec.starts_with("redis://")) return bad("not redis://");
  auto rest = spec.substr(8);
  Address a;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    auto db = number(rest.substr(slash + 1), 0, 1 << 20);
    if (!db) return bad("the database must be a number");
    a.db = *db;
    rest = rest.substr(0, slash);
  }
  std::string_view host, port;
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return bad("an IPv6 host is written [ADDRESS]:PORT");
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  auto p = number(port, 1, 65535);
  if (!p) return bad("the port must be 1 to 65535");
  a.host = std::string(host);
  a.port = *p;
  return a;
}

Connection::Connection(Address address, Timeouts timeouts)
    : address_(std::move(address)), timeouts_(timeouts) {}

Connection::~Connection() {
  if (context_) redisFree(context_);
}

void Connection::drop(std::string why) {
  if (context_) redisFree(context_);
  context_ = nullptr;
  script_sha_.clear();
  last_error_ = std::move(why);
  last_failure_ = std::chrono::steady_clock::now();
}

std::optional<std::string> Connection::connect() {
  if (context_) return std::nullopt;
  auto now = std::chrono::steady_clock::now();
  if (!last_error_.empty() && now - last_failure_ < timeouts_.retry_interval) return last_error_;
  redisContext* c =
      redisConnectWithTimeout(address_.host.c_str(), address_.port, to_timeval(timeouts_.connect));
  std::string where = "redis " + address_.host + ":" + std::to_string(address_.port);
  if (!c || c->err) {
    std::string why = where + ": " + (c ? c->errstr : "cannot allocate a context");
    if (c) redisFree(c);
    drop(why);
    return why;
  }
  redisSetTimeout(c, to_timeval(timeouts_.command));
  context_ = c;
  if (address_.db != 0) {
    auto r = pipeline({{"SELECT", std::to_string(address_.db)}});
    if (!r) return r.error();
    if (r->front().type == Reply::Type::Error) {
      std::string why = where + ": SELECT " + std::to_string(address_.db) + ": " + r->front().text;
      drop(why);
      return why;
    }
  }
  last_error_.clear();
  return std::nullopt;
}

Result<std::vector<Reply>, std::string> Connection::pipeline(const std::vector<Command>& commands) {
  if (auto e = connect()) return fail(*e);
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& command : commands) {
    argv.clear();
    lengths.clear();
    for (const auto& a : command) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      std::string why = std::string("redis: ") + context_->errstr;
      drop(why);
      return fail(why);
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || !raw) {
      std::string why =
          std::string("redis: ") + (context_->errstr[0] ? context_->errstr : "no reply");
      if (raw) freeReplyObject(raw);
      drop(why);
      return fail(why);
    }
    replies.push_back(convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

Result<std::string, std::string> Connection::script(const std::string& body) {
  if (auto e = connect()) return fail(*e);
  if (!script_sha_.empty() && script_body_ == body) return script_sha_;
  auto r = pipeline({{"SCRIPT", "LOAD", body}});
  if (!r) return fail(r.error());
  if (r->front().type != Reply::Type::String) return fail("redis: SCRIPT LOAD: " + r->front().text);
  script_body_ = body;
  script_sha_ = r->front().text;
  return script_sha_;
}

}  // namespace parley::location::redis
