// A small SIP peer built on the transport and transaction layers, for tests against SIPp and for
// the OPTIONS load benchmark. Nothing here is a UA core: it is the least a server (or client) must
// do on top of the transaction layer to complete OPTIONS and INVITE transactions with a real peer.
//
// Server (default): answers OPTIONS 200; INVITE 100, 180, 200 (with a To tag and Contact, the 2xx
// retransmitted by the TU until the ACK, RFC 3261 §13.3.1.4), BYE 200, CANCEL 200 + 487, anything
// else 501. Runs until SIGTERM/SIGINT, then prints its counters as key=value lines.
//   responder --listen udp:127.0.0.1:5060 [--threads 1] [--drop N [--drop-times K]]
// --drop N: for the first N transactions, the first K (default 1) transmissions of each response
// are dropped, as a lossy network would, so that the peer retransmits (and the transaction layer
// answers the retransmission from its Completed state, or the TU's 2xx retransmission gets
// through).
//
// Client: sends COUNT transactions of METHOD, one after the other, to TARGET (OPTIONS; or INVITE,
// then ACK for the 2xx and a BYE transaction), prints the outcomes, exits 0 when all succeeded.
//   responder --client --listen udp:127.0.0.1:0 --target 127.0.0.1:5070 --method INVITE --count 10
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/asio_timer_service.hpp"
#include "message/builder.hpp"
#include "message/message.hpp"
#include "transaction/dispatcher.hpp"
#include "transaction/layer.hpp"
#include "transaction/user.hpp"
#include "transport/event_loops.hpp"
#include "transport/listen_spec.hpp"
#include "transport/transport_layer.hpp"

namespace {

using namespace parley;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using message::HeaderId;
using message::Message;
using message::Method;
using transaction::ServerTransaction;

struct Options {
  std::string listen = "udp:127.0.0.1:5060";
  std::size_t threads = 1;
  std::uint64_t drop = 0;
  std::uint64_t drop_times = 1;
  int t1_ms = 500;
  bool client = false;
  std::string target;
  std::string method = "OPTIONS";
  int count = 10;
  int timeout_s = 60;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "responder: %s\n"
      "usage: responder [--listen SPEC] [--threads N] [--drop N [--drop-times K]] [--t1-ms 500]\n"
      "       responder --client --listen SPEC --target HOST:PORT [--method OPTIONS|INVITE]"
      " [--count N] [--timeout S]\n",
      why);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--listen")
      o.listen = value();
    else if (a == "--threads")
      o.threads = std::stoul(value());
    else if (a == "--drop")
      o.drop = std::stoull(value());
    else if (a == "--drop-times")
      o.drop_times = std::stoull(value());
    else if (a == "--t1-ms")
      o.t1_ms = std::stoi(value());
    else if (a == "--client")
      o.client = true;
    else if (a == "--target")
      o.target = value();
    else if (a == "--method")
      o.method = value();
    else if (a == "--count")
      o.count = std::stoi(value());
    else if (a == "--timeout")
      o.timeout_s = std::stoi(value());
    else
      usage(("unknown option " + a).c_str());
  }
  return o;
}

// The branch of the top Via and the status code of a response, read from its bytes (responses
// only; requests pass).
bool response_key(const std::string& bytes, std::string& key) {
  if (bytes.compare(0, 8, "SIP/2.0 ") != 0) return false;
  auto b = bytes.find("branch=");
  if (b == std::string::npos) return false;
  auto e = bytes.find_first_of(";,\r\n ", b);
  key = bytes.substr(b + 7, e - b - 7) + ' ' + bytes.substr(8, 3);
  return true;
}

// Drops the first `times` transmissions of each response of the first `limit` transactions (by
// branch).
class LossySender final : public transport::Sender {
 public:
  LossySender(transport::Sender& next, std::uint64_t limit, std::uint64_t times)
      : next_(next), limit_(limit), times_(times) {}
  void send(const transport::Flow& flow, transport::Bytes bytes, ErrorHandler on_error) override {
    if (limit_ != 0) {
      std::string key;
      if (response_key(*bytes, key)) {
        std::lock_guard lock(mutex_);
        std::string branch = key.substr(0, key.find(' '));
        bool chosen = branches_.count(branch) != 0;
        if (!chosen && branches_.size() < limit_) {
          branches_.insert(branch);
          chosen = true;
        }
        if (chosen && ++sent_[key] <= times_) {
          ++dropped;
          return;
        }
      }
    }
    next_.send(flow, std::move(bytes), std::move(on_error));
  }
  std::atomic<std::uint64_t> dropped{0};

