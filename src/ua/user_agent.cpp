#include "ua/user_agent.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <random>

#include "message/builder.hpp"
#include "transaction/key.hpp"

namespace parley::ua {

using message::HeaderId;
using message::Message;
using message::MessageBuilder;
using transaction::ServerTransaction;

namespace {

std::string random_hex() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(random()));
  return buf;
}

std::string tag_of(const message::ParseResult<message::NameAddr>& a) {
  return a ? std::string(a->tag().value_or("")) : std::string();
}

// A host name looked up with the system's resolver (the RFC 3263 resolver of transport/ is for
// the server side; a UA command resolves its target once, before the call).
std::optional<boost::asio::ip::address> lookup(std::string_view host) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(host), ec);
  if (!ec) return a;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(std::string(host).c_str(), nullptr, &hints, &res) != 0 || !res)
    return std::nullopt;
  std::optional<boost::asio::ip::address> out;
  for (addrinfo* p = res; p && !out; p = p->ai_next) {
    char buf[64];
    if (::getnameinfo(p->ai_addr, p->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) == 0)
      if (auto parsed = boost::asio::ip::make_address(buf, ec); !ec) out = parsed;
  }
  ::freeaddrinfo(res);
  return out;
}

}  // namespace

UserAgent::UserAgent(TimerService& clock, transport::Sender& sender, UserAgentConfig config)
    : config_(std::move(config)),
      clock_(clock),
      sender_(sender),
      layer_(clock, sender, *this, transaction::LayerConfig{.timers = config_.timers}),
      services_{.clock = clock, .layer = layer_, .sender = sender, .timers = config_.timers} {
  services_.flow_to = [this](std::string_view uri) { return flow_to(uri); };
  services_.via = [this](const transport::Flow& flow) {
    return "SIP/2.0/" + std::string(transport::via_token(flow.protocol)) + " " +
           config_.local.host() + ":" + std::to_string(config_.local.port);
  };
  services_.contact = [this](const transport::Flow&) { return contact(); };
  services_.authorize = [this](const Message& request, const Message& challenge) {
    return digest_.answer(request, challenge);
  };
  services_.user_agent = config_.user_agent;
  services_.allow = std::string(kAllow);
  services_.media = config_.media;
}

UserAgent::~UserAgent() = default;

std::string UserAgent::address_of_record() const {
  std::string domain = config_.domain.empty() ? config_.local.host() : config_.domain;
  std::string out;
  if (!config_.display_name.empty()) out = "\"" + config_.display_name + "\" ";
  return out + "<sip:" + config_.user + "@" + domain + ">";
}

std::string UserAgent::contact() const {
  std::string out = "<sip:" + config_.user + "@" + config_.local.host() + ":" +
                    std::to_string(config_.local.port);
  if (config_.protocol != transport::Protocol::Udp)
    out += ";transport=" + std::string(transport::uri_token(config_.protocol));
  return out + ">";
}

std::optional<transport::Flow> UserAgent::flow_to(std::string_view uri) const {
  auto parsed = message::parse_uri(uri);
  if (!parsed || !parsed->sip()) return std::nullopt;
  const auto& sip = *parsed->sip();
  transport::Flow flow;
  flow.protocol = config_.protocol;
  if (auto t = sip.param("transport"))
    if (auto p = transport::protocol_from_token(*t)) flow.protocol = *p;
  if (sip.secure && flow.protocol == transport::Protocol::Tcp)
    flow.protocol = transport::Protocol::Tls;
  std::string_view host = sip.host;
  if (auto maddr = sip.param("maddr")) host = *maddr;
  auto address = lookup(host);
  if (!address) return std::nullopt;
  flow.remote = {*address, sip.port.value_or(transport::default_port(flow.protocol))};
  flow.local = config_.local;
  return flow;
}

std::size_t UserAgent::calls() const {
  return static_cast<std::size_t>(std::count_if(
      calls_.begin(), calls_.end(), [](const auto& c) { return !c.second->finished(); }));
}

