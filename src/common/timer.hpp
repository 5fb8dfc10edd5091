// Time for every state machine in parley comes from a TimerService (STYLE.md §3): production runs
// it on the event loop's clock, tests on a VirtualClock that jumps forward without sleeping, so
// Timer B's 32 seconds take no time in a test.
//
// A TimerService belongs to one event-loop thread and is not thread-safe: a transaction lives on
// one thread and so do its timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace parley {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

class TimerService {
 public:
  using TimerId = std::uint64_t;  // never 0
  virtual ~TimerService() = default;
  virtual TimePoint now() const = 0;
  // Calls fire once, `after` from now. Returns an id for cancel().
  virtual TimerId start(Duration after, std::function<void()> fire) = 0;
  // Stops a timer; a timer that has fired or was cancelled is ignored.
  virtual void cancel(TimerId id) = 0;
};

// A timer that cancels itself when it goes out of scope or is restarted. It stays where it was
// made (its callback knows its address): keep it in an object that does not move.
class Timer {
 public:
  explicit Timer(TimerService& service) : service_(&service) {}
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer() { stop(); }

  void start(Duration after, std::function<void()> fire);
  void stop();
  bool running() const { return id_ != 0; }

 private:
  TimerService* service_;
  TimerService::TimerId id_ = 0;
};

// The due timers of a TimerService, earliest first. Both the virtual clock and the event-loop
// service keep their timers here.
class TimerQueue {
 public:
  TimerService::TimerId add(TimePoint due, std::function<void()> fire);
  void cancel(TimerService::TimerId id) { callbacks_.erase(id); }
  // The earliest live deadline, if any.
  bool next_due(TimePoint& due);
  // Removes and returns the callback of the earliest timer due at or before `now`; empty when none.
  std::function<void()> pop_due(TimePoint now, TimePoint* due = nullptr);
  std::size_t size() const { return callbacks_.size(); }

 private:
  struct Entry {
    TimePoint due;
    TimerService::TimerId id;
    bool operator>(const Entry& o) const { return due != o.due ? due > o.due : id > o.id; }
  };
  void drop_cancelled();
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::unordered_map<TimerService::TimerId, std::function<void()>> callbacks_;
  TimerService::TimerId next_id_ = 1;
};

// Time that moves only when a test says so. advance() fires every timer that falls due within the
// step, in deadline order, with now() reading each timer's own deadline while it fires; timers
// that those callbacks start within the step fire too.
class VirtualClock final : public TimerService {
 public:
  explicit VirtualClock(TimePoint start = TimePoint{} + std::chrono::hours(1)) : now_(start) {}
  TimePoint now() const override { return now_; }
  TimerId start(Duration after, std::function<void()> fire) override;
  void cancel(TimerId id) override { queue_.cancel(id); }

  void advance(Duration step);
  // Advances to the next deadline and fires what is due there; false when nothing is pending.
  bool advance_to_next();
  std::size_t pending() const { return queue_.size(); }

 private:
  TimePoint now_;
  TimerQueue queue_;
};

}  // namespace parley