 private:
  transport::Sender& next_;
  std::uint64_t limit_;
  std::uint64_t times_;
  std::mutex mutex_;
  std::set<std::string> branches_;
  std::map<std::string, std::uint64_t> sent_;  // transmissions of each response so far
};

struct Counters {
  std::atomic<std::uint64_t> options{0}, invites{0}, byes{0}, acks{0}, cancels{0}, other{0};
  std::atomic<std::uint64_t> retransmitted_2xx{0}, failures{0};
};

// One shard: its loop's timer service, sender and transaction layer.
struct Shard {
  std::unique_ptr<AsioTimerService> clock;
  std::unique_ptr<transaction::ShardSender> sender;
  std::unique_ptr<transaction::TransactionLayer> layer;
};

// The 2xx of an INVITE, retransmitted by the TU until its ACK (§13.3.1.4: T1, doubling up to
// T2, for 64*T1). The ACK has a branch of its own and may arrive on another shard: the table of
// unacknowledged 2xx is shared, under a mutex (the test tool's only lock).
class PendingAcks {
 public:
  void add(const std::string& call_id) {
    std::lock_guard lock(mutex_);
    waiting_.insert(call_id);
  }
  bool waiting(const std::string& call_id) {
    std::lock_guard lock(mutex_);
    return waiting_.count(call_id) != 0;
  }
  bool acked(const std::string& call_id) {
    std::lock_guard lock(mutex_);
    return waiting_.erase(call_id) != 0;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> waiting_;
};

class ServerCore final : public transaction::TransactionUser {
 public:
  ServerCore(TimerService& clock, Counters& counters, PendingAcks& acks, std::string contact)
      : clock_(clock), counters_(counters), acks_(acks), contact_(std::move(contact)) {}

  void on_request(const std::shared_ptr<ServerTransaction>& tx) override {
    const Message& req = tx->request();
    switch (req.method()) {
      case Method::Options:
        // The plain 200 of §8.2.6.2, as Kamailio's sl_send_reply("200", "OK") sends it.
        ++counters_.options;
        tx->respond_status(200, "resp");
        return;
      case Method::Invite: {
        ++counters_.invites;
        std::string tag = "r" + std::to_string(++tags_);
        tx->respond(100, message::response_to(req, 100).finish());
        tx->respond(180, message::response_to(req, 180, {}, tag).finish());
        auto ok = transport::make_bytes(
            std::move(message::response_to(req, 200, {}, tag).header(HeaderId::Contact, contact_))
                .finish());
        tx->respond(200, ok);
        std::string call_id(req.call_id().value_or(""));
        acks_.add(call_id);
        retransmit_2xx(tx, ok, call_id, 500ms, 0ms);
        return;
      }
      case Method::Bye:
        ++counters_.byes;
        tx->respond(200, message::response_to(req, 200).finish());
        return;
      default:
        ++counters_.other;
        tx->respond(501, message::response_to(req, 501).finish());
        return;
    }
  }

  void on_cancel(const std::shared_ptr<ServerTransaction>& cancel,
                 const std::shared_ptr<ServerTransaction>& invite) override {
    ++counters_.cancels;
    if (!invite) {
      cancel->respond(481, message::response_to(cancel->request(), 481).finish());
      return;
    }
    cancel->respond(200, message::response_to(cancel->request(), 200).finish());
    invite->respond(487, message::response_to(invite->request(), 487, {}, "cancelled").finish());
  }

  void on_ack(const transport::Incoming& ack) override {
    ++counters_.acks;
    acks_.acked(std::string(ack.message.call_id().value_or("")));
  }
  void on_stray_response(const transport::Incoming&) override {}
  void on_failure(ServerTransaction&, transaction::Failure) override { ++counters_.failures; }

