// The transport layer's rules that need no socket: listen specs, the top Via (received, rport,
// transport), response_flow (§18.2.2, RFC 3581 §4), the §18.1.1 size rule, stream framing with
// its bounds, WebSocket subprotocol and UTF-8, and the receive path.
#include <gtest/gtest.h>

#include "message/message.hpp"
#include "support.hpp"
#include "transport/inbound.hpp"
#include "transport/listen_spec.hpp"
#include "transport/request_size.hpp"
#include "transport/response_flow.hpp"
#include "transport/stream_input.hpp"
#include "transport/top_via.hpp"
#include "transport/websocket_rules.hpp"

namespace parley::transport {
namespace {

using test::request;
using namespace std::chrono_literals;

Endpoint ep(std::string_view address, std::uint16_t port) {
  return Endpoint{boost::asio::ip::make_address(std::string(address)), port};
}

message::Message parse(std::string_view text) {
  auto m = message::Message::parse(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().describe());
  return std::move(*m);
}

std::string top_via(const message::Message& m) {
  return std::string(m.values(message::HeaderId::Via).at(0));
}

// ---- listen specs

TEST(ListenSpec, ParsesProtocolAddressAndPort) {
  auto udp = parse_listen_spec("udp:127.0.0.1:5060");
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->protocol, Protocol::Udp);
  EXPECT_EQ(udp->endpoint, ep("127.0.0.1", 5060));

  auto tls = parse_listen_spec("TLS:[::1]:15061");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->protocol, Protocol::Tls);
  EXPECT_EQ(tls->endpoint, ep("::1", 15061));

  auto ephemeral = parse_listen_spec("tcp:0.0.0.0:0");
  ASSERT_TRUE(ephemeral);
  EXPECT_EQ(ephemeral->endpoint.port, 0);
}

TEST(ListenSpec, PortDefaultsPerProtocol) {
  EXPECT_EQ(parse_listen_spec("udp:10.0.0.1")->endpoint.port, 5060);
  EXPECT_EQ(parse_listen_spec("tls:10.0.0.1")->endpoint.port, 5061);
  EXPECT_EQ(parse_listen_spec("ws:[::]")->endpoint.port, 80);
  EXPECT_EQ(parse_listen_spec("wss:0.0.0.0")->endpoint.port, 443);
}

TEST(ListenSpec, RejectsWhatCannotBeListenedOn) {
  for (std::string_view bad :
       {"", "udp", "udp:", "sctp:127.0.0.1:5060", "udp:sip.example.com:5060", "tcp:127.0.0.1:99999",
        "tcp:127.0.0.1:x", "tcp:[::1:5060", "tcp:300.1.1.1:5060", "127.0.0.1:5060"}) {
    auto spec = parse_listen_spec(bad);
    EXPECT_FALSE(spec) << bad;
    if (!spec) {
      EXPECT_NE(spec.error().find('\''), std::string::npos) << spec.error();
    }
  }
}

TEST(ListenSpec, ToStringReadsBack) {
  for (std::string_view text : {"udp:127.0.0.1:5060", "wss:[2001:db8::1]:443", "tcp:0.0.0.0:0"}) {
    auto spec = parse_listen_spec(text);
    ASSERT_TRUE(spec) << text;
    EXPECT_EQ(spec->to_string(), text);
    EXPECT_EQ(*parse_listen_spec(spec->to_string()), *spec);
  }
}

// ---- received and rport (RFC 3261 §18.2.1, RFC 3581 §4)

TEST(Endpoint, AddressTextIsWhatAsioWrites) {
  for (std::string_view a :
       {"0.0.0.0", "127.0.0.1", "10.0.100.9", "192.168.1.255", "255.255.255.255", "1.20.3.40",
        "::1", "2001:db8::5", "::ffff:10.1.2.3"}) {
    auto address = boost::asio::ip::make_address(std::string(a));
    EXPECT_EQ(address_text(address), address.to_string()) << a;
  }
  EXPECT_EQ(ep("10.0.0.1", 5060).to_string(), "10.0.0.1:5060");
  EXPECT_EQ(ep("2001:db8::5", 5061).to_string(), "[2001:db8::5]:5061");
  EXPECT_EQ(ep("2001:db8::5", 5061).host(), "[2001:db8::5]");
}

