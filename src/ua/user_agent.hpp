// The user agent core (RFC 3261 §8, §11, §12.2.2, §13-15) and the public API for writing a UA.
//
//   UserAgent ua(clock, sender, config);           // a TransactionUser over its own layer
//   transport delivers to ua.receiver();
//   ua.on_incoming_call = [](const std::shared_ptr<Call>& call) { call->ring(); call->answer(); };
//   auto call = ua.call("sip:bob@192.0.2.4", {.established = ..., .ended = ...});
//   ua.request({.method = "OPTIONS", .uri = "sip:bob@192.0.2.4"}, [](int status, auto*) {...});
//
// Threads: a UserAgent runs one TransactionLayer — one shard (docs/architecture.md) — and every
// call into it, its callbacks and its timers belong to one event-loop thread. A UA is an endpoint
// with a handful of calls, not a server: one shard is plenty. From another thread, post to that
// loop (Stack::post in stack.hpp does it).
//
// What the core answers by itself (§8.2): an unknown method 405 with Allow; a Require it does not
// support 420 with Unsupported; a request for a dialog it does not know 481; OPTIONS 200 with
// Allow, Accept and Supported (§11). Inside a dialog (invite_session.hpp): an out-of-order CSeq
// 500 with Retry-After, a re-INVITE during ours 491, a re-INVITE without Contact 400 — the
// dialog stays as it was.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/client.hpp"
#include "common/timer.hpp"
#include "dialog/invite_session.hpp"
#include "message/message.hpp"
#include "transaction/layer.hpp"
#include "transaction/user.hpp"
#include "transport/types.hpp"

namespace parley::ua {

using Call = dialog::InviteSession;

struct UserAgentConfig {
  std::string user = "parley";  // the user part of From (for our calls) and Contact
  std::string display_name{};
  // The host of our address of record (From); empty: the local address.
  std::string domain{};
  transport::Protocol protocol = transport::Protocol::Udp;
  transport::Endpoint local{};  // the address Via and Contact name: where we listen
  std::string user_agent = "parley";
  transaction::Timers timers{};
  dialog::LocalMedia media{};
};

// A request outside any dialog (OPTIONS, REGISTER, ...).
struct OutgoingRequest {
  std::string method = "OPTIONS";
  std::string uri{};      // Request-URI
  std::string to{};       // name-addr; default <uri>
  std::string from{};     // name-addr without tag; default the UA's address of record
  std::string call_id{};  // default: a new one
  std::uint32_t cseq = 1;
  std::vector<std::pair<std::string, std::string>> headers{};  // added as they are
};

class UserAgent final : public transaction::TransactionUser {
 public:
  // The final response (nullptr for a timeout or a transport error: status 408 or 503).
  using ResponseCallback = std::function<void(int status, const message::Message* response)>;

  UserAgent(TimerService& clock, transport::Sender& sender, UserAgentConfig config);
  ~UserAgent() override;

  // What the transport delivers to.
  transport::Receiver& receiver() { return layer_; }
  transaction::TransactionLayer& layer() { return layer_; }
  const UserAgentConfig& config() const { return config_; }
  // The clock of the UA's thread, for timers of the application.
  TimerService& clock() { return clock_; }
  // Credentials for 401/407 challenges, per realm (auth/client.hpp).
  auth::DigestClient& credentials() { return digest_; }

  // A new INVITE (§13.2.1). Without a handler, incoming calls are answered 480.
  std::function<void(const std::shared_ptr<Call>& call)> on_incoming_call;

  // Places a call; nullptr (with *error) when the target cannot be reached.
  std::shared_ptr<Call> call(std::string_view target, Call::Events events,
                             std::string* error = nullptr);
  // Sends a request outside a dialog; answers 401/407 from credentials() (§22.2) and reports
  // the final response. False when it could not be sent at all.
  bool request(const OutgoingRequest& request, ResponseCallback done);

  // Our address of record as a name-addr: "Display" <sip:user@domain>.
  std::string address_of_record() const;
  // The Contact of this UA: <sip:user@local;transport=..>.
  std::string contact() const;
  // The flow a request to `uri` takes: its host (an IP address, or a name looked up once),
  // its port (or the default of the transport), its transport parameter or the UA's protocol.
  std::optional<transport::Flow> flow_to(std::string_view uri) const;
  // The calls alive now.
  std::size_t calls() const;

  // TransactionUser
  void on_request(const std::shared_ptr<transaction::ServerTransaction>& tx) override;
  void on_cancel(const std::shared_ptr<transaction::ServerTransaction>& cancel,
                 const std::shared_ptr<transaction::ServerTransaction>& invite) override;
  void on_ack(const transport::Incoming& ack) override;
  void on_stray_response(const transport::Incoming& response) override;
  void on_failure(transaction::ServerTransaction& tx, transaction::Failure why) override;

 private:
  std::shared_ptr<Call> find(std::string_view call_id);
  void sweep();
  void respond_out_of_dialog(const std::shared_ptr<transaction::ServerTransaction>& tx, int status,
                             std::string_view reason = {});
  bool send_request(message::Message m, ResponseCallback done, int attempts);

  UserAgentConfig config_;
  TimerService& clock_;
  transport::Sender& sender_;
  transaction::TransactionLayer layer_;
  auth::DigestClient digest_;
  dialog::SessionServices services_;
  std::unordered_map<std::string, std::shared_ptr<Call>> calls_;  // by Call-ID
};

// Methods this UA core understands (§8.2.1) and the extensions it supports (§8.2.2.3: none).
inline constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS";
inline constexpr std::string_view kAccept = "application/sdp";

}  // namespace parley::ua
