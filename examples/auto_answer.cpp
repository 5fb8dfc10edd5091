// An auto-answer UAS on parley's UA API (docs/ua.md): every call rings for a second, is answered
// with an SDP answer, and lasts until the caller hangs up. Ctrl-C stops it.
//
//   auto_answer [udp:127.0.0.1:5060]
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "ua/stack.hpp"

using parley::ua::Call;
using parley::ua::UserAgent;

int main(int argc, char** argv) {
  // Block Ctrl-C before the stack starts its thread, so that only sigwait() below sees it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  parley::ua::Stack stack({.listen = argc > 1 ? argv[1] : "udp:127.0.0.1:5060"});
  std::printf("answering on %s\n", stack.local().to_string().c_str());

  // Everything inside run() and inside the callbacks happens on the UA's own thread.
  stack.run([](UserAgent& ua) {
    ua.on_incoming_call = [&ua](const std::shared_ptr<Call>& call) {
      std::string id = call->call_id();
      std::printf("%s: incoming\n", id.c_str());
      call->set_events({
          .established = [id] { std::printf("%s: answered\n", id.c_str()); },
          .ended =
              [id](const Call::Ended& e) {
                std::printf("%s: ended, %d %s\n", id.c_str(), e.status, e.reason.c_str());
              },
      });
      call->ring();  // 180 Ringing: an early dialog
      std::weak_ptr<Call> weak = call;
      ua.clock().start(std::chrono::seconds(1), [weak] {
        if (auto c = weak.lock()) c->answer();  // 200 OK with the SDP answer
      });
    };
  });

  int sig = 0;
  sigwait(&signals, &sig);
  stack.stop();
  return 0;
}
