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

struct Masks {
  std::uint64_t lf = 0, cr = 0, odd = 0, colon = 0;
};

inline Masks classify(const char* p) {
  Masks m;
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), c1f = _mm_set1_epi8(0x1f),
                tab = _mm_set1_epi8('\t'), del = _mm_set1_epi8(0x7f), colon = _mm_set1_epi8(':');
  for (int i = 0; i < 4; ++i) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x);  // x <= 0x1f
    __m128i odd =
        _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(x, tab), ctl), _mm_cmpeq_epi8(x, del));
    auto bits = [](__m128i v) {
      return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(v)));
    };
    m.lf |= bits(_mm_cmpeq_epi8(x, lf)) << (16 * i);
    m.cr |= bits(_mm_cmpeq_epi8(x, cr)) << (16 * i);
    m.odd |= bits(odd) << (16 * i);
    m.colon |= bits(_mm_cmpeq_epi8(x, colon)) << (16 * i);
  }
#else
  for (int i = 0; i < 64; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    m.lf |= static_cast<std::uint64_t>(c == '\n') << i;
    m.cr |= static_cast<std::uint64_t>(c == '\r') << i;
    m.odd |= static_cast<std::uint64_t>((c < 0x20 && c != '\t') || c == 0x7f) << i;
    m.colon |= static_cast<std::uint64_t>(c == ':') << i;
  }
#endif
  return m;
}

}  // namespace line_scan_detail

// Calls f(const ScannedLine&) for each line of b that ends in LF, in order, until f returns
// false or no LF follows. Returns false when f stopped the scan.
//
// Whether a line is plain costs one comparison: the scan keeps the position of the first byte
// so far that no plain line holds (a control byte other than HTAB, the LFs, and CRs right before
// an LF), and a line is plain when that position lies beyond its LF.
//
// Always inlined: f's captures then live in registers of the caller, not behind a closure pointer.
template <class F>
[[gnu::always_inline]] inline bool scan_lines(std::string_view b, F&& f) {
  using line_scan_detail::Masks;
  constexpr std::size_t npos = std::string_view::npos;
  const char* data = b.data();
  const std::size_t n = b.size();
  std::size_t line_start = 0;
  std::size_t colon = npos;      // first colon of the unfinished line, seen in an earlier block
  std::size_t first_odd = npos;  // first byte no plain line holds
  bool cr_last = false;          // the previous block ended in a CR
  for (std::size_t block = 0; block < n; block += 64) {
    std::size_t left = n - block;
    Masks m;
    if (left >= 64) {
      m = line_scan_detail::classify(data + block);
    } else {
      char tail[64];  // padded with spaces, which are neither LF, nor CR, nor colon, nor odd
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, data + block, left);
      m = line_scan_detail::classify(tail);
    }
    // A CR at the end of the previous block is fine only right before an LF.
    if (cr_last && !(m.lf & 1) && first_odd == npos) first_odd = block - 1;
    std::uint64_t odd = m.odd & ~m.lf & ~(m.cr & (m.lf >> 1));
    cr_last = (odd >> 63) && (m.cr >> 63);
    if (cr_last) odd &= ~(1ull << 63);
    if (odd && first_odd == npos) first_odd = block + static_cast<unsigned>(__builtin_ctzll(odd));
    std::uint64_t lf = m.lf, colons = m.colon;
    while (lf) {
      unsigned k = static_cast<unsigned>(__builtin_ctzll(lf));
      lf &= lf - 1;
      std::uint64_t below = (1ull << k) - 1;  // k < 64
      std::uint64_t c = colons & below;
      ScannedLine l;
      l.start = line_start;
      l.lf = block + k;
      l.plain = first_odd > l.lf;
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
      const char* at = p + o;
      if (n - o < 16) {
        shift = static_cast<unsigned>(16 - (n - o));
        at = p + n - 16;
      }
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
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
