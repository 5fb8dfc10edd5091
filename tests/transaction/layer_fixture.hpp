// The fixture of the layer tests: a TransactionLayer on the virtual clock, a FakeTransport and a
// recording TU.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support.hpp"
#include "transaction/layer.hpp"

namespace parley::transaction::test {

struct Layer : ::testing::Test {
  VirtualClock clock;
  FakeTransport wire{&clock};
  RecordingUser user;
  std::unique_ptr<TransactionLayer> layer;

  void SetUp() override { make({}); }
  void make(LayerConfig config) {
    layer = std::make_unique<TransactionLayer>(clock, wire, user, config);
  }
  void deliver(const Message& m, Protocol p = Protocol::Udp) {
    layer->receive(Incoming{m, flow(p), clock.now()});
  }
  void deliver(const Request& r, Protocol p = Protocol::Udp) { deliver(r.message(), p); }
  static Request with(Request r, std::string method) {
    r.method = std::move(method);
    return r;
  }
  static Request on_branch(Request r, std::string branch) {
    r.branch = std::move(branch);
    return r;
  }
};

}  // namespace parley::transaction::test
