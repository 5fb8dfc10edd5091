#include "location/codec.hpp"

#include <gtest/gtest.h>

#include "sync_call.hpp"

namespace parley::location::test {
namespace {

TEST(Codec, BindingsRoundTrip) {
  auto a = binding("sip:a@example.com", "sip:a@192.0.2.1", 60s);
  auto b = binding("sip:a@example.com", "sip:a:b@[2001:db8::1]:5060;transport=tcp", 60s, "x:y", 9);
  b.q.reset();
  b.path = {"", "<sip:p;lr>", std::string("bin\0ary:1", 9)};
  b.user_agent.clear();
  std::string s = codec::encode_bindings({a, b});
  auto back = codec::decode_bindings(s, "sip:a@example.com");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, (std::vector<Binding>{a, b}));
}

TEST(Codec, MalformedInputIsRejectedNotTrusted) {
  auto s = codec::encode_bindings({binding("sip:a@x", "sip:a@192.0.2.1", 60s)});
  for (std::size_t cut = 0; cut < s.size(); ++cut)
    EXPECT_FALSE(codec::decode_bindings(s.substr(0, cut), "sip:a@x")) << cut;
  EXPECT_FALSE(codec::decode_bindings(s + "1:x", "sip:a@x"));
  EXPECT_FALSE(codec::decode_bindings("2:b19:99999999999999999999", "sip:a@x"));
  EXPECT_FALSE(codec::decode_strings("5:abc"));
  EXPECT_FALSE(codec::decode_strings("-1:"));
}

TEST(Codec, UserRoundTrip) {
  User u{"alice", "example.com", "1", "2", "3"};
  EXPECT_EQ(codec::decode_user(codec::encode_user(u)), u);
  EXPECT_FALSE(codec::decode_user("5:alice"));
}

}  // namespace
}  // namespace parley::location::test
