#include "transaction/branch.hpp"

#include "message/via.hpp"

namespace parley::transaction {

namespace {
void append_hex(std::string& out, std::uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 0xf]);
}
}  // namespace

BranchGenerator::BranchGenerator() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd()};
  random_.seed(seq);
}

std::string BranchGenerator::next() {
  std::string b;
  b.reserve(message::kBranchCookie.size() + 16 + 16);
  b.append(message::kBranchCookie);
  append_hex(b, random_(), 16);
  // The counter makes branches of one generator unique even if the random part repeats.
  std::uint64_t n = counter_++;
  int digits = 1;
  while (digits < 16 && (n >> (4 * digits)) != 0) ++digits;
  append_hex(b, n, digits);
  return b;
}

}  // namespace parley::transaction
