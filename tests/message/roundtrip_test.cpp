// Round trips over the whole corpus, and properties under random damage: bytes in, Message out,
// bytes back out the same; no input, however broken, crashes the parser or the framer.
#include <gtest/gtest.h>

#include <random>

#include "corpus.hpp"
#include "invariants.hpp"
#include "message/framer.hpp"
#include "message/message.hpp"

namespace parley::message {
namespace {

using corpus::File;

Message parse_ok(const File& f) {
  auto m = Message::parse(f.bytes);
  EXPECT_TRUE(m) << f.name << ": " << (m ? "" : m.error().describe());
  return m ? std::move(*m) : *Message::parse("OPTIONS sip:x SIP/2.0\r\n\r\n");
}

// §7.5: CRLFs before the start line are ignored, and not written back.
std::string_view without_leading_crlf(std::string_view b) {
  while (!b.empty() && (b.front() == '\r' || b.front() == '\n')) b.remove_prefix(1);
  return b;
}

TEST(RoundTrip, SerializeOfAnUnchangedMessageIsTheInputByteForByte) {
  for (const File& f : corpus::valid()) {
    Message m = parse_ok(f);
    EXPECT_EQ(m.serialize(), without_leading_crlf(f.bytes)) << f.name;
  }
}

TEST(RoundTrip, ParseOfSerializeIsEqual) {
  for (const File& f : corpus::valid()) {
    Message m = parse_ok(f);
    auto again = Message::parse(m.serialize());
    ASSERT_TRUE(again) << f.name << ": " << again.error().describe();
    EXPECT_EQ(*again, m) << f.name;
  }
}

TEST(RoundTrip, ParseOfCanonicalIsEqual) {
  for (const File& f : corpus::valid()) {
    Message m = parse_ok(f);
    std::string canon = m.canonical();
    auto again = Message::parse(canon);
    ASSERT_TRUE(again) << f.name << ": " << again.error().describe();
    EXPECT_EQ(*again, m) << f.name;
    // Canonical form has no folding and no compact names.
    EXPECT_EQ(canon.substr(0, canon.find("\r\n\r\n")).find("\r\n "), std::string::npos) << f.name;
    for (const HeaderField& field : again->fields())
      EXPECT_GT(field.name.size(), 1u) << f.name << ": compact name " << field.name;
  }
}

TEST(RoundTrip, ProxyChangesReadBackAndLeaveTheRestAlone) {
  for (const File& f : corpus::valid()) {
    Message m = parse_ok(f);
    EXPECT_EQ(invariants::check_proxy_changes(m), "") << f.name;
  }
}

TEST(RoundTrip, ProxyChangesLandWhereTheyShould) {
  // One message checked in detail: the loop above checks that changes read back at all.
  auto m = Message::parse(corpus::read_bytes(corpus::data_dir() / "valid/ack.sip"));
  ASSERT_TRUE(m);
  std::size_t vias = m->via()->size(), routes = m->route()->size();
  std::uint32_t hops = **m->max_forwards();
  m->prepend(HeaderId::Via, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1");
  m->set(HeaderId::MaxForwards, std::to_string(hops - 1));
  ASSERT_TRUE(m->remove_first_value(HeaderId::Route));
  m->prepend(HeaderId::RecordRoute, "<sip:proxy.example.com;lr>");
  auto re = Message::parse(m->serialize());
  ASSERT_TRUE(re) << re.error().describe();
  ASSERT_EQ(re->via()->size(), vias + 1);
  EXPECT_EQ(re->via()->front().branch(), "z9hG4bKp1");
  EXPECT_EQ(**re->max_forwards(), hops - 1);
  ASSERT_EQ(re->route()->size(), routes - 1);
  EXPECT_EQ(re->route()->front().uri.sip()->host, "ss2.biloxi.example.com");
  ASSERT_EQ(re->record_route()->size(), 1u);
  EXPECT_EQ(re->record_route()->front().uri.sip()->host, "proxy.example.com");
}

// ---- properties under damage

constexpr std::uint32_t kSeed = 20240229;
constexpr int kIterations = 20000;

// One random kind of damage, of the kinds a network and a careless peer cause.
std::string damage(std::string_view in, std::mt19937& rng) {
  std::string s(in);
  auto pick = [&rng](std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  switch (pick(6)) {
    case 0:  // truncation
      s.resize(pick(s.size() + 1));
      break;
    case 1:  // byte flips
      for (std::size_t i = 0, n = 1 + pick(4); i < n && !s.empty(); ++i)
        s[pick(s.size())] = static_cast<char>(pick(256));
      break;
    case 2:  // CRLF insertion
      s.insert(pick(s.size() + 1), pick(2) ? "\r\n" : "\r\n ");
      break;
    case 3: {  // a line duplicated
      std::size_t at = s.rfind('\n', pick(s.size()));
      std::size_t start = at == std::string::npos ? 0 : at + 1;
      std::size_t end = s.find('\n', start);
      if (end != std::string::npos) s.insert(start, s.substr(start, end - start + 1));
      break;
    }
    case 4: {  // a range duplicated
      std::size_t from = pick(s.size() + 1), len = pick(s.size() - from + 1);
      s.insert(pick(s.size() + 1), s.substr(from, len));
      break;
    }
    default:  // a separator where it hurts
      if (!s.empty()) s[pick(s.size())] = "\r\n :;,<>\"@[]%\\="[pick(16)];
      break;
  }
  return s;
}

TEST(Property, DamagedMessagesParseOrFailWithAProperError) {
  std::vector<File> files = corpus::valid();
  for (File& f : corpus::load("torture/invalid")) files.push_back(std::move(f));
  ASSERT_FALSE(files.empty());
  std::mt19937 rng(kSeed);
  int parsed = 0, refused = 0;
  for (int i = 0; i < kIterations; ++i) {
    const File& f = files[static_cast<std::size_t>(i) % files.size()];
    std::string input = damage(f.bytes, rng);
    std::string broke = invariants::check_message(input);
    ASSERT_EQ(broke, "") << "iteration " << i << " on " << f.name << ", input:\n" << input;
    (Message::parse(input) ? parsed : refused)++;
  }
  // Both outcomes occur: damage that never breaks anything, or always does, tests little.
  EXPECT_GT(parsed, kIterations / 20);
  EXPECT_GT(refused, kIterations / 20);
}

TEST(Property, DamagedUrisParseOrFailWithAProperError) {
  std::vector<std::string> uris;
  for (const File& f : corpus::valid()) {
    auto m = Message::parse(f.bytes);
    ASSERT_TRUE(m);
    if (m->is_request()) uris.emplace_back(m->request_uri_text());
  }
  std::mt19937 rng(kSeed + 1);
  for (int i = 0; i < kIterations; ++i) {
    std::string input = damage(uris[static_cast<std::size_t>(i) % uris.size()], rng);
    ASSERT_EQ(invariants::check_uri(input), "") << "iteration " << i << ": " << input;
  }
}

// Feeds `stream` to the framer in chunks of random size, as a TCP connection would, and returns
// the messages it frames (keep-alives dropped).
std::vector<std::string> frame_stream(std::string_view stream, std::mt19937& rng,
                                      std::size_t max_chunk) {
  std::vector<std::string> out;
  std::string buffer;
  std::size_t pos = 0;
  std::uniform_int_distribution<std::size_t> chunk(1, max_chunk);
  while (pos < stream.size()) {
    std::size_t n = std::min(chunk(rng), stream.size() - pos);
    buffer.append(stream.substr(pos, n));
    pos += n;
    for (;;) {
      Frame f = frame(buffer);
      if (f.status == FrameStatus::NeedMore) break;
      if (f.status == FrameStatus::Malformed) {
        ADD_FAILURE() << "malformed: " << f.error.what << " at stream offset "
                      << pos - buffer.size();
        return out;
      }
      if (f.status == FrameStatus::Message) out.emplace_back(buffer.substr(0, f.size));
      buffer.erase(0, f.size);
    }
  }
  EXPECT_EQ(buffer, "") << "bytes left over at the end of the stream";
  return out;
}

TEST(Property, FramerCutsTheConcatenatedCorpusIntoTheOriginalMessages) {
  std::string stream;
  std::vector<std::string> expected;
  for (const File& f : corpus::valid()) {
    stream.append(f.bytes);
    expected.emplace_back(without_leading_crlf(f.bytes));
  }
  std::mt19937 rng(kSeed + 2);
  for (std::size_t max_chunk : {1, 2, 7, 64, 1500, 65536}) {
    std::vector<std::string> got = frame_stream(stream, rng, max_chunk);
    ASSERT_EQ(got.size(), expected.size()) << "chunks up to " << max_chunk;
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], expected[i]) << "message " << i << ", chunks up to " << max_chunk;
  }
}

TEST(Property, FramerKeepsItsInvariantsOnDamagedStreams) {
  std::vector<File> files = corpus::valid();
  std::mt19937 rng(kSeed + 3);
  for (int i = 0; i < kIterations / 4; ++i) {
    const File& a = files[static_cast<std::size_t>(i) % files.size()];
    const File& b = files[(static_cast<std::size_t>(i) * 7 + 3) % files.size()];
    std::string input = damage(a.bytes + b.bytes, rng);
    ASSERT_EQ(invariants::check_framer(input), "") << "iteration " << i << ", input:\n" << input;
  }
}

}  // namespace
}  // namespace parley::message