std::shared_ptr<Call> UserAgent::find(std::string_view call_id) {
  auto it = calls_.find(std::string(call_id));
  return it == calls_.end() ? nullptr : it->second;
}

void UserAgent::sweep() {
  std::erase_if(calls_, [](const auto& c) { return c.second->finished(); });
}

std::shared_ptr<Call> UserAgent::call(std::string_view target, Call::Events events,
                                      std::string* error) {
  sweep();
  auto call = Call::call(services_, std::move(events), target, address_of_record(), error);
  if (call) calls_[call->call_id()] = call;
  return call;
}

bool UserAgent::request(const OutgoingRequest& r, ResponseCallback done) {
  auto flow = flow_to(r.uri);
  if (!flow) return false;
  auto b = MessageBuilder::request(r.method, r.uri);
  b.header(HeaderId::Via, services_.via(*flow) + ";branch=" + layer_.new_branch() + ";rport");
  b.header(HeaderId::MaxForwards, "70");
  b.header(HeaderId::From,
           (r.from.empty() ? address_of_record() : r.from) + ";tag=" + random_hex());
  b.header(HeaderId::To, r.to.empty() ? "<" + r.uri + ">" : r.to);
  b.header(HeaderId::CallId, r.call_id.empty() ? random_hex() + "@parley" : r.call_id);
  b.header(HeaderId::CSeq, std::to_string(r.cseq) + " " + r.method);
  bool has_contact = false;
  for (const auto& [name, value] : r.headers) {
    b.header(name, value);
    auto id = message::header_id(name);
    has_contact = has_contact || id == HeaderId::Contact;
  }
  if (!has_contact && r.method != "REGISTER") b.header(HeaderId::Contact, contact());
  b.header(HeaderId::UserAgent, config_.user_agent);
  auto m = std::move(b).build();
  if (!m) return false;
  return send_request(std::move(*m), std::move(done), 0);
}

bool UserAgent::send_request(Message m, ResponseCallback done, int attempts) {
  auto flow = flow_to(m.request_uri_text());
  if (!flow) return false;
  auto request = std::make_shared<Message>(m);
  auto tx = layer_.send_request(
      std::move(m), *flow, [this, request, done, attempts](const transaction::ClientEvent& e) {
        if (e.kind != transaction::ClientEvent::Kind::Response) {
          if (done) done(e.status(), nullptr);
          return;
        }
        const Message& r = *e.response;
        if (r.status() < 200) return;
        if ((r.status() == 401 || r.status() == 407) && attempts < 3) {
          if (auto h = digest_.answer(*request, r)) {
            // §22.2: the same request with credentials, the next CSeq and a new branch (§8.1.3.5).
            Message next = *request;
            const auto& cseq = request->cseq();
            auto f = flow_to(request->request_uri_text());
            if (cseq && f) {
              next.set(HeaderId::CSeq,
                       std::to_string(cseq->number + 1) + " " + std::string(cseq->method_name));
              next.remove_first_value(HeaderId::Via);
              next.prepend(HeaderId::Via,
                           services_.via(*f) + ";branch=" + layer_.new_branch() + ";rport");
              next.remove(h->first);
              next.append(h->first, h->second);
              if (auto parsed = Message::parse(next.serialize());
                  parsed && send_request(std::move(*parsed), done, attempts + 1))
                return;
            }
          }
        }
        if (done) done(r.status(), &r);
      });
  if (!tx) {
    if (done) done(tx.error().status, nullptr);
    return false;
  }
  return true;
}

void UserAgent::respond_out_of_dialog(const std::shared_ptr<ServerTransaction>& tx, int status,
                                      std::string_view reason) {
  const Message& req = tx->request();
  auto b = message::response_to(req, status, reason, random_hex());
  if (status == 405 || status == 200) b.header(HeaderId::Allow, kAllow);
  if (status == 200 && req.method() == message::Method::Options) {
    // §11.2: OPTIONS answered with what this UA can do.
    b.header(HeaderId::Accept, kAccept);
    b.header(HeaderId::AcceptLanguage, "en");
    b.header(HeaderId::Supported, "");
    b.header(HeaderId::Contact, contact());
  }
  b.header(HeaderId::Server, config_.user_agent);
  tx->respond(status, std::move(b).finish());
}

