// Finding line ends fast: the header of a SIP message is a run of short lines, and both the framer
// and the parser walk it line by line. scan_lines() classifies 64 bytes at a time (SSE2 on x86-64,
// a portable loop elsewhere) into bit masks — where the LFs are, where the colons are, and where
// the bytes are that a header line may not hold (controls but HTAB, and DEL) — so that finding
// the next line, its first colon, and knowing it is clean cost a few bit operations, not a call
// and a loop per line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace parley::message {

struct ScannedLine {
  std::size_t start = 0;  // first byte of the line
  std::size_t lf = 0;     // its '\n'
  // The first ':' of the line, or npos.
  std::size_t colon = std::string_view::npos;
  // No control character (but HTAB) and no DEL in [start, lf), except one CR right before the
  // LF. A line that is not plain may still be valid (a fold's CR LF is checked elsewhere); it
  // sends the parser to its careful path.
  bool plain = false;
};

namespace line_scan_detail {

// lf: the LFs; colon: the colons; ctl: every byte below 0x20 (LF, CR and HTAB included) and DEL.
// Three masks, not one for each byte a plain line may hold: CRs and HTABs are rare apart from the
// CR before each LF, so scan_lines sorts them out of ctl where they occur.
struct Masks {
  std::uint64_t lf = 0, ctl = 0, colon = 0;
};

inline Masks classify(const char* p) {
  Masks m;
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n'), c1f = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f),
                colon = _mm_set1_epi8(':');
  for (int i = 0; i < 4; ++i) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    // x <= 0x1f, or DEL
    __m128i ctl = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x), _mm_cmpeq_epi8(x, del));
    auto bits = [](__m128i v) {
      return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(v)));
    };
    m.lf |= bits(_mm_cmpeq_epi8(x, lf)) << (16 * i);
    m.ctl |= bits(ctl) << (16 * i);
    m.colon |= bits(_mm_cmpeq_epi8(x, colon)) << (16 * i);
  }
#else
  for (int i = 0; i < 64; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    m.lf |= static_cast<std::uint64_t>(c == '\n') << i;
    m.ctl |= static_cast<std::uint64_t>(c < 0x20 || c == 0x7f) << i;
    m.colon |= static_cast<std::uint64_t>(c == ':') << i;
  }
#endif
  return m;
}

// A control character other than HTAB, or DEL.
inline bool is_odd(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

}  // namespace line_scan_detail

// Calls f(const ScannedLine&) for each line of b that ends in LF, in order, until f returns
// false or no LF follows. Returns false when f stopped the scan.
//
// Whether a line is plain costs one comparison: the scan keeps the position of the first byte
// so far that no plain line holds (a control byte other than HTAB, leaving out the LFs and the
// byte before each LF), and a line is plain when that position lies beyond its LF and the byte
// before its LF is a CR or no control byte.
//
// Always inlined: f's captures then live in registers of the caller, not behind a closure pointer.
template <class F>
[[gnu::always_inline]] inline bool scan_lines(std::string_view b, F&& f) {
  using line_scan_detail::is_odd;
  using line_scan_detail::Masks;
  constexpr std::size_t npos = std::string_view::npos;
  const char* data = b.data();
  const std::size_t n = b.size();
  std::size_t line_start = 0;
  std::size_t colon = npos;      // first colon of the unfinished line, seen in an earlier block
  std::size_t first_odd = npos;  // first byte no plain line holds
  bool ctl_last = false;         // the previous block ended in a control byte other than HTAB
  for (std::size_t block = 0; block < n; block += 64) {
    std::size_t left = n - block;
    Masks m;
    if (left >= 64) {
      m = line_scan_detail::classify(data + block);
    } else {
      char tail[64];  // padded with spaces, which are neither LF, nor colon, nor control
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, data + block, left);
      m = line_scan_detail::classify(tail);
    }
    // A control byte at the end of the previous block is judged with its line when an LF
    // follows, and is odd otherwise.
    if (ctl_last && !(m.lf & 1) && first_odd == npos) first_odd = block - 1;
    std::uint64_t odd = m.ctl & ~m.lf & ~(m.lf >> 1);
    ctl_last = false;
    if (odd >> 63) {
      odd &= ~(1ull << 63);
      ctl_last = data[block + 63] != '\t';
    }
    // HTABs (and CRs not before an LF, and real control bytes): rare, so sorted out one by one.
    for (std::uint64_t o = odd; o && first_odd == npos; o &= o - 1) {
      std::size_t at = block + static_cast<unsigned>(__builtin_ctzll(o));
      if (data[at] != '\t') first_odd = at;
    }
    std::uint64_t lf = m.lf, colons = m.colon;
    while (lf) {
      unsigned k = static_cast<unsigned>(__builtin_ctzll(lf));
      lf &= lf - 1;
      std::uint64_t below = (1ull << k) - 1;  // k < 64
      std::uint64_t c = colons & below;
      ScannedLine l;
      l.start = line_start;
      l.lf = block + k;
      // The byte before the LF is left out of the masks: a CR there ends the line, anything else
      // that is odd makes it not plain.
      l.plain = first_odd > l.lf &&
                (l.lf == l.start || data[l.lf - 1] == '\r' || !is_odd(data[l.lf - 1]));
      l.colon = colon != npos ? colon
                : c           ? block + static_cast<unsigned>(__builtin_ctzll(c))
                              : npos;
      colons &= ~below;
      colon = npos;
      line_start = l.lf + 1;
      if (!f(l)) return false;
    }
    if (left < 64) break;
    // What is left of this block belongs to a line that continues in the next one.
    if (colon == npos && colons) colon = block + static_cast<unsigned>(__builtin_ctzll(colons));
  }
  return true;
}

