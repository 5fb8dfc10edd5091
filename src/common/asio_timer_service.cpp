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
  if (!armed_ || due < armed_for_) arm(due);
  return id;
}

void AsioTimerService::arm(TimePoint due) {
  armed_ = true;
  armed_for_ = due;
  timer_.expires_at(due);  // cancels the wait for a later deadline, if any
  std::weak_ptr<AsioTimerService*> weak = alive_;
  timer_.async_wait([weak, due](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: re-armed for another deadline, or shutting down
    auto alive = weak.lock();
    if (!alive) return;
    AsioTimerService& self = **alive;
    if (!self.armed_ || self.armed_for_ != due) return;  // a stale wait
    self.armed_ = false;
    self.fire_due();
  });
}

void AsioTimerService::fire_due() {
  // Callbacks may start and cancel timers, and start() may arm the timer meanwhile.
  while (auto fn = queue_.pop_due(now())) fn();
  TimePoint next;
  if (queue_.next_due(next) && (!armed_ || next < armed_for_)) arm(next);
}

}  // namespace parley
