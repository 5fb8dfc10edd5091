// The registration client (RFC 3261 §10.2) against a registrar played by the test on the fake
// network: 401 answered, 423 answered with Min-Expires, refresh before expiry, unregister.
#include "ua/registration.hpp"

#include <gtest/gtest.h>

#include <set>

#include "auth/digest.hpp"
#include "fake_network.hpp"
#include "message/builder.hpp"

namespace parley::ua::test {
namespace {

// A registrar that challenges every REGISTER without credentials, wants at least 60 s, and
// grants what is asked.
class FakeRegistrar final : public transport::Receiver {
 public:
  explicit FakeRegistrar(FakeNetwork::Node& node) : node_(node) {}
  void receive(transport::Incoming&& in) override {
    const Message& r = in.message;
    if (!r.is_request() || r.method_name() != "REGISTER") return;
    requests.push_back(r.serialize());
    auto reply = [&](int status, const std::vector<std::pair<std::string, std::string>>& h) {
      auto b = message::response_to(r, status, {}, "reg");
      for (const auto& [k, v] : h) b.header(k, v);
      transport::Flow back;
      back.remote = in.flow.remote;
      node_.send(back, transport::make_bytes(std::move(b).finish()), {});
    };
    auto auth = r.header("Authorization");
    if (!auth) {
      reply(401, {{"WWW-Authenticate", "Digest realm=\"example.com\", nonce=\"n" +
                                           std::to_string(++nonces) + "\", qop=\"auth\""}});
      return;
    }
    std::uint32_t expires = 0;
    if (auto e = r.header("Expires"))
      expires = static_cast<std::uint32_t>(std::stoul(std::string(*e)));
    auto contact = r.header("Contact");
    if (expires != 0 && expires < 60) {
      reply(423, {{"Min-Expires", "60"}});
      return;
    }
    std::vector<std::pair<std::string, std::string>> h;
    if (contact && expires)
      h.emplace_back("Contact", std::string(*contact) + ";expires=" + std::to_string(expires));
    reply(200, h);
  }
  std::vector<std::string> requests;
  int nonces = 0;

 private:
  FakeNetwork::Node& node_;
};

TEST(Registration, ChallengeMinExpiresRefreshAndUnregister) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  FakeRegistrar registrar(net.host("R", 5070));
  net.attach(5070, &registrar);
  alice.ua.credentials().add("alice", "secret");
  std::vector<std::string> events;
  Registration reg(
      alice.ua, {.registrar = "sip:127.0.0.1:5070", .aor = "sip:alice@example.com", .expires = 30},
      {.registered =
           [&](const Registration::Result& r) {
             events.push_back("registered " + std::to_string(r.expires));
           },
       .failed =
           [&](const Registration::Result& r) {
             events.push_back("failed " + std::to_string(r.status));
           },
       .unregistered =
           [&](const Registration::Result& r) {
             events.push_back("unregistered " + std::to_string(r.status));
           }});
  reg.start();
  net.run();
  // 401, then 423 (30 < 60), then 401 again (new request, no credentials kept), then 200.
  EXPECT_EQ(net.trace(),
            "A>R REGISTER R>A 401 A>R REGISTER R>A 423 A>R REGISTER R>A 401 "
            "A>R REGISTER R>A 200");
  EXPECT_EQ(events, (std::vector<std::string>{"registered 60"}));
  EXPECT_TRUE(reg.registered());
  // §10.2: one Call-ID, CSeq going up by one each time.
  std::vector<std::uint32_t> cseqs;
  std::set<std::string> call_ids;
  for (const auto& text : registrar.requests) {
    auto m = *Message::parse(text);
    cseqs.push_back(m.cseq()->number);
    call_ids.insert(std::string(*m.call_id()));
  }
  EXPECT_EQ(cseqs, (std::vector<std::uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(call_ids.size(), 1u);

  // The refresh goes 30 s before the 60 s run out.
  std::size_t mark = net.wire.size();
  net.advance(seconds(29), milliseconds(500));
  EXPECT_EQ(net.wire.size(), mark);
  net.advance(seconds(2), milliseconds(500));
  EXPECT_EQ(net.trace(mark), "A>R REGISTER R>A 401 A>R REGISTER R>A 200");
  EXPECT_EQ(events.size(), 2u);

  mark = net.wire.size();
  reg.stop();
  net.run();
  EXPECT_EQ(net.trace(mark), "A>R REGISTER R>A 401 A>R REGISTER R>A 200");
  EXPECT_EQ(events.back(), "unregistered 200");
  auto last = *Message::parse(registrar.requests.back());
  EXPECT_EQ(last.header("Expires").value_or(""), "0");
  EXPECT_FALSE(reg.registered());
  // No refresh after the unregistration.
  mark = net.wire.size();
  net.advance(seconds(120), milliseconds(1000));
  EXPECT_EQ(net.wire.size(), mark);
}

// A registrar that challenges everything with the same nonce: the credentials are wrong.
class Stubborn final : public transport::Receiver {
 public:
  explicit Stubborn(FakeNetwork::Node& node) : node_(node) {}
  void receive(transport::Incoming&& in) override {
    auto b = message::response_to(in.message, 401, {}, "r");
    b.header("WWW-Authenticate", "Digest realm=\"example.com\", nonce=\"same\"");
    transport::Flow back;
    back.remote = in.flow.remote;
    node_.send(back, transport::make_bytes(std::move(b).finish()), {});
  }

 private:
  FakeNetwork::Node& node_;
};

TEST(Registration, WrongPasswordFailsAfterTheSecondChallenge) {
  FakeNetwork net;
  Peer alice{net, "A", 5061};
  Stubborn stubborn(net.host("R", 5070));
  net.attach(5070, &stubborn);
  alice.ua.credentials().add("alice", "wrong");
  int failed = 0;
  Registration reg(alice.ua, {.registrar = "sip:127.0.0.1:5070", .aor = "sip:alice@example.com"},
                   {.failed = [&](const Registration::Result& r) { failed = r.status; }});
  reg.start();
  net.run();
  EXPECT_EQ(failed, 401);
  EXPECT_EQ(net.trace(), "A>R REGISTER R>A 401 A>R REGISTER R>A 401");
  EXPECT_FALSE(reg.registered());
}

}  // namespace
}  // namespace parley::ua::test
