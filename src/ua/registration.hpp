// The registration client (RFC 3261 §10.2): REGISTER a Contact for an address of record, refresh
// it before it expires, answer 423 (Interval Too Brief) with the registrar's Min-Expires, fetch
// the bindings, and remove ours on the way out. Digest challenges are answered by the UA
// (UserAgent::credentials()).
//
//   Registration reg(ua, {.registrar = "sip:example.com", .aor = "sip:alice@example.com"},
//                    {.registered = [](const Registration::Result& r) { ... }});
//   reg.start();   ...   reg.stop();   // Expires: 0 for our Contact
//
// Runs on the UA's thread, like the UA.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/timer.hpp"
#include "message/message.hpp"
#include "ua/user_agent.hpp"

namespace parley::ua {

class Registration {
 public:
  struct Options {
    std::string registrar{};  // Request-URI (§10.2: the domain of the registrar)
    std::string aor{};        // To and From: the address of record (sip:alice@example.com)
    std::uint32_t expires = 3600;
    // Refresh this long before the binding runs out (half the interval for short ones).
    std::chrono::seconds refresh_margin{30};
  };
  struct Result {
    int status = 0;                     // the final status; 408/503 without a response
    std::string reason;                 // its reason phrase
    std::uint32_t expires = 0;          // 2xx: what the registrar granted our Contact
    std::vector<std::string> bindings;  // 2xx: every Contact the registrar holds for the AOR
  };
  struct Events {
    std::function<void(const Result&)> registered{};    // each 2xx to a REGISTER with our Contact
    std::function<void(const Result&)> failed{};        // a final failure (after 423/401 handling)
    std::function<void(const Result&)> unregistered{};  // the answer to stop()
    std::function<void(const Result&)> fetched{};       // the answer to fetch()
  };

  Registration(UserAgent& ua, Options options, Events events);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  void start();  // REGISTER our Contact, then keep it refreshed
  void stop();   // §10.2.2: Expires: 0 for our Contact; no more refreshes
  void fetch();  // §10.2.3: REGISTER without Contact: the bindings, changing none
  bool registered() const { return registered_; }
  std::uint32_t expires() const { return expires_; }

 private:
  enum class Kind : std::uint8_t { Register, Unregister, Fetch };
  void send(Kind kind);
  void on_response(Kind kind, int status, const message::Message* response);

  UserAgent& ua_;
  Options options_;
  Events events_;
  std::string call_id_;     // §10.2: one Call-ID for every REGISTER to this registrar
  std::uint32_t cseq_ = 0;  // and CSeq numbers that go up
  std::uint32_t expires_ = 0;
  bool registered_ = false, stopped_ = false;
  Timer refresh_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace parley::ua
