// Parameters: ";name=value" lists after header values (generic-param, RFC 3261 §25.1) and inside
// URIs (uri-parameter, §19.1.1). Views into the parsed text; names compare case-insensitively.
#pragma once

#include <boost/container/small_vector.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "message/scanner.hpp"

namespace parley::message {

struct Param {
  std::string_view name;
  std::string_view value;  // raw: escapes and (for quoted values) the inner text as written
  bool has_value = false;  // ";lr" has none, ";tag=" would have an empty one
  bool quoted = false;     // the value was a quoted-string
};

class Params {
 public:
  using Storage = boost::container::small_vector<Param, 4>;

  const Param* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // The value of a parameter, nullopt when it is absent; an empty view when it has no value.
  std::optional<std::string_view> get(std::string_view name) const;

  void add(Param p) { items_.push_back(p); }
  bool remove(std::string_view name);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  Storage::const_iterator begin() const { return items_.begin(); }
  Storage::const_iterator end() const { return items_.end(); }

  // Writes ";name=value" for each, values re-quoted where they were quoted.
  void append_to(std::string& out) const;

 private:
  Storage items_;
};

// *( SEMI generic-param ) as in header fields; gen-value = token / host / quoted-string. Stops at
// anything that is not a ';' (a ',' between list elements, the end of the value).
ParseResult<Params> parse_header_params(Scanner& s);
// The same from text[pos], appending to out, for the common case: no quoted value. False means
// "ask parse_header_params"; true leaves pos after the last parameter (before any white space).
bool parse_header_params_plain(std::string_view text, std::size_t& pos, Params& out);

}  // namespace parley::message
