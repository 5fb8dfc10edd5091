#include "body_json.hpp"

#include <algorithm>
#include <string>

#include "message/media_header.hpp"
#include "message/multipart.hpp"

namespace parley::app {

namespace {

using nlohmann::json;

json to_json(const message::Connection& c) {
  json j = {{"nettype", c.nettype}, {"addrtype", c.addrtype}, {"address", c.address}};
  if (c.ttl) j["ttl"] = *c.ttl;
  if (c.address_count) j["count"] = *c.address_count;
  return j;
}

json to_json(const message::Attributes& attrs) {
  json out = json::array();
  for (const auto& a : attrs)
    out.push_back({{"name", a.name}, {"value", a.value ? json(*a.value) : json()}});
  return out;
}

json bandwidths(const std::vector<message::Bandwidth>& bs) {
  json out = json::array();
  for (const auto& b : bs) out.push_back({{"type", b.type}, {"value", b.value}});
  return out;
}

// The line of the message on which the body starts (1-based).
std::uint32_t body_line(const message::Message& m) {
  std::uint32_t line = 1;
  for (const auto& f : m.fields()) line = std::max(line, f.line);
  return line + 2;  // the last field, then the empty line
}

message::ParseError located(message::ParseError e, const message::Message& m) {
  e.what = "body: " + e.what;
  e.line = body_line(m) + (e.line > 0 ? e.line - 1 : 0);
  // 488 is for an offer a UAS cannot accept; a description that does not parse is a bad request.
  return e;
}

}  // namespace

json to_json(const message::Sdp& sdp) {
  json j;
  j["version"] = sdp.version;
  j["origin"] = {{"username", sdp.origin.username},
                 {"session_id", sdp.origin.session_id},
                 {"session_version", sdp.origin.session_version},
                 {"nettype", sdp.origin.nettype},
                 {"addrtype", sdp.origin.addrtype},
                 {"address", sdp.origin.address}};
  j["session_name"] = sdp.session_name;
  if (sdp.information) j["information"] = *sdp.information;
  if (sdp.connection) j["connection"] = to_json(*sdp.connection);
  j["bandwidths"] = bandwidths(sdp.bandwidths);
  json times = json::array();
  for (const auto& t : sdp.times) times.push_back({{"start", t.start}, {"stop", t.stop}});
  j["times"] = times;
  j["attributes"] = to_json(sdp.attributes);
  json media = json::array();
  for (const auto& m : sdp.media) {
    json mj = {{"type", m.type},
               {"port", m.port},
               {"proto", m.proto},
               {"formats", m.formats},
               {"direction", message::to_string(sdp.direction(m))}};
    if (m.port_count) mj["port_count"] = *m.port_count;
    if (const auto* c = sdp.connection_for(m)) mj["connection"] = to_json(*c);
    json codecs = json::array();
    for (const auto& pt : m.formats) {
      auto map = m.rtpmap(pt);
      if (!map) continue;
      json cj = {
          {"payload_type", pt}, {"encoding", map->encoding_name}, {"clock_rate", map->clock_rate}};
      if (!map->encoding_parameters.empty()) cj["parameters"] = map->encoding_parameters;
      if (auto fmtp = m.fmtp(pt)) cj["fmtp"] = *fmtp;
      codecs.push_back(std::move(cj));
    }
    mj["codecs"] = codecs;
    mj["bandwidths"] = bandwidths(m.bandwidths);
    mj["attributes"] = to_json(m.attributes);
    media.push_back(std::move(mj));
  }
  j["media"] = media;
  return j;
}

BodyReport inspect_body(const message::Message& m) {
  BodyReport r;
  const auto* ct_field = m.find(message::HeaderId::ContentType);
  if (!ct_field || m.body().empty()) return r;
  auto ct = message::parse_media_type(ct_field->value);
  if (!ct) return r;  // lint reports the header itself
  if (ct->is("application", "sdp")) {
    auto sdp = message::parse_sdp(m.body());
    if (sdp)
      r.json["sdp"] = to_json(*sdp);
    else
      r.problem = located(sdp.error(), m);
    return r;
  }
  if (!message::iequals(ct->type, "multipart")) return r;
  auto boundary = message::multipart_boundary(ct_field->value);
  if (!boundary) {
    r.problem = located(boundary.error(), m);
    return r;
  }
  auto parts = message::parse_multipart(m.body(), *boundary);
  if (!parts) {
    r.problem = located(parts.error(), m);
    return r;
  }
  json pj = json::array();
  for (const auto& part : *parts) {
    json p = {{"content_type", part.content_type()}, {"size", part.body.size()}};
    auto pct = message::parse_media_type(part.content_type());
    if (pct && pct->is("application", "sdp")) {
      auto sdp = message::parse_sdp(part.body);
      if (sdp)
        p["sdp"] = to_json(*sdp);
      else if (!r.problem)
        r.problem = located(sdp.error(), m);
    }
    pj.push_back(std::move(p));
  }
  r.json["parts"] = pj;
  return r;
}

}  // namespace parley::app
