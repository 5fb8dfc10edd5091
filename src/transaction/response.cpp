#include "transaction/response.hpp"

#include <cstring>

#include "message/builder.hpp"
#include "message/header_id.hpp"
#include "message/status.hpp"

namespace parley::transaction {

namespace {

using message::HeaderField;
using message::HeaderId;

// The field as received when it is one line; else its canonical name and (unfolded) value.
void append_field(std::string& out, const HeaderField& f) {
  if (!f.raw.empty() && std::memchr(f.raw.data(), '\n', f.raw.size()) == nullptr) {
    out.append(f.raw);
  } else {
    out.append(message::header_name(f.id)).append(": ").append(f.value);
  }
}

bool to_has_tag(const message::Message& request, const HeaderField& to) {
  // No ';' at all: no parameter, so no tag. Otherwise the name-addr rules decide (a ';' inside
  // <...> belongs to the URI).
  if (to.value.find(';') == std::string_view::npos) return false;
  const auto& parsed = request.to();
  return !parsed || parsed->tag().has_value();  // unparsable: leave it as it is
}

}  // namespace

std::string response_bytes(const message::Message& request, int status, std::string_view to_tag,
                           std::string_view reason) {
  if (status == 100 || status < 100 || status > 699)
    return message::response_to(request, status, reason, to_tag).finish();
  if (reason.empty()) reason = message::reason_phrase(status);
  std::string out;
  out.reserve(64 + (request.find(HeaderId::Via) ? 256 : 0) + 256);
  char code[4] = {static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
                  static_cast<char>('0' + status % 10), ' '};
  out.append("SIP/2.0 ").append(code, 4).append(reason).append("\r\n");
  const HeaderField *from = nullptr, *to = nullptr, *call_id = nullptr, *cseq = nullptr;
  for (const HeaderField& f : request.fields()) {
    switch (f.id) {
      case HeaderId::Via:  // every Via, in order (§8.2.6.2)
        append_field(out, f);
        out.append("\r\n");
        break;
      case HeaderId::From:
        if (!from) from = &f;
        break;
      case HeaderId::To:
        if (!to) to = &f;
        break;
      case HeaderId::CallId:
        if (!call_id) call_id = &f;
        break;
      case HeaderId::CSeq:
        if (!cseq) cseq = &f;
        break;
      default:
        break;
    }
  }
  if (from) append_field(out, *from), out.append("\r\n");
  if (to) {
    append_field(out, *to);
    if (!to_tag.empty() && !to_has_tag(request, *to)) out.append(";tag=").append(to_tag);
    out.append("\r\n");
  }
  if (call_id) append_field(out, *call_id), out.append("\r\n");
  if (cseq) append_field(out, *cseq), out.append("\r\n");
  out.append("Content-Length: 0\r\n\r\n");
  return out;
}

}  // namespace parley::transaction
