// Consistent hashing of user names onto hub nodes. Every node of a cluster
// builds the same ring from the same member list (node addresses,
// "HOST:PORT"), so every node agrees where a user lives without asking. Each
// node owns many points on the ring (virtual nodes) so that users spread
// evenly, and adding a node moves only the users it takes over.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chatter::cluster {

// A stable 64-bit hash: the same on every node and every build (std::hash is
// neither).
uint64_t stable_hash(const std::string& text);

class ring {
public:
  static constexpr unsigned default_virtual_nodes = 128;

  explicit ring(std::set<std::string> members = {}, unsigned virtual_nodes = default_virtual_nodes);

  // The address of the node that owns `key`; empty for an empty ring.
  const std::string& home_of(const std::string& key) const;

  const std::set<std::string>& members() const {
    return members_;
  }
  bool contains(const std::string& node) const {
    return members_.count(node) > 0;
  }
  bool empty() const {
    return members_.empty();
  }

private:
  std::set<std::string> members_;
  std::vector<std::string> nodes_;  // members_ in order; points_ index it
  std::vector<std::pair<uint64_t, uint32_t>> points_;
};

}  // namespace chatter::cluster