void UserAgent::on_request(const std::shared_ptr<ServerTransaction>& tx) {
  const Message& req = tx->request();
  sweep();
  // §8.2.1: a method this UA does not understand: 405 with Allow.
  using message::Method;
  Method method = req.method();
  if (method != Method::Invite && method != Method::Bye && method != Method::Options) {
    respond_out_of_dialog(tx, 405);
    return;
  }
  // §8.2.2.3: every option tag in Require is unknown to this UA: 420 with Unsupported.
  std::vector<std::string_view> required = req.values(HeaderId::Require);
  if (!required.empty()) {
    std::string unsupported;
    for (auto r : required) unsupported += (unsupported.empty() ? "" : ", ") + std::string(r);
    auto b = message::response_to(req, 420, {}, random_hex());
    b.header(HeaderId::Unsupported, unsupported);
    tx->respond(420, std::move(b).finish());
    return;
  }
  auto call_id = req.call_id();
  std::string to_tag = tag_of(req.to());
  if (!to_tag.empty()) {
    // §12.2.2: a request within a dialog goes to the session that holds it; 481 when none does.
    auto call = call_id ? find(*call_id) : nullptr;
    if (!call) {
      respond_out_of_dialog(tx, 481);
      return;
    }
    call->receive_request(tx);
    return;
  }
  switch (method) {
    case Method::Options:
      respond_out_of_dialog(tx, 200);
      return;
    case Method::Invite: {
      if (call_id && find(*call_id)) {
        // §8.2.2.2-like: a second INVITE for a Call-ID in progress (not a retransmission; the
        // transaction layer absorbs those): a merged request.
        respond_out_of_dialog(tx, 482);
        return;
      }
      if (!on_incoming_call) {
        respond_out_of_dialog(tx, 480);
        return;
      }
      auto call = Call::incoming(services_, tx);
      calls_[call->call_id()] = call;
      on_incoming_call(call);
      return;
    }
    default:
      // §15.1.2: a BYE that matches no dialog.
      respond_out_of_dialog(tx, 481);
      return;
  }
}

void UserAgent::on_cancel(const std::shared_ptr<ServerTransaction>& cancel,
                          const std::shared_ptr<ServerTransaction>& invite) {
  // §9.2: a CANCEL that matches no transaction gets 481; otherwise 200, and the INVITE 487.
  if (!invite) {
    respond_out_of_dialog(cancel, 481);
    return;
  }
  auto call_id = invite->request().call_id();
  auto call = call_id ? find(*call_id) : nullptr;
  if (call && call->invite_transaction() != invite) call = nullptr;
  // §9.2: the To tag of the 200 is the one the INVITE's responses carry.
  std::string tag = call ? call->local_tag() : random_hex();
  cancel->respond(200, message::response_to(cancel->request(), 200, {}, tag).finish());
  if (call) call->receive_cancel();
}

void UserAgent::on_ack(const transport::Incoming& ack) {
  auto call_id = ack.message.call_id();
  if (auto call = call_id ? find(*call_id) : nullptr) call->receive_ack(ack);
}

void UserAgent::on_stray_response(const transport::Incoming& response) {
  const Message& r = response.message;
  if (r.status() < 200 || r.status() >= 300 || r.cseq_method() != message::Method::Invite) return;
  auto call_id = r.call_id();
  if (auto call = call_id ? find(*call_id) : nullptr) call->receive_stray_2xx(r);
}

void UserAgent::on_failure(ServerTransaction& tx, transaction::Failure why) {
  if (tx.request().method() != message::Method::Invite) return;
  auto call_id = tx.request().call_id();
  if (auto call = call_id ? find(*call_id) : nullptr)
    if (call->invite_transaction().get() == &tx) call->invite_failed(why);
}

}  // namespace parley::ua
