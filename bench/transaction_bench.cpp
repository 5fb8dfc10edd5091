// Transaction-layer throughput: non-INVITE server transactions per second on one core, no
// sockets. Each item is the life of one transaction as a server sees it:
//   parse an OPTIONS from bytes -> match it (a miss) -> make the non-INVITE server transaction ->
//   the TU answers 200 (response_to) -> the 200 goes to a null Sender -> the transaction ends
// over a reliable transport (Timer J is zero: it ends at once) and over UDP (it waits for Timer J
// on the virtual clock, which the loop advances once per 4096 requests, so up to 4096 live
// transactions sit in the table and their timers fire in the timed loop).
//
//   build/h-tx-rel/bench/bench_transaction
//   build/h-tx-rel/bench/bench_transaction --benchmark_filter=Reliable --benchmark_repetitions=5
//
// The *_RespondStatus variants answer with ServerTransaction::respond_status (the transaction
// layer's response.hpp) instead of message::response_to.
//
// BM_NonInviteServer_Reliable_BulkResponse is a what-if for the message layer: the same 200 bytes
// appended in bulk instead of by response_to(), to show what a faster response_to would give.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/timer.hpp"
#include "message/builder.hpp"
#include "message/message.hpp"
#include "transaction/layer.hpp"
#include "transport/types.hpp"

namespace {

using namespace parley;
using parley::message::Message;
using parley::transaction::ServerTransaction;

constexpr std::size_t kDistinct = 4096;  // distinct branches: every request is a new transaction

std::vector<std::string> options_requests() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kDistinct; ++i)
    out.push_back(
        "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbench" +
        std::to_string(i) +
        "\r\n"
        "Max-Forwards: 70\r\n"
        "To: <sip:carol@chicago.example.com>\r\n"
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
        "Call-ID: a84b4c76e66710-" +
        std::to_string(i) +
        "\r\n"
        "CSeq: 63104 OPTIONS\r\n"
        "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
        "Accept: application/sdp\r\n"
        "Content-Length: 0\r\n\r\n");
  return out;
}

transport::Flow flow(transport::Protocol p) {
  transport::Flow f;
  f.protocol = p;
  f.local = {boost::asio::ip::make_address("192.0.2.10"), 5060};
  f.remote = {boost::asio::ip::make_address("192.0.2.1"), 5060};
  f.connection = transport::is_stream(p) ? 1 : 0;
  return f;
}

struct NullSender final : transport::Sender {
  void send(const transport::Flow&, transport::Bytes bytes, ErrorHandler) override {
    benchmark::DoNotOptimize(bytes.get());
    ++sent;
  }
  std::size_t sent = 0;
};

// What-if, for the message layer: the bytes response_to() makes for this request, appended in
// bulk (response_to appends values a character at a time and parses To to look for a tag).
std::string bulk_response_200(const Message& request) {
  using message::HeaderId;
  std::string out;
  out.reserve(512);
  out.append("SIP/2.0 200 OK\r\n");
  for (const auto& f : request.fields())
    if (f.id == HeaderId::Via) out.append("Via: ").append(f.value).append("\r\n");
  auto copy = [&](HeaderId id, std::string_view extra = {}) {
    if (const auto* f = request.find(id))
      out.append(message::header_name(id))
          .append(": ")
          .append(f->value)
          .append(extra)
          .append("\r\n");
  };
  copy(HeaderId::From);
  const auto* to = request.find(HeaderId::To);
  copy(HeaderId::To, to && to->value.find(";tag=") == std::string_view::npos ? ";tag=bench" : "");
  copy(HeaderId::CallId);
  copy(HeaderId::CSeq);
  out.append("Content-Length: 0\r\n\r\n");
  return out;
}

// How the TU makes its 200: message::response_to, the what-if bulk append, or the transaction
// layer's ServerTransaction::respond_status (response.hpp: the request's bytes copied as received).
enum class Answer { ResponseTo, Bulk, RespondStatus };

