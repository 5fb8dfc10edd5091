#include "common/asio_timer_service.hpp"

#include <utility>

namespace parley {

AsioTimerService::AsioTimerService(const boost::asio::any_io_executor& executor)
    : timer_(executor), alive_(std::make_shared<AsioTimerService*>(this)) {}

AsioTimerService::~AsioTimerService() {
  alive_.reset();
  timer_.cancel();
}

TimerService::TimerId AsioTimerService::start(Duration after, std::function<void()> fire) {
  TimePoint due = now() + after;
  TimerId id = queue_.add(due, std::move(fire));
  TimePoint wake = slot(due);
  if (!armed_ || wake < armed_for_) arm(wake);
  return id;
}

TimePoint AsioTimerService::slot(TimePoint due) {
  auto ticks = due.time_since_epoch().count();
  constexpr auto step = kResolution.count();
  auto rest = ticks % step;
  if (rest < 0) rest += step;
  return due + Duration(rest == 0 ? 0 : step - rest);
}

void AsioTimerService::arm(TimePoint wake) {
  armed_ = true;
  armed_for_ = wake;
  timer_.expires_at(wake);  // cancels the wait for a later deadline, if any
  std::weak_ptr<AsioTimerService*> weak = alive_;
  timer_.async_wait([weak, wake](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: re-armed for another deadline, or shutting down
    auto alive = weak.lock();
    if (!alive) return;
    AsioTimerService& self = **alive;
    if (!self.armed_ || self.armed_for_ != wake) return;  // a stale wait
    self.armed_ = false;
    ++self.wakeups_;
    self.fire_due();
  });
}

void AsioTimerService::fire_due() {
  // Callbacks may start and cancel timers, and start() may arm the timer meanwhile.
  // Everything due by this slot's end fires now: the grid's point is at or after their deadlines.
  const TimePoint until = now();
  while (auto fn = queue_.pop_due(until)) fn();
  TimePoint next;
  if (queue_.next_due(next) && (!armed_ || slot(next) < armed_for_)) arm(slot(next));
}

}  // namespace parley