 private:
  // The timer holds the transaction weakly: it must not outlive the layer that owns it.
  void retransmit_2xx(const std::shared_ptr<ServerTransaction>& tx, transport::Bytes ok,
                      std::string call_id, Duration interval, Duration elapsed) {
    if (tx->reliable() || elapsed >= 32s) return;  // 64*T1: give up (§13.3.1.4)
    std::weak_ptr<ServerTransaction> weak = tx;
    clock_.start(interval, [this, weak, ok, call_id, interval, elapsed] {
      auto tx = weak.lock();
      if (!tx || !acks_.waiting(call_id)) return;
      ++counters_.retransmitted_2xx;
      tx->respond(200, ok);
      retransmit_2xx(tx, ok, call_id, std::min<Duration>(interval * 2, 4s), elapsed + interval);
    });
  }

  TimerService& clock_;
  Counters& counters_;
  PendingAcks& acks_;
  std::string contact_;
  std::uint64_t tags_ = 0;
};

// The client: COUNT transactions one after the other, all on shard 0's thread.
class ClientCore final : public transaction::TransactionUser {
 public:
  ClientCore(transaction::TransactionLayer& layer, transport::Sender& sender, transport::Flow flow,
             std::string method, int count, std::promise<void>& done)
      : layer_(layer),
        sender_(sender),
        flow_(std::move(flow)),
        method_(std::move(method)),
        count_(count),
        done_(done) {
    via_host_ = flow_.local.host() + ":" + std::to_string(flow_.local.port);
    uri_ = "sip:service@" + flow_.remote.host() + ":" + std::to_string(flow_.remote.port);
  }

  void start() { next(); }

  int ok = 0, failed = 0;
  std::map<int, int> finals;

  void on_request(const std::shared_ptr<ServerTransaction>& tx) override {
    tx->respond(200, message::response_to(tx->request(), 200).finish());  // a BYE from the peer
  }
  void on_cancel(const std::shared_ptr<ServerTransaction>& c,
                 const std::shared_ptr<ServerTransaction>&) override {
    c->respond(481, message::response_to(c->request(), 481).finish());
  }
  void on_ack(const transport::Incoming&) override {}
  void on_stray_response(const transport::Incoming& r) override {
    // A retransmitted 2xx of an INVITE already answered: ACK it again (§13.2.2.4).
    if (r.message.status() / 100 == 2 && r.message.cseq_method() == Method::Invite) ack(r.message);
  }
  void on_failure(ServerTransaction&, transaction::Failure) override {}

