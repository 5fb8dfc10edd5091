// The event loops parley runs on (STYLE.md §5): one io_context per thread, threads = cores by
// default. Each loop runs until stop(); an exception that escapes a handler is caught and the loop
// goes on (handlers are written not to throw; this only keeps one bug from stopping a thread).
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "common/timer.hpp"

namespace parley::transport {

class EventLoops {
 public:
  // threads == 0: one per core (at least one).
  explicit EventLoops(std::size_t threads = 0);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  std::vector<boost::asio::io_context*> contexts() const;
  std::size_t size() const { return contexts_.size(); }
  // Lets every loop finish its work for up to `grace` (after TransportLayer::stop() that is the
  // last handlers of the closed sockets), then stops the loops and joins their threads.
  // Idempotent. Draining first matters: what a handler still holds when its io_context is
  // destroyed is destroyed with it, and may belong to another loop's context.
  void stop(Duration grace = std::chrono::seconds(1));

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> running_{0};
};

}  // namespace parley::transport