TEST(Endpoint, AddressFromTextAgreesWithInetPton) {
  const std::string texts[] = {
      "192.0.2.1", "0.0.0.0",     "255.255.255.255",  "127.0.0.1",  "256.0.0.1",
      "1.2.3",     "1.2.3.4.5",   "01.2.3.4",         "1.2.3.04",   "1..2.3",
      ".1.2.3",    "1.2.3.",      "1.2.3.4 ",         "1234.1.1.1", "",
      "::1",       "2001:db8::5", "::ffff:192.0.2.1", "[::1]",      "host.example",
      "1.2.3.a",   "0x7f.0.0.1"};
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    boost::system::error_code ec;
    auto want = boost::asio::ip::make_address(text, ec);
    auto got = address_from_text(text);
    ASSERT_EQ(got.has_value(), !ec);
    if (got) {
      EXPECT_EQ(*got, want);
    }
  }
  EXPECT_EQ(address_from_text("192.0.2.1")->to_string(), "192.0.2.1");
}

TEST(TopVia, ReceivedAddedWhenSentByIsAName) {
  auto m = parse(request("SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1"));
  EXPECT_TRUE(stamp_received(m, ep("192.0.2.4", 5060)));
  EXPECT_EQ(top_via(m), "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1;received=192.0.2.4");
  EXPECT_EQ(m.via()->front().received(), "192.0.2.4");
}

TEST(TopVia, ReceivedAddedWhenSentByAddressDiffers) {
  auto m = parse(request("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1"));
  EXPECT_TRUE(stamp_received(m, ep("192.0.2.4", 5060)));
  EXPECT_EQ(m.via()->front().received(), "192.0.2.4");
}

TEST(TopVia, NothingChangesWhenSentByIsTheSource) {
  auto m = parse(request("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1"));
  std::string before = m.serialize();
  EXPECT_FALSE(stamp_received(m, ep("192.0.2.4", 40000)));
  EXPECT_EQ(m.serialize(), before);
}

TEST(TopVia, EmptyRportIsFilledAndReceivedAddedEvenWhenTheSame) {
  // RFC 3581 §4: "the server MUST insert a received parameter containing the source IP address
  // that the request came from, even if it is identical to the value of the sent-by component".
  auto m = parse(request("SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKkjshdyff"));
  EXPECT_TRUE(stamp_received(m, ep("192.0.2.1", 9988)));
  EXPECT_EQ(top_via(m),
            "SIP/2.0/UDP 192.0.2.1:5060;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1");
  EXPECT_EQ(m.via()->front().rport(), 9988);
}

TEST(TopVia, RportWithAValueIsLeftAlone) {
  auto m = parse(request("SIP/2.0/UDP 192.0.2.1:5060;rport=1234;branch=z9hG4bK1"));
  EXPECT_FALSE(stamp_received(m, ep("192.0.2.1", 9988)));
  EXPECT_EQ(m.via()->front().rport(), 1234);
}

TEST(TopVia, ForgedReceivedIsReplacedInPlace) {
  auto m = parse(request("SIP/2.0/UDP host.example:5060;received=6.6.6.6;branch=z9hG4bK1"));
  EXPECT_TRUE(stamp_received(m, ep("192.0.2.7", 5060)));
  EXPECT_EQ(top_via(m), "SIP/2.0/UDP host.example:5060;received=192.0.2.7;branch=z9hG4bK1");
}

TEST(TopVia, EditsKeepTheViaAsWrittenAroundThem) {
  // The common case is edited in the text: spacing the grammar allows stays, a received without
  // a value gets one, an empty rport is filled where it stands.
  auto m = parse(request("SIP/2.0/UDP  host.example:5060 ;rport ; received;branch=z9hG4bK1"));
  EXPECT_TRUE(stamp_received(m, ep("192.0.2.7", 4000)));
  EXPECT_EQ(top_via(m),
            "SIP/2.0/UDP  host.example:5060 ;rport=4000 ; received=192.0.2.7;branch=z9hG4bK1");
  EXPECT_EQ(m.via()->front().received(), "192.0.2.7");
  EXPECT_EQ(m.via()->front().rport(), 4000);
  EXPECT_EQ(m.via()->front().branch(), "z9hG4bK1");
}