 private:
  std::string request(std::string_view method, int n, std::uint32_t cseq,
                      std::string_view to_tag = {}) {
    auto b = message::MessageBuilder::request(method, uri_);
    b.header(HeaderId::Via, "SIP/2.0/" + std::string(transport::via_token(flow_.protocol)) + " " +
                                via_host_ + ";rport");
    b.header(HeaderId::MaxForwards, "70");
    b.header(HeaderId::To,
             to_tag.empty() ? "<" + uri_ + ">" : "<" + uri_ + ">;tag=" + std::string(to_tag));
    b.header(HeaderId::From, "<sip:responder@" + via_host_ + ">;tag=c" + std::to_string(n));
    b.header(HeaderId::CallId, "call-" + std::to_string(n) + "@" + via_host_);
    b.header(HeaderId::CSeq, std::to_string(cseq) + " " + std::string(method));
    b.header(HeaderId::Contact, "<sip:responder@" + via_host_ + ">");
    if (method == "INVITE")
      b.body("application/sdp",
             "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
             "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
    return std::move(b).finish();
  }

  void send(std::string bytes, std::function<void(int)> final) {
    auto m = Message::parse(bytes);
    if (!m) {
      std::fprintf(stderr, "client: cannot parse own request\n");
      return final(0);
    }
    // `final` once per transaction: an INVITE transaction in Accepted passes 2xx
    // retransmissions up as well (RFC 6026 §8.4); each is ACKed again.
    auto fired = std::make_shared<bool>(false);
    auto r = layer_.send_request(
        std::move(*m), flow_, [this, final, fired](const transaction::ClientEvent& e) {
          int s = e.status();
          if (e.kind == transaction::ClientEvent::Kind::Response) {
            if (s >= 200 && s < 300 && e.response->cseq_method() == Method::Invite)
              ack(*e.response);
            if (s < 200) return;
          }
          if (*fired) return;
          *fired = true;
          final(s);
        });
    if (!r) {
      *fired = true;
      final(r.error().status);
    }
  }

  // The ACK for a 2xx (§13.2.2.4): a transaction of its own, sent straight to the transport.
  void ack(const Message& ok) {
    auto to = ok.to();
    std::string tag(to && to->tag() ? *to->tag() : "");
    std::string call(ok.call_id().value_or(""));
    auto cseq = ok.cseq();
    if (!cseq) return;
    auto b = message::MessageBuilder::request("ACK", uri_);
    b.header(HeaderId::Via, "SIP/2.0/" + std::string(transport::via_token(flow_.protocol)) + " " +
                                via_host_ + ";rport;branch=" + layer_.new_branch());
    b.header(HeaderId::MaxForwards, "70");
    b.header(HeaderId::To, "<" + uri_ + ">;tag=" + tag);
    auto from = ok.find(HeaderId::From);
    b.header(HeaderId::From, from ? from->value : "");
    b.header(HeaderId::CallId, call);
    b.header(HeaderId::CSeq, std::to_string(cseq->number) + " ACK");
    sender_.send(flow_, transport::make_bytes(std::move(b).finish()));
    last_to_tag_ = tag;
  }

  void next() {
    if (n_ == count_) {
      done_.set_value();
      return;
    }
    const int n = n_++;
    if (method_ == "INVITE") {
      send(request("INVITE", n, 1), [this, n](int status) {
        ++finals[status];
        if (status / 100 != 2) {
          ++failed;
          return next();
        }
        send(request("BYE", n, 2, last_to_tag_), [this](int bye) {
          ++finals[bye];
          if (bye / 100 == 2)
            ++ok;
          else
            ++failed;
          next();
        });
      });
    } else {
      send(request(method_, n, 1), [this](int status) {
        ++finals[status];
        if (status / 100 == 2)
          ++ok;
        else
          ++failed;
        next();
      });
    }
  }

  transaction::TransactionLayer& layer_;
  transport::Sender& sender_;
  transport::Flow flow_;
  std::string method_;
  int count_;
  std::promise<void>& done_;
  std::string via_host_, uri_, last_to_tag_;
  int n_ = 0;
};

// A TU that forwards to one made later (the client needs its layer to exist first).
class LateUser final : public transaction::TransactionUser {
 public:
  transaction::TransactionUser* user = nullptr;
  void on_request(const std::shared_ptr<ServerTransaction>& tx) override { user->on_request(tx); }
  void on_cancel(const std::shared_ptr<ServerTransaction>& c,
                 const std::shared_ptr<ServerTransaction>& i) override {
    user->on_cancel(c, i);
  }
  void on_ack(const transport::Incoming& a) override { user->on_ack(a); }
  void on_stray_response(const transport::Incoming& r) override { user->on_stray_response(r); }
  void on_failure(ServerTransaction& tx, transaction::Failure f) override {
    user->on_failure(tx, f);
  }
};

int run(const Options& o) {
  auto spec = transport::parse_listen_spec(o.listen);
  if (!spec) usage(("--listen: " + spec.error()).c_str());
  const std::size_t threads = o.client ? 1 : std::max<std::size_t>(1, o.threads);

  transport::EventLoops loops(threads);
  transaction::Dispatcher dispatcher;
  transport::Settings settings;
  settings.listen = {*spec};
  transport::TransportLayer transport(loops.contexts(), settings, dispatcher);
  LossySender lossy(transport, o.drop, o.drop_times);
  Counters counters;
  PendingAcks acks;
  // Destroyed in reverse: the layers go before the users they call and the clocks go last.
  std::vector<std::unique_ptr<transaction::TransactionUser>> users;
  std::vector<std::unique_ptr<ServerCore>> cores;
  std::vector<LateUser*> late;
  std::vector<Shard> shards(threads);
  auto contexts = loops.contexts();
  for (std::size_t i = 0; i < threads; ++i) {
    auto& s = shards[i];
    s.clock = std::make_unique<AsioTimerService>(contexts[i]->get_executor());
    s.sender = std::make_unique<transaction::ShardSender>(lossy, contexts[i]->get_executor());
    auto user = std::make_unique<LateUser>();
    late.push_back(user.get());
    users.push_back(std::move(user));
    transaction::LayerConfig config;
    config.shard = i;
    config.shards = threads;
    config.timers.t1 = std::chrono::milliseconds(o.t1_ms);
    s.layer =
        std::make_unique<transaction::TransactionLayer>(*s.clock, *s.sender, *users.back(), config);
    dispatcher.add({contexts[i]->get_executor(), s.layer.get()});
  }
  try {
    transport.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "responder: %s\n", e.what());
    return 2;
  }
  auto bound = transport.listening().front();
  std::string contact = "<sip:responder@" + bound.endpoint.host() + ":" +
                        std::to_string(bound.endpoint.port) +
                        ";transport=" + std::string(transport::uri_token(bound.protocol)) + ">";
  std::printf("listening=%s\n", bound.to_string().c_str());
  std::fflush(stdout);

