// RFC 3263 server location against a real DNS server: dnsmasq, started by each test on a free
// loopback port with the NAPTR, SRV and address records it needs, stopped by PID when the test
// ends (also when it fails). Without dnsmasq these tests fail; they are never skipped.
#include "transport/resolver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <thread>

#include "../support/child_process.hpp"
#include "message/uri.hpp"
#include "support.hpp"
#include "transport/target_list.hpp"

namespace parley::transport::test {
namespace {

constexpr const char* kDnsmasq = "/usr/sbin/dnsmasq";

// A UDP port on 127.0.0.1 that nothing uses right now (dnsmasq also binds TCP on it).
std::uint16_t free_dns_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    asio::io_context io;
    udp::socket u(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto port = u.local_endpoint().port();
    boost::system::error_code ec;
    tcp::acceptor t(io);
    t.open(tcp::v4());
    t.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) return port;
  }
  return 0;
}

// dnsmasq on 127.0.0.1:port, authoritative for *.test with the records given, nothing else.
class Dnsmasq {
 public:
  explicit Dnsmasq(std::vector<std::string> records) {
    port_ = free_dns_port();
    std::vector<std::string> args = {kDnsmasq,
                                     "--keep-in-foreground",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--no-daemon",
                                     "--pid-file=",
                                     "--conf-file=/dev/null",
                                     "--port=" + std::to_string(port_),
                                     "--listen-address=127.0.0.1",
                                     "--bind-interfaces",
                                     "--local=/test/"};
    for (auto& r : records) args.push_back(std::move(r));
    ready_ = process_.start(std::move(args)) && wait_ready();
  }

  bool ready() const { return ready_; }
  Endpoint endpoint() const { return {asio::ip::make_address("127.0.0.1"), port_}; }

 private:
  // Until the port answers a query (an A query for "ready.test": NXDOMAIN is an answer).
  bool wait_ready() {
    static const unsigned char query[] = {0x12, 0x34, 1,   0,   0,   1,   0,   0,   0, 0,
                                          0,    0,    5,   'r', 'e', 'a', 'd', 'y', 4, 't',
                                          'e',  's',  't', 0,   0,   1,   0,   1};
    for (int i = 0; i < 100; ++i) {
      if (!process_.running()) return false;
      UdpPeer peer;
      try {
        peer.send_to(endpoint(),
                     std::string_view(reinterpret_cast<const char*>(query), sizeof query));
        if (peer.receive(100ms)) return true;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(50ms);
      }
    }
    return false;
  }

  parley::test::ChildProcess process_;  // stopped (SIGTERM, then SIGKILL) with the object
  std::uint16_t port_ = 0;
  bool ready_ = false;
};

