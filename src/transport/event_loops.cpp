#include "transport/event_loops.hpp"

#include <algorithm>
#include <chrono>

namespace parley::transport {

EventLoops::EventLoops(std::size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
  running_ = contexts_.size();
  for (auto& c : contexts_) {
    threads_.emplace_back([this, io = c.get()] {
      for (;;) {
        try {
          io->run();
          break;
        } catch (...) {
          // Keep the loop alive; see the header.
        }
      }
      running_.fetch_sub(1);
    });
  }
}

EventLoops::~EventLoops() { stop(); }

std::vector<boost::asio::io_context*> EventLoops::contexts() const {
  std::vector<boost::asio::io_context*> out;
  for (const auto& c : contexts_) out.push_back(c.get());
  return out;
}

void EventLoops::stop(Duration grace) {
  for (auto& g : guards_) g.reset();
  auto until = std::chrono::steady_clock::now() + grace;
  while (running_.load() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace parley::transport
