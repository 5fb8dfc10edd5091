// The TimerService of an event-loop thread (STYLE.md §3, §5): every timer of the thread's
// transactions in one TimerQueue, and one boost::asio::steady_timer armed for the earliest
// deadline. Starting or cancelling a SIP timer costs a heap operation, not a kernel timer.
//
// Like every TimerService it belongs to one thread: call it, and run its io_context, there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "common/timer.hpp"

namespace parley {

class AsioTimerService final : public TimerService {
 public:
  explicit AsioTimerService(const boost::asio::any_io_executor& executor);
  ~AsioTimerService() override;
  AsioTimerService(const AsioTimerService&) = delete;
  AsioTimerService& operator=(const AsioTimerService&) = delete;

  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  TimerId start(Duration after, std::function<void()> fire) override;
  void cancel(TimerId id) override { queue_.cancel(id); }
  std::size_t pending() const { return queue_.size(); }

 private:
  void arm(TimePoint due);
  void fire_due();

  boost::asio::steady_timer timer_;
  TimerQueue queue_;
  bool armed_ = false;
  TimePoint armed_for_{};
  // Wait handlers hold a weak copy: one that completes after the service is gone does nothing.
  std::shared_ptr<AsioTimerService*> alive_;
};

}  // namespace parley
