// The event loops parley runs on (STYLE.md §5): one io_context per thread, threads = cores by
// default. Each loop runs until stop(); an exception that escapes a handler is caught and the loop
// goes on (handlers are written not to throw; this only keeps one bug from stopping a thread).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

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
  // Stops every loop and joins its thread. Idempotent.
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace parley::transport
