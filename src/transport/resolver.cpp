#include "transport/resolver.hpp"

#include <ares.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

#include "message/scanner.hpp"

namespace parley::transport {

namespace asio = boost::asio;

namespace {

// DNS RR types (RFC 1035, RFC 3596, RFC 2782, RFC 3403) and the IN class.
constexpr int kClassIn = 1;
constexpr int kTypeA = 1;
constexpr int kTypeAaaa = 28;
constexpr int kTypeSrv = 33;
constexpr int kTypeNaptr = 35;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

// RFC 3263 §4.1 and RFC 7118 §13 (WebSocket): the NAPTR service of each transport, and its SRV
// prefix.
std::string_view naptr_service(Protocol p) {
  switch (p) {
    case Protocol::Udp:
      return "SIP+D2U";
    case Protocol::Tcp:
      return "SIP+D2T";
    case Protocol::Tls:
      return "SIPS+D2T";
    case Protocol::Ws:
      return "SIP+D2W";
    case Protocol::Wss:
      return "SIPS+D2W";
  }
  return "";
}

std::string_view srv_prefix(Protocol p) {
  switch (p) {
    case Protocol::Udp:
      return "_sip._udp.";
    case Protocol::Tcp:
      return "_sip._tcp.";
    case Protocol::Tls:
      return "_sips._tcp.";
    case Protocol::Ws:
      return "_sip._ws.";
    case Protocol::Wss:
      return "_sips._ws.";
  }
  return "";
}

void ipv4_first(std::vector<asio::ip::address>& v) {
  std::stable_partition(v.begin(), v.end(), [](const auto& a) { return a.is_v4(); });
}

ResolveError error(ResolveError::Kind kind, std::string what) { return {kind, std::move(what)}; }

}  // namespace

std::vector<asio::ip::address> lookup_hosts_file(const std::string& path, std::string_view name) {
  std::vector<asio::ip::address> found;
  if (path.empty() || name.empty()) return found;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string address, alias;
    if (!(words >> address)) continue;
    auto a = address_from_text(address);
    if (!a) continue;
    while (words >> alias) {
      if (message::iequals(alias, name)) {
        if (std::find(found.begin(), found.end(), *a) == found.end()) found.push_back(*a);
        break;
      }
    }
  }
  ipv4_first(found);
  return found;
}

Result<ServerQuery, ResolveError> ServerQuery::from(const message::SipUri& uri) {
  ServerQuery q;
  q.secure = uri.secure;
  // RFC 3263 §4: "If the URI contains an maddr parameter, TARGET is the maddr".
  auto maddr = uri.param("maddr");
  q.host = maddr && !maddr->empty() ? message::unescape(*maddr) : std::string(uri.host);
  if (q.host.size() > 2 && q.host.front() == '[' && q.host.back() == ']')
    q.host = q.host.substr(1, q.host.size() - 2);
  if (q.host.empty()) return fail(error(ResolveError::Kind::BadUri, "no host to resolve"));
  q.port = uri.port;
  if (auto t = uri.param("transport")) {
    auto p = protocol_from_token(*t);
    if (!p) return fail(error(ResolveError::Kind::BadUri, "transport=" + std::string(*t)));
    if (q.secure) {
      // RFC 3261 §26.2.2 and RFC 3263 §4.1: a SIPS URI goes over TLS (TCP) or WSS only.
      if (*p == Protocol::Udp)
        return fail(error(ResolveError::Kind::BadUri, "sips with transport=udp"));
      p = (*p == Protocol::Ws || *p == Protocol::Wss) ? Protocol::Wss : Protocol::Tls;
    }
    q.transport = p;
  }
  return q;
}

std::optional<Target> Resolver::numeric_target(const ServerQuery& q) {
  auto a = address_from_text(q.host);
  if (!a) return std::nullopt;
  // §4.1: "UDP for a SIP URI, and TCP for a SIPS URI" (TLS over TCP, §26.2.2).
  Protocol p = q.transport.value_or(q.secure ? Protocol::Tls : Protocol::Udp);
  // §4.2: the port from the URI, else the transport's default.
  return Target{p, Endpoint{*a, q.port.value_or(default_port(p))}, a->to_string()};
}

