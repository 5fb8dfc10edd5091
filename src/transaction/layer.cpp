#include "transaction/layer.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "message/builder.hpp"
#include "message/uri.hpp"
#include "transaction/invite_client.hpp"
#include "transaction/invite_server.hpp"
#include "transaction/non_invite_client.hpp"
#include "transaction/non_invite_server.hpp"
#include "transport/response_flow.hpp"

namespace parley::transaction {

using message::Message;
using message::Method;

namespace {

constexpr std::string_view kInvite = "INVITE";

std::string_view to_tag(const Message& m) {
  const auto& to = m.to();
  return to ? to->tag().value_or(std::string_view{}) : std::string_view{};
}

// What the layer needs of a new request beyond its key (the transport checked only the top Via):
// a CSeq naming the request's method (responses are matched by it, §17.1.3), a Call-ID, a From
// and a To (every response copies them, §8.2.6.2). Their syntax is the TU's to check when it
// reads them: parsing From here would cost an OPTIONS responder a sixth of its time.
std::optional<message::ParseError> unfit(const Message& m) {
  const auto& cseq = m.cseq();
  if (!cseq) return cseq.error();
  if (cseq->method_name != m.method_name())
    return message::syntax_error("CSeq method does not match the request method");
  if (m.call_id().value_or(std::string_view{}).empty())
    return message::syntax_error("missing Call-ID header");
  if (!m.find(message::HeaderId::From)) return message::syntax_error("missing From header");
  if (!m.find(message::HeaderId::To)) return message::syntax_error("missing To header");
  return std::nullopt;
}

bool same_request_uri(const Message& a, const Message& b) {
  const auto& ua = a.request_uri();
  const auto& ub = b.request_uri();
  if (ua && ub) return message::equivalent(*ua, *ub);  // §19.1.4
  return a.request_uri_text() == b.request_uri_text();
}

}  // namespace

TransactionLayer::TransactionLayer(TimerService& clock, transport::Sender& sender,
                                   TransactionUser& user, LayerConfig config)
    : config_(config),
      clock_(clock),
      sender_(sender),
      user_(user),
      context_{clock, sender, config.timers, &user, this},
      timer_j_(clock) {
  if (config_.shards == 0) config_.shards = 1;
  table_.reserve(std::min<std::size_t>(config_.max_transactions, 4096));
}

TransactionLayer::~TransactionLayer() {
  // Transactions the TU still holds outlive the table: they must not call back into it.
  for (const auto& tx : table_) tx->owner_ = nullptr;
  if (config_.live) config_.live->transactions.fetch_sub(size(), std::memory_order_relaxed);
}

bool TransactionLayer::full() const {
  std::size_t live =
      config_.live ? config_.live->transactions.load(std::memory_order_relaxed) : size();
  return live >= config_.max_transactions;
}

void TransactionLayer::file(const std::shared_ptr<Transaction>& tx) {
  table_.insert(tx);
  if (config_.live) config_.live->transactions.fetch_add(1, std::memory_order_relaxed);
}

void TransactionLayer::terminated(Transaction& t) {
  auto it = table_.find(&t);
  if (it == table_.end()) return;
  table_.erase(it);
  left(t.key_);
}

void TransactionLayer::left(const Key& k) {
  if (config_.live) config_.live->transactions.fetch_sub(1, std::memory_order_relaxed);
  if (config_.directory && k.kind != Key::Kind::Client)
    config_.directory->unpin(hash_bytes(shard_key(k)));
}

bool TransactionLayer::completed(NonInviteServer& t, Duration j) {
  Lingering& e = lingering_.emplace_back();
  e.expires = clock_.now() + j;
  e.serial = lingering_serial_ + lingering_.size() - 1;
  e.whole = std::static_pointer_cast<NonInviteServer>(t.shared_from_this());
  ++fresh_;  // the TU is still inside respond(): whether it lets go is known later
  if (!timer_j_.running()) timer_j_.start(j, [this] { expire_lingering(); });
  return true;
}

void TransactionLayer::reduce() {
  for (auto e = lingering_.end() - static_cast<std::ptrdiff_t>(fresh_); e != lingering_.end();
       ++e) {
    auto tx = e->whole.lock();
    // Held by the table and by `tx` alone: nobody can ask for the request any more. A Legacy key
    // is never reduced: its matching reads the request.
    if (!tx || tx.use_count() != 2 || tx->terminated() || tx->key_.kind == Key::Kind::Legacy)
      continue;
    const Key& k = tx->key_;
    e->text.reserve(k.branch.size() + k.method.size() + k.host.size());
    e->text.append(k.branch).append(k.method).append(k.host);
    std::string_view text = e->text;
    e->key = k;  // its fields and hash; its views now into the echo's own text
    e->key.branch = text.substr(0, k.branch.size());
    e->key.method = text.substr(k.branch.size(), k.method.size());
    e->key.host = text.substr(k.branch.size() + k.method.size());
    e->key.call_id = e->key.from_tag = {};  // a Legacy key's, never an echo's
    e->response = tx->last_response();
    e->flow = tx->flow();
    e->whole.reset();
    // The echo takes the transaction's place in the table's count, in LayerConfig::live and in
    // the directory: only the table itself changes.
    table_.erase(table_.find(tx.get()));
    tx->owner_ = nullptr;
    echoes_.insert(&*e);
    ++counters_.echoes;
  }
  fresh_ = 0;
}

void TransactionLayer::expire_lingering() {
  const TimePoint now = clock_.now();
  while (!lingering_.empty() && lingering_.front().expires <= now) {
    Lingering& e = lingering_.front();
    if (e.echo()) {
      forget(e);
    } else if (auto tx = e.whole.lock()) {
      tx->expire();  // §17.2.2: Timer J, Terminated; it leaves the table through terminated()
    }
    lingering_.pop_front();
    ++lingering_serial_;
  }
  fresh_ = std::min(fresh_, lingering_.size());  // a quiet layer may not have looked at them
  if (!lingering_.empty())
    timer_j_.start(lingering_.front().expires - now, [this] { expire_lingering(); });
}

void TransactionLayer::forget(Lingering& e) {
  if (!e.echo()) return;
  echoes_.erase(&e);
  e.response.reset();
  left(e.key);
}

void TransactionLayer::echo(Lingering& e) {
  // §17.2.2: "any retransmissions of the request received while in the "Completed" state MUST
  // cause the final response to be passed to the transport layer for retransmission"; and
  // §17.2.4: when that fails, the transaction ends. The handler may run after the layer is gone
  // (the transport reports later), hence the weak reference and the serial.
  std::weak_ptr<TransactionLayer*> layer = self_;
  sender_.send(e.flow, e.response, [layer, serial = e.serial](std::string_view) {
    auto self = layer.lock();
    if (!self) return;
    TransactionLayer& l = **self;
    if (serial < l.lingering_serial_ || serial - l.lingering_serial_ >= l.lingering_.size())
      return;  // gone already
    l.forget(l.lingering_[serial - l.lingering_serial_]);
  });
}

void TransactionLayer::receive(transport::Incoming&& in) {
  if (fresh_ > 0) reduce();
  if (in.message.is_response())
    receive_response(in);
  else
    receive_request(in);
}

void TransactionLayer::receive_response(transport::Incoming& in) {
  // §17.1.3: top Via branch and CSeq method.
  auto key = client_key(in.message);
  if (key) {
    if (auto it = table_.find(*key); it != table_.end()) {
      ++counters_.responses;
      auto tx = std::static_pointer_cast<ClientTransaction>(*it);
      tx->receive(in.message);
      return;
    }
  }
  ++counters_.stray_responses;
  user_.on_stray_response(in);
}

std::shared_ptr<ServerTransaction> TransactionLayer::match(const Message& request, const Key& key,
                                                           bool* collision) const {
  auto it = table_.find(key);
  if (it == table_.end()) return nullptr;
  auto tx = std::static_pointer_cast<ServerTransaction>(*it);
  if (key.kind != Key::Kind::Legacy) return tx;
  // §17.2.3 for RFC 2543 requests: the Request-URI and the To tag must match too. The To tag of
  // an ACK is that of the final response the transaction sent; of anything else, that of the
  // request which created the transaction.
  const Message& created = tx->request();
  bool ack = request.method() == Method::Ack;
  if (same_request_uri(request, created) &&
      to_tag(request) == (ack ? tx->final_to_tag() : to_tag(created)))
    return tx;
  if (collision) *collision = true;
  return nullptr;
}

void TransactionLayer::receive_request(transport::Incoming& in) {
  Message& m = in.message;
  Method method = m.method();
  // §17.2.3 rule 3: an ACK belongs to the INVITE transaction.
  auto key = server_key(m, method == Method::Ack ? kInvite : std::string_view{});
  if (!key) {
    ++counters_.malformed;
    // Without a Via there is nowhere to answer; an ACK is never answered.
    if (method != Method::Ack && m.via()) {
      auto problem = unfit(m);
      reply(in, 400, problem ? problem->reason_phrase() : std::string_view{});
    }
    return;
  }
  bool collision = false;
  if (auto tx = match(m, *key, &collision)) {
    ++counters_.retransmissions;
    tx->receive(in);
    return;
  }
  if (!echoes_.empty() && key->kind != Key::Kind::Legacy) {
    if (auto it = echoes_.find(*key); it != echoes_.end()) {
      ++counters_.retransmissions;
      echo(**it);
      return;
    }
  }
  auto problem = unfit(m);
  if (method == Method::Ack) {
    if (problem) {
      ++counters_.malformed;
      return;
    }
    // §17.2.3, §13.3.1.4: an ACK that matches no INVITE transaction acknowledges a 2xx.
    ++counters_.acks_to_tu;
    user_.on_ack(in);
    return;
  }
  if (problem) {
    ++counters_.malformed;
    reply(in, problem->status, problem->reason_phrase());
    return;
  }
  if (collision) {
    // An RFC 2543 request with the Call-ID, CSeq and From tag of a transaction it does not match:
    // §8.2.2.2 calls that a merged request.
    reply(in, 482);
    return;
  }
  // §9.2: a CANCEL names the INVITE transaction it cancels by the same rules, method aside.
  std::shared_ptr<ServerTransaction> cancelled;
  if (method == Method::Cancel) {
    if (auto invite_key = server_key(m, kInvite)) cancelled = match(m, *invite_key);
  }
  // A CANCEL of a live INVITE transaction is let in even when the table is full: it ends work
  // rather than adds it, and there is at most one per INVITE transaction.
  if (full() && !cancelled) {
    ++counters_.rejected_full;
    reply(in, 503, {}, true);
    return;
  }

  std::shared_ptr<ServerTransaction> tx;
  if (method == Method::Invite)
    tx = InviteServer::create(context_, std::move(in));
  else
    tx = NonInviteServer::create(context_, std::move(in));
  tx->key_ = *server_key(tx->request());  // views into the transaction's own copy
  file(tx);
  if (config_.directory) config_.directory->pin(hash_bytes(shard_key(tx->key_)), config_.shard);
  ++counters_.requests;

  if (method == Method::Cancel)
    user_.on_cancel(tx, cancelled);
  else
    user_.on_request(tx);
}

void TransactionLayer::reply(const transport::Incoming& in, int status, std::string_view reason,
                             bool retry_after) {
  auto b = message::response_to(in.message, status, reason);
  if (retry_after)
    b.header(message::HeaderId::RetryAfter, std::to_string(config_.retry_after.count()));
  sender_.send(transport::response_flow(in.message, in.flow),
               transport::make_bytes(std::move(b).finish()));
}

std::string TransactionLayer::new_branch() {
  for (;;) {
    std::string b = branches_.next();
    if (shard_of(b, config_.shards) == config_.shard) return b;
  }
}

Result<std::shared_ptr<ClientTransaction>, SendError> TransactionLayer::send_request(
    Message request, transport::Flow flow, ClientCallback callback) {
  if (!request.is_request()) return fail(SendError{400, "not a request"});
  Method method = request.method();
  if (method == Method::Ack)
    return fail(SendError{400, "an ACK is not sent in a transaction (RFC 3261 §17.1.1.3, §13)"});
  const auto& cseq = request.cseq();
  if (!cseq || cseq->method_name != request.method_name())
    return fail(SendError{400, "CSeq must name the request's method"});
  const auto& vias = request.via();
  if (!vias || vias->empty()) return fail(SendError{400, "the request has no Via"});
  if (auto branch = vias->front().branch()) {
    if (shard_of(*branch, config_.shards) != config_.shard)
      return fail(SendError{
          400, "the branch belongs to shard " + std::to_string(shard_of(*branch, config_.shards))});
  } else {
    std::string top(request.values(message::HeaderId::Via).front());
    top.append(";branch=").append(new_branch());
    request.remove_first_value(message::HeaderId::Via);
    request.prepend(message::HeaderId::Via, std::move(top));
  }
  if (full()) return fail(SendError{503, "transaction limit reached"});
  auto key = client_key(request);
  if (!key) return fail(SendError{400, "the top Via cannot be read"});
  if (table_.contains(*key))
    return fail(SendError{400, "a transaction with this branch and method is running"});

  std::shared_ptr<ClientTransaction> tx;
  if (method == Method::Invite)
    tx = InviteClient::start(context_, std::move(request), std::move(flow), std::move(callback));
  else
    tx = NonInviteClient::start(context_, std::move(request), std::move(flow), std::move(callback));
  if (!tx->terminated()) {  // a transport that fails at once ends it inside start()
    tx->key_ = *client_key(tx->request());
    file(tx);
  }
  return tx;
}

}  // namespace parley::transaction
