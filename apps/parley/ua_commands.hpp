// What the user agent commands share: --listen/--transport/-v, the one-line-per-message output,
// Ctrl-C and SIGTERM, and the exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "commands.hpp"
#include "ua/stack.hpp"

namespace parley::app {

// Exit codes of the UA commands (docs/ua.md).
enum Exit : int {
  kOk = 0,           // 2xx / the call was answered and ended cleanly
  kSipFailure = 1,   // a final non-2xx response (printed)
  kUsage = 2,        // the command line
  kNoResponse = 3,   // timeout or transport error: nobody answered
  kLocalError = 4,   // cannot listen, cannot reach the target
  kInterrupted = 5,  // Ctrl-C/SIGTERM before there was a result
};

struct UaFlags {
  std::string listen;  // HOST:PORT or PROTO:HOST:PORT
  std::string transport = "udp";
  std::string user = "parley";
  bool verbose = false;
};
void add_ua_flags(CLI::App* cmd, UaFlags& flags);

// Blocks SIGINT and SIGTERM in this thread and every thread started after, so that
// wait_until() can take them. Call first thing in a command's run().
void block_signals();
// Waits until done() is true, a signal came (returns true) or the deadline passed.
bool wait_until(const std::function<bool()>& done,
                std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

// The stack for a command: listening where the flags say (by default on the address that routes
// to `target`, any port), printing every message. Throws std::runtime_error.
ua::StackOptions stack_options(const UaFlags& flags, const std::string& target,
                               const std::string& default_port = "0");

// Prints a line to stdout at once (the UA thread and the main thread both print).
void say(const std::string& line);

Command add_options_command(CLI::App& app);
Command add_register_command(CLI::App& app);
Command add_call_command(CLI::App& app);
Command add_answer_command(CLI::App& app);

}  // namespace parley::app
