#include "transaction/transaction.hpp"

#include <utility>

#include "transaction/response.hpp"
#include "transaction/user.hpp"
#include "transport/response_flow.hpp"

namespace parley::transaction {

int ClientEvent::status() const {
  switch (kind) {
    case Kind::Response:
      return response ? response->status() : 0;
    case Kind::Timeout:
      return status_of(Failure::Timeout);
    case Kind::TransportError:
      return status_of(Failure::TransportError);
  }
  return 0;
}

// ---- Transaction

Transaction::Transaction(const Context& ctx, transport::Flow flow)
    : clock_(ctx.clock),
      sender_(ctx.sender),
      timers_(ctx.timers),
      user_(ctx.user),
      owner_(ctx.owner),
      flow_(std::move(flow)) {}

Transaction::Step::Step(Transaction& t) : self_(t.shared_from_this()) { ++t.depth_; }

Transaction::Step::~Step() {
  Transaction& t = *self_;
  if (--t.depth_ == 0 && t.error_pending_) {
    t.error_pending_ = false;
    t.transport_failed();
  }
}

void Transaction::send(const transport::Bytes& bytes) {
  // The handler may run after the transaction is gone (a connection that fails later): it holds
  // only a weak reference.
  sender_.send(flow_, bytes, [weak = weak_from_this()](std::string_view why) {
    if (auto self = weak.lock()) self->send_failed(why);
  });
}

void Transaction::send_failed(std::string_view why) {
  last_error_.assign(why);
  if (depth_ > 0) {
    error_pending_ = true;  // reported from inside send(): wait for the transition to end
    return;
  }
  transport_failed();
}

void Transaction::finish() {
  if (owner_) owner_->terminated(*this);
}

// ---- ClientTransaction

ClientTransaction::ClientTransaction(const Context& ctx, message::Message request,
                                     transport::Flow flow, ClientCallback callback)
    : Transaction(ctx, std::move(flow)),
      request_(std::move(request)),
      bytes_(transport::make_bytes(request_.serialize())),
      callback_(std::move(callback)) {}

void ClientTransaction::report(ClientEvent::Kind kind, const message::Message* response) {
  if (!callback_) return;
  ClientEvent e;
  e.kind = kind;
  e.response = response;
  if (kind == ClientEvent::Kind::TransportError) e.reason = last_error();
  callback_(e);
}

// ---- ServerTransaction

namespace {
std::string_view to_tag_of(const message::Message& response) {
  const auto& to = response.to();
  return to ? to->tag().value_or(std::string_view{}) : std::string_view{};
}

bool legacy(const message::Message& request) {
  const auto& vias = request.via();
  return !vias || vias->empty() || !vias->front().rfc3261_branch();
}
}  // namespace

ServerTransaction::ServerTransaction(const Context& ctx, transport::Incoming&& request)
    : Transaction(ctx, transport::response_flow(request.message, request.flow)),
      request_(std::move(request)) {}

void ServerTransaction::respond(const message::Message& response) {
  if (response.status() >= 200 && legacy(request())) final_to_tag_ = to_tag_of(response);
  on_response(response.status(), transport::make_bytes(response.serialize()));
}

void ServerTransaction::respond(int status, std::string bytes) {
  respond(status, transport::make_bytes(std::move(bytes)));
}

void ServerTransaction::respond(int status, transport::Bytes bytes) {
  // Only the RFC 2543 ACK rule needs the To tag of the final response: read it only then.
  if (status >= 200 && legacy(request())) {
    auto parsed = message::Message::parse(*bytes);
    if (parsed) final_to_tag_ = to_tag_of(*parsed);
  }
  on_response(status, bytes);
}

void ServerTransaction::respond_once(int status, transport::Bytes bytes) {
  const bool invite_success = status < 300 && request().method() == message::Method::Invite;
  once_ = status >= 200 && status < 700 && !invite_success;
  respond(status, std::move(bytes));
}

void ServerTransaction::respond_status(int status, std::string_view to_tag,
                                       std::string_view reason) {
  respond(status, response_bytes(request(), status, to_tag, reason));
}

void ServerTransaction::report_failure(Failure why) {
  if (user_) user_->on_failure(*this, why);
}

}  // namespace parley::transaction
