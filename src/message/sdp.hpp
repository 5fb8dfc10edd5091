// SDP, the Session Description Protocol (RFC 8866, which obsoletes RFC 4566): the application/sdp
// bodies of the offer/answer model (RFC 3264), parsed into a typed model and written back.
//
//   v=0
//   o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
//   s=-
//   c=IN IP4 192.0.2.10
//   t=0 0
//   m=audio 49170 RTP/AVP 0 96
//   a=rtpmap:96 opus/48000/2
//   a=sendonly
//
// Unlike the rest of the message layer, the model owns its strings (std::string, not views into
// the body). That is deliberate:
//  - SDP is off the hot path. A proxy forwards bodies byte for byte and never parses them; only a
//    user agent or a B2BUA does, once per offer or answer.
//  - An SDP outlives the message that carried it. A dialog keeps the last offer and answer long
//    after the INVITE's buffer is gone (RFC 3264 §8: the next offer starts from the previous one,
//    with the o= version incremented).
//  - User agents build and edit SDP: a new port, a=sendonly for hold, a trimmed codec list. With
//    views every edit needs an owned-strings store, and one view of a temporary dangles. Strings
//    make the model a plain value: copy it, compare it, keep it.
// The cost is small: a typical offer has a few dozen short fields, most within the small-string
// buffer of std::string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/error.hpp"

namespace parley::message {

// Every external input is bounded (STYLE.md §4). The defaults take the largest real offers (a
// WebRTC offer with dozens of m= sections and hundreds of candidates) with room.
struct SdpLimits {
  std::size_t max_size = 65535;        // bytes of the whole description
  std::size_t max_lines = 4096;        // lines of the whole description
  std::size_t max_line_length = 8192;  // one line (a long a=fmtp with sprop-parameter-sets fits)
  std::size_t max_media = 128;         // m= sections
  std::size_t max_attributes = 1024;   // a= lines in one section (the session or one m=)
  std::size_t max_formats = 256;       // <fmt> entries of one m= line
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2).
struct Origin {
  std::string username = "-";  // "-" when the host has no user ids
  std::string session_id;      // digits; an identifier, so kept as written
  // RFC 3264 §8: incremented by one with every new offer of the session, hence a number.
  std::uint64_t session_version = 0;
  std::string nettype = "IN";
  std::string addrtype = "IP4";
  std::string address;
  bool operator==(const Origin&) const = default;
};

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7). For IP4 the address may carry
// "/<ttl>[/<number of addresses>]", for IP6 "/<number of addresses>"; other address types keep
// the whole subfield in address.
struct Connection {
  std::string nettype = "IN";
  std::string addrtype = "IP4";
  std::string address;
  std::optional<std::uint8_t> ttl;
  std::optional<std::uint32_t> address_count;
  bool operator==(const Connection&) const = default;
};

// b=<bwtype>:<bandwidth> (RFC 8866 §5.8), kilobits per second for CT and AS.
struct Bandwidth {
  std::string type;
  std::uint64_t value = 0;
  bool operator==(const Bandwidth&) const = default;
};

// A time of r= and z= lines: a number with an optional unit d, h, m or s (RFC 8866 §5.10).
struct TypedTime {
  std::uint64_t value = 0;
  char unit = '\0';               // '\0' for plain seconds as written without a unit
  std::uint64_t seconds() const;  // saturates instead of overflowing
  bool operator==(const TypedTime&) const = default;
};

// r=<repeat interval> <active duration> <offsets from start-time> (RFC 8866 §5.10).
struct RepeatTime {
  TypedTime interval;
  TypedTime duration;
  std::vector<TypedTime> offsets;  // at least one
  bool operator==(const RepeatTime&) const = default;
};

// One "<adjustment time> <offset>" pair of a z= line (RFC 8866 §5.11).
struct ZoneAdjustment {
  std::uint64_t time = 0;
  bool negative = false;
  TypedTime offset;
  bool operator==(const ZoneAdjustment&) const = default;
};

// t= with its r= lines and their z= line (RFC 8866 §5.9-5.11, §9 time-description). Times are
// seconds since 1900; "t=0 0" is a permanent session, what SIP uses (RFC 3264 §5).
struct TimeDescription {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  std::vector<RepeatTime> repeats;
  // RFC 8866 §5.11: a z= line modifies the r= lines it follows, so it lives here and is written
  // only after at least one r=.
  std::vector<ZoneAdjustment> zone_adjustments;
  bool operator==(const TimeDescription&) const = default;
};

// a=<attribute-name>[:<attribute-value>] (RFC 8866 §5.13).
struct Attribute {
  std::string name;
  std::optional<std::string> value;  // absent for a property attribute such as a=recvonly
  bool operator==(const Attribute&) const = default;
};

