#include "common/timer.hpp"

#include <utility>

namespace parley {

void Timer::start(Duration after, std::function<void()> fire) {
  stop();
  id_ = service_->start(after, [this, fire = std::move(fire)] {
    id_ = 0;
    fire();
  });
}

void Timer::stop() {
  if (id_ != 0) service_->cancel(id_);
  id_ = 0;
}

TimerService::TimerId TimerQueue::add(TimePoint due, std::function<void()> fire) {
  TimerService::TimerId id = next_id_++;
  heap_.push(Entry{due, id});
  callbacks_.emplace(id, std::move(fire));
  return id;
}

void TimerQueue::drop_cancelled() {
  while (!heap_.empty() && !callbacks_.contains(heap_.top().id)) heap_.pop();
}

bool TimerQueue::next_due(TimePoint& due) {
  drop_cancelled();
  if (heap_.empty()) return false;
  due = heap_.top().due;
  return true;
}

std::function<void()> TimerQueue::pop_due(TimePoint now, TimePoint* due) {
  drop_cancelled();
  if (heap_.empty() || heap_.top().due > now) return {};
  Entry e = heap_.top();
  heap_.pop();
  auto it = callbacks_.find(e.id);
  std::function<void()> fn = std::move(it->second);
  callbacks_.erase(it);
  if (due) *due = e.due;
  return fn;
}

TimerService::TimerId VirtualClock::start(Duration after, std::function<void()> fire) {
  return queue_.add(now_ + after, std::move(fire));
}

void VirtualClock::advance(Duration step) {
  TimePoint end = now_ + step;
  TimePoint due;
  while (auto fn = queue_.pop_due(end, &due)) {
    now_ = due;
    fn();
  }
  now_ = end;
}

bool VirtualClock::advance_to_next() {
  TimePoint due;
  if (!queue_.next_due(due)) return false;
  advance(due - now_);
  return true;
}

}  // namespace parley
