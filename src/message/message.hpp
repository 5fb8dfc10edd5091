// A SIP message (RFC 3261 §7): start line, header fields, body.
//
// Parsing is one pass over the bytes that locates the start line and every header field and
// leaves each value as a view into the buffer the Message owns. A value is parsed into its type
// when somebody asks for it, and the hot headers of a proxy (Via, From, To, CSeq, Route, ...)
// keep that result. Serializing writes the received bytes of every field nobody changed.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "message/cseq.hpp"
#include "message/error.hpp"
#include "message/framer.hpp"
#include "message/header_id.hpp"
#include "message/method.hpp"
#include "message/name_addr.hpp"
#include "message/uri.hpp"
#include "message/via.hpp"

namespace parley::message {

struct HeaderField {
  HeaderId id = HeaderId::Unknown;
  std::string_view name;     // as written ("v", "VIA", "X-Foo")
  std::string_view value;    // trimmed and unfolded
  std::string_view raw;      // the field as received, up to its final line end; empty once changed
  std::uint32_t line = 0;    // 1-based line of the field name; 0 for fields added in code
  std::uint32_t offset = 0;  // byte offset of the value in the received message
};

struct FramedMessage;

class Message {
  struct Empty {};  // a tag: an empty Message is made only by parse()

 public:
  explicit Message(Empty) {}
  // Parses one message. `bytes` is copied once into storage the Message owns; every view the
  // Message hands out lives as long as it (or a copy of it) does. For a datagram the body is
  // whatever follows the header; with Content-Length the body is that many bytes.
  static ParseResult<Message> parse(std::string_view bytes, const Limits& limits = {});

  // The first message of a stream (TCP, TLS; RFC 3261 §18.3), framed and parsed in one pass over
  // its header: what frame(buffer) answers and, for a message, what
  // parse(buffer.substr(0, size)) returns. frame() then parse() scan the header twice.
  static FramedMessage parse_stream(std::string_view buffer, const Limits& limits = {});

  // ---- start line
  bool is_request() const { return status_ == 0; }
  bool is_response() const { return status_ != 0; }
  Method method() const { return method_; }  // requests
  std::string_view method_name() const { return method_name_; }
  std::string_view request_uri_text() const { return request_uri_; }
  const ParseResult<Uri>& request_uri() const;  // parsed on first use
  int status() const { return status_; }        // responses
  std::string_view reason() const { return reason_; }
  std::string_view version() const { return version_; }
  // For responses the method is that of CSeq (a response has no method of its own).
  Method cseq_method() const;

  // ---- header fields, in order
  std::span<const HeaderField> fields() const { return {fields_.data(), fields_.size()}; }
  const HeaderField* find(HeaderId id) const;
  const HeaderField* find(std::string_view name) const;  // any header, by any spelling
  std::size_t count(HeaderId id) const;
  // The raw value of the first field with this name; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every element of a list header across all its fields ("Allow: A, B" + "Allow: C" -> A, B, C).
  std::vector<std::string_view> values(HeaderId id) const;

  // ---- typed access to the headers a proxy reads; parsed once and kept
  const ParseResult<std::vector<Via>>& via() const;  // error when absent
  const ParseResult<NameAddr>& from() const;         // error when absent
  const ParseResult<NameAddr>& to() const;           // error when absent
  std::optional<std::string_view> call_id() const;
  const ParseResult<CSeq>& cseq() const;  // error when absent
  const ParseResult<std::optional<std::uint32_t>>& max_forwards() const;
  const ParseResult<std::vector<NameAddr>>& route() const;         // empty when absent
  const ParseResult<std::vector<NameAddr>>& record_route() const;  // empty when absent
  const ParseResult<ContactList>& contact() const;                 // empty when absent
  const ParseResult<std::optional<std::uint32_t>>& content_length() const;

  // Any other typed header: `parse` is that header's parser. Not cached; error carries the line.
  template <class T, class F>
  std::optional<ParseResult<T>> typed(HeaderId id, F&& parse) const {
    const HeaderField* f = find(id);
    if (!f) return std::nullopt;
    ParseResult<T> r = parse(f->value);
    if (!r) return ParseResult<T>(fail(locate(std::move(r).error(), *f)));
    return r;
  }

  // ---- body
  std::string_view body() const { return body_; }

