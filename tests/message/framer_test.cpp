#include "message/framer.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "message/line_scan.hpp"
#include "message/message.hpp"

namespace parley::message {
namespace {

constexpr std::string_view kTwo =
    "OPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabc"
    "BYE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n";

TEST(Framer, NeedMoreUntilTheWholeMessageIsThere) {
  std::string_view first = kTwo.substr(0, kTwo.find("BYE"));
  for (std::size_t n = 1; n < first.size(); ++n)
    EXPECT_EQ(frame(first.substr(0, n)).status, FrameStatus::NeedMore) << n;
  Frame f = frame(kTwo);
  EXPECT_EQ(f.status, FrameStatus::Message);
  EXPECT_EQ(f.size, first.size());
  Frame g = frame(kTwo.substr(f.size));
  EXPECT_EQ(g.status, FrameStatus::Message);
  EXPECT_EQ(g.size, kTwo.size() - f.size);
}

TEST(Framer, KeepAlives) {
  EXPECT_EQ(frame("\r\n\r\n").status, FrameStatus::KeepAlive);
  EXPECT_EQ(frame("\r\n\r\n").size, 4u);
  EXPECT_EQ(frame("\r\n").status, FrameStatus::NeedMore) << "could still become a ping";
  Frame pong = frame("\r\nOPTIONS");
  EXPECT_EQ(pong.status, FrameStatus::KeepAlive);
  EXPECT_EQ(pong.size, 2u);
}

TEST(Framer, StreamsNeedContentLength) {
  Frame f = frame("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n");
  EXPECT_EQ(f.status, FrameStatus::Malformed);
  EXPECT_EQ(f.error.status, 400);
}

TEST(Framer, BoundsHeaderAndBody) {
  Limits l;
  l.max_message_size = 100;
  EXPECT_EQ(frame(std::string(200, 'A'), l).status, FrameStatus::Malformed);
  EXPECT_EQ(frame(std::string(200, 'A'), l).error.status, 513);
  Frame big = frame("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 99999999\r\n\r\n");
  EXPECT_EQ(big.status, FrameStatus::Malformed);
  EXPECT_EQ(big.error.status, 413);
  Frame conflict = frame("MESSAGE sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab");
  EXPECT_EQ(conflict.status, FrameStatus::Malformed);
}

TEST(Framer, ReadsAContentLengthFoldedOntoTheNextLine) {
  // HCOLON = *( SP / HTAB ) ":" SWS, and SWS may hold a line fold (RFC 3261 §25.1).
  constexpr std::string_view kFolded =
      "MESSAGE sip:a@b SIP/2.0\r\nContent-Length:\r\n   3\r\nVia: x\r\n\r\nabc";
  Frame f = frame(kFolded);
  EXPECT_EQ(f.status, FrameStatus::Message) << f.error.what;
  EXPECT_EQ(f.size, kFolded.size());
  EXPECT_EQ(frame(kFolded.substr(0, kFolded.size() - 1)).status, FrameStatus::NeedMore);
}

TEST(Framer, ParseStreamFramesAndParsesInOnePass) {
  FramedMessage first = Message::parse_stream(kTwo);
  ASSERT_EQ(first.frame.status, FrameStatus::Message);
  EXPECT_EQ(first.frame.size, kTwo.find("BYE"));
  ASSERT_TRUE(first.message && *first.message);
  EXPECT_EQ((*first.message)->method(), Method::Options);
  EXPECT_EQ((*first.message)->body(), "abc");
  FramedMessage second = Message::parse_stream(kTwo.substr(first.frame.size));
  ASSERT_EQ(second.frame.status, FrameStatus::Message);
  ASSERT_TRUE(second.message && *second.message);
  EXPECT_EQ((*second.message)->method(), Method::Bye);
  // The message owns its bytes: the views stay good after the stream buffer is gone.
  std::optional<ParseResult<Message>> kept;
  {
    std::string buffer(kTwo);
    kept = std::move(Message::parse_stream(buffer).message);
    buffer.assign(buffer.size(), 'x');
  }
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->request_uri_text(), "sip:a@b");
  EXPECT_EQ((*kept)->find(HeaderId::ContentLength)->value, "3");
  EXPECT_EQ((*kept)->body(), "abc");
  EXPECT_EQ((*kept)->serialize(), kTwo.substr(0, first.frame.size));
  // What is no whole message yet, or no message, gets frame()'s answer and no Message.
  FramedMessage part = Message::parse_stream(kTwo.substr(0, 30));
  EXPECT_EQ(part.frame.status, FrameStatus::NeedMore);
  EXPECT_FALSE(part.message);
  FramedMessage ping = Message::parse_stream("\r\n\r\nOPTIONS");
  EXPECT_EQ(ping.frame.status, FrameStatus::KeepAlive);
  EXPECT_FALSE(ping.message);
  FramedMessage no_length = Message::parse_stream("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n");
  EXPECT_EQ(no_length.frame.status, FrameStatus::Malformed);
  EXPECT_FALSE(no_length.message);
}

TEST(LineScan, FindEitherAgreesWithFindFirstOfAtEveryPlace) {
  for (std::size_t n = 0; n <= 70; ++n)
    for (std::size_t at = 0; at <= n; ++at)
      for (std::size_t from = 0; from <= n; from += 3) {
        std::string text(n, 'x');
        if (at < n) text[at] = (at % 2) ? '@' : '"';
        std::size_t want = std::string_view(text).find_first_of("@\"", from);
        if (want == std::string_view::npos) want = n;
        EXPECT_EQ(find_either(text.data(), from, n, '@', '"'), want)
            << n << " " << at << " " << from;
      }
}

}  // namespace
}  // namespace parley::message
