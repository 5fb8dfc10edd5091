#include "message/framer.hpp"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace parley::message
