// The offer/answer model of RFC 3264 with SDP (message/sdp.hpp), reduced to what a signalling UA
// needs: an offer of one audio stream, and an answer that accepts the streams it can take and
// rejects the others with port 0 (§6), keeping one m= line per offered m= line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace parley::dialog {

// What this UA says about its media: the address and port it would receive RTP on and the
// payload types it takes (static RFC 3551 types: 0 PCMU, 8 PCMA).
struct LocalMedia {
  std::string address = "127.0.0.1";
  bool ipv6 = false;
  std::uint16_t port = 4000;
  std::vector<std::string> formats = {"0", "8"};
};

// RFC 3264 §5: a session description offering one audio stream. `version` is the o= line's
// session version: one higher for every new offer of the session (§8).
std::string make_offer(const LocalMedia& media, std::uint64_t session_id, std::uint64_t version);

// RFC 3264 §6: the answer to `offer`. Error: the offer cannot be read or offers nothing this UA
// takes (the UAS answers 488 Not Acceptable Here).
Result<std::string, std::string> make_answer(std::string_view offer, const LocalMedia& media,
                                             std::uint64_t session_id, std::uint64_t version);

}  // namespace parley::dialog