TEST(TopVia, QuotedParameterOrNoParameterIsRendered) {
  auto quoted = parse(request("SIP/2.0/UDP host.example;x=\"a b\";branch=z9hG4bK1"));
  EXPECT_TRUE(stamp_received(quoted, ep("192.0.2.7", 5060)));
  EXPECT_EQ(quoted.via()->front().received(), "192.0.2.7");
  EXPECT_EQ(quoted.via()->front().params.get("x"), "a b");
  auto bare = parse(request("SIP/2.0/UDP [2001:db8::5]"));
  EXPECT_TRUE(stamp_received(bare, ep("192.0.2.7", 5060)));
  EXPECT_EQ(top_via(bare), "SIP/2.0/UDP [2001:db8::5];received=192.0.2.7");
}

TEST(TopVia, Ipv6ComparedAsAddressesAndReceivedWrittenWithoutBrackets) {
  auto same = parse(request("SIP/2.0/UDP [0:0:0:0:0:0:0:1]:5060;branch=z9hG4bK1"));
  EXPECT_FALSE(stamp_received(same, ep("::1", 5060)));
  auto other = parse(request("SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bK1;rport"));
  EXPECT_TRUE(stamp_received(other, ep("2001:db8::9", 7000)));
  EXPECT_EQ(other.via()->front().received(), "2001:db8::9");
  EXPECT_EQ(other.via()->front().rport(), 7000);
}

TEST(TopVia, OnlyTheTopmostValueIsRewritten) {
  std::string text =
      request("SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/TCP b.example;branch=z9hG4bK2");
  text.insert(text.find("Max-Forwards"), "Via: SIP/2.0/UDP  c.example ;branch=z9hG4bK3\r\n");
  auto m = parse(text);
  ASSERT_TRUE(stamp_received(m, ep("192.0.2.9", 5060)));
  auto vias = m.values(message::HeaderId::Via);
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[0], "SIP/2.0/UDP a.example;branch=z9hG4bK1;received=192.0.2.9");
  EXPECT_EQ(vias[1], "SIP/2.0/TCP b.example;branch=z9hG4bK2");
  // The second field is untouched, down to its odd spacing.
  EXPECT_NE(m.serialize().find("Via: SIP/2.0/UDP  c.example ;branch=z9hG4bK3\r\n"),
            std::string::npos);
  ASSERT_TRUE(m.via());
  EXPECT_EQ(m.via()->size(), 3u);
}

// The stamped message hands out its new top Via without parsing it again: what it hands out must
// be what a parse of the bytes it now serializes to says, and point into text it keeps.
TEST(TopVia, StampedViaIsWhatTheNewTextSays) {
  const std::string forms[] = {
      "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1",
      "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKkjshdyff",
      "SIP/2.0/UDP  host.example:5060 ;rport ; received;branch=z9hG4bK1",
      "SIP/2.0/UDP host.example:5060;received=6.6.6.6;branch=z9hG4bK1;x=y",
      "SIP/2.0/TCP [2001:db8::5]:5070;branch=z9hG4bK1;rport",
      "SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/TCP b.example;branch=z9hG4bK2",
  };
  for (const std::string& form : forms) {
    SCOPED_TRACE(form);
    auto m = parse(request(form));
    ASSERT_TRUE(m.via());
    ASSERT_TRUE(stamp_received(m, ep("192.0.2.7", 4000)));
    auto again = parse(m.serialize());
    ASSERT_TRUE(m.via() && again.via());
    ASSERT_EQ(m.via()->size(), again.via()->size());
    const message::Via& got = m.via()->front();
    const message::Via& want = again.via()->front();
    EXPECT_EQ(got.to_string(), want.to_string());
    EXPECT_EQ(got.host, want.host);
    EXPECT_EQ(got.host_kind, want.host_kind);
    EXPECT_EQ(got.port, want.port);
    EXPECT_EQ(got.transport, want.transport);
    ASSERT_EQ(got.params.size(), want.params.size());
    for (auto g = got.params.begin(), w = want.params.begin(); g != got.params.end(); ++g, ++w) {
      EXPECT_EQ(g->name, w->name);
      EXPECT_EQ(g->value, w->value);
      EXPECT_EQ(g->has_value, w->has_value);
    }
    // Edited again (as a proxy's second hop would), the views still make one text.
    ASSERT_TRUE(set_via_transport(m, Protocol::Tls));
    EXPECT_EQ(m.via()->front().transport, "TLS");
    EXPECT_EQ(m.via()->front().received(), "192.0.2.7");
  }
}

