// An INVITE session (RFC 3261 §13–15) on its dialog, from either end, with the offer/answer of
// RFC 3264 (offer_answer.hpp):
//
//   UAC: INVITE -> 1xx (early dialogs, one per To tag: a forked INVITE may make several) -> 2xx
//        -> ACK, re-sent for every retransmission of the 2xx (§13.2.2.4); a 2xx from a second
//        fork is ACKed and hung up at once; CANCEL (§9.1) once a provisional response came.
//   UAS: INVITE -> ring() 180 -> answer() 200, retransmitted T1, 2*T1 .. T2 until the ACK; no ACK
//        within 64*T1: BYE (§13.3.1.4); reject(code); CANCEL -> 487 (§9.2).
//   Both: re-INVITE (§14) with glare answered 491 and retried after the §14.1 delay; BYE (§15).
//
// Everything runs on the thread of the transaction layer it is given, on the TimerService of that
// thread, so tests drive it with a VirtualClock. The UA core (ua/user_agent.hpp) routes incoming
// messages to the session: requests with a To tag, ACKs, CANCELs, stray 2xx.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "common/timer.hpp"
#include "dialog/dialog.hpp"
#include "dialog/offer_answer.hpp"
#include "message/message.hpp"
#include "transaction/layer.hpp"
#include "transport/types.hpp"

namespace parley::dialog {

// What a session needs from the UA around it. Outlives every session.
struct SessionServices {
  TimerService& clock;
  transaction::TransactionLayer& layer;
  transport::Sender& sender;  // the ACK for a 2xx is no transaction: it goes straight out
  transaction::Timers timers{};
  // The flow a request to this URI takes (RFC 3263 reduced to what the UA supports); nullopt
  // when it cannot be reached.
  std::function<std::optional<transport::Flow>(std::string_view uri)> flow_to{};
  // The Via value for a request along `flow`, without branch ("SIP/2.0/UDP 127.0.0.1:5070").
  std::function<std::string(const transport::Flow& flow)> via{};
  // The Contact value ("<sip:parley@127.0.0.1:5070>").
  std::function<std::string(const transport::Flow& flow)> contact{};
  // Answers a 401 or 407 (§22.2): the header field (name, value) to add to the request re-sent;
  // nullopt to give up.
  std::function<std::optional<std::pair<std::string, std::string>>(
      const message::Message& request, const message::Message& challenge)>
      authorize{};
  std::string user_agent = "parley";
  std::string allow = "INVITE, ACK, CANCEL, BYE, OPTIONS";
  std::string supported{};  // no extensions: an empty Supported is not sent
  LocalMedia media{};
};

class InviteSession : public std::enable_shared_from_this<InviteSession> {
 public:
  enum class Role : std::uint8_t { Uac, Uas };
  enum class State : std::uint8_t {
    Calling,     // UAC: INVITE sent, no provisional yet. UAS: INVITE received, nothing sent.
    Early,       // a provisional response with a To tag went through
    Answered,    // UAS: 2xx sent, waiting for the ACK
    Confirmed,   // the session is up
    Terminated,  // ended (see Ended)
  };
  struct Ended {
    int status = 0;  // the final status of a failed INVITE, 487 when cancelled, 200 after a BYE
    std::string reason;
    bool by_peer = false;  // the peer hung up, cancelled or refused
  };
  struct Events {
    std::function<void(const message::Message& provisional)> progress{};  // UAC: 1xx
    std::function<void()> established{};  // UAC: 2xx ACKed; UAS: ACK received
    std::function<void(const Ended&)> ended{};
    // A re-INVITE finished: the status of its final response (sent or received).
    std::function<void(int status)> reinvited{};
  };

  // UAC: sends an INVITE to `target` from `from` (a name-addr) with an SDP offer. nullptr when the
  // target cannot be reached (the reason is in *error).
  static std::shared_ptr<InviteSession> call(SessionServices& services, Events events,
                                             std::string_view target, std::string_view from,
                                             std::string* error = nullptr);
  // UAS: takes an INVITE outside any dialog (the UA core checked method and Require already).
  static std::shared_ptr<InviteSession> incoming(
      SessionServices& services, const std::shared_ptr<transaction::ServerTransaction>& invite);

  void set_events(Events events) { events_ = std::move(events); }

  // ---- UAS
  void ring(int status = 180);  // a provisional response with the To tag: an early dialog
  bool answer();                // 2xx with the SDP answer; false when the offer is unacceptable
  void reject(int status, std::string_view reason = {});

