// The parsers parley is compared with, each behind a plain function in its own translation unit:
// their C headers define macros that must not meet parley's code.
#pragma once

#include <string_view>

namespace bench_peers {
void init();
void shutdown();
// libosip2: osip_message_parse, which parses the start line and the headers osip knows.
bool osip_parse(std::string_view bytes);
// Sofia-SIP: msg_make with the default SIP message class, which parses every header it knows.
bool sofia_parse(std::string_view bytes);
}  // namespace bench_peers
