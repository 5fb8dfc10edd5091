// Two or more UserAgents on one VirtualClock, joined by a fake network that queues what they send
// and delivers it when the test says: every message on the wire is recorded ("A>B INVITE",
// "B>A 180"), and any can be dropped.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/timer.hpp"
#include "message/message.hpp"
#include "transport/types.hpp"
#include "ua/user_agent.hpp"

namespace parley::ua::test {

using message::Message;
using transport::Endpoint;
using transport::Flow;

class FakeNetwork {
 public:
  struct Packet {
    Flow flow;  // local: the sender, remote: the destination
    std::string bytes;
    TimePoint at{};
    Message message() const { return *Message::parse(bytes); }
  };

  VirtualClock clock;
  std::deque<Packet> queue;
  std::vector<std::string> wire;  // "A>B INVITE", "B>A 200", ...
  std::vector<Packet> sent;       // everything, in order
  // Return true to drop a packet (it is still recorded in `wire`, marked "(lost)").
  std::function<bool(const Packet&)> drop;

  class Node final : public transport::Sender {
   public:
    Node(FakeNetwork& net, std::string name, Endpoint self)
        : net_(net), name_(std::move(name)), self_(self) {}
    void send(const Flow& flow, transport::Bytes bytes, ErrorHandler) override {
      Flow f = flow;
      f.local = self_;
      net_.enqueue(name_, Packet{f, *bytes});
    }
    const Endpoint& endpoint() const { return self_; }

   private:
    FakeNetwork& net_;
    std::string name_;
    Endpoint self_;
  };

  // A host on the network: its name in `wire`, its endpoint, and what receives for it.
  Node& host(const std::string& name, std::uint16_t port) {
    Endpoint e{boost::asio::ip::make_address("127.0.0.1"), port};
    nodes_.push_back(std::make_unique<Node>(*this, name, e));
    names_[port] = name;
    return *nodes_.back();
  }
  void attach(std::uint16_t port, transport::Receiver* r) { receivers_[port] = r; }

  // Delivers what is queued, and what that makes the hosts send, until nothing is left.
  void run() {
    for (int guard = 0; !queue.empty() && guard < 10000; ++guard) {
      Packet p = std::move(queue.front());
      queue.pop_front();
      auto it = receivers_.find(p.flow.remote.port);
      if (it == receivers_.end()) continue;
      auto m = Message::parse(p.bytes);
      if (!m) {
        ADD_FAILURE() << "unparseable message on the wire:\n" << p.bytes;
        continue;
      }
      Flow in;
      in.protocol = p.flow.protocol;
      in.local = p.flow.remote;
      in.remote = p.flow.local;
      it->second->receive(transport::Incoming{std::move(*m), in, clock.now()});
    }
  }
  // Advances the clock in small steps, delivering after each.
  void advance(Duration d, Duration step = milliseconds(10)) {
    for (Duration t{}; t < d; t += step) {
      clock.advance(step);
      run();
    }
  }
  // The wire since index `from`, joined with spaces.
  std::string trace(std::size_t from = 0) const {
    std::string out;
    for (std::size_t i = from; i < wire.size(); ++i) out += (out.empty() ? "" : " ") + wire[i];
    return out;
  }

 private:
  void enqueue(const std::string& from, Packet p) {
    std::string_view start = std::string_view(p.bytes).substr(0, p.bytes.find("\r\n"));
    std::string what = start.starts_with("SIP/2.0 ")
                           ? std::string(start.substr(8, 3))
                           : std::string(start.substr(0, start.find(' ')));
    auto to = names_.count(p.flow.remote.port) ? names_[p.flow.remote.port] : std::string("?");
    p.at = clock.now();
    bool lost = drop && drop(p);
    wire.push_back(from + ">" + to + " " + what + (lost ? "(lost)" : ""));
    sent.push_back(p);
    if (!lost) queue.push_back(std::move(p));
  }

  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::uint16_t, std::string> names_;
  std::map<std::uint16_t, transport::Receiver*> receivers_;
};

// A UserAgent on the fake network.
struct Peer {
  Peer(FakeNetwork& net, const std::string& name, std::uint16_t port)
      : node(net.host(name, port)), ua(net.clock, node, config(name, port)) {
    net.attach(port, &ua.receiver());
  }
  static UserAgentConfig config(const std::string& name, std::uint16_t port) {
    UserAgentConfig c;
    c.user = name;
    c.local = {boost::asio::ip::make_address("127.0.0.1"), port};
    return c;
  }
  FakeNetwork::Node& node;
  UserAgent ua;
};

}  // namespace parley::ua::test
