// A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE (or its 1xx with a To tag)
// sets up. It holds what every request inside it needs — Call-ID, tags, the local and remote URIs,
// the remote target, the route set, the CSeq numbers — and builds those requests (§12.2.1.1).
//
// A Dialog is plain state: no timers, no transport. The INVITE session (invite_session.hpp) and
// the UA core keep one per dialog and consult it for every message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "message/builder.hpp"
#include "message/message.hpp"

namespace parley::dialog {

// §12: "A dialog is identified at each UA with a dialog ID, which consists of a Call-ID value, a
// local tag and a remote tag."
struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  friend bool operator==(const DialogId&, const DialogId&) = default;
  std::string to_string() const;
};

// The dialog ID a request received belongs to, as the UAS sees it (§12.2.2): local tag = To tag,
// remote tag = From tag. nullopt when Call-ID, From or To cannot be read.
std::optional<DialogId> uas_dialog_id(const message::Message& request);
// ... and the one a response received belongs to, as the UAC sees it: local = From tag,
// remote = To tag.
std::optional<DialogId> uac_dialog_id(const message::Message& response);

class Dialog {
 public:
  enum class State : std::uint8_t { Early, Confirmed, Terminated };

  // §12.1.2: the UAC's dialog from the request it sent and a 101-199 (with a To tag: early) or a
  // 2xx response (confirmed). The route set is the Record-Route of the response, reversed.
  static Result<Dialog, std::string> as_uac(const message::Message& request,
                                            const message::Message& response);
  // §12.1.1: the UAS's dialog from the request received and the To tag it answers with. The route
  // set is the request's Record-Route, in order. `early`: made for a 1xx.
  static Result<Dialog, std::string> as_uas(const message::Message& request,
                                            std::string_view local_tag, bool early);

  const DialogId& id() const { return id_; }
  State state() const { return state_; }
  bool early() const { return state_ == State::Early; }
  bool confirmed() const { return state_ == State::Confirmed; }
  bool terminated() const { return state_ == State::Terminated; }
  // §12.1: an early dialog becomes confirmed with the 2xx; its state (route set included, §12.1.2
  // "recomputed") is taken from that 2xx on the UAC side.
  void confirm(const message::Message* uac_2xx = nullptr);
  void terminate() { state_ = State::Terminated; }

  const std::string& local_uri() const { return local_uri_; }    // name-addr without tag
  const std::string& remote_uri() const { return remote_uri_; }  // name-addr without tag
  const std::string& remote_target() const { return remote_target_; }
  const std::vector<std::string>& route_set() const { return route_set_; }
  std::uint32_t local_cseq() const { return local_cseq_; }
  std::optional<std::uint32_t> remote_cseq() const { return remote_cseq_; }
  bool secure() const { return secure_; }

  // §12.2.2: checks a request received in this dialog against the remote CSeq and records it.
  // Returns 0 when in order, 500 when lower than the last one (the UAS answers 500, §12.2.2). ACK
  // and CANCEL are not checked (they carry the INVITE's number).
  int accept_remote_cseq(const message::Message& request);

  // §12.2.1.2, §12.2.2: a target refresh request (re-INVITE, UPDATE) or its 2xx with a Contact
  // replaces the remote target. False when the Contact is absent or unreadable.
  bool refresh_target(const message::Message& m);

  // The next local CSeq (§12.2.1.1: "incremented by one"); ACK and CANCEL use the INVITE's.
  std::uint32_t next_cseq() { return ++local_cseq_; }

  // §12.2.1.1: a request in this dialog, up to and including CSeq — Request-URI and Route
  // (loose or strict routing), Via (`via` is the whole value), Max-Forwards, From, To, Call-ID,
  // CSeq. The caller adds Contact, a body and whatever else and finishes the builder.
  message::MessageBuilder request(std::string_view method, std::string_view via,
                                  std::uint32_t cseq) const;
  // Where the request goes first (§8.1.2 with §12.2.1.1): the first route, else the remote target.
  std::string next_hop() const;

 private:
  Dialog() = default;
  DialogId id_;
  State state_ = State::Early;
  std::string local_uri_, remote_uri_, remote_target_;
  std::vector<std::string> route_set_;
  std::uint32_t local_cseq_ = 0;
  std::optional<std::uint32_t> remote_cseq_;
  bool secure_ = false;
};

// A name-addr's text without its tag parameter ("Bob <sip:bob@b.example>;tag=x" -> "Bob
// <sip:bob@b.example>").
std::string without_tag(const message::NameAddr& a);

}  // namespace parley::dialog
