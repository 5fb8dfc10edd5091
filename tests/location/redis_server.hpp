// A real redis-server for a test, on a free loopback port, without persistence; stopped by PID
// when the object goes (also when the test fails).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "../support/child_process.hpp"

namespace parley::location::test {

// A TCP port free on 127.0.0.1 now: bound by the kernel, then released.
inline int free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool tcp_accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class RedisServer {
 public:
  RedisServer() : port_(free_tcp_port()) {}
  ~RedisServer() { stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string spec() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return process_.pid(); }

  // Starts redis-server on port() and waits (5 s at most) until it accepts connections. The first
  // start moves to another free port if someone took this one meanwhile; a restart keeps it.
  bool start() {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (start_once()) return started_ = true;
      if (started_) return false;
      port_ = free_tcp_port();
    }
    return false;
  }

 private:
  bool start_once() {
    if (port_ <= 0) return false;
    std::string port = std::to_string(port_);
    std::vector<std::string> args = {
        "redis-server", "--save",    "", "--appendonly", "no", "--port",           port, "--bind",
        "127.0.0.1",    "--logfile", "", "--daemonize",  "no", "--protected-mode", "yes"};
    if (!process_.start(std::move(args))) return false;
    for (int i = 0; i < 100; ++i) {
      if (tcp_accepts(port_)) return true;
      if (!process_.running()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    process_.stop(SIGKILL);
    return false;
  }

 public:
  // SIGKILL: the server is gone at once, as in a crash.
  void kill() { process_.stop(SIGKILL); }
  void stop() {
    process_.signal(SIGCONT);  // a paused server could not act on SIGTERM
    process_.stop(SIGTERM);
  }
  // SIGSTOP / SIGCONT: a server that hangs, its connections open.
  void pause() { process_.signal(SIGSTOP); }
  void resume() { process_.signal(SIGCONT); }

 private:
  int port_;
  parley::test::ChildProcess process_;
  bool started_ = false;
};

}  // namespace parley::location::test
