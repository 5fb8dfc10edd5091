#include "message/sdp.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <charconv>
#include <cstring>
#include <limits>

#include "message/scanner.hpp"

namespace parley::message {

namespace {

using Fields = boost::container::small_vector<std::string_view, 8>;
using Error = std::string;  // what is wrong with one line; parse_sdp adds where
template <class T>
using LineResult = Result<T, Error>;

// RFC 8866 §9: token-char is wider than SIP's (it adds # $ & ^ { | }).
constexpr bool is_token_char(char c) {
  return chars::is_digit(c) || chars::is_alpha(c) ||
         (c != '\0' && std::strchr("!#$%&'*+-.^_`{|}~", c) != nullptr);
}
template <class Pred>
bool all_of(std::string_view s, Pred pred) {
  return !s.empty() && std::ranges::all_of(s, pred);
}
bool is_token(std::string_view s) { return all_of(s, is_token_char); }
bool is_digits(std::string_view s) { return all_of(s, chars::is_digit); }
// non-ws-string = 1*(VCHAR/%x80-FF)
bool is_non_ws_string(std::string_view s) {
  return all_of(s, [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
}

// 1*DIGIT that fits T.
template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!is_digits(s) || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
// integer = POS-DIGIT *DIGIT
std::optional<std::uint32_t> positive(std::string_view s) {
  if (s.empty() || s[0] == '0') return std::nullopt;
  return number<std::uint32_t>(s);
}

// Subfields "delimited by a single space character" (RFC 8866 §5): an empty subfield (two spaces,
// a leading or trailing space) is an error, reported as an empty result.
Fields split_fields(std::string_view value) {
  Fields out;
  std::size_t start = 0;
  while (true) {
    std::size_t sp = value.find(' ', start);
    std::string_view f = value.substr(start, sp == std::string_view::npos ? sp : sp - start);
    if (f.empty()) return {};
    out.push_back(f);
    if (sp == std::string_view::npos) return out;
    start = sp + 1;
  }
}

// ---- one parser per line type; each returns the value or what is wrong

LineResult<Origin> parse_origin(std::string_view v) {
  static const Error kShape =
      "o= expects '<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>'";
  Fields f = split_fields(v);
  if (f.size() != 6) return fail(kShape);
  Origin o;
  if (!is_non_ws_string(f[0])) return fail(kShape);
  if (!is_digits(f[1])) return fail(Error("o= sess-id must be digits"));
  auto version = number<std::uint64_t>(f[2]);
  if (!version) return fail(Error("o= sess-version must be a number below 2^64"));
  if (!is_token(f[3]) || !is_token(f[4])) return fail(kShape);
  if (!is_non_ws_string(f[5])) return fail(kShape);
  o.username = f[0];
  o.session_id = f[1];
  o.session_version = *version;
  o.nettype = f[3];
  o.addrtype = f[4];
  o.address = f[5];
  return o;
}

LineResult<Connection> parse_connection(std::string_view v) {
  Fields f = split_fields(v);
  if (f.size() != 3 || !is_token(f[0]) || !is_token(f[1]) || !is_non_ws_string(f[2]))
    return fail(Error("c= expects '<nettype> <addrtype> <connection-address>'"));
  Connection c;
  c.nettype = f[0];
  c.addrtype = f[1];
  std::string_view addr = f[2];
  bool ip4 = iequals(c.addrtype, "IP4"), ip6 = iequals(c.addrtype, "IP6");
  std::size_t slash = addr.find('/');
  if ((ip4 || ip6) && slash != std::string_view::npos) {
    // IP4-multicast = address "/" ttl ["/" numaddr]; IP6-multicast = address ["/" numaddr].
    std::string_view rest = addr.substr(slash + 1);
    addr = addr.substr(0, slash);
    std::size_t slash2 = rest.find('/');
    std::string_view first = rest.substr(0, slash2);
    std::optional<std::string_view> second;
    if (slash2 != std::string_view::npos) second = rest.substr(slash2 + 1);
    if (addr.empty()) return fail(Error("c= has an empty address"));
    if (ip6) {
      if (second) return fail(Error("c= an IP6 address takes no TTL (RFC 8866 §5.7)"));
      c.address_count = positive(first);
      if (!c.address_count) return fail(Error("c= number of addresses must be a positive number"));
    } else {
      // ttl = (POS-DIGIT *2DIGIT) / "0"
      auto ttl = number<std::uint32_t>(first);
      if (!ttl || *ttl > 255 || (first.size() > 1 && first[0] == '0'))
        return fail(Error("c= TTL must be 0-255"));
      c.ttl = static_cast<std::uint8_t>(*ttl);
      if (second) {
        c.address_count = positive(*second);
        if (!c.address_count)
          return fail(Error("c= number of addresses must be a positive number"));
      }
    }
  }
  c.address = addr;
  return c;
}

LineResult<Bandwidth> parse_bandwidth(std::string_view v) {
  std::size_t colon = v.find(':');
  if (colon == std::string_view::npos || !is_token(v.substr(0, colon)))
    return fail(Error("b= expects '<bwtype>:<bandwidth>'"));
  auto value = number<std::uint64_t>(v.substr(colon + 1));
  if (!value) return fail(Error("b= bandwidth must be a number"));
  return Bandwidth{std::string(v.substr(0, colon)), *value};
}

LineResult<TimeDescription> parse_time(std::string_view v) {
  Fields f = split_fields(v);
  std::optional<std::uint64_t> start, stop;
  if (f.size() == 2) {
    start = number<std::uint64_t>(f[0]);
    stop = number<std::uint64_t>(f[1]);
  }
  if (!start || !stop) return fail(Error("t= expects '<start-time> <stop-time>'"));
  TimeDescription t;
  t.start = *start;
  t.stop = *stop;
  return t;
}

// typed-time = 1*DIGIT [fixed-len-time-unit]; the units are case-sensitive.
std::optional<TypedTime> typed_time(std::string_view s) {
  TypedTime t;
  if (!s.empty() && s.back() != '\0' && std::strchr("dhms", s.back()) != nullptr) {
    t.unit = s.back();
    s.remove_suffix(1);
  }
  auto v = number<std::uint64_t>(s);
  if (!v) return std::nullopt;
  t.value = *v;
  return t;
}

LineResult<RepeatTime> parse_repeat(std::string_view v) {
  static const Error kShape = "r= expects '<repeat-interval> <active-duration> <offset> ...'";
  Fields f = split_fields(v);
  if (f.size() < 3) return fail(kShape);
  RepeatTime r;
  auto interval = typed_time(f[0]), duration = typed_time(f[1]);
  // repeat-interval = POS-DIGIT *DIGIT [fixed-len-time-unit]
  if (!interval || !duration || f[0][0] == '0') return fail(kShape);
  r.interval = *interval;
  r.duration = *duration;
  for (std::size_t i = 2; i < f.size(); ++i) {
    auto o = typed_time(f[i]);
    if (!o) return fail(kShape);
    r.offsets.push_back(*o);
  }
  return r;
}

LineResult<std::vector<ZoneAdjustment>> parse_zone(std::string_view v) {
  static const Error kShape = "z= expects '<adjustment-time> <offset> ...'";
  Fields f = split_fields(v);
  if (f.empty() || f.size() % 2 != 0) return fail(kShape);
  std::vector<ZoneAdjustment> out;
  for (std::size_t i = 0; i < f.size(); i += 2) {
    ZoneAdjustment z;
    auto time = number<std::uint64_t>(f[i]);
    std::string_view off = f[i + 1];
    z.negative = off.front() == '-';
    if (z.negative) off.remove_prefix(1);
    auto offset = typed_time(off);
    if (!time || !offset) return fail(kShape);
    z.time = *time;
    z.offset = *offset;
    out.push_back(z);
  }
  return out;
}

// key-type = "prompt" / "clear:" text / "base64:" base64 / "uri:" uri. The line is obsolete
// (RFC 8866 §5.12); it is checked for shape and kept only so that it can be shown.
LineResult<std::string> parse_key(std::string_view v) {
  if (v == "prompt" || v.starts_with("clear:") || v.starts_with("base64:") || v.starts_with("uri:"))
    return std::string(v);
  return fail(Error("k= expects 'prompt', 'clear:<key>', 'base64:<key>' or 'uri:<uri>'"));
}

LineResult<Attribute> parse_attribute(std::string_view v) {
  std::size_t colon = v.find(':');
  Attribute a;
  a.name = v.substr(0, colon);
  if (!is_token(a.name)) return fail(Error("a= expects '<attribute-name>[:<attribute-value>]'"));
  // byte-string is 1*, but an empty value ("a=name:") harms nobody: keep it as written.
  if (colon != std::string_view::npos) a.value = std::string(v.substr(colon + 1));
  return a;
}

LineResult<Media> parse_media(std::string_view v, std::size_t max_formats) {
  static const Error kShape = "m= expects '<media> <port> <proto> <fmt> ...'";
  Fields f = split_fields(v);
  if (f.size() < 4 || !is_token(f[0])) return fail(kShape);
  Media m;
  m.type = f[0];
  std::string_view port = f[1];
  std::size_t slash = port.find('/');
  if (slash != std::string_view::npos) {
    m.port_count = positive(port.substr(slash + 1));
    if (!m.port_count) return fail(Error("m= number of ports must be a positive number"));
    port = port.substr(0, slash);
  }
  auto p = number<std::uint32_t>(port);
  if (!p || *p > 65535) return fail(Error("m= port must be a number 0-65535"));
  m.port = static_cast<std::uint16_t>(*p);
  // proto = token *("/" token)
  std::string_view proto = f[2];
  for (std::size_t i = 0; i <= proto.size();) {
    std::size_t s = proto.find('/', i);
    if (s == std::string_view::npos) s = proto.size();
    if (!is_token(proto.substr(i, s - i))) return fail(kShape);
    i = s + 1;
  }
  m.proto = proto;
  if (f.size() - 3 > max_formats)
    return fail("m= has more than " + std::to_string(max_formats) + " formats");
  for (std::size_t i = 3; i < f.size(); ++i) {
    if (!is_token(f[i])) return fail(kShape);
    m.formats.emplace_back(f[i]);
  }
  return m;
}

// ---- the order of RFC 8866 §5 and §9

// Position of a line type in the order of RFC 8866 §5, -1 where it is not allowed. At session
// level t, r and z share one position: the time descriptions.
int session_rank(char type) {
  std::size_t i = std::string_view("vosiuepcbtka").find(type == 'r' || type == 'z' ? 't' : type);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}
constexpr int kTimeRank = 9;
int media_rank(char type) {
  std::size_t i = std::string_view("micbka").find(type);
  return i == std::string_view::npos || i == 0 ? -1 : static_cast<int>(i);
}
// Lines that may repeat: e*, p*, b*, a* at session level (t+ is handled with r and z), c*, b*, a*
// in a media description.
bool repeatable_in_session(char type) { return std::strchr("epba", type) != nullptr; }
bool repeatable_in_media(char type) { return std::strchr("cba", type) != nullptr; }

class Parser {
 public:
  explicit Parser(const SdpLimits& limits) : limits_(limits) {}

  std::optional<Error> line(char type, std::string_view value, std::uint32_t number,
                            std::size_t offset) {
    // v, o and s come first, in that order, once each.
    if (count_ < 3) {
      constexpr std::string_view kFirst = "vos";
      if (type != kFirst[count_]) {
        if (count_ == 0) return Error("expected v= (a description starts with v=)");
        return Error("expected ") + kFirst[count_] + "= after " + kFirst[count_ - 1] + "=";
      }
      ++count_;
      return head(type, value);
    }
    ++count_;
    if (type == 'v' || type == 'o' || type == 's')
      return Error("only one ") + type + "= is allowed, at the start";
    if (type == 'm') return start_media(value, number, offset);
    if (!sdp_.media.empty()) return media_line(type, value);
    return session_line(type, value);
  }

  // What the last line cannot tell: required lines that never came, media without a c=.
  std::optional<Error> finish(std::uint32_t& at, std::size_t& offset) {
    if (count_ < 3) return Error("missing ") + "vos"[count_] + "= line";
    if (sdp_.times.empty()) return Error("missing t= line");
    if (!sdp_.connection) {
      for (std::size_t i = 0; i < sdp_.media.size(); ++i) {
        if (sdp_.media[i].connections.empty()) {
          at = media_lines_[i].first;
          offset = media_lines_[i].second;
          return Error("m= has no c= line and there is no session-level c= (RFC 8866 §5.7)");
        }
      }
    }
    return std::nullopt;
  }

  Sdp take() { return std::move(sdp_); }

 private:
  std::optional<Error> head(char type, std::string_view value) {
    if (type == 'v') {
      auto v = number<std::uint32_t>(value);
      if (!v) return Error("v= expects a version number");
      if (*v != 0) return "unsupported SDP version " + std::to_string(*v) + " (only 0 is defined)";
      sdp_.version = *v;
    } else if (type == 'o') {
      auto o = parse_origin(value);
      if (!o) return o.error();
      sdp_.origin = std::move(*o);
    } else {
      sdp_.session_name = value;
    }
    return std::nullopt;
  }

  static std::optional<Error> order_error(char type, int rank, int current, const char* where) {
    if (rank < 0) return Error("") + type + "= is not allowed " + where;
    if (rank < current) return Error("") + type + "= is out of order " + where + " (RFC 8866 §5)";
    return Error("more than one ") + type + "= " + where;
  }

  std::optional<Error> session_line(char type, std::string_view value) {
    int rank = session_rank(type);
    if (type == 'r' && last_ != 't' && last_ != 'r') return Error("r= must follow t= or r=");
    if (type == 'z' && last_ != 'r')
      return Error("z= must follow the r= lines of its time description (RFC 8866 §5.11)");
    if (rank < 0 || rank < rank_ ||
        (rank == rank_ && !repeatable_in_session(type) && rank != kTimeRank))
      return order_error(type, rank, rank_, "at session level");
    if (rank > kTimeRank && sdp_.times.empty()) return Error("missing t= before ") + type + "=";
    rank_ = rank;
    last_ = type;
    if (type == 'i') sdp_.information = value;
    if (type == 'u') sdp_.uri = value;
    if (type == 'e') sdp_.emails.emplace_back(value);
    if (type == 'p') sdp_.phones.emplace_back(value);
    if (type == 'c') return store(parse_connection(value), sdp_.connection);
    if (type == 'b') return push(parse_bandwidth(value), sdp_.bandwidths);
    if (type == 't') return push(parse_time(value), sdp_.times);
    if (type == 'r') return push(parse_repeat(value), sdp_.times.back().repeats);
    if (type == 'z') return store(parse_zone(value), sdp_.times.back().zone_adjustments);
    if (type == 'k') return store(parse_key(value), sdp_.key);
    if (type == 'a') return add_attribute(value, sdp_.attributes);
    return std::nullopt;
  }

  std::optional<Error> start_media(std::string_view value, std::uint32_t number,
                                   std::size_t offset) {
    if (sdp_.times.empty()) return Error("missing t= before the first m=");
    if (sdp_.media.size() >= limits_.max_media)
      return "more than " + std::to_string(limits_.max_media) + " m= sections";
    auto m = parse_media(value, limits_.max_formats);
    if (!m) return m.error();
    sdp_.media.push_back(std::move(*m));
    media_lines_.emplace_back(number, offset);
    rank_ = 0;
    last_ = 'm';
    return std::nullopt;
  }

  std::optional<Error> media_line(char type, std::string_view value) {
    int rank = media_rank(type);
    if (rank < 0 || rank < rank_ || (rank == rank_ && !repeatable_in_media(type)))
      return order_error(type, rank, rank_, "in a media description");
    rank_ = rank;
    last_ = type;
    Media& m = sdp_.media.back();
    if (type == 'i') m.information = value;
    if (type == 'c') return push(parse_connection(value), m.connections);
    if (type == 'b') return push(parse_bandwidth(value), m.bandwidths);
    if (type == 'k') return store(parse_key(value), m.key);
    if (type == 'a') return add_attribute(value, m.attributes);
    return std::nullopt;
  }

  std::optional<Error> add_attribute(std::string_view value, Attributes& to) {
    if (to.size() >= limits_.max_attributes)
      return "more than " + std::to_string(limits_.max_attributes) + " a= lines in one section";
    auto a = parse_attribute(value);
    if (!a) return a.error();
    to.add(std::move(a->name), std::move(a->value));
    return std::nullopt;
  }

  template <class T, class To>
  static std::optional<Error> store(LineResult<T> r, To& to) {
    if (!r) return r.error();
    to = std::move(*r);
    return std::nullopt;
  }
  template <class T>
  static std::optional<Error> push(LineResult<T> r, std::vector<T>& to) {
    if (!r) return r.error();
    to.push_back(std::move(*r));
    return std::nullopt;
  }

  const SdpLimits& limits_;
  Sdp sdp_;
  std::vector<std::pair<std::uint32_t, std::size_t>> media_lines_;  // line and offset of each m=
  std::size_t count_ = 0;                                           // lines so far
  int rank_ = 2;  // position of the last line in its section's order
  char last_ = 's';
};

// RFC 3551 §6, tables 4 and 5: the static RTP payload types.
struct StaticPayload {
  std::uint8_t type;
  std::string_view name;
  std::uint32_t clock_rate;
  std::string_view channels;
};
constexpr StaticPayload kStaticPayloads[] = {
    // Channels as a=rtpmap would write them: omitted when one (RFC 8866 §6.6).
    {0, "PCMU", 8000, ""},   {3, "GSM", 8000, ""},    {4, "G723", 8000, ""},
    {5, "DVI4", 8000, ""},   {6, "DVI4", 16000, ""},  {7, "LPC", 8000, ""},
    {8, "PCMA", 8000, ""},   {9, "G722", 8000, ""},   {10, "L16", 44100, "2"},
    {11, "L16", 44100, ""},  {12, "QCELP", 8000, ""}, {13, "CN", 8000, ""},
    {14, "MPA", 90000, ""},  {15, "G728", 8000, ""},  {16, "DVI4", 11025, ""},
    {17, "DVI4", 22050, ""}, {18, "G729", 8000, ""},  {25, "CelB", 90000, ""},
    {26, "JPEG", 90000, ""}, {28, "nv", 90000, ""},   {31, "H261", 90000, ""},
    {32, "MPV", 90000, ""},  {33, "MP2T", 90000, ""}, {34, "H263", 90000, ""},
};

constexpr std::string_view kDirections[] = {"sendrecv", "sendonly", "recvonly", "inactive"};

// "<format> <rest>": the rest when value starts with the format, else nullopt.
std::optional<std::string_view> for_format(std::string_view value, std::string_view format) {
  if (value.size() <= format.size() || !value.starts_with(format) || value[format.size()] != ' ')
    return std::nullopt;
  value.remove_prefix(format.size() + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

void append_connection(std::string& out, const Connection& c) {
  out += "c=" + c.nettype + ' ' + c.addrtype + ' ' + c.address;
  if (c.ttl) out += '/' + std::to_string(*c.ttl);
  if (c.address_count) out += '/' + std::to_string(*c.address_count);
  out += "\r\n";
}

std::string typed(const TypedTime& t) {
  return t.unit == '\0' ? std::to_string(t.value) : std::to_string(t.value) + t.unit;
}

void append_time(std::string& out, const TimeDescription& t) {
  out += "t=" + std::to_string(t.start) + ' ' + std::to_string(t.stop) + "\r\n";
  for (const RepeatTime& r : t.repeats) {
    out += "r=" + typed(r.interval) + ' ' + typed(r.duration);
    for (const TypedTime& offset : r.offsets) out += ' ' + typed(offset);
    out += "\r\n";
  }
  if (t.zone_adjustments.empty()) return;
  out += "z=";
  for (const ZoneAdjustment& z : t.zone_adjustments) {
    if (&z != &t.zone_adjustments.front()) out += ' ';
    out += std::to_string(z.time) + (z.negative ? " -" : " ") + typed(z.offset);
  }
  out += "\r\n";
}

void append_bandwidths(std::string& out, const std::vector<Bandwidth>& bandwidths) {
  for (const Bandwidth& b : bandwidths)
    out += "b=" + b.type + ':' + std::to_string(b.value) + "\r\n";
}

void append_key_and_attributes(std::string& out, const std::optional<std::string>& key,
                               const Attributes& attributes) {
  if (key) out += "k=" + *key + "\r\n";
  for (const Attribute& a : attributes)
    out += "a=" + a.name + (a.value ? ":" + *a.value : std::string()) + "\r\n";
}

void append_text(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

}  // namespace

std::uint64_t TypedTime::seconds() const {
  std::uint64_t scale = unit == 'd' ? 86400 : unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
  if (value > std::numeric_limits<std::uint64_t>::max() / scale)
    return std::numeric_limits<std::uint64_t>::max();
  return value * scale;
}

std::string_view to_string(Direction d) { return kDirections[static_cast<std::size_t>(d)]; }

Direction reversed(Direction d) {
  if (d == Direction::SendOnly) return Direction::RecvOnly;
  if (d == Direction::RecvOnly) return Direction::SendOnly;
  return d;
}

const Attribute* Attributes::find(std::string_view name) const {
  for (const Attribute& a : items_)
    if (a.name == name) return &a;
  return nullptr;
}

std::optional<std::string_view> Attributes::get(std::string_view name) const {
  const Attribute* a = find(name);
  if (!a) return std::nullopt;
  return a->value ? std::string_view(*a->value) : std::string_view();
}

std::vector<std::string_view> Attributes::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const Attribute& a : items_)
    if (a.name == name) out.push_back(a.value ? std::string_view(*a.value) : std::string_view());
  return out;
}

void Attributes::add(std::string name, std::optional<std::string> value) {
  items_.push_back(Attribute{std::move(name), std::move(value)});
}

std::size_t Attributes::remove(std::string_view name) {
  return std::erase_if(items_, [&](const Attribute& a) { return a.name == name; });
}

std::optional<Direction> Attributes::direction() const {
  for (const Attribute& a : items_) {
    if (a.value) continue;
    for (std::size_t i = 0; i < std::size(kDirections); ++i)
      if (a.name == kDirections[i]) return static_cast<Direction>(i);
  }
  return std::nullopt;
}

void Attributes::set_direction(Direction d) {
  for (std::string_view name : kDirections) remove(name);
  add(std::string(to_string(d)));
}

std::optional<RtpMap> Media::rtpmap(std::string_view payload_type) const {
  for (const Attribute& a : attributes) {
    if (a.name != "rtpmap" || !a.value) continue;
    auto rest = for_format(*a.value, payload_type);
    if (!rest) continue;
    // <encoding name>/<clock rate>[/<encoding parameters>]
    std::size_t s1 = rest->find('/');
    if (s1 == 0 || s1 == std::string_view::npos) return std::nullopt;
    std::size_t s2 = rest->find('/', s1 + 1);
    RtpMap map;
    map.encoding_name = rest->substr(0, s1);
    auto rate = number<std::uint32_t>(
        rest->substr(s1 + 1, s2 == std::string_view::npos ? std::string_view::npos : s2 - s1 - 1));
    if (!rate) return std::nullopt;
    map.clock_rate = *rate;
    if (s2 != std::string_view::npos) map.encoding_parameters = rest->substr(s2 + 1);
    return map;
  }
  if (proto.find("RTP/") == std::string::npos) return std::nullopt;
  auto pt = number<std::uint32_t>(payload_type);
  if (!pt) return std::nullopt;
  for (const StaticPayload& s : kStaticPayloads)
    if (s.type == *pt) return RtpMap{s.name, s.clock_rate, s.channels};
  return std::nullopt;
}

std::optional<std::string_view> Media::fmtp(std::string_view payload_type) const {
  for (const Attribute& a : attributes)
    if (a.name == "fmtp" && a.value)
      if (auto rest = for_format(*a.value, payload_type)) return rest;
  return std::nullopt;
}

Direction Sdp::direction(const Media& m) const {
  if (auto d = m.attributes.direction()) return *d;
  return attributes.direction().value_or(Direction::SendRecv);
}

const Connection* Sdp::connection_for(const Media& m) const {
  if (!m.connections.empty()) return &m.connections.front();
  return connection ? &*connection : nullptr;
}

ParseResult<Sdp> parse_sdp(std::string_view text, const SdpLimits& limits) {
  auto error = [](std::uint32_t line, std::size_t offset, std::string_view what) {
    return fail(ParseError{400, "SDP line " + std::to_string(line) + ": " + std::string(what), line,
                           offset});
  };
  if (text.size() > limits.max_size)
    return fail(
        ParseError{400, "SDP larger than " + std::to_string(limits.max_size) + " bytes", 0, 0});
  Parser parser(limits);
  std::uint32_t number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = pos;
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number;
    if (number > limits.max_lines)
      return error(number, start, "more than " + std::to_string(limits.max_lines) + " lines");
    if (line.empty()) {
      // Blank lines after the last one are a common sloppiness; anywhere else they are an error.
      if (text.find_first_not_of("\r\n", start) == std::string_view::npos) break;
      return error(number, start, "empty line");
    }
    if (line.size() > limits.max_line_length)
      return error(number, start,
                   "longer than " + std::to_string(limits.max_line_length) + " bytes");
    // <type>=<value>, <type> exactly one character, no white space around '=' (RFC 8866 §5).
    if (line.size() < 2 || line[1] != '=' || !chars::is_alpha(line[0]))
      return error(number, start, "expected '<type>=<value>'");
    // Text fields exclude NUL, CR and LF (RFC 8866 §9 byte-string).
    if (std::size_t bad = line.find_first_of(std::string_view("\0\r", 2));
        bad != std::string_view::npos)
      return error(number, start + bad, line[bad] == '\r' ? "CR inside a line" : "NUL in a line");
    char type = line[0];
    if (std::strchr("vosiuepcbtrzkam", type) == nullptr)
      return error(number, start,
                   std::string("unknown line type '") + type +
                       "=' (RFC 8866 §5: a description with a type letter the parser does not "
                       "understand is rejected)");
    std::string_view value = line.substr(2);
    // Every value is at least one character: byte-string, token and number are all 1*.
    if (value.empty()) return error(number, start, std::string(1, type) + "= has an empty value");
    if (auto e = parser.line(type, value, number, start)) return error(number, start, *e);
  }
  // Errors about what is missing point past the last line.
  std::uint32_t at = number + 1;
  std::size_t offset = text.size();
  if (auto e = parser.finish(at, offset)) return error(at, offset, *e);
  return parser.take();
}

std::string to_string(const Sdp& sdp) {
  std::string out;
  out.reserve(512);
  out += "v=" + std::to_string(sdp.version) + "\r\n";
  const Origin& o = sdp.origin;
  out += "o=" + o.username + ' ' + o.session_id + ' ' + std::to_string(o.session_version) + ' ' +
         o.nettype + ' ' + o.addrtype + ' ' + o.address + "\r\n";
  append_text(out, 's', sdp.session_name);
  if (sdp.information) append_text(out, 'i', *sdp.information);
  if (sdp.uri) append_text(out, 'u', *sdp.uri);
  for (const std::string& e : sdp.emails) append_text(out, 'e', e);
  for (const std::string& p : sdp.phones) append_text(out, 'p', p);
  if (sdp.connection) append_connection(out, *sdp.connection);
  append_bandwidths(out, sdp.bandwidths);
  if (sdp.times.empty()) out += "t=0 0\r\n";
  for (const TimeDescription& t : sdp.times) append_time(out, t);
  append_key_and_attributes(out, sdp.key, sdp.attributes);
  for (const Media& m : sdp.media) {
    out += "m=" + m.type + ' ' + std::to_string(m.port);
    if (m.port_count) out += '/' + std::to_string(*m.port_count);
    out += ' ' + m.proto;
    for (const std::string& f : m.formats) out += ' ' + f;
    out += "\r\n";
    if (m.information) append_text(out, 'i', *m.information);
    for (const Connection& c : m.connections) append_connection(out, c);
    append_bandwidths(out, m.bandwidths);
    append_key_and_attributes(out, m.key, m.attributes);
  }
  return out;
}

std::optional<ParseError> validate(const Sdp& sdp) {
  auto parsed = parse_sdp(to_string(sdp));
  if (!parsed) return std::move(parsed).error();
  // A model built in code may leave the time list empty; it is written as "t=0 0".
  if (sdp.times.empty() && parsed->times == std::vector<TimeDescription>(1)) parsed->times.clear();
  if (*parsed != sdp)
    return ParseError{400,
                      "SDP: a field does not survive serialization (a space, a '/' or a ':' "
                      "where the grammar has none?)",
                      0, 0};
  return std::nullopt;
}

}  // namespace parley::message
