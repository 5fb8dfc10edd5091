// What the four transaction machines of RFC 3261 §17 share: the context they run in, the way they
// send (a transport failure comes back as an event, §17.1.4/§17.2.4), what a client transaction
// reports to its user, and how a server transaction takes responses from the TU.
//
// A transaction belongs to one thread (STYLE.md §5): its timers, the Sender's error callbacks and
// every call into it happen there. Transactions are held by std::shared_ptr: the table holds one
// reference until the machine reaches Terminated, the TU may hold another for as long as it likes
// (a terminated transaction ignores what it is told).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/timer.hpp"
#include "message/message.hpp"
#include "transaction/key.hpp"
#include "transaction/timers.hpp"
#include "transport/types.hpp"

namespace parley::transaction {

class Transaction;
class ServerTransaction;
class NonInviteServer;
class TransactionUser;

// Why a transaction gave up.
enum class Failure : std::uint8_t {
  Timeout,         // Timer B or F (client), Timer H (server)
  TransportError,  // the Sender reported that a message could not be sent
};
// RFC 3261 §8.1.3.1: "If a fatal transport error is reported ... the UAC MUST treat this as a 503
// (Service Unavailable)"; "If the request ... times out ... MUST treat this as a 408".
constexpr int status_of(Failure f) { return f == Failure::Timeout ? 408 : 503; }

// What a client transaction tells the one who started it.
struct ClientEvent {
  enum class Kind : std::uint8_t { Response, Timeout, TransportError };
  Kind kind = Kind::Response;
  const message::Message* response = nullptr;  // Kind::Response only
  std::string_view reason;                     // Kind::TransportError: what the transport said

  // The status the user acts on: the response's, or 408 for a timeout and 503 for a transport
  // error (§8.1.3.1, §17.1.4).
  int status() const;
};
using ClientCallback = std::function<void(const ClientEvent&)>;

// Told when a transaction reaches Terminated, so that it leaves the table (§17.1.1.2: "it MUST be
// destroyed immediately"), and when a non-INVITE server transaction enters Completed to wait for
// Timer J.
class Owner {
 public:
  virtual void terminated(Transaction& t) = 0;
  // `t` has sent its final response and waits `j` (Timer J, §17.2.2) to absorb retransmissions of
  // its request. Returning true, the owner runs Timer J itself (NonInviteServer::expire()): a
  // layer keeps its Completed transactions in one queue, Timer J being the same for all of them,
  // and keeps of each only what answers a retransmission once its TU has let go (layer.hpp).
  virtual bool completed(NonInviteServer& t, Duration j) = 0;

 protected:
  ~Owner() = default;
};

// What a transaction runs on. The services outlive every transaction made with them.
struct Context {
  TimerService& clock;
  transport::Sender& sender;
  Timers timers{};
  TransactionUser* user = nullptr;  // server transactions report failures and ACKs here
  Owner* owner = nullptr;
};

class Transaction : public std::enable_shared_from_this<Transaction> {
 public:
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  virtual ~Transaction() = default;

  // Where this transaction sends: the flow the TU chose for a client transaction; for a server
  // transaction the flow of §18.2.2 (transport::response_flow) for the request's top Via.
  const transport::Flow& flow() const { return flow_; }
  bool reliable() const { return transport::is_reliable(flow_.protocol); }
  // The key the table knows this transaction by (empty until the layer files it).
  const Key& key() const { return key_; }
  virtual bool terminated() const = 0;
  virtual std::string_view state_name() const = 0;

 protected:
  Transaction(const Context& ctx, transport::Flow flow);

  // One transition at a time: a Step keeps the transaction alive until the transition is over
  // (it may leave the table, and with it its last owner, halfway), and a transport failure that
  // the Sender reports from inside send() waits until then, so that transitions never nest.
  class Step {
   public:
    explicit Step(Transaction& t);
    ~Step();
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;

   private:
    std::shared_ptr<Transaction> self_;
  };

  // Hands bytes to the transport along flow(); a failure comes back as transport_failed().
  void send(const transport::Bytes& bytes);
  // The machine's "Transport Err." transition.
  virtual void transport_failed() = 0;
  // Leaves the table; called once, on entering Terminated.
  void finish();
  std::string_view last_error() const { return last_error_; }

  TimerService& clock_;
  transport::Sender& sender_;
  Timers timers_;
  TransactionUser* user_;
  Owner* owner_;
  transport::Flow flow_;
  Key key_;  // filed by the layer; views into the request

 private:
  friend class TransactionLayer;
  void send_failed(std::string_view why);

  int depth_ = 0;
  bool error_pending_ = false;
  std::string last_error_;
};

class ClientTransaction : public Transaction {
 public:
  const message::Message& request() const { return request_; }
  // A response that matched this transaction (§17.1.3).
  virtual void receive(const message::Message& response) = 0;

 protected:
  ClientTransaction(const Context& ctx, message::Message request, transport::Flow flow,
                    ClientCallback callback);
  void report(ClientEvent::Kind kind, const message::Message* response = nullptr);

  message::Message request_;
  transport::Bytes bytes_;  // the request as first sent: a retransmission is the same bytes
  ClientCallback callback_;
};

class ServerTransaction : public Transaction {
 public:
  // The request that made the transaction.
  const message::Message& request() const { return request_.message; }
  const transport::Incoming& incoming() const { return request_; }

  // A response from the TU, sent along flow() (§18.2.2). Ignored once the machine no longer takes
  // one (a second final, anything after Terminated).
  void respond(const message::Message& response);
  void respond(int status, std::string bytes);
  void respond(int status, transport::Bytes bytes);
  // A final response sent once, the transaction ending with it: no retransmission, nothing kept
  // to answer the request's retransmissions, which arrive as a new request and get a response of
  // their own. RFC 3261 §26.3.2.4: "UAs and proxy servers SHOULD challenge questionable requests
  // with only a single 401 (Unauthorized) or 407 (Proxy Authentication Required), forgoing the
  // normal response retransmission algorithm, and thus behaving statelessly towards
  // unauthenticated requests" (and §8.2.7). Not for a 2xx to an INVITE, whose retransmissions the
  // TU owes (§13.3.1.4): that, like a provisional response, is sent as respond() sends it.
  void respond_once(int status, transport::Bytes bytes);
  // The plain response of §8.2.6.2 — status line, Via, From, To (with `to_tag` added above
  // 100), Call-ID, CSeq, no body — made from the request's bytes (response.hpp).
  void respond_status(int status, std::string_view to_tag = {}, std::string_view reason = {});

  // A request that matched this transaction (§17.2.3): a retransmission, or for an INVITE
  // transaction the ACK.
  virtual void receive(const transport::Incoming& in) = 0;

  // The To tag of the final response sent, for the RFC 2543 ACK rule of §17.2.3; empty before.
  std::string_view final_to_tag() const { return final_to_tag_; }

 protected:
  ServerTransaction(const Context& ctx, transport::Incoming&& request);
  // The "response from TU" transitions.
  virtual void on_response(int status, const transport::Bytes& bytes) = 0;
  // Tells the TU (on_failure).
  void report_failure(Failure why);

  transport::Incoming request_;
  bool once_ = false;  // respond_once(): the final response ends the transaction
  std::string final_to_tag_;
};

}  // namespace parley::transaction
