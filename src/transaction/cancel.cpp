#include "transaction/cancel.hpp"

#include "message/builder.hpp"
#include "message/header_id.hpp"

namespace parley::transaction {

using message::HeaderId;

Result<message::Message, std::string> make_cancel(const message::Message& invite) {
  if (!invite.is_request() || invite.method() != message::Method::Invite)
    return fail(std::string("only an INVITE is cancelled (RFC 3261 §9.1)"));
  auto vias = invite.values(HeaderId::Via);
  if (vias.empty()) return fail(std::string("the INVITE has no Via"));
  const auto& cseq = invite.cseq();
  if (!cseq) return fail(std::string("the INVITE has no valid CSeq"));
  const auto* from = invite.find(HeaderId::From);
  const auto* to = invite.find(HeaderId::To);
  auto call_id = invite.call_id();
  if (!from || !to || !call_id) return fail(std::string("the INVITE lacks From, To or Call-ID"));

  auto b = message::MessageBuilder::request("CANCEL", invite.request_uri_text());
  b.header(HeaderId::Via, vias.front());  // §9.1: the top Via only, branch included
  b.header(HeaderId::MaxForwards, "70");
  // §9.1: "If the request being cancelled contains a Route header field, the CANCEL request MUST
  // include that Route header field's values."
  for (const auto& f : invite.fields())
    if (f.id == HeaderId::Route) b.header(HeaderId::Route, f.value);
  b.header(HeaderId::To, to->value);
  b.header(HeaderId::From, from->value);
  b.header(HeaderId::CallId, *call_id);
  b.header(HeaderId::CSeq, std::to_string(cseq->number) + " CANCEL");
  auto built = std::move(b).build();
  if (!built) return fail("the CANCEL does not parse: " + built.error().describe());
  return std::move(*built);
}

}  // namespace parley::transaction
