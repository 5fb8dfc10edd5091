// parley options URI: an OPTIONS request (RFC 3261 §11), the response and the round-trip time.
// Exit 0 on 2xx, 1 on another final status, 3 when nobody answered.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include "commands.hpp"
#include "ua_commands.hpp"

namespace parley::app {

namespace {

struct OptionsArgs {
  UaFlags flags;
  std::string uri;
};

int run_options(const OptionsArgs& args) {
  block_signals();
  std::unique_ptr<ua::Stack> stack;
  try {
    stack = std::make_unique<ua::Stack>(stack_options(args.flags, args.uri));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parley options: %s\n", e.what());
    return kLocalError;
  }
  std::mutex m;
  std::atomic<bool> done{false};
  int status = 0;
  std::string response;
  auto t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration rtt{};
  bool sent = false;
  stack->run([&](ua::UserAgent& ua) {
    sent =
        ua.request({.method = "OPTIONS", .uri = args.uri}, [&](int s, const message::Message* r) {
          std::lock_guard lock(m);
          rtt = std::chrono::steady_clock::now() - t0;
          status = s;
          if (r) response = r->serialize();
          done = true;
        });
  });
  if (!sent && !done) {
    std::fprintf(stderr, "parley options: cannot reach %s\n", args.uri.c_str());
    return kLocalError;
  }
  bool interrupted = wait_until([&] { return done.load(); });
  stack->stop();
  if (interrupted && !done) return kInterrupted;
  std::lock_guard lock(m);
  if (response.empty()) {
    std::fprintf(stderr, "parley options: no response (%d)\n", status);
    return kNoResponse;
  }
  if (!args.flags.verbose) std::fwrite(response.data(), 1, response.size(), stdout);
  std::printf("round-trip time: %.3f ms\n", std::chrono::duration<double, std::milli>(rtt).count());
  return status >= 200 && status < 300 ? kOk : kSipFailure;
}

}  // namespace

Command add_options_command(CLI::App& app) {
  auto args = std::make_shared<OptionsArgs>();
  auto* cmd = app.add_subcommand("options", "send OPTIONS; print the response and the RTT");
  cmd->add_option("uri", args->uri, "the request URI, e.g. sip:bob@192.0.2.4:5060")->required();
  add_ua_flags(cmd, args->flags);
  return {cmd, [args] { return run_options(*args); }};
}

}  // namespace parley::app
