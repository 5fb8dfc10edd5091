// parley call URI: an INVITE with an SDP offer; progress printed as it comes; ACK; BYE after
// --duration seconds, on Ctrl-C/SIGTERM or from the peer; --cancel-after S cancels an unanswered
// call. Exit 0 when the call was answered and ended cleanly, else the final status line and 1
// (3 without any response).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include "commands.hpp"
#include "ua_commands.hpp"

namespace parley::app {

namespace {

struct CallArgs {
  UaFlags flags;
  std::string uri;
  double duration = 0;      // 0: until Ctrl-C or the peer hangs up
  double cancel_after = 0;  // 0: never
};

using Clock = std::chrono::steady_clock;

Clock::duration seconds_of(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

int run_call(const CallArgs& args) {
  block_signals();
  std::unique_ptr<ua::Stack> stack;
  try {
    stack = std::make_unique<ua::Stack>(stack_options(args.flags, args.uri));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parley call: %s\n", e.what());
    return kLocalError;
  }
  std::atomic<bool> answered{false}, ended{false};
  std::mutex m;
  ua::Call::Ended end;
  Clock::time_point answered_at{};
  std::shared_ptr<ua::Call> call;
  std::string error;
  stack->run([&](ua::UserAgent& ua) {
    ua::Call::Events events;
    events.established = [&] {
      answered_at = Clock::now();
      answered = true;
    };
    events.ended = [&](const ua::Call::Ended& e) {
      std::lock_guard lock(m);
      end = e;
      ended = true;
    };
    call = ua.call(args.uri, events, &error);
  });
  if (!call) {
    std::fprintf(stderr, "parley call: %s\n", error.c_str());
    stack->stop();
    return kLocalError;
  }
  auto started = Clock::now();
  bool hung_up = false;
  auto hang_up = [&] {
    if (hung_up) return;
    hung_up = true;
    stack->post([&] { call->hangup(); });
  };
  int signals = 0;
  Clock::time_point hung_up_at{};
  while (!ended) {
    bool was_answered = answered;
    std::optional<Clock::time_point> deadline;
    if (!hung_up) {
      if (was_answered && args.duration > 0) deadline = answered_at + seconds_of(args.duration);
      if (!was_answered && args.cancel_after > 0)
        deadline = started + seconds_of(args.cancel_after);
    } else {
      // The peer has 32 s (64*T1) to answer the BYE or the CANCEL.
      deadline = hung_up_at + std::chrono::seconds(40);
    }
    bool signalled =
        wait_until([&] { return ended.load() || answered.load() != was_answered; }, deadline);
    if (ended) break;
    if (signalled && ++signals > 1) break;  // a second Ctrl-C does not wait any longer
    if (hung_up && !signalled && deadline && Clock::now() >= *deadline) break;
    if (signalled || (deadline && Clock::now() >= *deadline)) {
      if (!hung_up) hung_up_at = Clock::now();
      hang_up();
    }
  }
  stack->stop();
  std::lock_guard lock(m);
  if (answered && end.status == 200) return kOk;
  if (end.status == 408 && !answered) {
    std::fprintf(stderr, "parley call: no answer (408 Request Timeout)\n");
    return kNoResponse;
  }
  std::printf("SIP/2.0 %d %s\n", end.status, end.reason.c_str());
  return end.status == 0 ? kInterrupted : kSipFailure;
}

}  // namespace

Command add_call_command(CLI::App& app) {
  auto args = std::make_shared<CallArgs>();
  auto* cmd = app.add_subcommand("call", "place a call: INVITE, ACK, BYE (or CANCEL)");
  cmd->add_option("uri", args->uri, "whom to call, e.g. sip:bob@192.0.2.4:5060")->required();
  cmd->add_option("--duration,-d", args->duration,
                  "hang up this many seconds after the answer (default: on Ctrl-C)");
  cmd->add_option("--cancel-after", args->cancel_after,
                  "cancel the call if unanswered after this many seconds");
  add_ua_flags(cmd, args->flags);
  return {cmd, [args] { return run_call(*args); }};
}

}  // namespace parley::app