// ---- c-ares on an io_context ----------------------------------------------------------------

struct Resolver::Impl : std::enable_shared_from_this<Impl> {
  struct Watch {
    Watch(asio::io_context& io, int fd) : fd(fd), descriptor(io) {}
    int fd;
    asio::posix::stream_descriptor descriptor;  // watches c-ares's socket; never closes it
    bool want_read = false;
    bool want_write = false;
    bool reading = false;
    bool writing = false;
    bool closed = false;
  };
  using Answer = std::function<void(int status, const unsigned char* data, int size)>;
  struct Pending {
    std::shared_ptr<Impl> self;
    Answer answer;
  };

  Impl(asio::io_context& io, ResolverSettings s) : io(io), settings(std::move(s)), timer(io) {
    if (!settings.random) {
      auto rng = std::make_shared<std::mt19937>(std::random_device{}());
      settings.random = [rng] { return static_cast<std::uint32_t>((*rng)()); };
    }
  }

  void open() {
    init_library();
    ares_options options{};
    options.sock_state_cb = &Impl::on_socket_state;
    options.sock_state_cb_data = this;
    options.timeout = static_cast<int>(settings.timeout.count());
    options.tries = std::max(1, settings.tries);
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    if (int rc = ares_init_options(&channel, &options, mask); rc != ARES_SUCCESS)
      throw std::runtime_error(std::string("resolver: c-ares: ") + ares_strerror(rc));
    if (settings.dns_server) {
      std::string server = settings.dns_server->to_string();
      if (int rc = ares_set_servers_ports_csv(channel, server.c_str()); rc != ARES_SUCCESS) {
        ares_destroy(channel);
        channel = nullptr;
        throw std::runtime_error("resolver: DNS server " + server + ": " + ares_strerror(rc));
      }
    }
  }

  void close() {
    destroyed = true;
    timer.cancel();
    if (channel) ares_destroy(channel);  // pending queries end with ARES_EDESTRUCTION: dropped
    channel = nullptr;
    for (auto& [fd, watch] : watches) {
      watch->closed = true;
      watch->descriptor.release();
    }
    watches.clear();
  }

  void query(const std::string& name, int type, Answer answer) {
    auto* pending = new Pending{shared_from_this(), std::move(answer)};
    ares_query(channel, name.c_str(), kClassIn, type, &Impl::on_answer, pending);
    schedule();
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* data, int size) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(arg));
    if (status == ARES_EDESTRUCTION || pending->self->destroyed) return;
    pending->answer(status, data, size);
  }

  // c-ares opens, watches and closes its sockets; the reactor of the io_context waits on them.
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
    static_cast<Impl*>(data)->socket_state(fd, readable != 0, writable != 0);
  }

  void socket_state(int fd, bool readable, bool writable) {
    auto it = watches.find(fd);
    if (!readable && !writable) {
      // c-ares is about to close the socket: stop watching it first.
      if (it != watches.end()) {
        it->second->closed = true;
        it->second->descriptor.release();  // cancels the waits; the handlers see `closed`
        watches.erase(it);
      }
      return;
    }
    std::shared_ptr<Watch> watch;
    if (it == watches.end()) {
      watch = std::make_shared<Watch>(io, fd);
      boost::system::error_code ec;
      watch->descriptor.assign(fd, ec);
      if (ec) return;  // c-ares times the query out
      watches.emplace(fd, watch);
    } else {
      watch = it->second;
    }
    watch->want_read = readable;
    watch->want_write = writable;
    arm(watch);
  }

  void arm(const std::shared_ptr<Watch>& watch) {
    if (watch->want_read && !watch->reading) {
      watch->reading = true;
      watch->descriptor.async_wait(
          asio::posix::descriptor_base::wait_read,
          [self = shared_from_this(), watch](const boost::system::error_code& ec) {
            watch->reading = false;
            if (ec || watch->closed || self->destroyed) return;
            ares_process_fd(self->channel, watch->fd, ARES_SOCKET_BAD);
            if (!watch->closed && !self->destroyed) self->arm(watch);
            if (!self->destroyed) self->schedule();
          });
    }
    if (watch->want_write && !watch->writing) {
      watch->writing = true;
      watch->descriptor.async_wait(
          asio::posix::descriptor_base::wait_write,
          [self = shared_from_this(), watch](const boost::system::error_code& ec) {
            watch->writing = false;
            if (ec || watch->closed || self->destroyed) return;
            ares_process_fd(self->channel, ARES_SOCKET_BAD, watch->fd);
            if (!watch->closed && !self->destroyed) self->arm(watch);
            if (!self->destroyed) self->schedule();
          });
    }
  }

  // One timer for c-ares's retries and timeouts: set to its next deadline after every step.
  void schedule() {
    if (destroyed) return;
    timeval tv{};
    timeval* next = ares_timeout(channel, nullptr, &tv);
    if (!next) {
      timer.cancel();
      return;
    }
    auto wait = std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec);
    timer.expires_after(
        std::max<std::chrono::steady_clock::duration>(wait, std::chrono::milliseconds(1)));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->destroyed) return;
      ares_process_fd(self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      self->schedule();
    });
  }

  asio::io_context& io;
  ResolverSettings settings;
  asio::steady_timer timer;
  ares_channel channel = nullptr;
  std::map<int, std::shared_ptr<Watch>> watches;
  bool destroyed = false;
};