// RFC 3264 §5.1, RFC 8866 §6.7: the direction attributes. sendrecv when none is given.
enum class Direction : std::uint8_t { SendRecv, SendOnly, RecvOnly, Inactive };
std::string_view to_string(Direction d);
// The direction with sending and receiving swapped: what an answer to an offer of d may say.
Direction reversed(Direction d);

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6).
// Views into the attribute (or into a static table for RFC 3551's static payload types).
struct RtpMap {
  std::string_view encoding_name;  // case-insensitive (RFC 4855 §3): compare with iequals
  std::uint32_t clock_rate = 0;
  std::string_view encoding_parameters;  // audio: the number of channels; empty when absent
};

// The a= lines of one section (session or media), in order. Names compare exactly: SDP is
// case-significant unless a field says otherwise (RFC 8866 §5).
class Attributes {
 public:
  const Attribute* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // The value of the first a=name; an empty view for a property attribute; nullopt when absent.
  std::optional<std::string_view> get(std::string_view name) const;
  // The values of every a=name (a=candidate, a=rtcp-fb, ...), in order.
  std::vector<std::string_view> get_all(std::string_view name) const;

  void add(std::string name, std::optional<std::string> value = std::nullopt);
  // Removes every a=name; returns how many.
  std::size_t remove(std::string_view name);

  // The direction attribute of this section, if it has one (the first, should there be several).
  std::optional<Direction> direction() const;
  // Replaces any direction attribute with a=<d>.
  void set_direction(Direction d);

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const Attribute& operator[](std::size_t i) const { return items_[i]; }
  std::vector<Attribute>::const_iterator begin() const { return items_.begin(); }
  std::vector<Attribute>::const_iterator end() const { return items_.end(); }
  bool operator==(const Attributes&) const = default;

 private:
  std::vector<Attribute> items_;
};

// m=<media> <port>[/<number of ports>] <proto> <fmt> ... and the lines that follow it
// (RFC 8866 §5.14).
struct Media {
  std::string type;        // <media>: audio, video, text, application, message, image
  std::uint16_t port = 0;  // 0 rejects or disables the stream (RFC 3264 §6, §8.2)
  std::optional<std::uint32_t> port_count;
  std::string proto;                 // RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, udptl, TCP/MSRP, ...
  std::vector<std::string> formats;  // RTP payload types for RTP protos
  std::optional<std::string> information;
  std::vector<Connection> connections;  // several only for layered multicast (RFC 8866 §5.7)
  std::vector<Bandwidth> bandwidths;
  std::optional<std::string> key;  // k=, obsolete (RFC 8866 §5.12): kept to show, never to use
  Attributes attributes;

  // The rtpmap of a payload type: its a=rtpmap, else for an RTP proto the static assignment of
  // RFC 3551 §6 (0 is PCMU/8000, 8 PCMA/8000, ...). nullopt when neither says, or it is malformed.
  std::optional<RtpMap> rtpmap(std::string_view payload_type) const;
  // The parameters of a=fmtp:<payload type> <parameters> (RFC 8866 §6.15).
  std::optional<std::string_view> fmtp(std::string_view payload_type) const;
  bool operator==(const Media&) const = default;
};

struct Sdp {
  std::uint32_t version = 0;  // v=0 is the only version there is
  Origin origin;
  std::string session_name = "-";  // RFC 8866 §5.3: never empty; "-" when there is no name
  std::optional<std::string> information;
  std::optional<std::string> uri;
  std::vector<std::string> emails;
  std::vector<std::string> phones;
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  // At least one on the wire; an empty list is written as "t=0 0".
  std::vector<TimeDescription> times;
  std::optional<std::string> key;  // obsolete, see Media::key
  Attributes attributes;
  std::vector<Media> media;

  // RFC 3264 §5.1, RFC 8866 §6.7: the media's own direction attribute, else the session's, else
  // sendrecv.
  Direction direction(const Media& m) const;
  // RFC 8866 §5.7: the media's first c= line, else the session's; nullptr when neither exists
  // (the parser rejects that, so only a model built in code can lack both).
  const Connection* connection_for(const Media& m) const;
  bool operator==(const Sdp&) const = default;
};

// Parses a whole session description. Strict on the order of §5 and on the syntax of §9; lines
// may end in LF alone (§5: parsers SHOULD accept that) and the last line may lack its end. Errors
// carry status 400, the 1-based SDP line in `line`, the byte offset into text in `offset`, and
// "SDP line N: ..." in `what`; a caller answering an offer with 488 sets the status itself.
ParseResult<Sdp> parse_sdp(std::string_view text, const SdpLimits& limits = {});

// Writes the description in the order RFC 8866 §5 requires, every line ending in CRLF. Fields
// are written as they are: check a model built in code with validate().
std::string to_string(const Sdp& sdp);

// nullopt when to_string(sdp) parses back into sdp; else what is wrong (a CR in a text field, an
// empty token, a TTL on an IP6 address, ...).
std::optional<ParseError> validate(const Sdp& sdp);

}  // namespace parley::message
