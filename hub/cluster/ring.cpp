#include "ring.hpp"

#include <algorithm>

namespace chatter::cluster {

uint64_t stable_hash(const std::string& text) {
  // FNV-1a, then splitmix64's finaliser: FNV alone leaves names that differ
  // in their last letter close together on the ring.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

ring::ring(std::set<std::string> members, unsigned virtual_nodes) : members_(std::move(members)) {
  nodes_.assign(members_.begin(), members_.end());
  points_.reserve(nodes_.size() * virtual_nodes);
  for (uint32_t n = 0; n < nodes_.size(); ++n)
    for (unsigned i = 0; i < virtual_nodes; ++i)
      points_.emplace_back(stable_hash(nodes_[n] + "#" + std::to_string(i)), n);
  // Ties (vanishingly rare) break by address, the same on every node.
  std::sort(points_.begin(), points_.end());
}

const std::string& ring::home_of(const std::string& key) const {
  static const std::string none;
  if (points_.empty())
    return none;
  auto h = stable_hash(key);
  auto i = std::lower_bound(points_.begin(), points_.end(), h,
                            [](const auto& p, uint64_t v) { return p.first < v; });
  if (i == points_.end())
    i = points_.begin();
  return nodes_[i->second];
}

}  // namespace chatter::cluster
