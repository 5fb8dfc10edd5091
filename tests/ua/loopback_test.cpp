// RFC 3665 §3 flows end to end between two UserAgents over real UDP sockets on 127.0.0.1 (each in
// its ua::Stack, with its own event loop), asserting the exact sequence of messages on the wire
// as the caller's and the callee's transports saw them.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ua/stack.hpp"

namespace parley::ua {
namespace {

// The start lines each stack sent and received, in order: "> INVITE", "< 180", ...
class Recorder {
 public:
  WireObserver observer() {
    return [this](Direction d, const transport::Flow&, std::string_view bytes) {
      std::string_view start = bytes.substr(0, bytes.find("\r\n"));
      std::string what = start.starts_with("SIP/2.0 ")
                             ? std::string(start.substr(8, 3))
                             : std::string(start.substr(0, start.find(' ')));
      std::lock_guard lock(m_);
      lines_.push_back((d == Direction::Out ? "> " : "< ") + what);
      cv_.notify_all();
    };
  }
  std::string text() {
    std::lock_guard lock(m_);
    std::string out;
    for (const auto& l : lines_) out += (out.empty() ? "" : ", ") + l;
    return out;
  }
  // Waits (5 s at most) until the record holds `n` lines.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return lines_.size() >= n; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

struct Loopback : ::testing::Test {
  Recorder caller_wire, callee_wire;
  std::unique_ptr<Stack> caller, callee;
  std::shared_ptr<Call> incoming;  // the callee's, on its loop
  std::function<void(const std::shared_ptr<Call>&)> on_call;

  void SetUp() override {
    caller = std::make_unique<Stack>(
        StackOptions{.listen = "udp:127.0.0.1:0", .ua = {}, .observer = caller_wire.observer()});
    callee = std::make_unique<Stack>(
        StackOptions{.listen = "udp:127.0.0.1:0", .ua = {}, .observer = callee_wire.observer()});
    callee->run([this](UserAgent& ua) {
      ua.on_incoming_call = [this](const std::shared_ptr<Call>& c) {
        incoming = c;
        if (on_call) on_call(c);
      };
    });
  }
  void TearDown() override {
    caller->run([](UserAgent&) {});
    callee->run([this](UserAgent&) { incoming.reset(); });
    caller->stop();
    callee->stop();
  }
  std::string target() const { return "sip:bob@127.0.0.1:" + std::to_string(callee->local().port); }
  std::shared_ptr<Call> place() {
    std::shared_ptr<Call> c;
    caller->run([&](UserAgent& ua) { c = ua.call(target(), {}); });
    EXPECT_NE(c, nullptr);
    return c;
  }
  Call::State state(Stack& s, const std::shared_ptr<Call>& c) {
    Call::State out{};
    s.run([&](UserAgent&) { out = c->state(); });
    return out;
  }
};

TEST_F(Loopback, SuccessfulSession) {
  on_call = [](const std::shared_ptr<Call>& c) {
    c->ring();
    c->answer();
  };
  auto c = place();
  ASSERT_TRUE(caller_wire.wait_for(4));  // > INVITE, < 180, < 200, > ACK
  ASSERT_TRUE(callee_wire.wait_for(4));
  EXPECT_EQ(state(*caller, c), Call::State::Confirmed);
  caller->run([&](UserAgent&) { c->hangup(); });
  ASSERT_TRUE(caller_wire.wait_for(6));
  ASSERT_TRUE(callee_wire.wait_for(6));
  EXPECT_EQ(caller_wire.text(), "> INVITE, < 180, < 200, > ACK, > BYE, < 200");
  EXPECT_EQ(callee_wire.text(), "< INVITE, > 180, > 200, < ACK, < BYE, > 200");
  EXPECT_EQ(state(*caller, c), Call::State::Terminated);
  EXPECT_EQ(state(*callee, incoming), Call::State::Terminated);
}

TEST_F(Loopback, BusyHere) {
  on_call = [](const std::shared_ptr<Call>& c) { c->reject(486); };
  auto c = place();
  ASSERT_TRUE(caller_wire.wait_for(3));
  ASSERT_TRUE(callee_wire.wait_for(3));
  EXPECT_EQ(caller_wire.text(), "> INVITE, < 486, > ACK");
  EXPECT_EQ(callee_wire.text(), "< INVITE, > 486, < ACK");
  EXPECT_EQ(state(*caller, c), Call::State::Terminated);
}

TEST_F(Loopback, NoAnswerCancelled) {
  on_call = [](const std::shared_ptr<Call>& c) { c->ring(); };
  auto c = place();
  ASSERT_TRUE(caller_wire.wait_for(2));  // > INVITE, < 180
  caller->run([&](UserAgent&) { c->hangup(); });
  ASSERT_TRUE(caller_wire.wait_for(6));
  ASSERT_TRUE(callee_wire.wait_for(6));
  EXPECT_EQ(caller_wire.text(), "> INVITE, < 180, > CANCEL, < 200, < 487, > ACK");
  EXPECT_EQ(callee_wire.text(), "< INVITE, > 180, < CANCEL, > 200, > 487, < ACK");
  int status = 0;
  caller->run([&](UserAgent&) { status = c->ended().status; });
  EXPECT_EQ(status, 487);
}

TEST_F(Loopback, Rejected404) {
  on_call = [](const std::shared_ptr<Call>& c) { c->reject(404); };
  place();
  ASSERT_TRUE(caller_wire.wait_for(3));
  EXPECT_EQ(caller_wire.text(), "> INVITE, < 404, > ACK");
}

TEST_F(Loopback, ReInvite) {
  on_call = [](const std::shared_ptr<Call>& c) { c->answer(); };
  auto c = place();
  ASSERT_TRUE(caller_wire.wait_for(3));  // > INVITE, < 200, > ACK
  ASSERT_TRUE(callee_wire.wait_for(3));
  bool sent = false;
  caller->run([&](UserAgent&) { sent = c->reinvite(); });
  ASSERT_TRUE(sent);
  ASSERT_TRUE(caller_wire.wait_for(6));
  ASSERT_TRUE(callee_wire.wait_for(6));
  caller->run([&](UserAgent&) { c->hangup(); });
  ASSERT_TRUE(caller_wire.wait_for(8));
  EXPECT_EQ(caller_wire.text(), "> INVITE, < 200, > ACK, > INVITE, < 200, > ACK, > BYE, < 200");
}

}  // namespace
}  // namespace parley::ua
