#include "registrar/server_core.hpp"

#include <spdlog/spdlog.h>

#include "message/builder.hpp"

namespace parley::registrar {

using message::HeaderId;
using message::Method;

namespace {

std::string source_of(const transport::Flow& flow) {
  std::string s(transport::uri_token(flow.protocol));
  s.push_back(':');
  s.append(flow.remote.to_string());
  return s;
}

}  // namespace

ServerCore::ServerCore(Registrar& registrar, const std::atomic<bool>& draining)
    : registrar_(registrar), draining_(draining) {}

void ServerCore::answer(const std::shared_ptr<transaction::ServerTransaction>& tx, int status,
                        std::string response, std::chrono::steady_clock::time_point started) {
  // RFC 3261 §26.3.2.4: a challenge is sent once and keeps no transaction, so that a flood of
  // unauthenticated requests costs no state (and a digest registration one transaction, not two).
  if (status == 401 || status == 407)
    tx->respond_once(status, transport::make_bytes(std::move(response)));
  else
    tx->respond(status, std::move(response));
  if (spdlog::should_log(spdlog::level::info)) {
    const auto& m = tx->request();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    std::string_view to;
    if (auto* f = m.find(HeaderId::To)) to = f->value;
    spdlog::info("method={} ruri={} to=\"{}\" call_id={} source={} status={} ms={:.3f}",
                 m.method_name(), m.request_uri_text(), to, m.call_id().value_or(""),
                 source_of(tx->incoming().flow), status, static_cast<double>(us) / 1000.0);
  }
}

void ServerCore::on_request(const std::shared_ptr<transaction::ServerTransaction>& tx) {
  auto started = std::chrono::steady_clock::now();
  const auto& m = tx->request();
  if (draining_.load(std::memory_order_relaxed)) {
    auto b = message::response_to(m, 503, "Service Unavailable (shutting down)", new_tag());
    b.header(HeaderId::RetryAfter, "5");
    return answer(tx, 503, std::move(b).finish(), started);
  }
  switch (m.method()) {
    case Method::Register:
      registrar_.handle(tx->incoming(), [this, tx, started](int status, std::string response) {
        answer(tx, status, std::move(response), started);
      });
      return;
    case Method::Options: {
      // §11.2: what the server can do.
      auto b = message::response_to(m, 200, {}, new_tag());
      b.header(HeaderId::Allow, kAllow);
      b.header(HeaderId::Accept, "application/sdp");
      b.header(HeaderId::AcceptEncoding, "identity");
      b.header(HeaderId::AcceptLanguage, "en");
      b.header(HeaderId::Supported, "path");
      return answer(tx, 200, std::move(b).finish(), started);
    }
    default: {
      // §8.2.1: a method the server does not serve.
      auto b = message::response_to(m, 405, {}, new_tag());
      b.header(HeaderId::Allow, kAllow);
      return answer(tx, 405, std::move(b).finish(), started);
    }
  }
}

void ServerCore::on_cancel(const std::shared_ptr<transaction::ServerTransaction>& cancel,
                           const std::shared_ptr<transaction::ServerTransaction>& invite) {
  auto started = std::chrono::steady_clock::now();
  // §9.2: 481 when no transaction matches; otherwise 200. Every INVITE is answered 405 at once,
  // so there is never a pending one to end with a 487.
  int status = invite ? 200 : 481;
  answer(cancel, status, message::response_to(cancel->request(), status, {}, new_tag()).finish(),
         started);
}

void ServerCore::on_ack(const transport::Incoming& /*ack*/) {}

void ServerCore::on_stray_response(const transport::Incoming& /*response*/) {}

void ServerCore::on_failure(transaction::ServerTransaction& tx, transaction::Failure why) {
  spdlog::debug("method={} call_id={} transaction failed: {}", tx.request().method_name(),
                tx.request().call_id().value_or(""),
                why == transaction::Failure::Timeout ? "timeout" : "transport error");
}

}  // namespace parley::registrar
