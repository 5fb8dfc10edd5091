#include "message/header_id.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "message/scanner.hpp"

namespace parley::message {

namespace {

struct Name {
  HeaderId id;
  std::string_view name;
  char compact;
};

constexpr Name kNames[] = {
    {HeaderId::Accept, "Accept", 0},
    {HeaderId::AcceptEncoding, "Accept-Encoding", 0},
    {HeaderId::AcceptLanguage, "Accept-Language", 0},
    {HeaderId::AlertInfo, "Alert-Info", 0},
    {HeaderId::Allow, "Allow", 0},
    {HeaderId::AuthenticationInfo, "Authentication-Info", 0},
    {HeaderId::Authorization, "Authorization", 0},
    {HeaderId::CallId, "Call-ID", 'i'},
    {HeaderId::CallInfo, "Call-Info", 0},
    {HeaderId::Contact, "Contact", 'm'},
    {HeaderId::ContentDisposition, "Content-Disposition", 0},
    {HeaderId::ContentEncoding, "Content-Encoding", 'e'},
    {HeaderId::ContentLanguage, "Content-Language", 0},
    {HeaderId::ContentLength, "Content-Length", 'l'},
    {HeaderId::ContentType, "Content-Type", 'c'},
    {HeaderId::CSeq, "CSeq", 0},
    {HeaderId::Date, "Date", 0},
    {HeaderId::ErrorInfo, "Error-Info", 0},
    {HeaderId::Expires, "Expires", 0},
    {HeaderId::From, "From", 'f'},
    {HeaderId::InReplyTo, "In-Reply-To", 0},
    {HeaderId::MaxForwards, "Max-Forwards", 0},
    {HeaderId::MimeVersion, "MIME-Version", 0},
    {HeaderId::MinExpires, "Min-Expires", 0},
    {HeaderId::Organization, "Organization", 0},
    {HeaderId::Priority, "Priority", 0},
    {HeaderId::ProxyAuthenticate, "Proxy-Authenticate", 0},
    {HeaderId::ProxyAuthorization, "Proxy-Authorization", 0},
    {HeaderId::ProxyRequire, "Proxy-Require", 0},
    {HeaderId::RecordRoute, "Record-Route", 0},
    {HeaderId::ReplyTo, "Reply-To", 0},
    {HeaderId::Require, "Require", 0},
    {HeaderId::RetryAfter, "Retry-After", 0},
    {HeaderId::Route, "Route", 0},
    {HeaderId::Server, "Server", 0},
    {HeaderId::Subject, "Subject", 's'},
    {HeaderId::Supported, "Supported", 'k'},
    {HeaderId::Timestamp, "Timestamp", 0},
    {HeaderId::To, "To", 't'},
    {HeaderId::Unsupported, "Unsupported", 0},
    {HeaderId::UserAgent, "User-Agent", 0},
    {HeaderId::Via, "Via", 'v'},
    {HeaderId::Warning, "Warning", 0},
    {HeaderId::WwwAuthenticate, "WWW-Authenticate", 0},
    {HeaderId::RSeq, "RSeq", 0},
    {HeaderId::RAck, "RAck", 0},
    {HeaderId::Event, "Event", 'o'},
    {HeaderId::AllowEvents, "Allow-Events", 'u'},
    {HeaderId::SubscriptionState, "Subscription-State", 0},
    {HeaderId::ReferTo, "Refer-To", 'r'},
    {HeaderId::ReferredBy, "Referred-By", 'b'},
    {HeaderId::Replaces, "Replaces", 0},
    {HeaderId::SessionExpires, "Session-Expires", 'x'},
    {HeaderId::MinSE, "Min-SE", 0},
    {HeaderId::Reason, "Reason", 0},
    {HeaderId::Path, "Path", 0},
    {HeaderId::ServiceRoute, "Service-Route", 0},
    {HeaderId::PAssertedIdentity, "P-Asserted-Identity", 0},
    {HeaderId::PPreferredIdentity, "P-Preferred-Identity", 0},
    {HeaderId::Privacy, "Privacy", 0},
    {HeaderId::SipETag, "SIP-ETag", 0},
    {HeaderId::SipIfMatch, "SIP-If-Match", 0},
    {HeaderId::InfoPackage, "Info-Package", 0},
    {HeaderId::RecvInfo, "Recv-Info", 0},
};
static_assert(std::size(kNames) == static_cast<std::size_t>(HeaderId::Count) - 1);

struct Index {
  std::array<const Name*, static_cast<std::size_t>(HeaderId::Count)> by_id{};
  std::array<HeaderId, 26> by_compact{};
  // Names bucketed by (length, lower-case first letter): at most a handful to compare.
  static constexpr std::size_t kMaxLen = 24;
  struct Entry {
    HeaderId id = HeaderId::Unknown;
    // The name in lower case, and per byte the bit that folds case: 0x20 for a letter, 0 for '-'.
    // Then (input | fold) == lower is a case-insensitive compare that a '-' matches only exactly
    // (a CR OR 0x20 would otherwise pass for '-').
    std::array<char, kMaxLen> lower{}, fold{};
  };
  std::array<std::array<Entry, 4>, kMaxLen * 26> buckets{};
};

constexpr Index make_index() {
  Index ix{};
  for (const Name& n : kNames) {
    ix.by_id[static_cast<std::size_t>(n.id)] = &n;
    if (n.compact) ix.by_compact[n.compact - 'a'] = n.id;
    auto& b = ix.buckets[n.name.size() * 26 + (ascii_lower(n.name[0]) - 'a')];
    bool placed = false;
    for (auto& slot : b)
      if (slot.id == HeaderId::Unknown) {
        slot.id = n.id;
        for (std::size_t i = 0; i < n.name.size(); ++i) {
          slot.lower[i] = ascii_lower(n.name[i]);
          slot.fold[i] = n.name[i] == '-' ? 0 : 0x20;
        }
        placed = true;
        break;
      }
    if (!placed) throw "header name bucket full: widen Index::buckets";  // fails the build
  }
  return ix;
}
constexpr Index kIndex = make_index();

template <std::size_t N>
bool equal_at(const char* in, const Index::Entry& e, std::size_t i) {
  using U = std::conditional_t<N == 8, std::uint64_t,
                               std::conditional_t<N == 4, std::uint32_t, std::uint16_t>>;
  U a, f, l;
  std::memcpy(&a, in + i, N);
  std::memcpy(&f, e.fold.data() + i, N);
  std::memcpy(&l, e.lower.data() + i, N);
  return static_cast<U>(a | f) == l;
}

// Whole words, the last one overlapping the one before: no loop over single bytes. n >= 2.
bool equals_known(std::string_view input, const Index::Entry& e) {
  const char* p = input.data();
  std::size_t n = input.size();
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8)
      if (!equal_at<8>(p, e, i)) return false;
    return n % 8 == 0 || equal_at<8>(p, e, n - 8);
  }
  if (n >= 4) return equal_at<4>(p, e, 0) && equal_at<4>(p, e, n - 4);
  return equal_at<2>(p, e, 0) && equal_at<2>(p, e, n - 2);
}

}  // namespace

