#include "transaction/ack.hpp"

#include "message/builder.hpp"

namespace parley::transaction {

using message::HeaderId;

std::string build_ack(const message::Message& invite, const message::Message& response) {
  auto b = message::MessageBuilder::request(message::Method::Ack, invite.request_uri_text());
  // "The ACK MUST contain a single Via header field, and this MUST be equal to the top Via header
  // field of the original request."
  auto vias = invite.values(HeaderId::Via);
  if (!vias.empty()) b.header(HeaderId::Via, vias.front());
  // "If the INVITE request whose response is being acknowledged had Route header fields, those
  // header fields MUST appear in the ACK."
  for (const message::HeaderField& f : invite.fields())
    if (f.id == HeaderId::Route) b.header(HeaderId::Route, f.value);
  b.header(HeaderId::MaxForwards, "70");
  if (auto* f = invite.find(HeaderId::From)) b.header(HeaderId::From, f->value);
  // "The To header field in the ACK MUST equal the To header field in the response being
  // acknowledged."
  if (auto* f = response.find(HeaderId::To)) b.header(HeaderId::To, f->value);
  if (auto* f = invite.find(HeaderId::CallId)) b.header(HeaderId::CallId, f->value);
  // "... the same value for the sequence number as was present in the original request, but the
  // method parameter MUST be equal to "ACK"."
  const auto& cseq = invite.cseq();
  if (cseq) b.header(HeaderId::CSeq, std::to_string(cseq->number) + " ACK");
  return std::move(b).finish();
}

}  // namespace parley::transaction
