// The SQLite store, the embedded default: one file (WAL mode) that survives a restart and a crash,
// and that `parley user` and `parley location` open while the server runs.
//
// Threads: every write runs on one writer thread with its own connection, in group commits —
// each round takes every write queued, runs them in one transaction (a savepoint each, so one
// failing write does not undo the others), commits, and only then calls their callbacks. Reads
// run on a reader thread with a second connection. Callers' threads never touch SQLite.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "location/store.hpp"

namespace parley::location {

struct SqliteStoreOptions {
  // How often the writer deletes expired rows (reads skip them already).
  std::chrono::milliseconds sweep_interval{1000};
  // How long a connection waits for another process's lock before the work fails Unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // The most writes committed in one transaction.
  std::size_t max_batch = 4096;
  // Once a write is queued, how long the writer lets others join its transaction before it
  // commits (group commit). Each write waits up to this long more for its COMMIT; in exchange a
  // busy registrar wakes the writer, and is woken back, once per round rather than per REGISTER
  // (at 8,000 REGISTERs/s, 1 ms makes rounds of ~8). Zero commits whatever is queued at once.
  std::chrono::microseconds commit_delay{1000};
  // false: synchronous=NORMAL, durable against a crash or kill -9 of the process (the WAL is
  // written before COMMIT returns), not against a power cut. true: synchronous=FULL, which adds
  // an fsync per commit — per group of writes, not per write.
  bool fsync_each_commit = false;
};

// Opens (and creates, with its schema) the database at `path`; an error names the file and why.
Result<std::unique_ptr<Store>, std::string> make_sqlite_store(const std::string& path,
                                                              SqliteStoreOptions options = {});

}  // namespace parley::location
