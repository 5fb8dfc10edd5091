// The TimerService of an event-loop thread (STYLE.md §3, §5): every timer of the thread's
// transactions in one TimerQueue, and one boost::asio::steady_timer armed for the earliest
// deadline. Starting or cancelling a SIP timer costs a heap operation, not a kernel timer.
//
// Wake-ups fall on a grid of kResolution: a timer fires at its deadline rounded up to the grid,
// never early, at most kResolution late. Without it a server whose transactions end at a steady
// rate (Timer J, 32 s after each answer) re-armed the kernel timer and woke once per timer; with
// it the timers due within one slot fire together. SIP's timers start at T1 = 500 ms, and RFC 3261
// takes no position on their precision beyond that: a few milliseconds are nothing to them.
//
// Like every TimerService it belongs to one thread: call it, and run its io_context, there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>

#include "common/timer.hpp"

namespace parley {

class AsioTimerService final : public TimerService {
 public:
  explicit AsioTimerService(const boost::asio::any_io_executor& executor);
  ~AsioTimerService() override;
  AsioTimerService(const AsioTimerService&) = delete;
  AsioTimerService& operator=(const AsioTimerService&) = delete;

  static constexpr Duration kResolution = std::chrono::milliseconds(4);

  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  TimerId start(Duration after, std::function<void()> fire) override;
  void cancel(TimerId id) override { queue_.cancel(id); }
  std::size_t pending() const { return queue_.size(); }
  // How often the kernel timer has woken this service.
  std::uint64_t wakeups() const { return wakeups_; }

 private:
  // The wake-up for a deadline: the first grid point at or after it.
  static TimePoint slot(TimePoint due);
  void arm(TimePoint wake);
  void fire_due();

  boost::asio::steady_timer timer_;
  TimerQueue queue_;
  bool armed_ = false;
  std::uint64_t wakeups_ = 0;
  TimePoint armed_for_{};
  // Wait handlers hold a weak copy: one that completes after the service is gone does nothing.
  std::shared_ptr<AsioTimerService*> alive_;
};

}  // namespace parley
