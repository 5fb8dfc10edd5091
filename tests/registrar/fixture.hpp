// What the registrar tests share: a Registrar on the real memory store with virtual time and an
// immediate "post", REGISTER requests built from parts, and the response parsed back.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/digest.hpp"
#include "auth/server.hpp"
#include "location/store.hpp"
#include "message/builder.hpp"
#include "message/message.hpp"
#include "registrar/registrar.hpp"

namespace parley::registrar::test {

using message::Message;

// A REGISTER, written from its parts.
struct Register {
  std::string uri = "sip:example.com";
  std::string to = "<sip:alice@example.com>";
  std::string call_id = "843817637684230@998sdasdh09";
  std::uint32_t cseq = 1;
  std::vector<std::string> contacts = {"<sip:alice@192.0.2.4:5060>"};
  std::optional<std::string> expires;
  std::vector<std::pair<std::string, std::string>> extra;  // more header fields

  std::string text() const {
    auto b = message::MessageBuilder::request("REGISTER", uri);
    b.header("Via", "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK" + std::to_string(cseq) + call_id)
        .header("Max-Forwards", "70")
        .header("To", to)
        .header("From", to + ";tag=456248")
        .header("Call-ID", call_id)
        .header("CSeq", std::to_string(cseq) + " REGISTER");
    for (const auto& c : contacts) b.header("Contact", c);
    if (expires) b.header("Expires", *expires);
    for (const auto& [name, value] : extra) b.header(name, value);
    return std::move(b).finish();
  }
};

struct Answer {
  int status = 0;
  std::optional<Message> response;

  bool answered() const { return status != 0; }
  std::vector<std::string_view> all(std::string_view name) const {
    std::vector<std::string_view> out;
    if (!response) return out;
    for (const auto& f : response->fields())
      if (message::iequals(f.name, name) || message::header_id(f.name) == message::header_id(name))
        out.push_back(f.value);
    return out;
  }
  std::string header(std::string_view name) const {
    auto v = response ? response->header(name) : std::nullopt;
    return v ? std::string(*v) : std::string();
  }
  std::string reason() const { return response ? std::string(response->reason()) : ""; }
};

inline location::User user(std::string name, std::string realm, std::string_view password) {
  location::User u;
  u.username = std::move(name);
  u.realm = std::move(realm);
  u.ha1_md5 = auth::ha1(message::DigestAlgorithm::Md5, u.username, u.realm, password);
  u.ha1_sha256 = auth::ha1(message::DigestAlgorithm::Sha256, u.username, u.realm, password);
  u.ha1_sha512_256 = auth::ha1(message::DigestAlgorithm::Sha512_256, u.username, u.realm, password);
  return u;
}

// The Authorization value a client computes for a 401's challenge.
inline std::string authorization(const Message& challenge_response, std::string_view username,
                                 std::string_view password, std::string_view uri,
                                 std::uint32_t nc = 1, std::size_t which = 0) {
  std::vector<message::Challenge> challenges;
  for (const auto& f : challenge_response.fields())
    if (f.id == message::HeaderId::WwwAuthenticate)
      challenges.push_back(*message::parse_challenge(f.value));
  EXPECT_GT(challenges.size(), which);
  const auto& c = challenges.at(which);
  auto algorithm = c.digest_algorithm();
  std::string h = auth::ha1(algorithm, username, *c.realm, password);
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
  auth::DigestInput in;
  in.algorithm = algorithm;
  in.ha1 = h;
  in.nonce = *c.nonce;
  in.cnonce = "f2b0c1";
  in.nc = nc_text;
  in.qop = "auth";
  in.method = "REGISTER";
  in.uri = uri;
  return "Digest username=\"" + std::string(username) + "\", realm=\"" + std::string(*c.realm) +
         "\", nonce=\"" + std::string(*c.nonce) + "\", uri=\"" + std::string(uri) +
         "\", response=\"" + auth::request_digest(in) +
         "\", algorithm=" + std::string(message::digest_algorithm_name(algorithm)) +
         ", cnonce=\"f2b0c1\", qop=auth, nc=" + nc_text;
}

class RegistrarTest : public ::testing::Test {
 protected:
  RegistrarTest() {
    auto s = location::open_store("memory");
    EXPECT_TRUE(s);
    store = std::move(*s);
  }
  ~RegistrarTest() override { store->close(); }

  // A registrar with this config (auth off unless the test turns it on).
  Registrar& make(RegistrarConfig config = open_config()) {
    registrar = std::make_unique<Registrar>(config, *store, &digest, clock,
                                            [](std::function<void()> f) { f(); });
    return *registrar;
  }
  static RegistrarConfig open_config() {
    RegistrarConfig c;
    c.domains = {"example.com"};
    c.authenticate = false;
    return c;
  }

  // Sends a REGISTER; the answer is there when the registrar has replied (at once here, unless a
  // failure delay holds it back).
  std::shared_ptr<Answer> send(const std::string& text, std::string source_ip = "192.0.2.4") {
    auto m = Message::parse(text);
    EXPECT_TRUE(m) << (m ? "" : m.error().describe());
    transport::Incoming in{*std::move(m), {}, clock.now()};
    in.flow.protocol = transport::Protocol::Udp;
    in.flow.remote = {boost::asio::ip::make_address(source_ip), 5060};
    in.flow.local = {boost::asio::ip::make_address("192.0.2.10"), 5060};
    requests.push_back(std::move(in));
    auto answer = std::make_shared<Answer>();
    registrar->handle(requests.back(), [answer](int status, std::string bytes) {
      EXPECT_EQ(answer->status, 0) << "answered twice";
      answer->status = status;
      auto r = Message::parse(bytes);
      EXPECT_TRUE(r) << bytes;
      if (r) answer->response = *std::move(r);
      EXPECT_EQ(answer->response->status(), status);
    });
    return answer;
  }
  Answer send_now(const Register& r) {
    auto a = send(r.text());
    EXPECT_TRUE(a->answered());
    return *a;
  }

  std::vector<location::Binding> bindings(const std::string& aor) {
    std::vector<location::Binding> out;
    bool done = false;
    store->lookup(aor, [&](auto r) {
      EXPECT_TRUE(r);
      if (r) out = *r;
      done = true;
    });
    EXPECT_TRUE(done);
    return out;
  }
  void add_user(const location::User& u) {
    bool done = false;
    store->put_user(u, [&](auto r) {
      EXPECT_TRUE(r);
      done = true;
    });
    EXPECT_TRUE(done);
  }

  VirtualClock clock;
  auth::DigestServer digest;
  std::unique_ptr<location::Store> store;
  std::unique_ptr<Registrar> registrar;
  std::deque<transport::Incoming> requests;
};

}  // namespace parley::registrar::test
