// Result<T, E>: a value or an error, for everything that can fail on external input.
// Malformed input is expected, not exceptional (STYLE.md §4), so parsers return this instead of
// throwing. std::expected arrives in C++23; this is the small subset of it parley needs.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace parley {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

template <class E>
Unexpected<std::decay_t<E>> fail(E&& e) {
  return {std::forward<E>(e)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  template <class U = T>
  requires std::is_constructible_v<T, U&&> Result(U&& value)
      : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT: implicit
  // Constructs the value in place: for a large T, one construction instead of one and a move.
  template <class... A>
  explicit Result(std::in_place_t, A&&... args)
      : v_(std::in_place_index<0>, std::forward<A>(args)...) {}
  template <class G>
  Result(Unexpected<G> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT: implicit

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    assert(has_value());
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    assert(has_value());
    return std::move(*std::get_if<0>(&v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& {
    assert(!has_value());
    return *std::get_if<1>(&v_);
  }
  E&& error() && {
    assert(!has_value());
    return std::move(*std::get_if<1>(&v_));
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> v_;
};

}  // namespace parley
