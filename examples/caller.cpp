// A caller on parley's UA API (docs/ua.md): calls a URI, prints the progress, hangs up five
// seconds after the answer, and exits 0 when the call was answered and ended cleanly.
//
//   caller sip:bob@127.0.0.1:5060
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <string>

#include "ua/stack.hpp"

using parley::ua::Call;
using parley::ua::UserAgent;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: caller SIP-URI\n");
    return 2;
  }
  std::string target = argv[1];
  parley::ua::Stack stack({.listen = "udp:127.0.0.1:0"});
  std::promise<Call::Ended> ended;
  bool answered = false;
  std::shared_ptr<Call> call;

  stack.run([&](UserAgent& ua) {
    Call::Events events{
        .progress =
            [](const parley::message::Message& m) {
              std::printf("%d %s\n", m.status(), std::string(m.reason()).c_str());
            },
        .established =
            [&] {
              answered = true;
              std::printf("answered; hanging up in 5 s\n");
              ua.clock().start(std::chrono::seconds(5), [&] { call->hangup(); });  // BYE
            },
        .ended = [&](const Call::Ended& e) { ended.set_value(e); },
    };
    std::string error;
    call = ua.call(target, events, &error);
    if (!call) ended.set_value({.status = 0, .reason = error});
  });

  Call::Ended end = ended.get_future().get();  // INVITE's own timers bound the wait (64*T1)
  stack.run([&](UserAgent&) { call.reset(); });
  stack.stop();
  std::printf("ended: %d %s\n", end.status, end.reason.c_str());
  return answered && end.status == 200 ? 0 : 1;
}
