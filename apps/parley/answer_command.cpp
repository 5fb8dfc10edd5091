// parley answer: a UAS that answers every call (or rejects it with --reject CODE), after ringing
// for --ring seconds, logs each call, and answers OPTIONS. Runs until Ctrl-C/SIGTERM (or
// --calls N calls have ended), then hangs up what is still up and exits 0.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "commands.hpp"
#include "ua_commands.hpp"

namespace parley::app {

namespace {

struct AnswerArgs {
  UaFlags flags;
  int reject = 0;
  double ring = 0;
  double hangup_after = 0;  // the callee hangs up this long after the ACK; 0: the caller does
  int calls = 0;            // exit after this many calls ended; 0: run until interrupted
};

Duration seconds_of(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

std::string from_of(const ua::Call& call) {
  const auto& tx = call.invite_transaction();
  if (!tx) return "?";
  auto from = tx->request().header("From");
  return from ? std::string(*from) : std::string("?");
}

int run_answer(const AnswerArgs& args) {
  block_signals();
  UaFlags flags = args.flags;
  if (flags.listen.empty()) flags.listen = "127.0.0.1:5060";
  std::unique_ptr<ua::Stack> stack;
  try {
    stack = std::make_unique<ua::Stack>(stack_options(flags, ""));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parley answer: %s\n", e.what());
    return kLocalError;
  }
  say("listening on " + std::string(transport::uri_token(stack->protocol())) + ":" +
      stack->local().to_string());
  std::atomic<int> ended{0};
  std::vector<std::shared_ptr<ua::Call>> calls;  // the loop's thread only
  stack->run([&](ua::UserAgent& ua) {
    ua.on_incoming_call = [&](const std::shared_ptr<ua::Call>& call) {
      calls.push_back(call);
      std::string who = from_of(*call);
      std::string id = call->call_id();
      say("call " + id + " from " + who);
      std::weak_ptr<ua::Call> weak = call;
      ua::Call::Events events;
      events.established = [&ua, weak, id, &args] {
        say("call " + id + ": established");
        if (args.hangup_after > 0)
          ua.clock().start(seconds_of(args.hangup_after), [weak] {
            if (auto c = weak.lock()) c->hangup();
          });
      };
      events.ended = [id, &ended](const ua::Call::Ended& e) {
        say("call " + id + ": ended (" + std::to_string(e.status) +
            (e.reason.empty() ? "" : " " + e.reason) + (e.by_peer ? ", by the peer)" : ")"));
        ++ended;
      };
      events.reinvited = [id](int status) {
        say("call " + id + ": re-INVITE " + std::to_string(status));
      };
      call->set_events(events);
      auto decide = [weak, &args] {
        auto c = weak.lock();
        if (!c) return;
        if (args.reject)
          c->reject(args.reject);
        else
          c->answer();
      };
      if (args.ring > 0) {
        call->ring();
        ua.clock().start(seconds_of(args.ring), decide);
      } else {
        decide();
      }
    };
  });
  bool interrupted = wait_until([&] { return args.calls > 0 && ended.load() >= args.calls; });
  if (interrupted) {
    // Hang up what is still up, and give the peers a moment to answer the BYEs.
    std::atomic<bool> any{false};
    stack->run([&](ua::UserAgent& ua) {
      for (auto& c : calls)
        if (c->state() != ua::Call::State::Terminated) c->hangup();
      any = ua.calls() > 0;
    });
    if (any) {
      std::atomic<bool> idle{false};
      wait_until(
          [&] {
            stack->run([&](ua::UserAgent& ua) { idle = ua.calls() == 0; });
            return idle.load();
          },
          std::chrono::steady_clock::now() + std::chrono::seconds(5));
    }
  }
  stack->run([&](ua::UserAgent&) { calls.clear(); });
  stack->stop();
  return kOk;
}

}  // namespace

Command add_answer_command(CLI::App& app) {
  auto args = std::make_shared<AnswerArgs>();
  auto* cmd = app.add_subcommand("answer", "a UAS: answer (or reject) every call, answer OPTIONS");
  cmd->add_option("--reject", args->reject, "reject every call with this status (400-699)")
      ->check(CLI::Range(300, 699));
  cmd->add_option("--ring", args->ring, "send 180 Ringing and wait this many seconds first");
  cmd->add_option("--hangup-after", args->hangup_after,
                  "send BYE this many seconds after the call is up (default: wait for the peer)");
  cmd->add_option("--calls", args->calls, "exit after this many calls have ended");
  add_ua_flags(cmd, args->flags);
  return {cmd, [args] { return run_answer(*args); }};
}

}  // namespace parley::app
