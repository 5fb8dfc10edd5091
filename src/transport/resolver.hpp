// RFC 3263 §4: from a SIP or SIPS URI to the ordered (transport, address, port) targets to try.
//
//   Resolver resolver(io, ResolverSettings{.dns_server = Endpoint{...}});
//   resolver.resolve(*uri.sip(), [](Result<std::vector<Target>, ResolveError> r) { ... });
//
// The steps, as §4.1 and §4.2 order them:
//  - the target host is maddr when the URI has one, else the host part;
//  - a numeric host: that address; the transport from the transport parameter, else UDP (sip) or
//    TLS (sips); the port from the URI, else the transport's default. No DNS.
//  - a name with an explicit port: A/AAAA only, the transport chosen as for a numeric host.
//  - a name with a transport parameter and no port: SRV for that transport, else A/AAAA.
//  - a name with neither: NAPTR (services SIP+D2U, SIP+D2T, SIPS+D2T, SIP+D2W, SIPS+D2W that
//    this client speaks; for sips only the SIPS ones), ordered by order then preference, each
//    followed to its SRV records; without usable NAPTR records, SRV for each transport the client
//    speaks (_sip._udp, _sip._tcp, _sips._tcp; for sips only _sips._tcp); without SRV records,
//    A/AAAA with UDP (sip) or TLS (sips) on the default port.
//  - SRV records are ordered by priority and weight (RFC 2782, order_srv), and each target's
//    addresses found with A and AAAA.
//  - Names are looked up in the hosts file first (hosts_file, /etc/hosts by default); a name
//    found there needs no DNS at all.
//
// Asynchronous, with c-ares on the io_context given: its sockets are watched by the context's
// reactor and its timeouts by a timer, so a query costs no thread and no polling. The callback
// runs on that io_context, never inside resolve(). resolve() may be called from any thread.
// Destroy the Resolver on the io_context's thread or after the context stopped running;
// callbacks still pending then are never called.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "message/uri.hpp"
#include "transport/target_list.hpp"
#include "transport/types.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::transport {

struct ResolverSettings {
  // resolver.dns_server: the one DNS server to ask; unset, the system's (/etc/resolv.conf).
  std::optional<Endpoint> dns_server;
  // resolver.hosts_file: looked up before DNS; empty: none.
  std::string hosts_file = "/etc/hosts";
  // resolver.timeout and resolver.tries: per query, each try waits `timeout`.
  std::chrono::milliseconds timeout{2000};
  int tries = 2;
  // The transports this client speaks, in its order of preference (§4.1): the NAPTR services it
  // accepts, and the SRV queries made without NAPTR records.
  std::vector<Protocol> protocols{Protocol::Udp, Protocol::Tcp, Protocol::Tls};
  // resolver.ipv6: AAAA queries too. IPv4 addresses of a host come before its IPv6 ones.
  bool ipv6 = true;
  // The random numbers of the RFC 2782 weighted order; unset, a std::random_device seeded one.
  std::function<std::uint32_t()> random;
};

struct ResolveError {
  enum class Kind : std::uint8_t {
    BadUri,    // nothing to resolve: sips with transport=udp, an unknown transport, no host
    NotFound,  // the name exists nowhere (NXDOMAIN) or has no usable records
    Timeout,   // the DNS server did not answer
    Dns,       // any other DNS failure (SERVFAIL, REFUSED, a malformed answer)
  };
  Kind kind = Kind::NotFound;
  std::string what;
};

// What is resolved, owned (a SipUri is views into its text).
struct ServerQuery {
  bool secure = false;  // sips
  std::string host;     // maddr when present, else the URI's host; IPv6 without brackets
  std::optional<std::uint16_t> port;
  std::optional<Protocol> transport;  // the transport parameter

  static Result<ServerQuery, ResolveError> from(const message::SipUri& uri);
};

using ResolveResult = Result<std::vector<Target>, ResolveError>;

class Resolver {
 public:
  using Callback = std::function<void(ResolveResult)>;

  // Throws std::runtime_error when c-ares cannot be set up (e.g. a DNS server it refuses).
  Resolver(boost::asio::io_context& io, ResolverSettings settings = {});
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  void resolve(const message::SipUri& uri, Callback callback);
  void resolve(ServerQuery query, Callback callback);

  // The numeric-host case of §4.1/§4.2 alone, without DNS or hosts file: the target when `query`
  // names an IP address, nullopt otherwise.
  static std::optional<Target> numeric_target(const ServerQuery& query);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// The addresses of `name` in a hosts file (IPv4 first), or nothing when the file cannot be read
// or does not name it. Case-insensitive, as DNS names are.
std::vector<boost::asio::ip::address> lookup_hosts_file(const std::string& path,
                                                        std::string_view name);

}  // namespace parley::transport