HeaderId header_id(std::string_view name) {
  if (name.empty()) return HeaderId::Unknown;
  char first = static_cast<char>(name[0] | 0x20);
  if (first < 'a' || first > 'z') return HeaderId::Unknown;
  if (name.size() == 1) return kIndex.by_compact[first - 'a'];
  if (name.size() >= Index::kMaxLen) return HeaderId::Unknown;
  for (const Index::Entry& e : kIndex.buckets[name.size() * 26 + (first - 'a')]) {
    if (e.id == HeaderId::Unknown) break;
    if (equals_known(name, e)) return e.id;
  }
  return HeaderId::Unknown;
}

std::string_view header_name(HeaderId id) {
  const Name* n = kIndex.by_id[static_cast<std::size_t>(id)];
  return n ? n->name : std::string_view{};
}

char compact_form(HeaderId id) {
  const Name* n = kIndex.by_id[static_cast<std::size_t>(id)];
  return n ? n->compact : '\0';
}

bool is_list_header(HeaderId id) {
  switch (id) {
    case HeaderId::Accept:
    case HeaderId::AcceptEncoding:
    case HeaderId::AcceptLanguage:
    case HeaderId::AlertInfo:
    case HeaderId::Allow:
    case HeaderId::CallInfo:
    case HeaderId::Contact:
    case HeaderId::ContentEncoding:
    case HeaderId::ContentLanguage:
    case HeaderId::ErrorInfo:
    case HeaderId::InReplyTo:
    case HeaderId::ProxyRequire:
    case HeaderId::RecordRoute:
    case HeaderId::Require:
    case HeaderId::Route:
    case HeaderId::Supported:
    case HeaderId::Unsupported:
    case HeaderId::Via:
    case HeaderId::Warning:
    case HeaderId::AllowEvents:
    case HeaderId::Reason:
    case HeaderId::Path:
    case HeaderId::ServiceRoute:
    case HeaderId::PAssertedIdentity:
    case HeaderId::PPreferredIdentity:
    case HeaderId::RecvInfo:
      return true;
    default:
      return false;
  }
}

}  // namespace parley::message
