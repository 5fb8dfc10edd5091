#include "message/sdp.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::message {
namespace {

Sdp parse_ok(std::string_view text) {
  auto s = parse_sdp(text);
  EXPECT_TRUE(s) << (s ? "" : s.error().what) << "\n" << text;
  return s ? *s : Sdp{};
}

// The error of a description that must not parse.
ParseError parse_error(std::string_view text, const SdpLimits& limits = {}) {
  auto s = parse_sdp(text, limits);
  EXPECT_FALSE(s) << text;
  return s ? ParseError{} : s.error();
}

// parse -> serialize -> parse gives the same model, and serializing again the same bytes.
void expect_round_trip(const Sdp& sdp) {
  std::string text = to_string(sdp);
  auto again = parse_sdp(text);
  ASSERT_TRUE(again) << again.error().what << "\n" << text;
  EXPECT_EQ(*again, sdp) << text;
  EXPECT_EQ(to_string(*again), text);
}

// RFC 3264 §10.1, Alice's offer ("s= " as RFC 8866 §5.3 recommends for a session without a name).
constexpr std::string_view kAliceOffer =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 host.anywhere.com\r\n"
    "s= \r\n"
    "c=IN IP4 host.anywhere.com\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=video 51372 RTP/AVP 31\r\n"
    "a=rtpmap:31 H261/90000\r\n"
    "m=video 53000 RTP/AVP 32\r\n"
    "a=rtpmap:32 MPV/90000\r\n";

// RFC 3264 §10.1, Bob's answer: the first video stream is rejected with port 0.
constexpr std::string_view kBobAnswer =
    "v=0\r\n"
    "o=bob 2890844730 2890844730 IN IP4 host.example.com\r\n"
    "s= \r\n"
    "c=IN IP4 host.example.com\r\n"
    "t=0 0\r\n"
    "m=audio 49920 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=video 0 RTP/AVP 31\r\n"
    "m=video 53000 RTP/AVP 32\r\n"
    "a=rtpmap:32 MPV/90000\r\n";

// RFC 3264 §10.2: one of N codecs, the stream inactive.
constexpr std::string_view kOneOfN =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 host.anywhere.com\r\n"
    "s= \r\n"
    "c=IN IP4 host.anywhere.com\r\n"
    "t=0 0\r\n"
    "m=audio 62986 RTP/AVP 0 4 18\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:4 G723/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=inactive\r\n";

// What a softphone sends: two media, IPv6, session and media attributes, dynamic payload types.
constexpr std::string_view kSoftphone =
    "v=0\r\n"
    "o=- 3724394400 3724394405 IN IP6 2001:db8::10\r\n"
    "s=parley call\r\n"
    "i=A call with audio and video\r\n"
    "u=https://www.example.com/call.html\r\n"
    "e=Jane Doe <jane@example.com>\r\n"
    "p=+1 617 555-6011\r\n"
    "c=IN IP6 2001:db8::10\r\n"
    "b=CT:384\r\n"
    "t=0 0\r\n"
    "a=sendonly\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "m=audio 49170 RTP/AVP 96 0 101\r\n"
    "i=voice\r\n"
    "b=AS:64\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n"
    "a=mid:0\r\n"
    "m=video 51372/2 RTP/AVPF 97\r\n"
    "c=IN IP6 2001:db8::11\r\n"
    "a=rtpmap:97 H264/90000\r\n"
    "a=fmtp:97 profile-level-id=42e01f;packetization-mode=1\r\n"
    "a=rtcp-fb:97 nack\r\n"
    "a=rtcp-fb:97 nack pli\r\n"
    "a=recvonly\r\n"
    "a=mid:1\r\n";

TEST(Sdp, ParsesTheOfferOfRfc3264) {
  Sdp s = parse_ok(kAliceOffer);
  EXPECT_EQ(s.version, 0u);
  EXPECT_EQ(s.origin.username, "alice");
  EXPECT_EQ(s.origin.session_id, "2890844526");
  EXPECT_EQ(s.origin.session_version, 2890844526u);
  EXPECT_EQ(s.origin.nettype, "IN");
  EXPECT_EQ(s.origin.addrtype, "IP4");
  EXPECT_EQ(s.origin.address, "host.anywhere.com");
  EXPECT_EQ(s.session_name, " ");
  ASSERT_TRUE(s.connection);
  EXPECT_EQ(s.connection->address, "host.anywhere.com");
  EXPECT_FALSE(s.connection->ttl);
  ASSERT_EQ(s.times.size(), 1u);
  EXPECT_EQ(s.times[0].start, 0u);
  EXPECT_EQ(s.times[0].stop, 0u);
  ASSERT_EQ(s.media.size(), 3u);
  EXPECT_EQ(s.media[0].type, "audio");
  EXPECT_EQ(s.media[0].port, 49170);
  EXPECT_EQ(s.media[0].proto, "RTP/AVP");
  EXPECT_EQ(s.media[0].formats, std::vector<std::string>{"0"});
  EXPECT_EQ(s.media[1].type, "video");
  EXPECT_EQ(s.media[1].port, 51372);
  EXPECT_EQ(s.media[2].port, 53000);
  EXPECT_EQ(s.media[2].attributes.get("rtpmap"), "32 MPV/90000");
  EXPECT_EQ(s.direction(s.media[0]), Direction::SendRecv);
  EXPECT_EQ(s.connection_for(s.media[1]), &*s.connection);
  expect_round_trip(s);
}

TEST(Sdp, ParsesTheAnswerOfRfc3264WithARejectedStream) {
  Sdp s = parse_ok(kBobAnswer);
  ASSERT_EQ(s.media.size(), 3u);
  EXPECT_EQ(s.media[1].port, 0);
  EXPECT_TRUE(s.media[1].attributes.empty());
  EXPECT_EQ(s.origin.session_version, 2890844730u);
  expect_round_trip(s);
}

TEST(Sdp, OneOfNCodecsAndInactive) {
  Sdp s = parse_ok(kOneOfN);
  const Media& m = s.media.at(0);
  EXPECT_EQ(m.formats, (std::vector<std::string>{"0", "4", "18"}));
  auto g729 = m.rtpmap("18");
  ASSERT_TRUE(g729);
  EXPECT_EQ(g729->encoding_name, "G729");
  EXPECT_EQ(g729->clock_rate, 8000u);
  EXPECT_EQ(g729->encoding_parameters, "");
  EXPECT_EQ(s.direction(m), Direction::Inactive);
  EXPECT_EQ(to_string(s), kOneOfN) << "a canonical description is written back byte for byte";
}

TEST(Sdp, TwoMediaWithIPv6AndEveryOptionalSessionLine) {
  Sdp s = parse_ok(kSoftphone);
  EXPECT_EQ(s.origin.username, "-");
  EXPECT_EQ(s.origin.addrtype, "IP6");
  EXPECT_EQ(s.origin.address, "2001:db8::10");
  EXPECT_EQ(s.session_name, "parley call");
  EXPECT_EQ(s.information, "A call with audio and video");
  EXPECT_EQ(s.uri, "https://www.example.com/call.html");
  EXPECT_EQ(s.emails, std::vector<std::string>{"Jane Doe <jane@example.com>"});
  EXPECT_EQ(s.phones, std::vector<std::string>{"+1 617 555-6011"});
  ASSERT_EQ(s.bandwidths.size(), 1u);
  EXPECT_EQ(s.bandwidths[0].type, "CT");
  EXPECT_EQ(s.bandwidths[0].value, 384u);
  EXPECT_EQ(s.attributes.get("group"), "BUNDLE 0 1");
  EXPECT_TRUE(s.attributes.has("sendonly"));
  EXPECT_EQ(s.attributes.get("sendonly"), "") << "a property attribute has an empty value";
  EXPECT_FALSE(s.attributes.get("recvonly"));

  ASSERT_EQ(s.media.size(), 2u);
  const Media& audio = s.media[0];
  EXPECT_EQ(audio.information, "voice");
  ASSERT_EQ(audio.bandwidths.size(), 1u);
  EXPECT_EQ(audio.bandwidths[0].type, "AS");
  EXPECT_EQ(audio.bandwidths[0].value, 64u);
  EXPECT_EQ(audio.formats, (std::vector<std::string>{"96", "0", "101"}));
  auto opus = audio.rtpmap("96");
  ASSERT_TRUE(opus);
  EXPECT_EQ(opus->encoding_name, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->encoding_parameters, "2");
  EXPECT_EQ(audio.fmtp("96"), "minptime=10;useinbandfec=1");
  EXPECT_EQ(audio.fmtp("101"), "0-16");
  EXPECT_FALSE(audio.fmtp("0"));
  EXPECT_FALSE(audio.fmtp("9")) << "a prefix of another payload type does not match";
  auto pcmu = audio.rtpmap("0");
  ASSERT_TRUE(pcmu) << "static payload type of RFC 3551";
  EXPECT_EQ(pcmu->encoding_name, "PCMU");
  EXPECT_EQ(pcmu->clock_rate, 8000u);
  EXPECT_EQ(audio.attributes.get("ptime"), "20");
  // No own direction: the session's a=sendonly applies.
  EXPECT_EQ(s.direction(audio), Direction::SendOnly);
  EXPECT_EQ(s.connection_for(audio)->address, "2001:db8::10");

  const Media& video = s.media[1];
  EXPECT_EQ(video.port, 51372);
  EXPECT_EQ(video.port_count, 2u);
  EXPECT_EQ(video.proto, "RTP/AVPF");
  EXPECT_EQ(video.rtpmap("97")->encoding_name, "H264");
  EXPECT_EQ(video.fmtp("97"), "profile-level-id=42e01f;packetization-mode=1");
  EXPECT_EQ(video.attributes.get_all("rtcp-fb"),
            (std::vector<std::string_view>{"97 nack", "97 nack pli"}));
  EXPECT_EQ(s.direction(video), Direction::RecvOnly) << "media level overrides session level";
  ASSERT_EQ(video.connections.size(), 1u);
  EXPECT_EQ(s.connection_for(video)->address, "2001:db8::11");
  expect_round_trip(s);
}

TEST(Sdp, StaticPayloadTypesOnlyForRtp) {
  Sdp s = parse_ok(
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 9 8\r\n"
      "m=image 4002 udptl t38\r\n");
  EXPECT_EQ(s.media[0].rtpmap("9")->encoding_name, "G722");
  EXPECT_EQ(s.media[0].rtpmap("8")->encoding_name, "PCMA");
  EXPECT_FALSE(s.media[0].rtpmap("96")) << "dynamic without a=rtpmap";
  EXPECT_FALSE(s.media[1].rtpmap("0")) << "udptl is not RTP";
  EXPECT_EQ(s.media[1].formats, std::vector<std::string>{"t38"});
}

TEST(Sdp, AcceptsLfOnlyAndAMissingFinalLineEnd) {
  std::string lf;
  for (char c : kAliceOffer)
    if (c != '\r') lf += c;
  Sdp a = parse_ok(lf);
  Sdp b = parse_ok(kAliceOffer);
  EXPECT_EQ(a, b);
  EXPECT_EQ(to_string(a), kAliceOffer) << "written back with CRLF";
  lf.pop_back();  // no line end after the last a=
  EXPECT_EQ(parse_ok(lf), b);
  // Blank lines after the description are tolerated.
  EXPECT_EQ(parse_ok(std::string(kAliceOffer) + "\r\n\r\n"), b);
}

TEST(Sdp, MulticastConnectionsWithTtlAndCount) {
  Sdp s = parse_ok(
      "v=0\r\no=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\ns=Seminar\r\n"
      "c=IN IP4 233.252.0.1/127/3\r\nt=3724394400 3724398000\r\n"
      "m=video 49170/2 RTP/AVP 31\r\n"
      "c=IN IP6 ff00::db8:0:101/3\r\n"
      "c=IN IP6 ff00::db8:0:201\r\n");
  ASSERT_TRUE(s.connection);
  EXPECT_EQ(s.connection->address, "233.252.0.1");
  EXPECT_EQ(s.connection->ttl, 127);
  EXPECT_EQ(s.connection->address_count, 3u);
  EXPECT_EQ(s.times[0].start, 3724394400u);
  EXPECT_EQ(s.times[0].stop, 3724398000u);
  const Media& m = s.media[0];
  ASSERT_EQ(m.connections.size(), 2u);
  EXPECT_EQ(m.connections[0].address, "ff00::db8:0:101");
  EXPECT_FALSE(m.connections[0].ttl);
  EXPECT_EQ(m.connections[0].address_count, 3u);
  EXPECT_EQ(m.connections[1].address, "ff00::db8:0:201");
  EXPECT_FALSE(m.connections[1].address_count);
  expect_round_trip(s);
}

TEST(Sdp, OtherAddressTypesKeepTheirSlashes) {
  Sdp s = parse_ok(
      "v=0\r\no=- 1 1 ATM NSAP 47.0091.8100.0000.0060.3e64.fd01\r\ns=-\r\n"
      "c=ATM NSAP 47.0091/8100\r\nt=0 0\r\n");
  EXPECT_EQ(s.connection->address, "47.0091/8100");
  EXPECT_FALSE(s.connection->ttl);
  expect_round_trip(s);
}

TEST(Sdp, TimeDescriptionsWithRepeatsAndZones) {
  // RFC 8866 §5.10 and §5.11.
  Sdp s = parse_ok(
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=Weekly\r\nc=IN IP4 192.0.2.1\r\n"
      "t=3724394400 3754123200\r\n"
      "r=7d 1h 0 25h\r\n"
      "r=604800 3600 0 90000\r\n"
      "z=3730928400 -1h 3749680800 0\r\n"
      "t=3724484400 3724488000\r\n"
      "k=prompt\r\n"
      "a=recvonly\r\n");
  ASSERT_EQ(s.times.size(), 2u);
  const TimeDescription& t = s.times[0];
  ASSERT_EQ(t.repeats.size(), 2u);
  EXPECT_EQ(t.repeats[0].interval, (TypedTime{7, 'd'}));
  EXPECT_EQ(t.repeats[0].interval.seconds(), 604800u);
  EXPECT_EQ(t.repeats[0].duration.seconds(), 3600u);
  ASSERT_EQ(t.repeats[0].offsets.size(), 2u);
  EXPECT_EQ(t.repeats[0].offsets[1], (TypedTime{25, 'h'}));
  EXPECT_EQ(t.repeats[1].interval, (TypedTime{604800, '\0'}));
  ASSERT_EQ(t.zone_adjustments.size(), 2u);
  EXPECT_EQ(t.zone_adjustments[0].time, 3730928400u);
  EXPECT_TRUE(t.zone_adjustments[0].negative);
  EXPECT_EQ(t.zone_adjustments[0].offset, (TypedTime{1, 'h'}));
  EXPECT_FALSE(t.zone_adjustments[1].negative);
  EXPECT_EQ(t.zone_adjustments[1].offset.seconds(), 0u);
  EXPECT_TRUE(s.times[1].repeats.empty());
  EXPECT_EQ(s.key, "prompt");
  EXPECT_EQ(s.direction(Media{}), Direction::RecvOnly);
  expect_round_trip(s);
}

TEST(Sdp, BuildsAnAnswerInCode) {
  Sdp s;
  s.origin.session_id = "4711";
  s.origin.session_version = 1;
  s.origin.address = "192.0.2.5";
  s.connection = Connection{"IN", "IP4", "192.0.2.5", {}, {}};
  Media audio;
  audio.type = "audio";
  audio.port = 30000;
  audio.proto = "RTP/AVP";
  audio.formats = {"8", "101"};
  audio.attributes.add("rtpmap", "101 telephone-event/8000");
  audio.attributes.add("sendrecv");
  audio.attributes.set_direction(Direction::SendOnly);  // on hold (RFC 3264 §8.4)
  s.media.push_back(audio);

  EXPECT_EQ(to_string(s),
            "v=0\r\n"
            "o=- 4711 1 IN IP4 192.0.2.5\r\n"
            "s=-\r\n"
            "c=IN IP4 192.0.2.5\r\n"
            "t=0 0\r\n"
            "m=audio 30000 RTP/AVP 8 101\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=sendonly\r\n");
  EXPECT_EQ(s.direction(s.media[0]), Direction::SendOnly);
  EXPECT_EQ(reversed(Direction::SendOnly), Direction::RecvOnly);
  EXPECT_EQ(reversed(Direction::Inactive), Direction::Inactive);
  EXPECT_EQ(to_string(Direction::RecvOnly), "recvonly");
  EXPECT_EQ(s.media[0].attributes.remove("rtpmap"), 1u);
  EXPECT_FALSE(validate(s)) << "an empty time list is written, and validated, as t=0 0";
}

TEST(Sdp, ValidateCatchesWhatCannotBeWritten) {
  Sdp s = parse_ok(kAliceOffer);
  s.session_name = "two\r\nlines";
  auto e = validate(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line, 4u) << e->what;

  s = parse_ok(kAliceOffer);
  s.media[0].formats.push_back("a b");
  ASSERT_TRUE(validate(s));

  s = parse_ok(kAliceOffer);
  s.connection->addrtype = "IP6";
  s.connection->ttl = 3;
  EXPECT_EQ(validate(s)->what,
            "SDP: a field does not survive serialization (a space, a '/' or a ':' where the "
            "grammar has none?)")
      << "written as a number of addresses";
  s.connection->address_count = 2;
  e = validate(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what, "SDP line 4: c= an IP6 address takes no TTL (RFC 8866 §5.7)");

  s = parse_ok(kAliceOffer);
  s.origin.username = "al ice";
  EXPECT_TRUE(validate(s));
}

// ---- every error path: line number and message

struct BadSdp {
  const char* name;
  std::string text;
  std::uint32_t line;
  std::string what;
};

// A valid description with line n (1-based) replaced, or removed when with is empty.
std::string replace_line(std::string_view text, std::size_t n, std::string_view with) {
  std::string out;
  std::size_t i = 1, pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl + 1 - pos);
    if (i == n) {
      out += with;
      if (!with.empty()) out += "\r\n";
    } else {
      out += line;
    }
    pos = nl + 1;
    ++i;
  }
  return out;
}
std::string insert_line(std::string_view text, std::size_t before, std::string_view line) {
  std::string out;
  std::size_t i = 1, pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (i == before) out += std::string(line) + "\r\n";
    out += text.substr(pos, nl + 1 - pos);
    pos = nl + 1;
    ++i;
  }
  return out;
}

