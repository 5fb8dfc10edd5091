// Branch parameters for the requests this element sends (RFC 3261 §8.1.1.7): the magic cookie
// "z9hG4bK", then 16 random hex digits and a counter, so that a branch is unique across space and
// time without coordination between shards.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace parley::transaction {

class BranchGenerator {
 public:
  BranchGenerator();  // seeded from std::random_device
  explicit BranchGenerator(std::uint64_t seed) : random_(seed) {}

  std::string next();

 private:
  std::mt19937_64 random_;
  std::uint64_t counter_ = 0;
};

}  // namespace parley::transaction
