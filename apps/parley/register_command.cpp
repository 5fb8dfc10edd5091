// parley register URI --user U --password P [--expires N] [--once]: registers (RFC 3261 §10.2)
// with digest authentication, keeps the binding refreshed until Ctrl-C/SIGTERM, then removes it.
// --once: register, print the bindings and exit (the binding stays until it expires). Exit 0 when
// registered (and, at the end, unregistered).
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

#include "commands.hpp"
#include "ua/registration.hpp"
#include "ua_commands.hpp"

namespace parley::app {

namespace {

struct RegisterArgs {
  UaFlags flags;
  std::string uri;
  std::string user, password, realm, aor;
  std::uint32_t expires = 3600;
  bool once = false;
};

int run_register(const RegisterArgs& args) {
  block_signals();
  auto uri = message::parse_uri(args.uri);
  if (!uri || !uri->sip()) {
    std::fprintf(stderr, "parley register: %s is not a sip: URI\n", args.uri.c_str());
    return kUsage;
  }
  // The registrar is the URI's domain (§10.2: "The Request-URI names the domain"); the address
  // of record is the URI itself, or sip:user@domain when the URI has no user part.
  const auto& sip = *uri->sip();
  std::string host = sip.host_port();
  std::string registrar = std::string(sip.secure ? "sips:" : "sip:") + host;
  if (auto t = sip.param("transport")) registrar += ";transport=" + std::string(*t);
  std::string aor = args.aor;
  if (aor.empty())
    aor = std::string(sip.secure ? "sips:" : "sip:") +
          (sip.user ? std::string(*sip.user) : args.user) + "@" + std::string(sip.host);
  UaFlags flags = args.flags;
  if (flags.user == "parley" && !args.user.empty()) flags.user = args.user;
  std::unique_ptr<ua::Stack> stack;
  try {
    stack = std::make_unique<ua::Stack>(stack_options(flags, registrar));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parley register: %s\n", e.what());
    return kLocalError;
  }
  std::mutex m;
  std::atomic<int> outcome{0};  // 0 waiting, 1 registered, 2 failed
  std::atomic<bool> unregistered{false};
  ua::Registration::Result last;
  std::unique_ptr<ua::Registration> reg;
  auto print = [](const char* what, const ua::Registration::Result& r) {
    std::string line = std::string(what) + ": " + std::to_string(r.status) + " " + r.reason;
    if (r.expires) line += ", expires " + std::to_string(r.expires) + " s";
    say(line);
    for (const auto& b : r.bindings) say("  binding: " + b);
  };
  stack->run([&](ua::UserAgent& ua) {
    ua.credentials().add(args.user, args.password, args.realm);
    ua::Registration::Events events;
    events.registered = [&](const ua::Registration::Result& r) {
      print("registered", r);
      outcome = 1;
    };
    events.failed = [&](const ua::Registration::Result& r) {
      std::lock_guard lock(m);
      last = r;
      outcome = 2;
    };
    events.unregistered = [&](const ua::Registration::Result& r) {
      print("unregistered", r);
      std::lock_guard lock(m);
      last = r;
      unregistered = true;
    };
    reg = std::make_unique<ua::Registration>(
        ua, ua::Registration::Options{.registrar = registrar, .aor = aor, .expires = args.expires},
        events);
    reg->start();
  });
  bool interrupted = wait_until([&] { return outcome.load() != 0; });
  int rc = kOk;
  if (outcome == 2) {
    std::lock_guard lock(m);
    std::printf("SIP/2.0 %d %s\n", last.status, last.reason.c_str());
    rc = last.status == 408 || last.status == 503 ? kNoResponse : kSipFailure;
  } else if (interrupted) {
    rc = kInterrupted;
  } else if (!args.once) {
    // Registered: refreshes run on the UA's thread until a signal.
    wait_until([&] { return outcome.load() == 2; });
    if (outcome == 2) {
      std::lock_guard lock(m);
      std::printf("SIP/2.0 %d %s\n", last.status, last.reason.c_str());
      rc = kSipFailure;
    } else {
      stack->run([&](ua::UserAgent&) { reg->stop(); });
      wait_until([&] { return unregistered.load(); },
                 std::chrono::steady_clock::now() + std::chrono::seconds(40));
      std::lock_guard lock(m);
      if (!unregistered || last.status < 200 || last.status >= 300) rc = kSipFailure;
    }
  }
  stack->run([&](ua::UserAgent&) { reg.reset(); });
  stack->stop();
  return rc;
}

}  // namespace

Command add_register_command(CLI::App& app) {
  auto args = std::make_shared<RegisterArgs>();
  auto* cmd = app.add_subcommand("register", "register, refresh until Ctrl-C, then unregister");
  cmd->add_option("uri", args->uri,
                  "the address of record or registrar, e.g. sip:alice@example.com")
      ->required();
  cmd->add_option("--user", args->user, "digest username (and user part of the AOR)")->required();
  cmd->add_option("--password,-p", args->password, "digest password")->required();
  cmd->add_option("--realm", args->realm, "use the credentials for this realm only");
  cmd->add_option("--aor", args->aor, "address of record, when not the URI");
  cmd->add_option("--expires,-e", args->expires, "requested expiry in seconds (default 3600)");
  cmd->add_flag("--once", args->once, "register once and exit, leaving the binding in place");
  add_ua_flags(cmd, args->flags);
  return {cmd, [args] { return run_register(*args); }};
}

}  // namespace parley::app