// ---- one resolution, RFC 3263 §4 -----------------------------------------------------------

namespace {

struct Hop {
  Protocol protocol;
  std::string host;
  std::uint16_t port;
};

class Job : public std::enable_shared_from_this<Job> {
 public:
  Job(std::shared_ptr<Resolver::Impl> impl, ServerQuery q, Resolver::Callback cb)
      : impl_(std::move(impl)), q_(std::move(q)), callback_(std::move(cb)) {
    for (Protocol p : impl_->settings.protocols)
      if (!q_.secure || is_secure(p)) allowed_.push_back(p);
  }

  void start() {
    if (auto t = Resolver::numeric_target(q_)) return finish(std::vector<Target>{*t});
    if (allowed_.empty() && !q_.transport)
      return finish(fail(error(ResolveError::Kind::BadUri, "no transport to reach " + q_.host)));
    // §4.1/§4.2: an explicit port, or a name the hosts file knows: no NAPTR, no SRV.
    if (q_.port || !lookup_hosts_file(impl_->settings.hosts_file, q_.host).empty()) {
      Protocol p = q_.transport.value_or(fallback_protocol());
      hops_.push_back({p, q_.host, q_.port.value_or(default_port(p))});
      return addresses();
    }
    // §4.2: a transport given, no port: SRV for that transport, else A/AAAA.
    if (q_.transport) {
      return srv({{*q_.transport, std::string(srv_prefix(*q_.transport)) + q_.host}},
                 *q_.transport);
    }
    naptr();
  }

 private:
  // §4.1: "UDP for a SIP URI, and TCP for a SIPS URI" when nothing else says.
  Protocol fallback_protocol() const {
    Protocol p = q_.secure ? Protocol::Tls : Protocol::Udp;
    if (allowed_.empty() || std::find(allowed_.begin(), allowed_.end(), p) != allowed_.end())
      return p;
    return allowed_.front();
  }

  void naptr() {
    impl_->query(q_.host, kTypeNaptr,
                 [self = shared_from_this()](int status, const unsigned char* data, int size) {
                   self->on_naptr(status, data, size);
                 });
  }

