#include "transport/event_loops.hpp"

#include <algorithm>

namespace parley::transport {

EventLoops::EventLoops(std::size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
  for (auto& c : contexts_) {
    threads_.emplace_back([io = c.get()] {
      for (;;) {
        try {
          io->run();
          return;
        } catch (...) {
          // Keep the loop alive; see the header.
        }
      }
    });
  }
}

EventLoops::~EventLoops() { stop(); }

std::vector<boost::asio::io_context*> EventLoops::contexts() const {
  std::vector<boost::asio::io_context*> out;
  for (const auto& c : contexts_) out.push_back(c.get());
  return out;
}

void EventLoops::stop() {
  for (auto& g : guards_) g.reset();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace parley::transport
