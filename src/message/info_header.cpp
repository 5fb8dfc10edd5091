#include "message/info_header.hpp"

#include <array>

#include "message/header_values.hpp"
#include "message/scanner.hpp"

namespace parley::message {

namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                       "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<ParseError> expect_end(Scanner& s) {
  s.skip_ws();
  if (!s.eof()) return s.error(std::string("unexpected '") + s.peek() + "'");
  return std::nullopt;
}

// A comment at the scanner: "(" ... ")" with nesting and quoted-pairs; returns its inside.
std::optional<std::string_view> comment(Scanner& s) {
  if (s.peek() != '(') return std::nullopt;
  std::size_t start = s.pos() + 1;
  int depth = 0;
  do {
    if (s.eof()) return std::nullopt;
    char c = s.peek();
    if (c == '\\')
      s.advance();
    else if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    s.advance();
  } while (depth > 0);
  return s.text().substr(start, s.pos() - 1 - start);
}

int two_digits(std::string_view v, std::size_t at) {
  if (at + 2 > v.size() || !chars::is_digit(v[at]) || !chars::is_digit(v[at + 1])) return -1;
  return (v[at] - '0') * 10 + (v[at + 1] - '0');
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

}  // namespace

// ---- Alert-Info, Call-Info, Error-Info

void InfoUri::append_to(std::string& out) const {
  out.push_back('<');
  uri.append_to(out);
  out.push_back('>');
  params.append_to(out);
}

std::string InfoUri::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<std::vector<InfoUri>> parse_info_uris(std::string_view value) {
  return parse_list<InfoUri>(value, [](std::string_view item) -> ParseResult<InfoUri> {
    Scanner s(item);
    if (!s.consume('<')) return fail(s.error("expected '<' before the URI"));
    std::size_t gt = item.find('>');
    if (gt == std::string_view::npos) return fail(s.error("missing '>' after the URI"));
    InfoUri info;
    auto uri = parse_uri(item.substr(1, gt - 1));
    if (!uri) return fail(shifted(std::move(uri).error(), 1));
    info.uri = std::move(*uri);
    s.seek(gt + 1);
    auto params = parse_header_params(s);
    if (!params) return fail(std::move(params).error());
    if (auto e = expect_end(s)) return fail(std::move(*e));
    info.params = std::move(*params);
    return info;
  });
}

// ---- Warning

void Warning::append_to(std::string& out) const {
  char code_text[4] = {char('0' + code / 100 % 10), char('0' + code / 10 % 10),
                       char('0' + code % 10), 0};
  out.append(code_text).append(" ").append(agent).append(" \"").append(text).append("\"");
}