// A TU that answers every request 200 at once (the registrar or OPTIONS responder shape).
struct AnsweringUser final : transaction::TransactionUser {
  explicit AnsweringUser(Answer how) : how(how) {}
  void on_request(const std::shared_ptr<ServerTransaction>& tx) override {
    switch (how) {
      case Answer::Bulk:
        tx->respond(200, bulk_response_200(tx->request()));
        break;
      case Answer::ResponseTo:
        tx->respond(200, message::response_to(tx->request(), 200, {}, "bench").finish());
        break;
      case Answer::RespondStatus:
        tx->respond_status(200, "bench");
        break;
    }
    ++answered;
  }
  void on_cancel(const std::shared_ptr<ServerTransaction>&,
                 const std::shared_ptr<ServerTransaction>&) override {}
  void on_ack(const transport::Incoming&) override {}
  void on_stray_response(const transport::Incoming&) override {}
  void on_failure(ServerTransaction&, transaction::Failure) override {}
  Answer how;
  std::size_t answered = 0;
};

void run(benchmark::State& state, transport::Protocol protocol, Answer how = Answer::ResponseTo) {
  const bool bulk = how == Answer::Bulk;
  const auto requests = options_requests();
  VirtualClock clock;
  NullSender wire;
  AnsweringUser user(how);
  transaction::LayerConfig config;
  config.max_transactions = 2 * kDistinct;
  transaction::TransactionLayer layer(clock, wire, user, config);
  const transport::Flow from = flow(protocol);
  const bool reliable = transport::is_reliable(protocol);
  if (bulk) {
    auto sample = Message::parse(requests[0]);
    if (bulk_response_200(*sample) != message::response_to(*sample, 200, {}, "bench").finish())
      state.SkipWithError("the bulk 200 differs from response_to's");
  }
  std::size_t i = 0, peak = 0;

  for (auto _ : state) {
    auto parsed = Message::parse(requests[i]);
    layer.receive(transport::Incoming{std::move(*parsed), from, clock.now()});
    if (++i == requests.size()) {
      i = 0;
      peak = std::max(peak, layer.size());
      if (!reliable) clock.advance(seconds(33));  // Timer J: every transaction above ends
    }
  }
  const auto n = static_cast<std::size_t>(state.iterations());
  if (user.answered != n || wire.sent != n || layer.counters().requests != n)
    state.SkipWithError("not every request made a transaction and was answered once");
  state.SetItemsProcessed(state.iterations());
  state.counters["peak_table"] = static_cast<double>(std::max(peak, layer.size()));
}

void BM_NonInviteServer_Reliable(benchmark::State& state) { run(state, transport::Protocol::Tcp); }
void BM_NonInviteServer_Unreliable(benchmark::State& state) {
  run(state, transport::Protocol::Udp);
}

// What-if: the reliable case with the 200 appended in bulk instead of through response_to().
void BM_NonInviteServer_Reliable_BulkResponse(benchmark::State& state) {
  run(state, transport::Protocol::Tcp, Answer::Bulk);
}

// The TU answers with ServerTransaction::respond_status(200, tag): what an OPTIONS responder or
// any TU sending a plain response does.
void BM_NonInviteServer_Reliable_RespondStatus(benchmark::State& state) {
  run(state, transport::Protocol::Tcp, Answer::RespondStatus);
}
void BM_NonInviteServer_Unreliable_RespondStatus(benchmark::State& state) {
  run(state, transport::Protocol::Udp, Answer::RespondStatus);
}

// For scale: the parse alone, and the parse plus the 200 the TU builds, without the layer.
void BM_ParseOnly(benchmark::State& state) {
  const auto requests = options_requests();
  std::size_t i = 0;
  for (auto _ : state) {
    auto parsed = Message::parse(requests[i]);
    benchmark::DoNotOptimize(parsed->via());
    if (++i == requests.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ParseAndResponseOnly(benchmark::State& state) {
  const auto requests = options_requests();
  std::size_t i = 0;
  for (auto _ : state) {
    auto parsed = Message::parse(requests[i]);
    benchmark::DoNotOptimize(parsed->via());
    auto bytes = transport::make_bytes(message::response_to(*parsed, 200, {}, "bench").finish());
    benchmark::DoNotOptimize(bytes.get());
    if (++i == requests.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_NonInviteServer_Reliable);
BENCHMARK(BM_NonInviteServer_Unreliable);
BENCHMARK(BM_NonInviteServer_Reliable_BulkResponse);
BENCHMARK(BM_NonInviteServer_Reliable_RespondStatus);
BENCHMARK(BM_NonInviteServer_Unreliable_RespondStatus);
BENCHMARK(BM_ParseOnly);
BENCHMARK(BM_ParseAndResponseOnly);

}  // namespace

BENCHMARK_MAIN();
