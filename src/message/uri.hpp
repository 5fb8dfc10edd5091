// URIs of RFC 3261 §19.1 (sip, sips) and RFC 3966 (tel), with the comparison rules of §19.1.4.
// Parsed URIs are views into the text they came from: keep that text alive while using them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "message/error.hpp"
#include "message/params.hpp"

namespace parley::message {

enum class HostKind : std::uint8_t { Name, IPv4, IPv6 };

struct SipUri {
  bool secure = false;                   // sips:
  std::optional<std::string_view> user;  // raw, %-escapes kept
  std::optional<std::string_view> password;
  std::string_view host;  // an IPv6 address without its brackets
  HostKind host_kind = HostKind::Name;
  std::optional<std::uint16_t> port;  // absent is not the same URI as :5060 (§19.1.4)
  Params params;                      // uri-parameters, raw
  Params headers;                     // ?name=value&..., raw

  std::optional<std::string_view> param(std::string_view name) const { return params.get(name); }
  bool loose_route() const { return params.has("lr"); }
  // "host" or "[v6]", with ":port" when present.
  std::string host_port() const;
  // Nothing set: what SipUri{} is (keep in step with the members above).
  bool is_default() const {
    return !secure && !user && !password && host.empty() && host_kind == HostKind::Name && !port &&
           params.empty() && headers.empty();
  }
};

// tel:+1-201-555-0123;phone-context=... (RFC 3966). number keeps its visual separators.
struct TelUri {
  std::string_view number;
  bool global = false;  // starts with '+'
  Params params;
};

// Any other absolute URI (http:, mailto:, urn:, ...): allowed in Call-Info, Alert-Info and such,
// but a Request-URI with one of these gets 416 (RFC 3261 §8.2.2.1).
struct OtherUri {
  std::string_view scheme;
  std::string_view rest;
};

class Uri {
 public:
  Uri() = default;
  Uri(SipUri u, std::string_view text) : v_(std::move(u)), text_(text) {}
  Uri(TelUri u, std::string_view text) : v_(std::move(u)), text_(text) {}
  Uri(OtherUri u, std::string_view text) : v_(std::move(u)), text_(text) {}

  // Makes this a default SIP URI parsed from text, to be filled in place. A Uri made by default
  // holds a default SipUri already: the plain parsers filling a new Uri then skip destroying it
  // and building it again (two parameter lists).
  SipUri& emplace_sip(std::string_view text) {
    text_ = text;
    if (SipUri* s = std::get_if<SipUri>(&v_); s && s->is_default()) return *s;
    return v_.emplace<SipUri>();
  }

  const SipUri* sip() const { return std::get_if<SipUri>(&v_); }
  SipUri* sip() { return std::get_if<SipUri>(&v_); }
  const TelUri* tel() const { return std::get_if<TelUri>(&v_); }
  const OtherUri* other() const { return std::get_if<OtherUri>(&v_); }
  std::string_view scheme() const;
  // The text the URI was parsed from.
  std::string_view text() const { return text_; }

  // Renders the URI from its parts (a modified URI differs from text()).
  std::string to_string() const;
  void append_to(std::string& out) const;

 private:
  std::variant<SipUri, TelUri, OtherUri> v_;
  std::string_view text_;
};

// host [ ":" port ], host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1). Used by URIs
// and by Via's sent-by.
struct HostPort {
  std::string_view host;  // an IPv6 address without its brackets
  HostKind kind = HostKind::Name;
  std::optional<std::uint16_t> port;
};
ParseResult<HostPort> parse_host_port(std::string_view text);
// A host name or IPv4 address at text[pos], up to the first byte that is not alphanum, '-' or
// '.', checked as parse_host_port checks it; pos moves past it. False for what it does not settle
// (IPv6, an empty label, a trailing dot, an invalid address): ask parse_host_port.
bool parse_host_plain(std::string_view text, std::size_t& pos, std::string_view& host,
                      HostKind& kind);

// The whole of text must be one URI.
ParseResult<Uri> parse_uri(std::string_view text);
// The common case of parse_uri, in one pass and in place: a sip or sips URI without escapes,
// URI headers or IPv6 host. True when text is such a URI, and out then holds what parse_uri
// would return; false means "ask parse_uri" (not "invalid"), and out is then unspecified.
bool parse_uri_plain(std::string_view text, Uri& out);
ParseResult<SipUri> parse_sip_uri(std::string_view text);

// RFC 3261 §19.1.4 for sip/sips, RFC 3966 §4 for tel; other schemes compare case-insensitively
// on the scheme and exactly on the rest.
bool equivalent(const Uri& a, const Uri& b);
bool equivalent(const SipUri& a, const SipUri& b);

// %HH decoding. Invalid escapes are left as they are (the parser has already rejected them).
std::string unescape(std::string_view s);

}  // namespace parley::message
