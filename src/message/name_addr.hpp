// name-addr and addr-spec (RFC 3261 §20.10, §25.1): the value of From, To, Contact, Route,
// Record-Route, Reply-To, Refer-To, Referred-By, Path, Service-Route and P-Asserted-Identity.
//
//   "Mr. Watson" <sip:watson@example.com;transport=tcp>;tag=1928301774
//   sip:watson@example.com;tag=1928301774      (addr-spec: the ';' parameters belong to the header)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"
#include "message/params.hpp"
#include "message/uri.hpp"

namespace parley::message {

struct NameAddr {
  std::string_view display_name;  // raw: the inside of a quoted-string, or the tokens as written
  bool display_quoted = false;
  bool angle_brackets = false;  // written as name-addr rather than addr-spec
  Uri uri;
  Params params;  // header parameters: tag, q, expires, ...

  std::optional<std::string_view> tag() const { return params.get("tag"); }
  // The display name with quoted-pairs resolved.
  std::string display_text() const;
  void append_to(std::string& out) const;
  std::string to_string() const;
};

// One name-addr or addr-spec with its parameters; the whole text must be consumed.
ParseResult<NameAddr> parse_name_addr(std::string_view text);
// The common case of parse_name_addr, in one pass and into out (which must be a default
// NameAddr): no escapes in a quoted display name, no quoted parameter, a plain URI (see
// parse_uri_plain). False means "ask parse_name_addr", not "invalid".
bool parse_name_addr_plain(std::string_view text, NameAddr& out);
// A comma-separated list of them (Route, Record-Route, Path, ...).
ParseResult<std::vector<NameAddr>> parse_name_addr_list(std::string_view text);

// Contact (§20.10): "*" or a list of name-addr. q and expires are typed for the registrar.
struct ContactList {
  bool star = false;
  std::vector<NameAddr> contacts;
};
ParseResult<ContactList> parse_contact(std::string_view text);
// q-value of a contact, 0..1000 in thousandths; nullopt when absent; error when malformed.
ParseResult<std::optional<int>> contact_q(const NameAddr& c);
ParseResult<std::optional<std::uint32_t>> contact_expires(const NameAddr& c);

}  // namespace parley::message