  int rc = 0;
  if (!o.client) {
    for (std::size_t i = 0; i < threads; ++i) {
      cores.push_back(std::make_unique<ServerCore>(*shards[i].clock, counters, acks, contact));
      late[i]->user = cores.back().get();
    }
    asio::io_context main_io;
    asio::signal_set signals(main_io, SIGINT, SIGTERM);
    signals.async_wait([](const boost::system::error_code&, int) {});
    main_io.run();  // until a signal
    transport.stop();
    loops.stop();
    transaction::TransactionLayer::Counters sum;
    for (auto& s : shards) {
      const auto& c = s.layer->counters();
      sum.requests += c.requests;
      sum.retransmissions += c.retransmissions;
      sum.malformed += c.malformed;
      sum.rejected_full += c.rejected_full;
    }
    std::printf(
        "requests=%llu\nretransmissions_absorbed=%llu\nmalformed=%llu\nrejected_full=%llu\n"
        "options=%llu\ninvites=%llu\nacks=%llu\nbyes=%llu\ncancels=%llu\nother=%llu\n"
        "responses_dropped=%llu\nretransmitted_2xx=%llu\nserver_failures=%llu\n",
        (unsigned long long)sum.requests, (unsigned long long)sum.retransmissions,
        (unsigned long long)sum.malformed, (unsigned long long)sum.rejected_full,
        (unsigned long long)counters.options.load(), (unsigned long long)counters.invites.load(),
        (unsigned long long)counters.acks.load(), (unsigned long long)counters.byes.load(),
        (unsigned long long)counters.cancels.load(), (unsigned long long)counters.other.load(),
        (unsigned long long)lossy.dropped.load(),
        (unsigned long long)counters.retransmitted_2xx.load(),
        (unsigned long long)counters.failures.load());
  } else {
    auto colon = o.target.rfind(':');
    if (o.target.empty() || colon == std::string::npos) usage("--client needs --target HOST:PORT");
    boost::system::error_code ec;
    std::string host = o.target.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    auto address = asio::ip::make_address(host, ec);
    if (ec) usage("--target: not an IP address");
    transport::Flow flow{
        bound.protocol,
        bound.endpoint,
        {address, static_cast<std::uint16_t>(std::stoi(o.target.substr(colon + 1)))},
        0};
    std::promise<void> done;
    auto finished = done.get_future();
    ClientCore core(*shards[0].layer, *shards[0].sender, flow, o.method, o.count, done);
    late[0]->user = &core;
    asio::post(*contexts[0], [&core] { core.start(); });
    bool in_time =
        finished.wait_for(std::chrono::seconds(o.timeout_s)) == std::future_status::ready;
    // Read the results on the loop's thread, then stop.
    std::promise<std::string> report;
    asio::post(*contexts[0], [&] {
      std::string s =
          "ok=" + std::to_string(core.ok) + "\nfailed=" + std::to_string(core.failed) + "\n";
      for (auto [status, n] : core.finals)
        s += "final_" + std::to_string(status) + "=" + std::to_string(n) + "\n";
      report.set_value(s);
    });
    std::string text = report.get_future().get();
    std::printf("method=%s\ncount=%d\ncompleted=%s\n%s", o.method.c_str(), o.count,
                in_time ? "yes" : "no", text.c_str());
    rc = in_time && text.find("failed=0\n") != std::string::npos &&
                 text.find("ok=" + std::to_string(o.count) + "\n") != std::string::npos
             ? 0
             : 1;
    transport.stop();
    loops.stop();
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace

int main(int argc, char** argv) { return run(parse_options(argc, argv)); }