  void on_naptr(int status, const unsigned char* data, int size) {
    if (status == ARES_ETIMEOUT)
      return finish(fail(error(ResolveError::Kind::Timeout, "NAPTR " + q_.host + ": timeout")));
    struct Usable {
      unsigned order, preference;
      Protocol protocol;
      std::string replacement;
    };
    std::vector<Usable> usable;
    ares_naptr_reply* reply = nullptr;
    if (status == ARES_SUCCESS && ares_parse_naptr_reply(data, size, &reply) == ARES_SUCCESS) {
      for (auto* r = reply; r; r = r->next) {
        std::string_view flags(reinterpret_cast<const char*>(r->flags));
        std::string_view service(reinterpret_cast<const char*>(r->service));
        // §4.1: the "s" flag leads to SRV records; a service this client does not speak is
        // skipped, as is anything not SIPS for a SIPS URI.
        if (!message::iequals(flags, "s") || !r->replacement || !*r->replacement) continue;
        for (Protocol p : allowed_) {
          if (message::iequals(service, naptr_service(p))) {
            usable.push_back({r->order, r->preference, p, r->replacement});
            break;
          }
        }
      }
      ares_free_data(reply);
    }
    if (usable.empty()) {
      // §4.1: no NAPTR records: SRV for every transport the client speaks, in its order.
      std::vector<std::pair<Protocol, std::string>> names;
      for (Protocol p : allowed_) names.emplace_back(p, std::string(srv_prefix(p)) + q_.host);
      return srv(std::move(names), fallback_protocol());
    }
    std::stable_sort(usable.begin(), usable.end(), [](const Usable& a, const Usable& b) {
      return std::tie(a.order, a.preference) < std::tie(b.order, b.preference);
    });
    std::vector<std::pair<Protocol, std::string>> names;
    for (auto& u : usable) names.emplace_back(u.protocol, std::move(u.replacement));
    srv(std::move(names), fallback_protocol());
  }

  // SRV for each name, all at once; the hops in the order of `names`, each name's records in
  // RFC 2782 order. No records at all: A/AAAA of the host with `fallback` on its default port.
  void srv(std::vector<std::pair<Protocol, std::string>> names, Protocol fallback) {
    srv_names_ = std::move(names);
    srv_records_.assign(srv_names_.size(), {});
    srv_pending_ = srv_names_.size();
    srv_timeouts_ = 0;
    if (srv_names_.empty()) {
      hops_.push_back({fallback, q_.host, default_port(fallback)});
      return addresses();
    }
    for (std::size_t i = 0; i < srv_names_.size(); ++i) {
      impl_->query(srv_names_[i].second, kTypeSrv,
                   [self = shared_from_this(), i, fallback](int status, const unsigned char* data,
                                                            int size) {
                     self->on_srv(i, status, data, size, fallback);
                   });
    }
  }

  void on_srv(std::size_t i, int status, const unsigned char* data, int size, Protocol fallback) {
    if (status == ARES_ETIMEOUT) ++srv_timeouts_;
    ares_srv_reply* reply = nullptr;
    if (status == ARES_SUCCESS && ares_parse_srv_reply(data, size, &reply) == ARES_SUCCESS) {
      for (auto* r = reply; r; r = r->next)
        srv_records_[i].push_back({r->host ? r->host : "", r->port, r->priority, r->weight});
      ares_free_data(reply);
    }
    if (--srv_pending_ != 0) return;
    for (std::size_t n = 0; n < srv_names_.size(); ++n)
      for (auto& r : order_srv(std::move(srv_records_[n]), impl_->settings.random))
        hops_.push_back({srv_names_[n].first, std::move(r.target), r.port});
    if (hops_.empty()) {
      if (srv_timeouts_ == srv_names_.size())
        return finish(fail(error(ResolveError::Kind::Timeout, "SRV " + q_.host + ": timeout")));
      // §4.2: "If no SRV records were found, the client performs an A or AAAA record lookup".
      hops_.push_back({fallback, q_.host, default_port(fallback)});
    }
    addresses();
  }

