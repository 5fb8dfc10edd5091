// The small value forms that many header fields share (RFC 3261 §25.1, §7.3.1): comma-separated
// lists, token lists (option-tags §19.2, methods), delta-seconds, qvalue and callid. Header
// parsers build on these; each returns views into the value it was given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"
#include "message/params.hpp"
#include "message/scanner.hpp"

namespace parley::message {

// Moves an error found in a part of a value onto the whole value.
inline ParseError shifted(ParseError e, std::size_t by) {
  e.offset += by;
  return e;
}

// Where `part` (a view into `whole`) starts in `whole`.
inline std::size_t offset_in(std::string_view whole, std::string_view part) {
  return static_cast<std::size_t>(part.data() - whole.data());
}

// element *(COMMA element) (§7.3.1): parse_one(element) for each element, commas inside quoted
// strings and <...> not counting, error offsets rebased onto the whole value. With allow_empty the
// grammar is [ element *(COMMA element) ] (Accept, Allow, Supported, Recv-Info, ...).
template <class T, class F>
ParseResult<std::vector<T>> parse_list(std::string_view value, F&& parse_one,
                                       bool allow_empty = false) {
  std::vector<T> out;
  std::optional<ParseError> err;
  bool closed = split_list(value, [&](std::string_view item, std::size_t off) {
    if (err) return;
    ParseResult<T> r = parse_one(item);
    if (!r)
      err = shifted(std::move(r).error(), off);
    else
      out.push_back(std::move(*r));
  });
  if (err) return fail(std::move(*err));
  if (!closed) return fail(syntax_error("unterminated quoted string or '<' in the list"));
  if (out.empty() && !allow_empty) return fail(syntax_error("empty value"));
  return out;
}

// Writes the elements separated by ", "; T has append_to(std::string&).
template <class T>
void append_list(std::string& out, const std::vector<T>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.append(", ");
    items[i].append_to(out);
  }
}
void append_list(std::string& out, const std::vector<std::string_view>& items);
std::string to_string(const std::vector<std::string_view>& items);

// The whole value is one token; `what` names it in errors ("option-tag", "entity-tag").
ParseResult<std::string_view> parse_token(std::string_view value, std::string_view what);
// token *(COMMA token).
ParseResult<std::vector<std::string_view>> parse_token_list(std::string_view value,
                                                            std::string_view what,
                                                            bool allow_empty);

// Allow (§20.5): [Method *(COMMA Method)].
ParseResult<std::vector<std::string_view>> parse_allow(std::string_view value);
// Require (§20.32), Proxy-Require (§20.29), Unsupported (§20.40): option-tag *(COMMA option-tag).
ParseResult<std::vector<std::string_view>> parse_option_tags(std::string_view value);
// Supported (§20.37): [option-tag *(COMMA option-tag)]; empty means no extension is supported.
ParseResult<std::vector<std::string_view>> parse_supported(std::string_view value);

// delta-seconds = 1*DIGIT. §20.19 and §20.23 give Expires and Min-Expires the range 0..2**32-1;
// a larger value is taken as 2**32-1, as §10.2.1.1 allows for the expires parameter, rather than
// failing a request for being generous.
ParseResult<std::uint32_t> parse_delta_seconds(std::string_view text);

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths: "0.7" -> 700.
ParseResult<std::uint16_t> parse_qvalue(std::string_view text);
// 700 -> "0.7", 1000 -> "1", 75 -> "0.075".
void append_qvalue(std::string& out, std::uint16_t q);

// callid = word [ "@" word ] (§20.8): Call-ID, In-Reply-To, Replaces. `what` names it in errors.
ParseResult<std::string_view> parse_callid(std::string_view text, std::string_view what = "callid");

// Takes the parameter `name` out of params (typed fields hold the known ones; params keeps the
// rest). Error when it appears more than once, or (need_value) has no value. `text` is the value
// the params were parsed from, for the error offset.
ParseResult<std::optional<Param>> take_param(Params& params, std::string_view name,
                                             std::string_view text, bool need_value = true);
// take_param for a delta-seconds value (expires, retry-after, ...): nullopt when absent.
ParseResult<std::optional<std::uint32_t>> take_seconds(Params& params, std::string_view name,
                                                       std::string_view text);
// ";name=value" as a parameter would be written: quoted when `quoted`.
void append_param(std::string& out, std::string_view name, std::string_view value,
                  bool quoted = false);

}  // namespace parley::message
