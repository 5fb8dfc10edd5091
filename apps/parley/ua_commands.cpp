// The user agent commands, each in its own <name>_command.cpp, registered here in the order
// `parley --help` lists them; and what they share (ua_commands.hpp).
#include "ua_commands.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "message/uri.hpp"

namespace parley::app {

void add_ua_commands(CLI::App& app, std::vector<Command>& commands) {
  commands.push_back(add_options_command(app));
  commands.push_back(add_register_command(app));
  commands.push_back(add_call_command(app));
  commands.push_back(add_answer_command(app));
}

void add_ua_flags(CLI::App* cmd, UaFlags& flags) {
  cmd->add_option("--listen,-l", flags.listen,
                  "local address: HOST:PORT or udp:HOST:PORT (default: the address that routes "
                  "to the target, any port)");
  cmd->add_option("--transport,-t", flags.transport, "udp or tcp (default udp)")
      ->check(CLI::IsMember({"udp", "tcp"}));
  if (!cmd->get_option_no_throw("--user"))
    cmd->add_option("--user,-u", flags.user, "user part of From and Contact (default parley)");
  cmd->add_flag("--verbose,-v", flags.verbose, "print every message in full");
}

void block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool wait_until(const std::function<bool()>& done,
                std::optional<std::chrono::steady_clock::time_point> deadline) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  while (!done()) {
    if (deadline && std::chrono::steady_clock::now() >= *deadline) return false;
    timespec step{0, 20 * 1000 * 1000};
    if (sigtimedwait(&set, nullptr, &step) > 0) return true;
  }
  return false;
}

void say(const std::string& line) {
  static std::mutex m;
  std::lock_guard lock(m);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

namespace {

// The local address the kernel would send from towards host (no packet is sent).
std::string source_address_towards(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), "5060", &hints, &res) != 0 || !res) return "127.0.0.1";
  std::string out = res->ai_family == AF_INET6 ? "::1" : "127.0.0.1";
  int fd = socket(res->ai_family, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    char buf[INET6_ADDRSTRLEN] = {};
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        getnameinfo(reinterpret_cast<sockaddr*>(&local), len, buf, sizeof buf, nullptr, 0,
                    NI_NUMERICHOST) == 0)
      out = buf;
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(res);
  return out;
}

}  // namespace

ua::StackOptions stack_options(const UaFlags& flags, const std::string& target,
                               const std::string& default_port) {
  ua::StackOptions o;
  std::string listen = flags.listen;
  if (listen.empty()) {
    std::string host = "127.0.0.1";
    if (!target.empty()) {
      if (auto uri = message::parse_uri(target); uri && uri->sip())
        host = source_address_towards(std::string(uri->sip()->host));
    }
    listen = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + default_port;
  }
  // "HOST:PORT" takes the protocol of --transport; "udp:HOST:PORT" says its own.
  auto colon = listen.find(':');
  std::string first = listen.substr(0, colon);
  if (colon == std::string::npos || (first != "udp" && first != "tcp" && first != "tls"))
    listen = flags.transport + ":" + listen;
  o.listen = listen;
  o.ua.user = flags.user;
  o.ua.user_agent = std::string("parley/") + PARLEY_VERSION;
  bool verbose = flags.verbose;
  o.observer = [verbose](ua::Direction d, const transport::Flow& flow, std::string_view bytes) {
    std::string line = ua::summary(d, flow, bytes);
    if (verbose) {
      line += "\n";
      line += bytes;
    }
    say(line);
  };
  return o;
}

}  // namespace parley::app