std::string Warning::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<std::vector<Warning>> parse_warning(std::string_view value) {
  return parse_list<Warning>(value, [](std::string_view item) -> ParseResult<Warning> {
    Scanner s(item);
    Warning w;
    std::string_view code = s.digits();
    if (code.size() != 3) return fail(syntax_error("warn-code must be three digits"));
    w.code =
        static_cast<std::uint16_t>((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
    if (!s.consume(' ')) return fail(s.error("expected a space after the warn-code"));
    // warn-agent = hostport / pseudonym: host characters, ':' and the brackets of IPv6.
    std::size_t start = s.pos();
    while (!s.eof() &&
           (chars::is_token(s.peek()) || s.peek() == ':' || s.peek() == '[' || s.peek() == ']'))
      s.advance();
    w.agent = item.substr(start, s.pos() - start);
    if (w.agent.empty()) return fail(s.error("expected the warn-agent"));
    if (!s.consume(' ')) return fail(s.error("expected a space after the warn-agent"));
    auto text = s.quoted_string();
    if (!text) return fail(s.error("warn-text must be a quoted string"));
    w.text = *text;
    if (auto e = expect_end(s)) return fail(std::move(*e));
    return w;
  });
}

// ---- Date

void SipDate::append_to(std::string& out) const {
  auto two = [&out](int v) {
    out.push_back(char('0' + v / 10 % 10));
    out.push_back(char('0' + v % 10));
  };
  out.append(kWeekdays[weekday % 7]).append(", ");
  two(day);
  out.append(" ").append(kMonths[(month + 11) % 12]).append(" ").append(std::to_string(year));
  out.push_back(' ');
  two(hour);
  out.push_back(':');
  two(minute);
  out.push_back(':');
  two(second);
  out.append(" GMT");
}

std::string SipDate::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<SipDate> parse_date(std::string_view value) {
  // "Sat, 13 Nov 2010 23:29:00 GMT": fixed width, 29 characters.
  std::string_view v = trim(value);
  std::size_t base = offset_in(value, v);
  auto bad = [&](std::string what, std::size_t at) {
    return fail(syntax_error(std::move(what) + " in '" + std::string(v.substr(0, 40)) +
                                 "' (expected like 'Sat, 13 Nov 2010 23:29:00 GMT')",
                             base + at));
  };
  if (v.size() != 29) return bad("wrong length", 0);
  SipDate d;
  std::size_t wd = 0;
  while (wd < kWeekdays.size() && v.substr(0, 3) != kWeekdays[wd]) ++wd;
  if (wd == kWeekdays.size()) return bad("invalid weekday", 0);
  d.weekday = static_cast<std::uint8_t>(wd);
  if (v.substr(3, 2) != ", ") return bad("expected ', ' after the weekday", 3);
  int day = two_digits(v, 5);
  if (day < 1 || day > 31) return bad("invalid day", 5);
  if (v[7] != ' ') return bad("expected a space after the day", 7);
  std::size_t mon = 0;
  while (mon < kMonths.size() && v.substr(8, 3) != kMonths[mon]) ++mon;
  if (mon == kMonths.size()) return bad("invalid month", 8);
  if (v[11] != ' ') return bad("expected a space after the month", 11);
  int hi = two_digits(v, 12), lo = two_digits(v, 14);
  if (hi < 0 || lo < 0) return bad("invalid year", 12);
  int year = hi * 100 + lo;
  if (v[16] != ' ') return bad("expected a space after the year", 16);
  int hour = two_digits(v, 17), minute = two_digits(v, 20), second = two_digits(v, 23);
  if (v[19] != ':' || v[22] != ':' || hour < 0 || minute < 0 || second < 0)
    return bad("expected HH:MM:SS", 17);
  if (hour > 23 || minute > 59 || second > 60)
    return fail(
        syntax_error("time " + std::string(v.substr(17, 8)) + " is out of range", base + 17));
  if (v.substr(25) != " GMT") return bad("the time zone must be ' GMT'", 25);
  if (day > days_in_month(year, static_cast<int>(mon) + 1))
    return fail(syntax_error("day " + std::to_string(day) + " does not exist in " +
                                 std::string(kMonths[mon]) + " " + std::to_string(year),
                             base + 5));
  d.year = static_cast<std::uint16_t>(year);
  d.month = static_cast<std::uint8_t>(mon + 1);
  d.day = static_cast<std::uint8_t>(day);
  d.hour = static_cast<std::uint8_t>(hour);
  d.minute = static_cast<std::uint8_t>(minute);
  d.second = static_cast<std::uint8_t>(second);
  return d;
}

// ---- Timestamp

void Timestamp::append_to(std::string& out) const {
  out.append(value);
  if (delay) out.append(" ").append(*delay);
}

std::string Timestamp::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

ParseResult<Timestamp> parse_timestamp(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  Timestamp t;
  std::size_t start = s.pos();
  if (s.digits().empty()) return fail(s.error("expected a number"));
  if (s.consume('.')) s.digits();
  t.value = value.substr(start, s.pos() - start);
  std::size_t before = s.pos();
  s.skip_ws();
  if (!s.eof()) {
    if (s.pos() == before) return fail(s.error(std::string("unexpected '") + s.peek() + "'"));
    start = s.pos();
    s.digits();
    if (s.consume('.')) s.digits();
    if (s.pos() > start) t.delay = value.substr(start, s.pos() - start);
    if (auto e = expect_end(s)) return fail(std::move(*e));
  }
  return t;
}

// ---- Subject, Organization

ParseResult<std::string_view> parse_text(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return fail(syntax_error("control character in text", i));
  }
  return trim(value);
}

// ---- Server, User-Agent

ParseResult<ProductList> parse_product_list(std::string_view value) {
  auto text = parse_text(value);
  if (!text) return fail(std::move(text).error());
  if (text->empty()) return fail(syntax_error("empty value"));
  ProductList list;
  list.text = *text;
  Scanner s(*text);
  while (!s.eof()) {
    Product p;
    if (s.peek() == '(') {
      auto c = comment(s);
      if (!c) break;
      p.comment = *c;
    } else {
      p.name = s.token();
      if (p.name.empty()) break;
      if (s.consume_sep('/')) {
        p.version = s.token();
        if (p.version.empty()) break;
      }
    }
    list.products.push_back(p);
    s.skip_ws();
  }
  if (!s.eof()) list.products.clear();  // not product/comment syntax: keep the text only
  return list;
}

// ---- Priority

ParseResult<std::string_view> parse_priority(std::string_view value) {
  return parse_token(value, "priority-value");
}

// ---- In-Reply-To

ParseResult<std::vector<std::string_view>> parse_in_reply_to(std::string_view value) {
  return parse_list<std::string_view>(value,
                                      [](std::string_view item) { return parse_callid(item); });
}

}  // namespace parley::message
