// What the transaction tests share: a FakeTransport that records what the layer sends (and fails
// when told to), a TransactionUser that records what it hears, and SIP messages to feed them.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/timer.hpp"
#include "message/builder.hpp"
#include "message/message.hpp"
#include "transaction/transaction.hpp"
#include "transaction/user.hpp"
#include "transport/types.hpp"

namespace parley::transaction::test {

using message::Message;
using transport::Flow;
using transport::Incoming;
using transport::Protocol;

inline Message parse(const std::string& text) {
  auto m = Message::parse(text);
  if (!m) ADD_FAILURE() << "test message does not parse: " << m.error().describe() << "\n" << text;
  return std::move(*m);
}

inline Flow flow(Protocol p = Protocol::Udp) {
  Flow f;
  f.protocol = p;
  f.local = {boost::asio::ip::make_address("192.0.2.10"), 5060};
  f.remote = {boost::asio::ip::make_address("192.0.2.20"), 5060};
  f.connection = transport::is_stream(p) ? 7 : 0;
  return f;
}

// A request as an RFC 3261 (or, with a branch lacking the cookie, RFC 2543) client sends it.
struct Request {
  std::string method = "INVITE";
  std::string uri = "sip:bob@biloxi.example.com";
  std::string branch = "z9hG4bK776asdhds";  // "" for no branch parameter at all
  std::string sent_by = "pc33.atlanta.example.com";
  std::string transport = "UDP";
  std::string from_tag = "1928301774";
  std::string to_tag;
  std::string call_id = "a84b4c76e66710@pc33.atlanta.example.com";
  std::uint32_t cseq = 314159;
  std::string cseq_method;  // defaults to method
  std::vector<std::string> routes;
  std::vector<std::string> extra_vias;  // below the top one

  std::string text() const {
    std::string via = "SIP/2.0/" + transport + " " + sent_by;
    if (!branch.empty()) via += ";branch=" + branch;
    auto b = message::MessageBuilder::request(method, uri);
    b.header("Via", via);
    for (const auto& v : extra_vias) b.header("Via", v);
    for (const auto& r : routes) b.header("Route", r);
    b.header("Max-Forwards", "70");
    b.header("From", "Alice <sip:alice@atlanta.example.com>;tag=" + from_tag);
    b.header("To", to_tag.empty() ? std::string("Bob <sip:bob@biloxi.example.com>")
                                  : "Bob <sip:bob@biloxi.example.com>;tag=" + to_tag);
    b.header("Call-ID", call_id);
    b.header("CSeq", std::to_string(cseq) + " " + (cseq_method.empty() ? method : cseq_method));
    b.header("Contact", "<sip:alice@pc33.atlanta.example.com>");
    return std::move(b).finish();
  }
  Message message() const { return parse(text()); }
  Incoming incoming(Protocol p = Protocol::Udp) const { return Incoming{message(), flow(p), {}}; }
};

inline Request make_request(std::string method, std::string uri = "sip:bob@biloxi.example.com") {
  Request r;
  r.method = std::move(method);
  r.uri = std::move(uri);
  return r;
}

// A response to `request` as the UAS would send it.
inline Message response(const Message& request, int status, std::string_view to_tag = "a6c85cf") {
  return parse(message::response_to(request, status, {}, status > 100 ? to_tag : "").finish());
}
inline std::string response_text(const Message& request, int status,
                                 std::string_view to_tag = "a6c85cf") {
  return message::response_to(request, status, {}, status > 100 ? to_tag : "").finish();
}
inline Incoming incoming(Message m, Protocol p = Protocol::Udp) {
  return Incoming{std::move(m), flow(p), {}};
}

// A Sender that records every send, with the time of the clock it is given. fail_now() makes
// every later send fail inside send(); fail_later() keeps the error handlers for deliver_errors().
class FakeTransport final : public transport::Sender {
 public:
  struct Sent {
    Flow flow;
    transport::Bytes bytes;
    TimePoint at;
    Message message() const { return parse(*bytes); }
  };

  explicit FakeTransport(const TimerService* clock = nullptr) : clock_(clock) {}

  void send(const Flow& f, transport::Bytes bytes, ErrorHandler on_error) override {
    sent.push_back(Sent{f, std::move(bytes), clock_ ? clock_->now() : TimePoint{}});
    if (mode_ == Mode::FailNow && on_error) on_error("connection refused");
    if (mode_ == Mode::FailLater && on_error) pending_errors_.push_back(std::move(on_error));
  }

  void fail_now() { mode_ = Mode::FailNow; }
  void fail_later() { mode_ = Mode::FailLater; }
  void work() { mode_ = Mode::Work; }
  void deliver_errors() {
    auto errors = std::move(pending_errors_);
    pending_errors_.clear();
    for (auto& e : errors) e("connection reset");
  }

  std::size_t sent_count() const { return sent.size(); }
  Message last() const { return sent.back().message(); }
  // Send times relative to t0, in milliseconds.
  std::vector<long> times_ms(TimePoint t0) const {
    std::vector<long> out;
    for (const auto& s : sent)
      out.push_back(std::chrono::duration_cast<milliseconds>(s.at - t0).count());
    return out;
  }

  std::vector<Sent> sent;

 private:
  enum class Mode { Work, FailNow, FailLater };
  const TimerService* clock_;
  Mode mode_ = Mode::Work;
  std::vector<ErrorHandler> pending_errors_;
};

// A TransactionUser that records what it hears, and answers new requests through `answer` when set.
class RecordingUser final : public TransactionUser {
 public:
  void on_request(const std::shared_ptr<ServerTransaction>& tx) override {
    requests.push_back(tx);
    if (answer) answer(tx);
  }
  void on_cancel(const std::shared_ptr<ServerTransaction>& cancel,
                 const std::shared_ptr<ServerTransaction>& invite) override {
    cancels.emplace_back(cancel, invite);
  }
  void on_ack(const Incoming& ack) override { acks.push_back(ack); }
  void on_stray_response(const Incoming& r) override { strays.push_back(r); }
  void on_failure(ServerTransaction& tx, Failure why) override { failures.emplace_back(&tx, why); }

  std::function<void(const std::shared_ptr<ServerTransaction>&)> answer;
  std::vector<std::shared_ptr<ServerTransaction>> requests;
  std::vector<std::pair<std::shared_ptr<ServerTransaction>, std::shared_ptr<ServerTransaction>>>
      cancels;
  std::vector<Incoming> acks;
  std::vector<Incoming> strays;
  std::vector<std::pair<ServerTransaction*, Failure>> failures;
};

// What a client transaction reported to its callback.
struct ClientRecord {
  struct Entry {
    ClientEvent::Kind kind;
    int status;
  };
  std::vector<Entry> events;
  ClientCallback callback() {
    return [this](const ClientEvent& e) { events.push_back({e.kind, e.status()}); };
  }
  std::vector<int> statuses() const {
    std::vector<int> out;
    for (const auto& e : events) out.push_back(e.status);
    return out;
  }
};

// The clock, the wire and the user a test runs its transactions with.
struct Rig {
  VirtualClock clock;
  FakeTransport wire{&clock};
  RecordingUser user;
  TimePoint t0 = clock.now();
  Context context(Timers timers = {}) { return Context{clock, wire, timers, &user, nullptr}; }
  long elapsed_ms() const {
    return std::chrono::duration_cast<milliseconds>(clock.now() - t0).count();
  }
};

}  // namespace parley::transaction::test
