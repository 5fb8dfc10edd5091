#include "message/multipart.hpp"

#include <cstring>

#include "message/scanner.hpp"

namespace parley::message {

namespace {

// bchars = bcharsnospace / " ", bcharsnospace = DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / ","
// / "-" / "." / "/" / ":" / "=" / "?" (RFC 2046 §5.1.1)
bool is_bchar(char c) {
  return chars::is_digit(c) || chars::is_alpha(c) ||
         (c != '\0' && std::strchr("'()+_,-./:=? ", c) != nullptr);
}

// A character that forces a parameter value into a quoted-string: tspecials and space
// (RFC 2045 §5.1).
bool needs_quotes(char c) { return c == ' ' || std::strchr("()<>@,;:\\\"/[]?=", c) != nullptr; }

struct Delimiter {
  std::size_t start;  // the first '-' of "--boundary"
  std::size_t next;   // just past the line end that follows it
  bool close;         // "--boundary--"
};

// The first delimiter line ("--" boundary ["--"] transport-padding line-end) that starts at a line
// start at or after from, where from is itself a line start. A line that merely begins with
// "--boundary" and goes on with other characters is not a delimiter.
std::optional<Delimiter> find_delimiter(std::string_view body, std::string_view boundary,
                                        std::size_t from) {
  std::size_t pos = from;
  while (pos < body.size()) {
    std::string_view line = body.substr(pos);
    if (line.starts_with("--") && line.substr(2).starts_with(boundary)) {
      std::size_t p = pos + 2 + boundary.size();
      bool close = body.substr(p).starts_with("--");
      if (close) p += 2;
      while (p < body.size() && chars::is_ws(body[p])) ++p;
      if (p == body.size()) return Delimiter{pos, p, close};
      if (body[p] == '\n') return Delimiter{pos, p + 1, close};
      if (body[p] == '\r' && p + 1 < body.size() && body[p + 1] == '\n')
        return Delimiter{pos, p + 2, close};
    }
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return std::nullopt;
}

ParseError error_at(std::string what, std::size_t offset) {
  return syntax_error("multipart: " + std::move(what), offset);
}

// One encapsulated part (RFC 2046 §5.1.1 body-part = MIME-part-headers [CRLF *OCTET]): header
// lines up to the first empty line, the body after it. base is the part's offset in the body.
ParseResult<BodyPart> parse_part(std::string_view content, std::size_t base, std::size_t index,
                                 const MultipartLimits& limits) {
  BodyPart part;
  std::string prefix = "part " + std::to_string(index) + ": ";
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t nl = content.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? content.size() : nl;
    std::size_t next = nl == std::string_view::npos ? content.size() : nl + 1;
    std::string_view line = content.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {  // the empty line: the body follows
      part.body = content.substr(next);
      return part;
    }
    if (chars::is_ws(line.front())) {
      // A folded line continues the previous value (RFC 5322 §2.2.3).
      if (part.headers.empty())
        return fail(error_at(prefix + "starts with white space", base + pos));
      // A line of white space only adds nothing; taking it in would end the value in a line break.
      MimeHeader& h = part.headers.back();
      if (!trim(line).empty())
        h.value = trim(std::string_view(
            h.value.data(), static_cast<std::size_t>(line.data() + line.size() - h.value.data())));
    } else {
      std::size_t colon = line.find(':');
      std::string_view name =
          colon == std::string_view::npos ? std::string_view() : trim(line.substr(0, colon));
      bool token = !name.empty();
      for (char c : name) token = token && chars::is_token(c);
      if (!token) return fail(error_at(prefix + "header line without 'name:'", base + pos));
      if (part.headers.size() >= limits.max_headers)
        return fail(
            error_at(prefix + "more than " + std::to_string(limits.max_headers) + " header fields",
                     base + pos));
      part.headers.push_back(MimeHeader{name, trim(line.substr(colon + 1))});
    }
    pos = next;
  }
  // Headers and no empty line: a part without a body.
  return part;
}

}  // namespace

std::optional<std::string_view> BodyPart::header(std::string_view name) const {
  for (const MimeHeader& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

std::string_view BodyPart::content_type() const {
  return header("Content-Type").value_or("text/plain");
}

bool valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  for (char c : boundary)
    if (!is_bchar(c)) return false;
  return true;
}

ParseResult<std::string_view> multipart_boundary(std::string_view content_type) {
  Scanner s(content_type);
  s.skip_ws();
  std::string_view type = s.token();
  std::string_view subtype;
  if (s.consume('/')) subtype = s.token();
  if (!iequals(type, "multipart") || subtype.empty())
    return fail(syntax_error("Content-Type '" + std::string(trim(content_type)) +
                             "' is not multipart/<subtype>"));
  std::optional<std::string_view> boundary;
  while (s.consume_sep(';')) {
    std::size_t at = s.offset();
    std::string_view name = s.token();
    if (name.empty() || !s.consume_sep('='))
      return fail(syntax_error("Content-Type: parameter without 'name=value'", at));
    std::string_view value;
    if (s.peek() == '"') {
      auto q = s.quoted_string();
      if (!q) return fail(s.error("Content-Type: unterminated quoted string"));
      value = *q;
    } else {
      std::size_t start = s.pos();
      while (!s.eof() && s.peek() != ';' && !chars::is_ws(s.peek())) s.advance();
      value = s.text().substr(start, s.pos() - start);
    }
    if (iequals(name, "boundary") && !boundary) {
      if (!valid_boundary(value))
        return fail(syntax_error(
            "Content-Type: invalid boundary '" + std::string(value) + "' (RFC 2046 §5.1.1)", at));
      boundary = value;
    }
  }
  s.skip_ws();
  if (!s.eof()) return fail(s.error(std::string("Content-Type: unexpected '") + s.peek() + "'"));
  if (!boundary) return fail(syntax_error("Content-Type: multipart without a boundary parameter"));
  return *boundary;
}

ParseResult<std::vector<BodyPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits) {
  if (!valid_boundary(boundary))
    return fail(error_at("invalid boundary '" + std::string(boundary) + "'", 0));
  std::string close = "--" + std::string(boundary) + "--";
  auto first = find_delimiter(body, boundary, 0);
  if (!first) return fail(error_at("no delimiter line '--" + std::string(boundary) + "'", 0));
  // RFC 2046 §5.1.1: at least one body part precedes the close-delimiter.
  if (first->close) return fail(error_at("no body part before '" + close + "'", first->start));
  std::vector<BodyPart> parts;
  std::size_t part_start = first->next;
  while (true) {
    auto d = find_delimiter(body, boundary, part_start);
    if (!d) return fail(error_at("missing closing delimiter '" + close + "'", body.size()));
    // The line end before a delimiter belongs to the delimiter, not to the part.
    std::size_t end = d->start;
    if (end > part_start && body[end - 1] == '\n') --end;
    if (end > part_start && body[end - 1] == '\r') --end;
    if (parts.size() >= limits.max_parts)
      return fail(
          error_at("more than " + std::to_string(limits.max_parts) + " body parts", part_start));
    auto part =
        parse_part(body.substr(part_start, end - part_start), part_start, parts.size() + 1, limits);
    if (!part) return fail(std::move(part).error());
    parts.push_back(std::move(*part));
    if (d->close) return parts;  // what follows is the epilogue
    part_start = d->next;
  }
}

const BodyPart* find_body_part(const std::vector<BodyPart>& parts, std::string_view media_type) {
  for (const BodyPart& p : parts) {
    std::string_view ct = p.content_type();
    if (iequals(trim(ct.substr(0, ct.find(';'))), media_type)) return &p;
  }
  return nullptr;
}

Result<std::string, std::string> build_multipart(std::span<const BodyPart> parts,
                                                 std::string_view boundary) {
  if (!valid_boundary(boundary))
    return fail("invalid boundary '" + std::string(boundary) + "' (RFC 2046 §5.1.1)");
  std::string dash = "--" + std::string(boundary);
  std::size_t size = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const BodyPart& p = parts[i];
    bool clash = p.body.find(dash) != std::string_view::npos;
    for (const MimeHeader& h : p.headers)
      clash = clash || h.value.find(dash) != std::string_view::npos;
    if (clash)
      return fail("boundary '" + std::string(boundary) + "' occurs in part " +
                  std::to_string(i + 1));
    size += p.body.size() + dash.size() + 8;
    for (const MimeHeader& h : p.headers) size += h.name.size() + h.value.size() + 4;
  }
  std::string out;
  out.reserve(size + dash.size() + 4);
  for (const BodyPart& p : parts) {
    out += dash;
    out += "\r\n";
    for (const MimeHeader& h : p.headers) {
      out += h.name;
      out += ": ";
      out += h.value;
      out += "\r\n";
    }
    out += "\r\n";
    out += p.body;
    out += "\r\n";
  }
  out += dash;
  out += "--\r\n";
  return out;
}

std::string multipart_content_type(std::string_view boundary, std::string_view subtype) {
  std::string out = "multipart/" + std::string(subtype) + ";boundary=";
  bool quote = false;
  for (char c : boundary) quote = quote || needs_quotes(c);
  if (quote)
    append_quoted(out, boundary);
  else
    out += boundary;
  return out;
}

}  // namespace parley::message