  // ---- both
  // UAC before the 2xx: CANCEL (deferred until a provisional response came, §9.1). UAS before
  // the answer: 603 Decline. In a session: BYE (a UAS waits for the ACK first, §15).
  void hangup();
  // §14.1: a new offer in a re-INVITE; false while another INVITE transaction is in progress.
  bool reinvite();

  // ---- from the UA core
  // A request inside this session's dialog (To tag matched).
  void receive_request(const std::shared_ptr<transaction::ServerTransaction>& tx);
  void receive_ack(const transport::Incoming& ack);
  // §9.2: the CANCEL of this session's INVITE; the core has answered the CANCEL 200.
  void receive_cancel();
  // A 2xx that matched no client transaction (after Timer M): re-ACK it.
  void receive_stray_2xx(const message::Message& response);
  // The server transaction of the INVITE failed (no ACK within Timer H, transport error).
  void invite_failed(transaction::Failure why);

  Role role() const { return role_; }
  State state() const { return state_; }
  // The session is over and `ended` was reported. (After our BYE the state is Terminated at
  // once, §15, but the session waits for the BYE's answer before it is finished.)
  bool finished() const { return finished_; }
  const Ended& ended() const { return ended_; }
  const std::string& call_id() const { return call_id_; }
  const std::string& local_tag() const { return local_tag_; }
  // The dialog of the session; during early forking, the most recent early dialog.
  const Dialog* dialog() const;
  // The remote session description (offer or answer) last received; empty when none.
  const std::string& remote_sdp() const { return remote_sdp_; }
  // The server transaction of the initial INVITE (UAS); null for a UAC.
  const std::shared_ptr<transaction::ServerTransaction>& invite_transaction() const {
    return invite_tx_;
  }

  struct Private {
    explicit Private() = default;
  };
  InviteSession(Private, SessionServices& services, Role role);

 private:
  // UAC
  bool send_invite(message::Message invite);
  void on_invite_response(const transaction::ClientEvent& e, bool initial);
  void on_2xx(const message::Message& response, bool initial);
  void send_ack(const Dialog& d, std::uint32_t cseq);
  void send_cancel();
  std::optional<message::Message> with_credentials(const message::Message& request,
                                                   const message::Message& challenge);
  // UAS
  void send_2xx(const std::shared_ptr<transaction::ServerTransaction>& tx, std::string body);
  void retransmit_2xx();
  void no_ack();
  // both
  void send_bye();
  bool send_in_dialog(std::string_view method, std::string body, bool reinvite);
  void glare_retry();
  void finish(int status, std::string reason, bool by_peer);
  std::string via_for(const transport::Flow& flow);
  std::string new_tag();
  Dialog* current();

  SessionServices& s_;
  Role role_;
  State state_ = State::Calling;
  Events events_;
  Ended ended_;
  std::string call_id_, local_tag_;
  std::uint64_t session_id_ = 0, sdp_version_ = 0;
  std::string remote_sdp_;
  std::mt19937_64 random_;

  // UAC: the INVITE and its transaction; early dialogs by remote tag; the confirmed dialog.
  std::optional<message::Message> invite_;
  std::shared_ptr<transaction::ClientTransaction> invite_client_;
  bool provisional_seen_ = false, cancel_wanted_ = false, cancelled_ = false;
  int auth_attempts_ = 0;
  std::map<std::string, Dialog> early_;
  std::optional<Dialog> dialog_;
  // The last ACK sent and the CSeq of the INVITE it acknowledges, for 2xx retransmissions.
  std::uint32_t ack_cseq_ = 0;
  transport::Bytes ack_bytes_;
  std::optional<transport::Flow> ack_flow_;

  // UAS: the INVITE's server transaction and the 2xx being retransmitted.
  std::shared_ptr<transaction::ServerTransaction> invite_tx_;
  std::shared_ptr<transaction::ServerTransaction> pending_2xx_tx_;
  std::uint32_t pending_2xx_cseq_ = 0;
  transport::Bytes pending_2xx_;
  Duration retransmit_interval_{};
  bool bye_after_ack_ = false;

  // re-INVITE: one INVITE transaction at a time in each direction (§14.1, §14.2).
  bool reinvite_out_ = false;  // ours is in progress
  bool reinvite_in_ = false;   // theirs is waiting for our ACK
  bool bye_sent_ = false;
  bool finished_ = false;

  Timer retransmit_timer_, give_up_timer_, glare_timer_;
};

}  // namespace parley::dialog