// A Resolver on its own event loop thread.
class ResolverOnLoop {
 public:
  explicit ResolverOnLoop(ResolverSettings settings)
      : work_(asio::make_work_guard(io_)), resolver_(io_, std::move(settings)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ResolverOnLoop() {
    work_.reset();
    io_.stop();
    thread_.join();
  }

  ResolveResult resolve(std::string_view uri_text, std::chrono::milliseconds timeout = 10s) {
    std::string text(uri_text);
    auto uri = message::parse_sip_uri(text);
    if (!uri) return fail(ResolveError{ResolveError::Kind::BadUri, "test: unparsable " + text});
    auto promise = std::make_shared<std::promise<ResolveResult>>();
    auto future = promise->get_future();
    resolver_.resolve(*uri, [promise](ResolveResult r) { promise->set_value(std::move(r)); });
    if (future.wait_for(timeout) != std::future_status::ready)
      return fail(ResolveError{ResolveError::Kind::Dns, "test: no callback in time"});
    return future.get();
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Resolver resolver_;
  std::thread thread_;
};

ResolverSettings using_server(const Endpoint& dns, std::string hosts_file = {}) {
  ResolverSettings s;
  s.dns_server = dns;
  s.hosts_file = std::move(hosts_file);
  s.timeout = 1000ms;
  s.tries = 2;
  auto rng = std::make_shared<std::mt19937>(42);
  s.random = [rng] { return static_cast<std::uint32_t>((*rng)()); };
  return s;
}

std::vector<std::string> strings(const ResolveResult& r) {
  std::vector<std::string> out;
  if (r)
    for (const auto& t : *r) out.push_back(t.to_string());
  return out;
}

std::string why(const ResolveResult& r) { return r ? "resolved" : r.error().what; }

// A port on 127.0.0.1 where a UDP socket is bound and never read: a DNS server that never
// answers (no ICMP port unreachable either).
struct SilentServer {
  asio::io_context io;
  udp::socket socket{io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  Endpoint endpoint() const {
    return {socket.local_endpoint().address(), socket.local_endpoint().port()};
  }
};

TEST(Resolver, NaptrThenSrvThenAddresses) {
  Dnsmasq dns({"--naptr-record=example.test,20,10,s,SIP+D2U,,_sip._udp.example.test",
               "--naptr-record=example.test,10,10,s,SIP+D2T,,_sip._tcp.example.test",
               "--naptr-record=example.test,10,5,s,SIP+D2X,,_sip._x.example.test",
               "--srv-host=_sip._tcp.example.test,pbx1.example.test,5070,10,10",
               "--srv-host=_sip._udp.example.test,pbx2.example.test,5080,10,10",
               "--host-record=pbx1.example.test,127.0.0.11,::11",
               "--host-record=pbx2.example.test,127.0.0.12"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  auto result = r.resolve("sip:alice@example.test");
  ASSERT_TRUE(result) << why(result);
  // NAPTR order 10 (TCP) before order 20 (UDP); the unknown service is skipped; IPv4 first.
  EXPECT_EQ(strings(result), (std::vector<std::string>{"tcp:127.0.0.11:5070 (pbx1.example.test)",
                                                       "tcp:[::11]:5070 (pbx1.example.test)",
                                                       "udp:127.0.0.12:5080 (pbx2.example.test)"}));
  EXPECT_EQ((*result)[0].host, "pbx1.example.test");
}

TEST(Resolver, SrvWithoutNaptrInTheClientsOrder) {
  Dnsmasq dns({"--srv-host=_sip._tcp.srvonly.test,b.srvonly.test,5091",
               "--srv-host=_sip._udp.srvonly.test,a.srvonly.test,5090",
               "--host-record=a.srvonly.test,127.0.0.21", "--host-record=b.srvonly.test,127.0.0.22",
               "--host-record=srvonly.test,127.0.0.99"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  auto result = r.resolve("sip:srvonly.test");
  ASSERT_TRUE(result) << why(result);
  EXPECT_EQ(strings(result), (std::vector<std::string>{"udp:127.0.0.21:5090 (a.srvonly.test)",
                                                       "tcp:127.0.0.22:5091 (b.srvonly.test)"}));
}

TEST(Resolver, AddressRecordsOnlyUseUdpOnTheDefaultPort) {
  Dnsmasq dns({"--host-record=aonly.test,127.0.0.31,::31"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  auto result = r.resolve("sip:bob@aonly.test");
  ASSERT_TRUE(result) << why(result);
  EXPECT_EQ(strings(result), (std::vector<std::string>{"udp:127.0.0.31:5060 (aonly.test)",
                                                       "udp:[::31]:5060 (aonly.test)"}));
}

TEST(Resolver, ExplicitPortSkipsNaptrAndSrv) {
  Dnsmasq dns({"--naptr-record=port.test,10,10,s,SIP+D2T,,_sip._tcp.port.test",
               "--srv-host=_sip._tcp.port.test,other.port.test,5070",
               "--host-record=port.test,127.0.0.41", "--host-record=other.port.test,127.0.0.42"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  auto result = r.resolve("sip:port.test:6000");
  ASSERT_TRUE(result) << why(result);
  EXPECT_EQ(strings(result), (std::vector<std::string>{"udp:127.0.0.41:6000 (port.test)"}));
}

TEST(Resolver, TransportParameterAsksSrvForThatTransportOnly) {
  Dnsmasq dns({"--naptr-record=tp.test,10,10,s,SIP+D2U,,_sip._udp.tp.test",
               "--srv-host=_sip._udp.tp.test,u.tp.test,5070",
               "--srv-host=_sip._tcp.tp.test,t.tp.test,5071", "--host-record=u.tp.test,127.0.0.51",
               "--host-record=t.tp.test,127.0.0.52", "--host-record=plain.test,127.0.0.53"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  auto result = r.resolve("sip:tp.test;transport=tcp");
  ASSERT_TRUE(result) << why(result);
  EXPECT_EQ(strings(result), (std::vector<std::string>{"tcp:127.0.0.52:5071 (t.tp.test)"}));
  // No SRV record for the transport: A/AAAA with its default port.
  auto plain = r.resolve("sip:plain.test;transport=tcp");
  ASSERT_TRUE(plain) << why(plain);
  EXPECT_EQ(strings(plain), (std::vector<std::string>{"tcp:127.0.0.53:5060 (plain.test)"}));
}

TEST(Resolver, NumericHostsNeedNoDns) {
  SilentServer silent;  // any DNS query would time out
  ResolverOnLoop r(using_server(silent.endpoint()));
  EXPECT_EQ(strings(r.resolve("sip:127.0.0.5")), (std::vector<std::string>{"udp:127.0.0.5:5060"}));
  EXPECT_EQ(strings(r.resolve("sip:127.0.0.5:5099;transport=tcp")),
            (std::vector<std::string>{"tcp:127.0.0.5:5099"}));
  EXPECT_EQ(strings(r.resolve("sip:[::1]")), (std::vector<std::string>{"udp:[::1]:5060"}));
  EXPECT_EQ(strings(r.resolve("sip:[2001:db8::7]:5070;transport=ws")),
            (std::vector<std::string>{"ws:[2001:db8::7]:5070"}));
  EXPECT_EQ(strings(r.resolve("sips:127.0.0.5")), (std::vector<std::string>{"tls:127.0.0.5:5061"}));
  // §4: maddr overrides the host part.
  EXPECT_EQ(strings(r.resolve("sip:carol@nowhere.test;maddr=127.0.0.9")),
            (std::vector<std::string>{"udp:127.0.0.9:5060"}));
}

TEST(Resolver, HostsFileNeedsNoDns) {
  auto path =
      std::filesystem::temp_directory_path() / ("parley-hosts-" + std::to_string(::getpid()));
  {
    std::ofstream f(path);
    f << "# test hosts\n127.0.0.33  myhost.test alias.test  # comment\n::33 myhost.test\n";
  }
  SilentServer silent;
  ResolverOnLoop r(using_server(silent.endpoint(), path.string()));
  auto result = r.resolve("sip:Alias.TEST");
  EXPECT_EQ(strings(result), (std::vector<std::string>{"udp:127.0.0.33:5060 (Alias.TEST)"}))
      << why(result);
  EXPECT_EQ(strings(r.resolve("sips:myhost.test")),
            (std::vector<std::string>{"tls:127.0.0.33:5061 (myhost.test)",
                                      "tls:[::33]:5061 (myhost.test)"}));
  std::filesystem::remove(path);
}

TEST(Resolver, SrvPriorityFirstThenWeights) {
  Dnsmasq dns({"--srv-host=_sip._udp.prio.test,p20.prio.test,5020,20,0",
               "--srv-host=_sip._udp.prio.test,w10.prio.test,5010,10,10",
               "--srv-host=_sip._udp.prio.test,w90.prio.test,5090,10,90",
               "--host-record=p20.prio.test,127.0.0.60", "--host-record=w10.prio.test,127.0.0.61",
               "--host-record=w90.prio.test,127.0.0.69"});
  ASSERT_TRUE(dns.ready());
  ResolverSettings s = using_server(dns.endpoint());
  s.protocols = {Protocol::Udp};
  s.ipv6 = false;
  ResolverOnLoop r(std::move(s));
  int w90_first = 0;
  constexpr int kRuns = 60;
  for (int i = 0; i < kRuns; ++i) {
    auto result = r.resolve("sip:prio.test");
    ASSERT_TRUE(result) << why(result);
    ASSERT_EQ(result->size(), 3u);
    // Priority 10 before priority 20, whatever the weights.
    EXPECT_EQ((*result)[2].endpoint.port, 5020);
    EXPECT_NE((*result)[0].endpoint.port, 5020);
    if ((*result)[0].endpoint.port == 5090) ++w90_first;
  }
  // Weight 90 against 10: first about 9 times in 10, but not always.
  EXPECT_GT(w90_first, kRuns * 7 / 10);
  EXPECT_LT(w90_first, kRuns);
}

TEST(Resolver, NxdomainIsNotFound) {
  Dnsmasq dns({"--host-record=exists.test,127.0.0.70"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  auto result = r.resolve("sip:nowhere.test");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ResolveError::Kind::NotFound) << result.error().what;
}

TEST(Resolver, DeadServerTimesOut) {
  SilentServer silent;
  ResolverSettings s = using_server(silent.endpoint());
  s.timeout = 200ms;
  s.tries = 1;
  ResolverOnLoop r(std::move(s));
  auto start = std::chrono::steady_clock::now();
  auto result = r.resolve("sip:anything.test");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ResolveError::Kind::Timeout) << result.error().what;
  EXPECT_LT(took, 5s);
}

TEST(Resolver, SipsUsesTlsOnly) {
  Dnsmasq dns({"--naptr-record=secure.test,10,10,s,SIP+D2U,,_sip._udp.secure.test",
               "--naptr-record=secure.test,20,10,s,SIPS+D2T,,_sips._tcp.secure.test",
               "--srv-host=_sip._udp.secure.test,u.secure.test,5060",
               "--srv-host=_sips._tcp.secure.test,t.secure.test,5061",
               "--srv-host=_sip._udp.nonaptr.test,u.secure.test,5060",
               "--srv-host=_sips._tcp.nonaptr.test,t.secure.test,5062",
               "--host-record=u.secure.test,127.0.0.80", "--host-record=t.secure.test,127.0.0.81",
               "--host-record=aonly.test,127.0.0.82"});
  ASSERT_TRUE(dns.ready());
  ResolverOnLoop r(using_server(dns.endpoint()));
  EXPECT_EQ(strings(r.resolve("sips:secure.test")),
            (std::vector<std::string>{"tls:127.0.0.81:5061 (t.secure.test)"}));
  EXPECT_EQ(strings(r.resolve("sips:nonaptr.test")),
            (std::vector<std::string>{"tls:127.0.0.81:5062 (t.secure.test)"}));
  EXPECT_EQ(strings(r.resolve("sips:aonly.test")),
            (std::vector<std::string>{"tls:127.0.0.82:5061 (aonly.test)"}));
  EXPECT_EQ(strings(r.resolve("sips:secure.test;transport=tcp")),
            (std::vector<std::string>{"tls:127.0.0.81:5061 (t.secure.test)"}));
  auto bad = r.resolve("sips:secure.test;transport=udp");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ResolveError::Kind::BadUri);
}

TEST(SrvOrder, PriorityAscendingAndWeightedWithinOne) {
  std::mt19937 rng(7);
  auto random = [&rng] { return static_cast<std::uint32_t>(rng()); };
  std::vector<SrvRecord> records = {
      {"c", 1, 20, 0}, {"a", 1, 10, 75}, {"b", 1, 10, 25}, {"z", 1, 10, 0}, {".", 1, 1, 100}};
  std::map<std::string, int> first;
  for (int i = 0; i < 4000; ++i) {
    auto ordered = order_srv(records, random);
    ASSERT_EQ(ordered.size(), 4u);  // "." dropped
    EXPECT_EQ(ordered.back().target, "c");
    ++first[ordered.front().target];
  }
  // RFC 2782: with sum 100 and pick in [0, 100], weight 0 first gets 1/101, a 3/4, b 1/4.
  EXPECT_NEAR(first["a"], 4000 * 75 / 101, 150);
  EXPECT_NEAR(first["b"], 4000 * 25 / 101, 150);
  EXPECT_LT(first["z"], 150);
}

TEST(TargetList, WalksToTheNextTargetOnFailure) {
  Target a{Protocol::Udp, {asio::ip::make_address("127.0.0.1"), 5060}, "a"};
  Target b{Protocol::Tcp, {asio::ip::make_address("127.0.0.2"), 5060}, "b"};
  TargetList list({a, b});
  ASSERT_NE(list.current(), nullptr);
  EXPECT_EQ(*list.current(), a);
  EXPECT_TRUE(TargetList::fails_over_on(503));
  EXPECT_FALSE(TargetList::fails_over_on(486));
  EXPECT_FALSE(TargetList::fails_over_on(200));
  ASSERT_NE(list.fail_over(), nullptr);
  EXPECT_EQ(*list.current(), b);
  EXPECT_EQ(list.fail_over(), nullptr);
  EXPECT_TRUE(list.exhausted());
  EXPECT_EQ(list.fail_over(), nullptr);
  EXPECT_EQ(list.tried(), 2u);
}

// RFC 3263 §4.3 end to end: SRV gives a dead server first and a live one second; the transport
// error of the first moves the request to the second, which receives it.
TEST(TargetList, TransportErrorFailsOverToTheNextSrvTarget) {
  asio::io_context probe_io;
  tcp::acceptor probe(probe_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto dead_port = probe.local_endpoint().port();
  probe.close();
  Node live(listening_on({"tcp:127.0.0.1:0"}));
  const auto live_port = live.at(Protocol::Tcp).port;
  Dnsmasq dns({"--srv-host=_sip._tcp.failover.test,dead.failover.test," +
                   std::to_string(dead_port) + ",10,0",
               "--srv-host=_sip._tcp.failover.test,live.failover.test," +
                   std::to_string(live_port) + ",20,0",
               "--host-record=dead.failover.test,127.0.0.1",
               "--host-record=live.failover.test,127.0.0.1"});
  ASSERT_TRUE(dns.ready());
  ResolverSettings s = using_server(dns.endpoint());
  s.ipv6 = false;
  ResolverOnLoop r(std::move(s));
  auto result = r.resolve("sip:failover.test;transport=tcp");
  ASSERT_TRUE(result) << why(result);
  ASSERT_EQ(result->size(), 2u);

  Node client(listening_on({"tcp:127.0.0.1:0"}));
  TargetList targets(std::move(*result));
  Errors errors;
  auto send = [&](const Target& t) {
    client.layer->send(Flow{t.protocol, {}, t.endpoint, 0},
                       make_bytes(request("SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKfo")),
                       errors.handler());
  };
  ASSERT_EQ(targets.current()->endpoint.port, dead_port);
  send(*targets.current());
  auto failure = errors.next();
  ASSERT_TRUE(failure) << "the dead target should fail";
  const Target* next = targets.fail_over();
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->endpoint.port, live_port);
  send(*next);
  auto got = live.received.next();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message.method_name(), "OPTIONS");
  EXPECT_FALSE(errors.next(300ms));
}

}  // namespace
}  // namespace parley::transport::test
