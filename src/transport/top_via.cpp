#include "transport/top_via.hpp"

#include <boost/container/small_vector.hpp>
#include <optional>
#include <string>

namespace parley::transport {

using message::Message;
using message::Via;

boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

namespace {

bool same_address(const Via& via, const boost::asio::ip::address& source) {
  if (via.host_kind == message::HostKind::Name) return false;
  auto sent_by = address_from_text(via.host);
  return sent_by && unmapped(*sent_by) == unmapped(source);
}

// Where a parameter of the edited text is: offsets, as the text may move while it grows.
struct ParamAt {
  std::size_t name = 0, name_size = 0, value = 0, value_size = 0;
  bool has_value = false;
};

struct EditedVia {
  std::string text;
  boost::container::small_vector<ParamAt, 6> params;
};

bool within(std::string_view v, const char* begin, const char* end) {
  return v.empty() || (v.data() >= begin && v.data() + v.size() <= end);
}

// The top via-parm with `received` set and an empty `rport` filled, made by editing its text:
// what every request goes through, so no Params copy and no rendering of the whole Via. Views of
// a parsed Via point into the field's text, which gives each edit's place; where each parameter
// lands is recorded, so that the caller can give the message the parsed result too. nullopt for
// what this does not handle (no parameters, a quoted or empty value, views elsewhere): the
// caller renders the Via instead.
std::optional<EditedVia> edited_text(const Via& top, bool add_received, std::string_view received,
                                     bool fill_rport, std::string_view port) {
  if (top.params.empty()) return std::nullopt;
  for (const message::Param& p : top.params)
    if (p.quoted || (p.has_value && p.value.empty())) return std::nullopt;
  const char* begin = top.protocol_name.data();
  const message::Param& last = *(top.params.end() - 1);
  const char* end =
      last.has_value ? last.value.data() + last.value.size() : last.name.data() + last.name.size();
  if (begin == nullptr || end < begin) return std::nullopt;
  for (std::string_view v : {top.protocol_version, top.transport, top.host})
    if (!within(v, begin, end)) return std::nullopt;
  for (const message::Param& p : top.params)
    if (!within(p.name, begin, end) || !within(p.value, begin, end)) return std::nullopt;

  EditedVia e;
  std::string& out = e.text;
  out.reserve(static_cast<std::size_t>(end - begin) + received.size() + port.size() + 12);
  const char* at = begin;  // copied up to here
  auto copy_to = [&](const char* to) {
    out.append(at, to);
    at = to;
  };
  auto put_value = [&](ParamAt& where, std::string_view value) {
    out.push_back('=');
    where.value = out.size();
    where.value_size = value.size();
    where.has_value = true;
    out.append(value);
  };
  bool have_received = false;
  for (const message::Param& p : top.params) {
    ParamAt where;
    copy_to(p.name.data());
    where.name = out.size();
    where.name_size = p.name.size();
    const char* name_end = p.name.data() + p.name.size();
    if (add_received && message::iequals(p.name, "received")) {
      have_received = true;  // a forged or stale value: replaced where it stands
      copy_to(name_end);
      put_value(where, received);
      at = p.has_value ? p.value.data() + p.value.size() : name_end;
    } else if (fill_rport && !p.has_value && message::iequals(p.name, "rport")) {
      copy_to(name_end);
      put_value(where, port);
    } else if (p.has_value) {
      copy_to(p.value.data());
      where.value = out.size();
      where.value_size = p.value.size();
      where.has_value = true;
    }
    e.params.push_back(where);
  }
  copy_to(end);
  if (add_received && !have_received) {
    out.push_back(';');
    ParamAt where;
    where.name = out.size();
    where.name_size = 8;
    out.append("received");
    put_value(where, received);
    e.params.push_back(where);
  }
  return e;
}

// The Via that `edited` (held by the message as `text`) says: `top`'s views moved into it.
Via rebased(const Via& top, const EditedVia& edited, std::string_view text) {
  const char* begin = top.protocol_name.data();
  // Everything before the first parameter was copied as it was.
  auto moved = [&](std::string_view v) {
    return v.empty() ? v : text.substr(static_cast<std::size_t>(v.data() - begin), v.size());
  };
  Via via;
  via.protocol_name = moved(top.protocol_name);
  via.protocol_version = moved(top.protocol_version);
  via.transport = moved(top.transport);
  via.host = moved(top.host);
  via.host_kind = top.host_kind;
  via.port = top.port;
  for (const ParamAt& p : edited.params)
    via.params.add(
        {text.substr(p.name, p.name_size), text.substr(p.value, p.value_size), p.has_value, false});
  return via;
}

}  // namespace

bool stamp_received(Message& request, const Endpoint& source) {
  const auto& vias = request.via();
  if (!vias || vias->empty()) return false;
  const Via& top = vias->front();
  auto rport = top.params.get("rport");
  bool fill_rport = rport && rport->empty();
  bool add_received = fill_rport || !same_address(top, source.address);
  if (!fill_rport && !add_received) return false;

  // IPv6 goes in received without brackets (RFC 3261 §25.1: via-received = IPv4address /
  // IPv6address).
  const std::string received = address_text(unmapped(source.address));
  const std::string port = std::to_string(source.port);
  if (auto edited = edited_text(top, add_received, received, fill_rport, port)) {
    std::string_view text = request.hold(std::move(edited->text));
    return request.replace_top_via(text, rebased(top, *edited, text));
  }
  Via edited = top;
  message::Params params;
  bool have_received = false;
  for (const message::Param& p : edited.params) {
    if (add_received && message::iequals(p.name, "received")) {
      params.add({p.name, received, true, false});
      have_received = true;
    } else if (fill_rport && message::iequals(p.name, "rport")) {
      params.add({p.name, port, true, false});
    } else {
      params.add(p);
    }
  }
  if (add_received && !have_received) params.add({"received", received, true, false});
  edited.params = std::move(params);
  return request.replace_top_via(edited.to_string());
}

bool set_via_transport(Message& request, Protocol protocol) {
  const auto& vias = request.via();
  if (!vias || vias->empty()) return false;
  Via top = vias->front();
  if (message::iequals(top.transport, via_token(protocol))) return true;
  top.transport = via_token(protocol);
  return request.replace_top_via(top.to_string());
}

}  // namespace parley::transport