TEST(Sdp, ReportsEveryErrorWithItsLine) {
  const std::string ok(kAliceOffer);  // lines: v o s c t m a m a m a
  const std::vector<BadSdp> cases = {
      {"empty", "", 1, "SDP line 1: missing v= line"},
      {"missing v", replace_line(ok, 1, ""), 1,
       "SDP line 1: expected v= (a description starts with v=)"},
      {"non-numeric version", replace_line(ok, 1, "v=zero"), 1,
       "SDP line 1: v= expects a version number"},
      {"version 1", replace_line(ok, 1, "v=1"), 1,
       "SDP line 1: unsupported SDP version 1 (only 0 is defined)"},
      {"missing o", replace_line(ok, 2, ""), 2, "SDP line 2: expected o= after v="},
      {"s before o", replace_line(replace_line(ok, 2, "s=-"), 3, "o=- 1 1 IN IP4 h"), 2,
       "SDP line 2: expected o= after v="},
      {"missing s", replace_line(ok, 3, ""), 3, "SDP line 3: expected s= after o="},
      {"empty s", replace_line(ok, 3, "s="), 3, "SDP line 3: s= has an empty value"},
      {"origin with five fields", replace_line(ok, 2, "o=alice 1 1 IN IP4"), 2,
       "SDP line 2: o= expects '<username> <sess-id> <sess-version> <nettype> <addrtype> "
       "<unicast-address>'"},
      {"origin with double space", replace_line(ok, 2, "o=alice  1 1 IN IP4 h"), 2,
       "SDP line 2: o= expects '<username> <sess-id> <sess-version> <nettype> <addrtype> "
       "<unicast-address>'"},
      {"origin sess-id", replace_line(ok, 2, "o=alice x1 1 IN IP4 h"), 2,
       "SDP line 2: o= sess-id must be digits"},
      {"origin sess-version overflow", replace_line(ok, 2, "o=a 1 18446744073709551616 IN IP4 h"),
       2, "SDP line 2: o= sess-version must be a number below 2^64"},
      {"line without =", replace_line(ok, 4, "c IN IP4 h"), 4,
       "SDP line 4: expected '<type>=<value>'"},
      {"space before =", replace_line(ok, 4, "c =IN IP4 h"), 4,
       "SDP line 4: expected '<type>=<value>'"},
      {"two-letter type", replace_line(ok, 4, "cc=IN IP4 h"), 4,
       "SDP line 4: expected '<type>=<value>'"},
      {"unknown type", replace_line(ok, 4, "x=whatever"), 4,
       "SDP line 4: unknown line type 'x=' (RFC 8866 §5: a description with a type letter the "
       "parser does not understand is rejected)"},
      {"upper-case type", replace_line(ok, 4, "C=IN IP4 h"), 4,
       "SDP line 4: unknown line type 'C=' (RFC 8866 §5: a description with a type letter the "
       "parser does not understand is rejected)"},
      {"connection with two fields", replace_line(ok, 4, "c=IN IP4"), 4,
       "SDP line 4: c= expects '<nettype> <addrtype> <connection-address>'"},
      {"ttl out of range", replace_line(ok, 4, "c=IN IP4 233.252.0.1/256"), 4,
       "SDP line 4: c= TTL must be 0-255"},
      {"zero addresses", replace_line(ok, 4, "c=IN IP4 233.252.0.1/1/0"), 4,
       "SDP line 4: c= number of addresses must be a positive number"},
      {"two session c=", insert_line(ok, 5, "c=IN IP4 h2"), 5,
       "SDP line 5: more than one c= at session level"},
      {"i after c", insert_line(ok, 5, "i=late"), 5,
       "SDP line 5: i= is out of order at session level (RFC 8866 §5)"},
      {"bad bandwidth", insert_line(ok, 5, "b=AS"), 5,
       "SDP line 5: b= expects '<bwtype>:<bandwidth>'"},
      {"non-numeric bandwidth", insert_line(ok, 5, "b=AS:lots"), 5,
       "SDP line 5: b= bandwidth must be a number"},
      {"missing t", replace_line(ok, 5, ""), 5, "SDP line 5: missing t= before the first m="},
      {"bad t", replace_line(ok, 5, "t=0"), 5, "SDP line 5: t= expects '<start-time> <stop-time>'"},
      {"r without t", insert_line(ok, 5, "r=7d 1h 0"), 5, "SDP line 5: r= must follow t= or r="},
      {"bad r", insert_line(ok, 6, "r=0 1h 0"), 6,
       "SDP line 6: r= expects '<repeat-interval> <active-duration> <offset> ...'"},
      {"z without r", insert_line(ok, 6, "z=3730928400 -1h"), 6,
       "SDP line 6: z= must follow the r= lines of its time description (RFC 8866 §5.11)"},
      {"bad k", insert_line(ok, 6, "k=rot13:abc"), 6,
       "SDP line 6: k= expects 'prompt', 'clear:<key>', 'base64:<key>' or 'uri:<uri>'"},
      {"t after a", insert_line(insert_line(ok, 6, "a=tool:x"), 7, "t=0 0"), 7,
       "SDP line 7: t= is out of order at session level (RFC 8866 §5)"},
      {"bad attribute name", insert_line(ok, 6, "a=bad name:x"), 6,
       "SDP line 6: a= expects '<attribute-name>[:<attribute-value>]'"},
      {"empty attribute", insert_line(ok, 6, "a="), 6, "SDP line 6: a= has an empty value"},
      {"bad m", replace_line(ok, 6, "m=audio 49170 RTP/AVP"), 6,
       "SDP line 6: m= expects '<media> <port> <proto> <fmt> ...'"},
      {"m with trailing space", replace_line(ok, 6, "m=audio 49170 RTP/AVP 0 "), 6,
       "SDP line 6: m= expects '<media> <port> <proto> <fmt> ...'"},
      {"bad proto", replace_line(ok, 6, "m=audio 49170 RTP//AVP 0"), 6,
       "SDP line 6: m= expects '<media> <port> <proto> <fmt> ...'"},
      {"port too large", replace_line(ok, 6, "m=audio 65536 RTP/AVP 0"), 6,
       "SDP line 6: m= port must be a number 0-65535"},
      {"non-numeric port", replace_line(ok, 6, "m=audio http RTP/AVP 0"), 6,
       "SDP line 6: m= port must be a number 0-65535"},
      {"zero ports", replace_line(ok, 6, "m=audio 49170/0 RTP/AVP 0"), 6,
       "SDP line 6: m= number of ports must be a positive number"},
      {"u in media", insert_line(ok, 7, "u=http://x"), 7,
       "SDP line 7: u= is not allowed in a media description"},
      {"i after a in media", insert_line(ok, 8, "i=late"), 8,
       "SDP line 8: i= is out of order in a media description (RFC 8866 §5)"},
      {"two i in media", insert_line(insert_line(ok, 7, "i=one"), 8, "i=two"), 8,
       "SDP line 8: more than one i= in a media description"},
      {"second v", insert_line(ok, 7, "v=0"), 7,
       "SDP line 7: only one v= is allowed, at the start"},
      {"empty line inside", insert_line(ok, 7, ""), 7, "SDP line 7: empty line"},
      {"CR inside a line", replace_line(ok, 3, "s=a\rb"), 3, "SDP line 3: CR inside a line"},
      {"NUL inside a line", replace_line(ok, 3, std::string("s=a\0b", 5)), 3,
       "SDP line 3: NUL in a line"},
      {"media without c", replace_line(ok, 4, ""), 5,
       "SDP line 5: m= has no c= line and there is no session-level c= (RFC 8866 §5.7)"},
      {"missing t at end", "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\n", 5,
       "SDP line 5: missing t= line"},
      {"only v and o", "v=0\r\no=- 1 1 IN IP4 h\r\n", 3, "SDP line 3: missing s= line"},
  };
  for (const BadSdp& c : cases) {
    ParseError e = parse_error(c.text);
    EXPECT_EQ(e.what, c.what) << c.name;
    EXPECT_EQ(e.line, c.line) << c.name;
    EXPECT_EQ(e.status, 400) << c.name;
  }
}

