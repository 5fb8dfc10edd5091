// Small helpers for parser tests: unwrap a result that must succeed, read the error of one that
// must fail.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "message/error.hpp"

namespace parley::message::testing {

// The value of a result that must hold one; a default T (and a test failure) otherwise.
template <class T>
T parsed(ParseResult<T> r, std::string_view input = {}) {
  EXPECT_TRUE(r) << "'" << input << "': " << (r ? std::string() : r.error().what);
  if (!r) return T{};
  return std::move(*r);
}

// The error text of a result that must fail; "<parsed>" when it did not.
template <class T>
std::string error_of(const ParseResult<T>& r) {
  return r ? std::string("<parsed>") : r.error().what;
}

template <class T>
std::size_t error_offset(const ParseResult<T>& r) {
  return r ? std::size_t(-1) : r.error().offset;
}

}  // namespace parley::message::testing
