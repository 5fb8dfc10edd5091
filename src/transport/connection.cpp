#include "transport/connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "message/builder.hpp"

namespace parley::transport {

namespace {

std::atomic<ConnectionId> next_connection_id{1};

// How long the last writes and the closing handshake may take before the socket is simply closed.
constexpr Duration kLinger = std::chrono::seconds(2);

TimePoint now() { return std::chrono::steady_clock::now(); }

}  // namespace

Connection::Connection(std::shared_ptr<Core> core, boost::asio::io_context& io, Protocol protocol,
                       Endpoint remote, bool inbound)
    : core_(std::move(core)),
      io_(io),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      protocol_(protocol),
      remote_(std::move(remote)),
      inbound_(inbound),
      timer_(io) {
  flow_.protocol = protocol_;
  flow_.remote = remote_;
  flow_.connection = id_;
  started_ = last_activity_ = now();
}

void Connection::start() {
  boost::asio::post(io_, [self = shared_from_this()] {
    if (self->state_ != State::Connecting) return;
    self->arm_deadline();
    self->do_start();
  });
}

void Connection::send(Bytes bytes, Sender::ErrorHandler on_error) {
  boost::asio::dispatch(io_, [self = shared_from_this(), bytes = std::move(bytes),
                              h = std::move(on_error)]() mutable {
    self->enqueue(std::move(bytes), std::move(h), false);
  });
}

void Connection::close(std::string why) {
  boost::asio::post(io_, [self = shared_from_this(), why = std::move(why)]() mutable {
    if (self->state_ == State::Open)
      self->drain_then_close();
    else if (self->state_ == State::Connecting)
      self->close_now(std::move(why));
  });
}

void Connection::abort(std::string why) {
  boost::asio::post(io_, [self = shared_from_this(), why = std::move(why)]() mutable {
    self->close_now(std::move(why));
  });
}

void Connection::report(Sender::ErrorHandler on_error, std::string why) {
  if (!on_error) return;
  Counters::bump(core_->counters.send_failures);
  boost::asio::post(io_, [h = std::move(on_error), why = std::move(why)] {
    try {
      h(why);
    } catch (...) {
      // An error handler that throws must not take the event loop down with it.
    }
  });
}

void Connection::enqueue(Bytes bytes, Sender::ErrorHandler on_error, bool internal) {
  if (!bytes) return;
  const bool accepting = state_ == State::Connecting || state_ == State::Open ||
                         (internal && state_ == State::Draining);
  if (!accepting) {
    report(std::move(on_error), "connection to " + remote_.to_string() + " closed: " +
                                    (close_reason_.empty() ? "closing" : close_reason_));
    return;
  }
  if (queued_bytes_ + bytes->size() > core_->settings.max_write_queue) {
    Counters::bump(core_->counters.write_overflows);
    report(std::move(on_error), "connection to " + remote_.to_string() + ": write queue full");
    close_now("the peer does not read: write queue full");
    return;
  }
  queued_bytes_ += bytes->size();
  queue_.push_back(Pending{std::move(bytes), std::move(on_error)});
  if (state_ == State::Open || state_ == State::Draining) write_next();
}

void Connection::write_next() {
  if (writing_ || queue_.empty()) return;
  writing_ = true;
  do_write(*queue_.front().bytes);
}

void Connection::written(const boost::system::error_code& ec) {
  writing_ = false;
  if (state_ == State::Closed) return;
  if (ec) return failed("write", ec);
  queued_bytes_ -= queue_.front().bytes->size();
  queue_.pop_front();
  last_activity_ = now();
  if (queue_.empty() && state_ == State::Draining)
    begin_shutdown();
  else
    write_next();
}

void Connection::opened(const Endpoint& local) {
  if (state_ != State::Connecting) return;
  state_ = State::Open;
  flow_.local = local;
  last_activity_ = now();
  arm_deadline();
  write_next();
}

void Connection::read_progress(bool partial_message) {
  last_activity_ = now();
  if (!partial_message) {
    message_started_.reset();
  } else if (!message_started_) {
    message_started_ = last_activity_;
    arm_deadline();
  }
}

bool Connection::on_message(std::string_view bytes) {
  Inbound in = core_->receive(bytes, flow_);
  // A broken but well-framed message leaves the stream in step: answer it and carry on.
  if (in.reply) enqueue(make_bytes(std::move(*in.reply)), {}, true);
  return state_ == State::Open;
}

void Connection::on_ping() {
  static const Bytes pong = make_bytes("\r\n");
  Counters::bump(core_->counters.keepalive_pings);
  enqueue(pong, {}, true);
}

void Connection::on_malformed(std::string_view buffered, const message::ParseError& error) {
  Counters::bump(core_->counters.closed_malformed);
  if (auto reply = message::error_response(buffered, error)) {
    Counters::bump(core_->counters.error_responses);
    enqueue(make_bytes(std::move(*reply)), {}, true);
  }
  drain_then_close();
}

void Connection::drain_then_close() {
  if (state_ != State::Open) return close_now("closed");
  state_ = State::Draining;
  closing_.store(true, std::memory_order_release);
  core_->table.remove(id_);
  closing_since_ = now();
  arm_deadline();
  if (!writing_ && queue_.empty()) begin_shutdown();
}

void Connection::begin_shutdown() {
  state_ = State::Closing;
  do_shutdown();
}

void Connection::failed(std::string_view what, const boost::system::error_code& ec) {
  if (state_ == State::Closed) return;
  if (state_ == State::Connecting && !inbound_) Counters::bump(core_->counters.connect_failures);
  close_now(std::string(what) + ": " + ec.message());
}

void Connection::close_now(std::string why) {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  close_reason_ = why;
  closing_.store(true, std::memory_order_release);
  core_->table.remove(id_);
  timer_.cancel();
  for (Pending& p : queue_)
    report(std::move(p.on_error), "connection to " + remote_.to_string() + " closed: " + why);
  queue_.clear();
  queued_bytes_ = 0;
  do_close();
}

TimePoint Connection::deadline() const {
  const Settings& s = core_->settings;
  switch (state_) {
    case State::Connecting:
      return started_ + (inbound_ ? s.header_read_timeout : s.connect_timeout);
    case State::Open:
      return message_started_ ? *message_started_ + s.header_read_timeout
                              : last_activity_ + s.idle_timeout;
    case State::Draining:
    case State::Closing:
      return closing_since_ + kLinger;
    case State::Closed:
      break;
  }
  return TimePoint::max();
}

// One timer serves every clock. It is re-armed only when a deadline moves earlier; when it fires
// early (the deadline moved later meanwhile) it simply waits again.
void Connection::arm_deadline() {
  if (state_ == State::Closed) return;
  TimePoint due = deadline();
  if (timer_armed_ && due >= timer_due_) return;
  timer_armed_ = true;
  timer_due_ = due;
  std::uint64_t generation = ++timer_generation_;
  timer_.expires_at(due);
  timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code&) {
    self->on_deadline(generation);
  });
}

void Connection::on_deadline(std::uint64_t generation) {
  if (generation != timer_generation_ || state_ == State::Closed) return;
  timer_armed_ = false;
  if (now() < deadline()) return arm_deadline();
  Counters& c = core_->counters;
  switch (state_) {
    case State::Connecting:
      Counters::bump(inbound_ ? c.closed_slow : c.connect_failures);
      if (inbound_) Counters::bump(c.handshake_failures);
      return close_now(inbound_ ? "handshake not done within the header-read timeout"
                                : "connect timed out");
    case State::Open:
      if (message_started_) {
        Counters::bump(c.closed_slow);
        return close_now("message incomplete after the header-read timeout");
      }
      Counters::bump(c.closed_idle);
      return drain_then_close();
    case State::Draining:
    case State::Closing:
      return close_now("linger time over");
    case State::Closed:
      return;
  }
}

}  // namespace parley::transport
