// The timers of RFC 3261 §17 (Table 4 of Appendix A) and RFC 6026 §8: three base values that a
// deployment may tune, and every lettered timer derived from them. A value of zero means "no
// timer": the transition it guards happens at once (Timers D, I, J, K on reliable transports).
#pragma once

#include <algorithm>
#include <chrono>

#include "common/timer.hpp"

namespace parley::transaction {

struct Timers {
  Duration t1 = milliseconds(500);  // RTT estimate (§17.1.1.1)
  Duration t2 = seconds(4);         // longest retransmit interval for non-INVITE and INVITE finals
  Duration t4 = seconds(5);         // longest time a message stays in the network
  // §17.2.1: an INVITE server transaction sends 100 (Trying) unless the TU answers within 200 ms.
  Duration trying = milliseconds(200);

  // §17.1.1.2: INVITE retransmit interval, initially T1 and doubling (no T2 cap).
  Duration a() const { return t1; }
  // §17.1.1.2: INVITE transaction timeout.
  Duration b() const { return 64 * t1; }
  // §17.1.1.2: "at least 32 seconds for unreliable transports, and zero for reliable ones"; kept
  // at 64*T1 when T1 is raised, so that it outlasts the server's Timer H.
  Duration d(bool reliable) const {
    return reliable ? Duration::zero() : std::max<Duration>(seconds(32), 64 * t1);
  }
  // §17.1.2.2: non-INVITE retransmit interval, initially T1, doubling up to T2.
  Duration e() const { return t1; }
  // §17.1.2.2: non-INVITE transaction timeout.
  Duration f() const { return 64 * t1; }
  // §17.2.1: INVITE final-response retransmit interval, initially T1, doubling up to T2.
  Duration g() const { return t1; }
  // §17.2.1: wait for the ACK.
  Duration h() const { return 64 * t1; }
  // §17.2.1: absorb ACK retransmissions.
  Duration i(bool reliable) const { return reliable ? Duration::zero() : t4; }
  // §17.2.2: absorb non-INVITE request retransmissions.
  Duration j(bool reliable) const { return reliable ? Duration::zero() : 64 * t1; }
  // §17.1.2.2: absorb non-INVITE response retransmissions.
  Duration k(bool reliable) const { return reliable ? Duration::zero() : t4; }
  // RFC 6026 §8.7: an INVITE server transaction waits in Accepted for 2xx retransmissions and ACKs.
  Duration l() const { return 64 * t1; }
  // RFC 6026 §8.4: an INVITE client transaction waits in Accepted for 2xx retransmissions.
  Duration m() const { return 64 * t1; }
};

}  // namespace parley::transaction
