#include "dialog/offer_answer.hpp"

#include <algorithm>

#include "message/sdp.hpp"

namespace parley::dialog {

namespace {

message::Sdp skeleton(const LocalMedia& media, std::uint64_t session_id, std::uint64_t version) {
  message::Sdp s;
  s.origin.username = "parley";
  s.origin.session_id = std::to_string(session_id);
  s.origin.session_version = version;
  s.origin.addrtype = media.ipv6 ? "IP6" : "IP4";
  s.origin.address = media.address;
  s.session_name = "-";
  message::Connection c;
  c.addrtype = s.origin.addrtype;
  c.address = media.address;
  s.connection = c;
  s.times.push_back({});  // t=0 0 (RFC 3264 §5)
  return s;
}

}  // namespace

std::string make_offer(const LocalMedia& media, std::uint64_t session_id, std::uint64_t version) {
  auto s = skeleton(media, session_id, version);
  message::Media m;
  m.type = "audio";
  m.port = media.port;
  m.proto = "RTP/AVP";
  m.formats = media.formats;
  m.attributes.set_direction(message::Direction::SendRecv);
  s.media.push_back(std::move(m));
  return message::to_string(s);
}

Result<std::string, std::string> make_answer(std::string_view offer, const LocalMedia& media,
                                             std::uint64_t session_id, std::uint64_t version) {
  auto parsed = message::parse_sdp(offer);
  if (!parsed) return fail(parsed.error().describe());
  auto s = skeleton(media, session_id, version);
  bool accepted_any = false;
  for (const auto& offered : parsed->media) {
    message::Media m;
    m.type = offered.type;
    m.proto = offered.proto;
    // RFC 3264 §6.1: the formats of the answer are those of the offer this UA takes, in the
    // offer's order of preference.
    for (const auto& f : offered.formats)
      if (std::find(media.formats.begin(), media.formats.end(), f) != media.formats.end())
        m.formats.push_back(f);
    bool take = offered.type == "audio" && offered.proto == "RTP/AVP" && offered.port != 0 &&
                !m.formats.empty() && !accepted_any;
    if (take) {
      m.port = media.port;
      // §6.1: a sendonly offer is answered recvonly, and so on.
      m.attributes.set_direction(message::reversed(parsed->direction(offered)));
      accepted_any = true;
    } else {
      // §6: "An offered stream MAY be rejected in the answer ... by setting the port to zero";
      // the m= line still lists at least one format.
      m.port = 0;
      m.formats = offered.formats.empty() ? std::vector<std::string>{"0"}
                                          : std::vector<std::string>{offered.formats.front()};
    }
    s.media.push_back(std::move(m));
  }
  if (!accepted_any) return fail(std::string("no offered stream is acceptable"));
  return message::to_string(s);
}

}  // namespace parley::dialog