// Calls f(std::size_t lf) for each '\n' of b, in order, until f returns false. For the framer,
// which needs only the line ends: one compare per 16 bytes, nothing per byte.
template <class F>
inline bool scan_line_ends(std::string_view b, F&& f) {
  const char* data = b.data();
  const std::size_t n = b.size();
  for (std::size_t block = 0; block < n; block += 64) {
    std::size_t left = n - block;
    const char* p = data + block;
    char tail[64];
    if (left < 64) {
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, p, left);
      p = tail;
    }
    std::uint64_t lf = 0;
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    for (int i = 0; i < 4; ++i) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      lf |= static_cast<std::uint64_t>(
                static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl))))
            << (16 * i);
    }
#else
    for (int i = 0; i < 64; ++i) lf |= static_cast<std::uint64_t>(p[i] == '\n') << i;
#endif
    for (; lf; lf &= lf - 1)
      if (!f(block + static_cast<unsigned>(__builtin_ctzll(lf)))) return false;
  }
  return true;
}

#if defined(__SSE2__)
// The 16 bytes at p + o, for o < n and n >= 16. When fewer than 16 remain, the load ends at p + n
// instead, so that no byte past the text is read, and `shift` says how many of its leading bytes
// lie before o (shift a movemask right by it).
inline __m128i load16_within(const char* p, std::size_t o, std::size_t n, unsigned& shift) {
  shift = 0;
  const char* at = p + o;
  if (n - o < 16) {
    shift = static_cast<unsigned>(16 - (n - o));
    at = p + n - 16;
  }
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
}
#endif

// The position of the first a or b in p[from, n), or n when there is none. 16 bytes a compare
// (SSE2) when the text is at least that long, the last load ending at p + n so that no byte past
// the text is read; a byte at a time otherwise. For the short runs inside header values (a
// display name, the userinfo of a URI) where a call to memchr costs more than the search.
inline std::size_t find_either(const char* p, std::size_t from, std::size_t n, char a, char b) {
#if defined(__SSE2__)
  if (n >= 16) {
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
    for (std::size_t o = from; o < n; o += 16) {
      unsigned shift = 0;
      __m128i x = load16_within(p, o, n, shift);
      unsigned hit = static_cast<unsigned>(_mm_movemask_epi8(
                         _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)))) >>
                     shift;
      if (hit) return o + static_cast<unsigned>(__builtin_ctz(hit));
    }
    return n;
  }
#endif
  while (from < n && p[from] != a && p[from] != b) ++from;
  return from;
}

}  // namespace parley::message
