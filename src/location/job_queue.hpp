// The queue between callers' threads and a store's own I/O thread: callers push, the I/O thread
// takes everything queued at once (what makes a group commit or a pipeline possible).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace parley::location {

template <class Job>
class JobQueue {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // false when the queue is closed: the job was not taken.
  bool push(Job job) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
  }

  // Waits until there is work, the queue is closed, or `deadline`; moves up to `max` jobs into
  // `out`. false once the queue is closed and drained: the thread may end.
  //
  // linger: once there is work, how long to let more join it before taking (a commit delay, as
  // PostgreSQL's commit_delay): under load one round then serves many callers, and the thread
  // wakes once per round instead of once per job. The thread sleeps through it rather than wait
  // on the condition, so that the pushes meanwhile find no one to wake.
  bool take(std::vector<Job>& out, std::size_t max, Deadline deadline,
            std::chrono::microseconds linger = {}) {
    std::unique_lock lock(mutex_);
    ready_.wait_until(lock, deadline, [this] { return closed_ || !jobs_.empty(); });
    if (linger.count() > 0 && !closed_ && !jobs_.empty() && jobs_.size() < max) {
      lock.unlock();
      std::this_thread::sleep_for(linger);
      lock.lock();
    }
    while (!jobs_.empty() && out.size() < max) {
      out.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    return !(closed_ && jobs_.empty() && out.empty());
  }

  // Takes no more jobs; those already queued are still taken.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool closed_ = false;
};

}  // namespace parley::location