TEST(TopVia, TransportTokenChangesForSize) {
  auto m = parse(request("SIP/2.0/UDP a.example:5060;branch=z9hG4bK1"));
  EXPECT_TRUE(set_via_transport(m, Protocol::Tcp));
  EXPECT_EQ(top_via(m), "SIP/2.0/TCP a.example:5060;branch=z9hG4bK1");
}

// ---- response_flow (RFC 3261 §18.2.2, RFC 3581 §4)

Flow came_from(Protocol p, Endpoint remote, ConnectionId c = 0) {
  return Flow{p, ep("192.0.2.100", 5060), remote, c};
}

TEST(ResponseFlow, UdpGoesToReceivedAndRport) {
  auto m =
      parse(request("SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bK1"));
  Flow f = response_flow(m, came_from(Protocol::Udp, ep("192.0.2.1", 9988)));
  EXPECT_EQ(f.protocol, Protocol::Udp);
  EXPECT_EQ(f.remote, ep("192.0.2.1", 9988));
  EXPECT_EQ(f.local, ep("192.0.2.100", 5060)) << "leaves from where the request came in";
}

TEST(ResponseFlow, UdpReceivedWithoutRportUsesSentByPortOr5060) {
  auto with_port =
      parse(request("SIP/2.0/UDP host.example:5070;received=192.0.2.1;branch=z9hG4bK1"));
  EXPECT_EQ(response_flow(with_port, came_from(Protocol::Udp, ep("192.0.2.1", 33333))).remote,
            ep("192.0.2.1", 5070));
  auto no_port = parse(request("SIP/2.0/UDP host.example;received=192.0.2.1;branch=z9hG4bK1"));
  EXPECT_EQ(response_flow(no_port, came_from(Protocol::Udp, ep("192.0.2.1", 33333))).remote,
            ep("192.0.2.1", 5060));
}

TEST(ResponseFlow, UdpWithoutReceivedGoesToSentBy) {
  auto m = parse(request("SIP/2.0/UDP 192.0.2.1:5080;branch=z9hG4bK1"));
  EXPECT_EQ(response_flow(m, came_from(Protocol::Udp, ep("192.0.2.1", 40000))).remote,
            ep("192.0.2.1", 5080));
}

TEST(ResponseFlow, UdpMaddrWins) {
  auto m = parse(
      request("SIP/2.0/UDP 192.0.2.1:5080;maddr=239.255.255.1;received=192.0.2.1;branch=z9hG4bK1"));
  EXPECT_EQ(response_flow(m, came_from(Protocol::Udp, ep("192.0.2.1", 40000))).remote,
            ep("239.255.255.1", 5080));
}

TEST(ResponseFlow, StreamKeepsTheConnectionAndFallsBackToReceivedAndSentByPort) {
  auto m = parse(request("SIP/2.0/TCP client.example:5070;received=192.0.2.1;branch=z9hG4bK1"));
  Flow f = response_flow(m, came_from(Protocol::Tcp, ep("192.0.2.1", 41234), 77));
  EXPECT_EQ(f.protocol, Protocol::Tcp);
  EXPECT_EQ(f.connection, 77u);
  EXPECT_EQ(f.remote, ep("192.0.2.1", 5070));
}

TEST(ResponseFlow, StreamWithoutPortUsesTheTransportDefault) {
  auto m = parse(request("SIP/2.0/TLS client.example;received=192.0.2.1;branch=z9hG4bK1"));
  EXPECT_EQ(response_flow(m, came_from(Protocol::Tls, ep("192.0.2.1", 41234), 5)).remote,
            ep("192.0.2.1", 5061));
}

TEST(ResponseFlow, AfterStampingTheTransportLayerItself) {
  // What the layer delivers: the Via stamped from the source, then response_flow from it.
  auto m = parse(request("SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK1"));
  Flow in = came_from(Protocol::Udp, ep("203.0.113.9", 61000));
  stamp_received(m, in.remote);
  EXPECT_EQ(response_flow(m, in).remote, ep("203.0.113.9", 61000));
}

// ---- §18.1.1

TEST(RequestSize, UdpAbove1300BytesMovesToTcp) {
  EXPECT_EQ(transport_for_request(Protocol::Udp, 1300), Protocol::Udp);
  EXPECT_EQ(transport_for_request(Protocol::Udp, 1301), Protocol::Tcp);
  EXPECT_EQ(transport_for_request(Protocol::Udp, 60000), Protocol::Tcp);
}

