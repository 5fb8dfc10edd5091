#include "transport/target_list.hpp"

#include <algorithm>

namespace parley::transport {

std::string Target::to_string() const {
  std::string s(uri_token(protocol));
  s += ':';
  s += endpoint.to_string();
  if (!host.empty() && host != endpoint.address.to_string()) {
    s += " (";
    s += host;
    s += ')';
  }
  return s;
}

const Target* TargetList::fail_over() {
  if (index_ < targets_.size()) ++index_;
  return current();
}

std::vector<SrvRecord> order_srv(std::vector<SrvRecord> records,
                                 const std::function<std::uint32_t()>& random) {
  std::erase_if(records, [](const SrvRecord& r) { return r.target.empty() || r.target == "."; });
  std::stable_sort(records.begin(), records.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
  std::vector<SrvRecord> out;
  out.reserve(records.size());
  auto group = records.begin();
  while (group != records.end()) {
    auto end = std::find_if(group, records.end(),
                            [&](const SrvRecord& r) { return r.priority != group->priority; });
    std::vector<SrvRecord> pool(group, end);
    // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order, except that
    // all those with weight 0 are placed at the beginning of the list".
    std::stable_partition(pool.begin(), pool.end(),
                          [](const SrvRecord& r) { return r.weight == 0; });
    while (!pool.empty()) {
      std::uint64_t sum = 0;
      for (const auto& r : pool) sum += r.weight;
      // A number between 0 and the sum, inclusive; the first record whose running sum reaches it.
      const std::uint64_t pick = sum == 0 ? 0 : random() % (sum + 1);
      std::uint64_t running = 0;
      auto chosen = pool.begin();
      for (auto it = pool.begin(); it != pool.end(); ++it) {
        running += it->weight;
        if (running >= pick) {
          chosen = it;
          break;
        }
      }
      out.push_back(std::move(*chosen));
      pool.erase(chosen);
    }
    group = end;
  }
  return out;
}

}  // namespace parley::transport