  // A and AAAA for every host of the hops (the hosts file first), then the targets in hop order.
  void addresses() {
    std::vector<std::string> lookups;
    for (const auto& hop : hops_) {
      if (hosts_.count(hop.host)) continue;
      auto& found = hosts_[hop.host];
      if (auto a = address_from_text(hop.host)) {
        found.push_back(*a);
      } else if (auto listed = lookup_hosts_file(impl_->settings.hosts_file, hop.host);
                 !listed.empty()) {
        found = std::move(listed);
      } else {
        lookups.push_back(hop.host);
      }
    }
    const bool ipv6 = impl_->settings.ipv6;
    address_pending_ = lookups.size() * (ipv6 ? 2 : 1);
    if (address_pending_ == 0) return assemble();
    for (const auto& host : lookups) {
      impl_->query(
          host, kTypeA,
          [self = shared_from_this(), host](int status, const unsigned char* data, int size) {
            self->on_address(host, false, status, data, size);
          });
      if (ipv6) {
        impl_->query(
            host, kTypeAaaa,
            [self = shared_from_this(), host](int status, const unsigned char* data, int size) {
              self->on_address(host, true, status, data, size);
            });
      }
    }
  }

  void on_address(const std::string& host, bool v6, int status, const unsigned char* data,
                  int size) {
    if (status == ARES_ETIMEOUT) address_timeouts_ = true;
    if (status == ARES_SUCCESS) {
      auto& found = hosts_[host];
      int count = 32;
      if (v6) {
        ares_addr6ttl addrs[32];
        if (ares_parse_aaaa_reply(data, size, nullptr, addrs, &count) == ARES_SUCCESS) {
          for (int k = 0; k < count; ++k) {
            asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &addrs[k].ip6addr, b.size());
            found.emplace_back(asio::ip::address_v6(b));
          }
        }
      } else {
        ares_addrttl addrs[32];
        if (ares_parse_a_reply(data, size, nullptr, addrs, &count) == ARES_SUCCESS) {
          for (int k = 0; k < count; ++k) {
            asio::ip::address_v4::bytes_type b;
            std::memcpy(b.data(), &addrs[k].ipaddr, b.size());
            found.emplace_back(asio::ip::address_v4(b));
          }
        }
      }
    }
    if (--address_pending_ == 0) assemble();
  }

  void assemble() {
    std::vector<Target> targets;
    for (const auto& hop : hops_) {
      auto& found = hosts_[hop.host];
      ipv4_first(found);
      for (const auto& a : found) {
        Target t{hop.protocol, Endpoint{a, hop.port}, hop.host};
        if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
      }
    }
    if (!targets.empty()) return finish(std::move(targets));
    if (address_timeouts_)
      return finish(fail(error(ResolveError::Kind::Timeout, q_.host + ": timeout")));
    finish(fail(error(ResolveError::Kind::NotFound, "no address for " + q_.host)));
  }

  void finish(ResolveResult result) {
    if (!callback_) return;
    auto cb = std::move(callback_);
    callback_ = nullptr;
    cb(std::move(result));
  }

  std::shared_ptr<Resolver::Impl> impl_;
  ServerQuery q_;
  Resolver::Callback callback_;
  std::vector<Protocol> allowed_;
  std::vector<Hop> hops_;
  std::vector<std::pair<Protocol, std::string>> srv_names_;
  std::vector<std::vector<SrvRecord>> srv_records_;
  std::size_t srv_pending_ = 0;
  std::size_t srv_timeouts_ = 0;
  std::map<std::string, std::vector<asio::ip::address>> hosts_;
  std::size_t address_pending_ = 0;
  bool address_timeouts_ = false;
};

}  // namespace

Resolver::Resolver(asio::io_context& io, ResolverSettings settings)
    : impl_(std::make_shared<Impl>(io, std::move(settings))) {
  impl_->open();
}

Resolver::~Resolver() { impl_->close(); }

void Resolver::resolve(const message::SipUri& uri, Callback callback) {
  auto q = ServerQuery::from(uri);
  if (!q) {
    asio::post(impl_->io, [impl = impl_, e = q.error(), cb = std::move(callback)]() mutable {
      if (!impl->destroyed) cb(fail(std::move(e)));
    });
    return;
  }
  resolve(std::move(*q), std::move(callback));
}

void Resolver::resolve(ServerQuery query, Callback callback) {
  asio::post(impl_->io, [impl = impl_, q = std::move(query), cb = std::move(callback)]() mutable {
    if (impl->destroyed) return;
    std::make_shared<Job>(impl, std::move(q), std::move(cb))->start();
  });
}

}  // namespace parley::transport