TEST(RequestSize, KnownPathMtuLeaves200Bytes) {
  EXPECT_EQ(transport_for_request(Protocol::Udp, 1299, 1500), Protocol::Udp);
  EXPECT_EQ(transport_for_request(Protocol::Udp, 1300, 1500), Protocol::Tcp);
  EXPECT_EQ(transport_for_request(Protocol::Udp, 8000, 9000), Protocol::Udp);
}

TEST(RequestSize, OtherTransportsStay) {
  for (Protocol p : {Protocol::Tcp, Protocol::Tls, Protocol::Ws, Protocol::Wss})
    EXPECT_EQ(transport_for_request(p, 50000), p);
  static_assert(transport_for_request(Protocol::Udp, 2000) == Protocol::Tcp);
}

// ---- stream framing

std::vector<StreamInput::Item::Kind> feed(StreamInput& in, std::string_view bytes, std::size_t step,
                                          std::vector<std::string>* out = nullptr) {
  std::vector<StreamInput::Item::Kind> kinds;
  for (std::size_t pos = 0; pos < bytes.size();) {
    auto room = in.prepare();
    std::size_t n = std::min({step, bytes.size() - pos, room.size()});
    std::copy_n(bytes.data() + pos, n, room.data());
    in.commit(n);
    pos += n;
    while (auto item = in.next()) {
      kinds.push_back(item->kind);
      if (out) out->emplace_back(item->bytes);
    }
  }
  return kinds;
}

TEST(StreamInput, CutsMessagesWhateverTheReadSizes) {
  std::string two = request("SIP/2.0/TCP a;branch=z9hG4bK1", "MESSAGE", "hello") +
                    request("SIP/2.0/TCP a;branch=z9hG4bK2");
  for (std::size_t step : {1u, 7u, 100u, 4096u}) {
    StreamInput in{message::Limits{}};
    std::vector<std::string> got;
    auto kinds = feed(in, two, step, &got);
    ASSERT_EQ(kinds.size(), 2u) << "step " << step;
    EXPECT_EQ(got[0] + got[1], two);
    EXPECT_FALSE(in.partial());
  }
}

TEST(StreamInput, KeepAlivesBetweenMessages) {
  using K = StreamInput::Item::Kind;
  StreamInput in{message::Limits{}};
  EXPECT_EQ(feed(in, "\r\n\r\n" + request() + "\r\n", 3), (std::vector<K>{K::Ping, K::Message}));
  // A lone CRLF may be a pong or half a ping: it waits, but is no unfinished message.
  EXPECT_FALSE(in.partial());
  EXPECT_EQ(feed(in, request(), 100), (std::vector<K>{K::Pong, K::Message}));
}

TEST(StreamInput, PartialMessageIsReported) {
  StreamInput in{message::Limits{}};
  std::string r = request();
  feed(in, r.substr(0, r.size() / 2), 10);
  EXPECT_TRUE(in.partial());
}

TEST(StreamInput, GarbageIsMalformedAndTheInputIsDead) {
  using K = StreamInput::Item::Kind;
  StreamInput in{message::Limits{}};
  auto kinds = feed(in, "HELLO\r\n\r\n" + request(), 4096);
  ASSERT_EQ(kinds, (std::vector<K>{K::Malformed}));
  EXPECT_FALSE(in.next());
}

TEST(StreamInput, EndlessHeaderIs513WithinTheLimit) {
  message::Limits limits;
  limits.max_message_size = 4000;
  StreamInput in{limits};
  std::string endless(100000, 'a');
  std::size_t max_capacity = 0;
  std::optional<StreamInput::Item> bad;
  for (std::size_t pos = 0; pos < endless.size() && !bad; pos += 512) {
    auto room = in.prepare();
    ASSERT_FALSE(room.empty());
    std::size_t n = std::min<std::size_t>(512, room.size());
    std::copy_n(endless.data() + pos, n, room.data());
    in.commit(n);
    max_capacity = std::max(max_capacity, in.capacity());
    bad = in.next();
  }
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->kind, StreamInput::Item::Kind::Malformed);
  EXPECT_EQ(bad->error.status, 513);
  EXPECT_LE(max_capacity, limits.max_message_size + 16 * 1024);
}