TEST(Sdp, ErrorOffsetPointsAtTheLine) {
  std::string text = replace_line(kAliceOffer, 6, "m=audio x RTP/AVP 0");
  ParseError e = parse_error(text);
  EXPECT_EQ(e.offset, text.find("m=audio"));
}

TEST(Sdp, LimitsBoundTheInput) {
  SdpLimits small;
  small.max_media = 2;
  EXPECT_EQ(parse_error(kAliceOffer, small).what, "SDP line 10: more than 2 m= sections");
  small = {};
  small.max_attributes = 3;
  EXPECT_EQ(parse_error(kOneOfN, small).what, "SDP line 10: more than 3 a= lines in one section");
  small = {};
  small.max_lines = 5;
  EXPECT_EQ(parse_error(kAliceOffer, small).what, "SDP line 6: more than 5 lines");
  small = {};
  small.max_line_length = 40;
  EXPECT_EQ(parse_error(kAliceOffer, small).what, "SDP line 2: longer than 40 bytes");
  small = {};
  small.max_formats = 2;
  EXPECT_EQ(parse_error(kOneOfN, small).what, "SDP line 6: m= has more than 2 formats");
  small = {};
  small.max_size = 100;
  ParseError e = parse_error(kAliceOffer, small);
  EXPECT_EQ(e.what, "SDP larger than 100 bytes");
}

TEST(Sdp, AttributeValuesKeepEverythingButLineEnds) {
  Sdp s = parse_ok(
      "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n"
      "a=tool:parley 0.1 : with colons\r\n"
      "a=x-empty:\r\n");
  EXPECT_EQ(s.attributes.get("tool"), "parley 0.1 : with colons");
  EXPECT_EQ(s.attributes.get("x-empty"), "");
  EXPECT_TRUE(s.attributes.find("x-empty")->value) << "a=name: keeps its (empty) value";
  expect_round_trip(s);
}

}  // namespace
}  // namespace parley::message
