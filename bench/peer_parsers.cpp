#include "peer_parsers.hpp"

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/su_alloc.h>

namespace bench_peers {

namespace {
su_home_t* home = nullptr;
}

void init() {
  parser_init();  // osip's global tables
  home = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
}

void shutdown() { su_home_unref(home); }

bool osip_parse(std::string_view bytes) {
  osip_message_t* m = nullptr;
  osip_message_init(&m);
  int rc = osip_message_parse(m, bytes.data(), bytes.size());
  osip_message_free(m);
  return rc == 0;
}

bool sofia_parse(std::string_view bytes) {
  msg_t* m = msg_make(sip_default_mclass(), 0, bytes.data(), static_cast<isize_t>(bytes.size()));
  bool ok = m && sip_object(m) && !sip_object(m)->sip_error;
  if (m) msg_destroy(m);
  return ok;
}

}  // namespace bench_peers