TEST(StreamInput, BigMessageMemoryIsGivenBack) {
  StreamInput in{message::Limits{}};
  feed(in, request("SIP/2.0/TCP a;branch=z9hG4bK1", "MESSAGE", std::string(50000, 'x')), 65536);
  EXPECT_GT(in.capacity(), 50000u);
  in.prepare();
  EXPECT_LE(in.capacity(), 16 * 1024u);
}

// ---- WebSocket rules (RFC 7118)

TEST(WebSocketRules, SipSubprotocolOffer) {
  EXPECT_TRUE(offers_sip_subprotocol("sip"));
  EXPECT_TRUE(offers_sip_subprotocol("chat, sip"));
  EXPECT_TRUE(offers_sip_subprotocol(" SIP "));
  EXPECT_FALSE(offers_sip_subprotocol(""));
  EXPECT_FALSE(offers_sip_subprotocol("sips, xmpp"));
  EXPECT_FALSE(offers_sip_subprotocol("sip2"));
}

TEST(WebSocketRules, Utf8DecidesTextOrBinary) {
  EXPECT_TRUE(valid_utf8(request()));
  EXPECT_TRUE(valid_utf8("Subject: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc3"));          // cut short
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // surrogate
}

// ---- the receive path

TEST(Inbound, RequestIsStampedAndDelivered) {
  test::Recorder r;
  Flow flow{Protocol::Udp, ep("127.0.0.1", 5060), ep("192.0.2.1", 9988), 0};
  Inbound in =
      receive_message(request("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bK1"), flow, {}, r);
  EXPECT_EQ(in.outcome, Inbound::Outcome::Delivered);
  auto got = r.next(0ms);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message.via()->front().received(), "192.0.2.1");
  EXPECT_EQ(got->message.via()->front().rport(), 9988);
  EXPECT_EQ(got->flow.remote, flow.remote);
}

TEST(Inbound, BrokenRequestIsAnsweredNotDelivered) {
  test::Recorder r;
  Inbound in = receive_message(test::broken_request(), Flow{}, {}, r);
  EXPECT_EQ(in.outcome, Inbound::Outcome::Answered);
  ASSERT_TRUE(in.reply);
  EXPECT_TRUE(in.reply->starts_with("SIP/2.0 400 ")) << *in.reply;
  EXPECT_NE(in.reply->find("no ':'"), std::string::npos) << "the reason names the problem";
  EXPECT_EQ(r.count(), 0u);
}

TEST(Inbound, RequestWithAnUnreadableViaIsAnswered) {
  // The transport needs the top Via (received, rport, the response's route); the other headers
  // are the transaction layer's to check.
  test::Recorder r;
  Inbound in = receive_message(request("SIP/2.0/UDP"), Flow{}, {}, r);
  EXPECT_EQ(in.outcome, Inbound::Outcome::Answered);
  ASSERT_TRUE(in.reply);
  EXPECT_TRUE(in.reply->starts_with("SIP/2.0 400 ")) << *in.reply;
  EXPECT_EQ(r.count(), 0u);
}

TEST(Inbound, WrongVersionIs505) {
  test::Recorder r;
  std::string bad = request();
  bad.replace(bad.find("SIP/2.0\r\n"), 7, "SIP/3.0");
  Inbound in = receive_message(bad, Flow{}, {}, r);
  ASSERT_TRUE(in.reply);
  EXPECT_TRUE(in.reply->starts_with("SIP/2.0 505 ")) << *in.reply;
}

TEST(Inbound, BrokenResponseIsDropped) {
  test::Recorder r;
  Inbound in = receive_message("SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n", Flow{}, {}, r);
  EXPECT_EQ(in.outcome, Inbound::Outcome::Dropped);
  EXPECT_FALSE(in.reply);
  EXPECT_EQ(r.count(), 0u);
}

TEST(Inbound, ReceiverExceptionIsContained) {
  test::Recorder r;
  r.on_receive = [](const Incoming&) { throw std::runtime_error("bug upstairs"); };
  Inbound in = receive_message(request(), Flow{}, {}, r);
  EXPECT_EQ(in.outcome, Inbound::Outcome::Dropped);
  ASSERT_TRUE(in.error);
  EXPECT_NE(in.error->what.find("bug upstairs"), std::string::npos);
}

}  // namespace
}  // namespace parley::transport
