// The torture suite (tests/data/torture, written from the grammar of RFC 3261 §25), the golden
// messages (tests/data/valid) and the fuzzers' findings (tests/data/regress): every valid message
// parses, validates and reads back equal; every invalid one is refused with the status and the
// words its .expect file names.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "corpus.hpp"
#include "invariants.hpp"
#include "message/message.hpp"
#include "message/validate.hpp"

#if __has_include("message/any_header.hpp")
#include "message/any_header.hpp"
#define PARLEY_HAVE_LINT 1
#endif

namespace parley::message {
namespace {

using corpus::File;

std::string name_of(const testing::TestParamInfo<File>& info) {
  return corpus::test_name(info.param);
}

class ValidMessage : public testing::TestWithParam<File> {};

TEST_P(ValidMessage, ParsesValidatesAndReadsBackEqual) {
  const File& f = GetParam();
  auto m = Message::parse(f.bytes);
  ASSERT_TRUE(m) << m.error().describe();
  auto err = validate(*m);
  EXPECT_FALSE(err) << err->describe();
  auto again = Message::parse(m->serialize());
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(*again, *m);
  EXPECT_EQ(invariants::check_message(f.bytes), "");
}

#ifdef PARLEY_HAVE_LINT
// Valid messages on which lint() is known to be wrong, and why: each is a bug in lint() to fix,
// after which its line here goes (the test fails when lint() has become right, to say so).
const std::map<std::string, std::string> kLintKnownWrong = {};

TEST_P(ValidMessage, LintFindsNothing) {
  const File& f = GetParam();
  auto m = Message::parse(f.bytes);
  ASSERT_TRUE(m) << m.error().describe();
  std::vector<ParseError> problems = lint(*m);
  if (auto known = kLintKnownWrong.find(f.name); known != kLintKnownWrong.end()) {
    EXPECT_FALSE(problems.empty()) << "lint() is right now: remove the entry of kLintKnownWrong";
    GTEST_SKIP() << "known lint() bug: " << known->second;
  }
  for (const ParseError& problem : problems) ADD_FAILURE() << "lint: " << problem.describe();
}
#endif

INSTANTIATE_TEST_SUITE_P(Corpus, ValidMessage, testing::ValuesIn(corpus::valid()), name_of);

class InvalidMessage : public testing::TestWithParam<File> {};

TEST_P(InvalidMessage, IsRefusedWithTheExpectedStatusAndText) {
  const File& f = GetParam();
  auto expect = corpus::expectation(f.path);
  ASSERT_TRUE(expect) << f.name << " has no readable .expect sidecar";
  ParseError error;
  auto m = Message::parse(f.bytes);
  if (!m) {
    error = m.error();
  } else {
    auto err = validate(*m);
    ASSERT_TRUE(err) << "parses and validates, but " << expect->reason;
    error = *err;
  }
  EXPECT_EQ(error.status, expect->status) << error.describe();
  EXPECT_NE(error.what.find(expect->substring), std::string::npos)
      << "error '" << error.what << "' does not contain '" << expect->substring << "'";
  // Whatever refused it, the input keeps the properties every input keeps.
  EXPECT_EQ(invariants::check_message(f.bytes), "");
}

INSTANTIATE_TEST_SUITE_P(Torture, InvalidMessage,
                         testing::ValuesIn(corpus::load("torture/invalid")), name_of);

// Inputs a fuzzer once crashed on or broke an invariant with: they keep every invariant, and where
// an .expect file says how the input must be refused, it is.
class Regression : public testing::TestWithParam<File> {};

TEST_P(Regression, KeepsEveryInvariant) {
  const File& f = GetParam();
  EXPECT_EQ(invariants::check_message(f.bytes), "");
  EXPECT_EQ(invariants::check_framer(f.bytes), "");
  EXPECT_EQ(invariants::check_uri(f.bytes), "");
  if (auto expect = corpus::expectation(f.path)) {
    auto m = Message::parse(f.bytes);
    std::optional<ParseError> error;
    if (!m)
      error = m.error();
    else
      error = validate(*m);
    ASSERT_TRUE(error) << "parses and validates, but " << expect->reason;
    EXPECT_EQ(error->status, expect->status) << error->describe();
    EXPECT_NE(error->what.find(expect->substring), std::string::npos) << error->what;
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Regression, testing::ValuesIn(corpus::load("regress", "")), name_of);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Regression);

TEST(Corpus, IsWhereTheTestsLookAndCoversWhatItShould) {
  // A suite that finds no files would pass without testing anything.
  EXPECT_GE(corpus::load("valid").size(), 30u);
  EXPECT_GE(corpus::load("torture/valid").size(), 30u);
  EXPECT_GE(corpus::load("torture/invalid").size(), 60u);
  // Every method parley knows and every response class appear in the golden messages.
  std::set<Method> methods;
  std::set<int> classes;
  for (const File& f : corpus::load("valid")) {
    auto m = Message::parse(f.bytes);
    ASSERT_TRUE(m) << f.name;
    if (m->is_request())
      methods.insert(m->method());
    else
      classes.insert(m->status() / 100);
  }
  EXPECT_EQ(methods.size(), 14u) << "13 methods and PUBLISH";
  EXPECT_EQ(classes, (std::set<int>{1, 2, 3, 4, 5, 6}));
}

TEST(Corpus, EveryInvalidCaseHasItsExpectationAndNoOther) {
  for (const File& f : corpus::load("torture/invalid", ".expect")) {
    std::filesystem::path sip = f.path;
    sip.replace_extension(".sip");
    EXPECT_TRUE(std::filesystem::exists(sip)) << f.name << " expects something of no input";
  }
  for (const File& f : corpus::load("torture/invalid")) {
    auto e = corpus::expectation(f.path);
    ASSERT_TRUE(e) << f.name;
    EXPECT_TRUE(invariants::allowed_status(e->status)) << f.name;
    EXPECT_FALSE(e->substring.empty()) << f.name;
    EXPECT_NE(e->reason.find("RFC "), std::string::npos) << f.name << ": cite the rule";
  }
}

}  // namespace
}  // namespace parley::message