  // ---- changes (a proxy adds Via and Record-Route, pops Route, decrements Max-Forwards)
  void set_request_uri(std::string uri);
  void set_status(int code, std::string reason);
  // Replaces every field of this header with one field holding value (or appends one).
  void set(HeaderId id, std::string value);
  void set(std::string_view name, std::string value);
  // Adds a field in front of the first field of the same header (a new Via goes on top).
  void prepend(HeaderId id, std::string value);
  // Adds a field after the last one.
  void append(HeaderId id, std::string value);
  void append(std::string_view name, std::string value);
  // Removes every field of this header; returns how many.
  std::size_t remove(HeaderId id);
  std::size_t remove(std::string_view name);
  // Removes the first element of a list header (the topmost Via, the first Route), rewriting the
  // field when it held more than one. Returns false when there is none.
  bool remove_first_value(HeaderId id);
  // Stores `text` for the life of the message and returns it: for a change whose parsed value
  // is made by the caller with views into the stored text (replace_top_via).
  std::string_view hold(std::string text) { return keep(std::move(text)); }
  // Makes `text` the first via-parm of the first Via field, in place (the field keeps its
  // position, the other via-parms their bytes); via() parses it when next asked. False without a
  // Via.
  bool replace_top_via(std::string text);
  // The same for `held` (held by this message) and `parsed`, which must say exactly what `held`
  // says with its views into held or received text: it becomes the first entry of via() without
  // parsing anything again.
  bool replace_top_via(std::string_view held, Via parsed);
  // Sets the body and its Content-Type; Content-Length follows on serialization.
  void set_body(std::string body, std::string content_type = {});

  // ---- output
  // The message as bytes: untouched fields exactly as received, changed ones as "Name: value".
  // Content-Length is written to match the body.
  std::string serialize() const;
  void serialize_to(std::string& out) const;
  // Canonical form for people: full header names, unfolded values, one field per line.
  std::string canonical() const;

  // Same start line, same fields in the same order (names compared by header, values as
  // unfolded), same body.
  friend bool operator==(const Message& a, const Message& b);

  // Rebases an error from a header parser onto this message: line and offset of the field.
  ParseError locate(ParseError e, const HeaderField& f) const;

 private:
  // Typed values of the hot headers, filled on first access; a change to a header clears its slot.
  struct Cache {
    std::optional<ParseResult<Uri>> request_uri;
    std::optional<ParseResult<std::vector<Via>>> via;
    std::optional<ParseResult<NameAddr>> from, to;
    std::optional<ParseResult<CSeq>> cseq;
    std::optional<ParseResult<std::optional<std::uint32_t>>> max_forwards, content_length;
    std::optional<ParseResult<std::vector<NameAddr>>> route, record_route;
    std::optional<ParseResult<ContactList>> contact;
  };
  Message() = default;
  static ParseResult<Message> parse_careful(std::string_view bytes, const Limits& limits);
  bool index_plain(std::string_view bytes, const Limits& limits);
  bool index_lines(std::string_view b, const Limits& limits, std::size_t& body);
  bool index_stream_plain(std::string_view buffer, const Limits& limits, std::size_t& size);
  static bool same_index(const Message& a, const Message& b);
  std::optional<ParseError> read_start_line(std::string_view sl, std::size_t pos,
                                            std::uint32_t line, const Limits& limits);
  std::optional<ParseError> take_body(std::size_t pos, const Limits& limits);
  std::string_view keep(std::string s);  // stores s for the life of the message
  void changed(HeaderId id);
  bool put_top_via(std::string_view held);  // replace_top_via's edit of the field
  void render_field(std::string& out, const HeaderField& f, bool canonical_name) const;
  void render_start_line(std::string& out) const;
  template <class T, class F>
  const ParseResult<T>& cached(std::optional<ParseResult<T>>& slot, HeaderId id, F&& parse) const;

  // Stores a copy of bytes for the life of the message (one allocation) and returns it.
  std::string_view own(std::string_view bytes);
  std::string_view received() const { return {bytes_.get(), bytes_size_}; }

  std::shared_ptr<const char[]> bytes_;
  std::size_t bytes_size_ = 0;
  std::vector<std::shared_ptr<const std::string>> kept_;  // values written in code
  boost::container::small_vector<HeaderField, 24> fields_;
  std::string_view start_line_;  // as received; empty once changed
  std::string_view method_name_, request_uri_, version_, reason_;
  Method method_ = Method::Extension;
  int status_ = 0;
  std::string_view body_;
  mutable Cache cache_;
};

struct FramedMessage {
  Frame frame;
  std::optional<ParseResult<Message>> message;  // when frame.status is FrameStatus::Message
};

}  // namespace parley::message
