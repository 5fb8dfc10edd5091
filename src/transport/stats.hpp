// What the transport layer has seen, for monitoring and for tests that need to know *why* a
// connection went away. Counters only grow.
#pragma once

#include <atomic>
#include <cstdint>

namespace parley::transport {

struct TransportStats {
  std::uint64_t messages_received = 0;     // delivered to the Receiver
  std::uint64_t messages_dropped = 0;      // broken responses, unanswerable requests
  std::uint64_t error_responses = 0;       // 400/413/505/513 sent for broken requests
  std::uint64_t keepalive_pings = 0;       // CRLFCRLF answered with CRLF
  std::uint64_t connections_accepted = 0;  // inbound, admitted
  std::uint64_t connections_refused = 0;   // inbound, over a limit (or subprotocol missing)
  std::uint64_t connections_opened = 0;    // outbound attempts
  std::uint64_t connect_failures = 0;      // outbound: connect or handshake failed
  std::uint64_t handshake_failures = 0;    // TLS or WebSocket handshake failed (either side)
  std::uint64_t closed_idle = 0;           // idle timeout
  std::uint64_t closed_slow = 0;           // header-read timeout (or a handshake too slow)
  std::uint64_t closed_malformed = 0;      // a stream that could not be framed
  std::uint64_t write_overflows = 0;       // a peer that would not read
  std::uint64_t send_failures = 0;         // error handlers called
};

// The live counters behind TransportStats; relaxed atomics, bumped from any event loop.
struct Counters {
  using C = std::atomic<std::uint64_t>;
  C messages_received{0}, messages_dropped{0}, error_responses{0}, keepalive_pings{0},
      connections_accepted{0}, connections_refused{0}, connections_opened{0}, connect_failures{0},
      handshake_failures{0}, closed_idle{0}, closed_slow{0}, closed_malformed{0},
      write_overflows{0}, send_failures{0};

  static void bump(C& c) { c.fetch_add(1, std::memory_order_relaxed); }
  TransportStats snapshot() const {
    auto r = [](const C& c) { return c.load(std::memory_order_relaxed); };
    return {r(messages_received),  r(messages_dropped),     r(error_responses),
            r(keepalive_pings),    r(connections_accepted), r(connections_refused),
            r(connections_opened), r(connect_failures),     r(handshake_failures),
            r(closed_idle),        r(closed_slow),          r(closed_malformed),
            r(write_overflows),    r(send_failures)};
  }
};

}  // namespace parley::transport
