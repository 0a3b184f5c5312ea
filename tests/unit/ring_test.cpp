// The consistent-hash ring: every node computes the same homes, users spread
// evenly, and a node that joins takes users only for itself.
#include <map>

#include <gtest/gtest.h>

#include "hub/cluster/ring.hpp"

using chatter::cluster::ring;
using chatter::cluster::stable_hash;

namespace {

std::set<std::string> nodes(int n) {
  std::set<std::string> out;
  for (int i = 0; i < n; ++i)
    out.insert("10.0.0." + std::to_string(i + 1) + ":7000");
  return out;
}

}  // namespace

TEST(ring, the_hash_is_stable_across_builds) {
  // Computed apart (FNV-1a 64, then splitmix64's finaliser, in Python): a
  // change here would re-home every user of every cluster.
  EXPECT_EQ(stable_hash(""), 0xf52a15e9a9b5e89bULL) << std::hex << stable_hash("");
  EXPECT_EQ(stable_hash("alice"), 0xc5d1556d66774a5cULL) << std::hex << stable_hash("alice");
}

TEST(ring, the_same_members_in_any_order_give_the_same_homes) {
  auto a = ring{nodes(5)};
  auto b =
    ring{{"10.0.0.5:7000", "10.0.0.3:7000", "10.0.0.1:7000", "10.0.0.4:7000", "10.0.0.2:7000"}};
  for (int i = 0; i < 1000; ++i) {
    auto user = "user" + std::to_string(i);
    EXPECT_EQ(a.home_of(user), b.home_of(user));
  }
}

TEST(ring, users_spread_evenly_over_the_nodes) {
  for (int n : {3, 4, 10}) {
    ring r{nodes(n)};
    std::map<std::string, int> count;
    const int users = 20000;
    for (int i = 0; i < users; ++i)
      ++count[r.home_of("user" + std::to_string(i))];
    ASSERT_EQ(count.size(), static_cast<size_t>(n));
    for (auto& [node, c] : count) {
      double share = static_cast<double>(c) * n / users;
      EXPECT_GT(share, 0.75) << n << " nodes: " << node << " holds " << c;
      EXPECT_LT(share, 1.25) << n << " nodes: " << node << " holds " << c;
    }
  }
}

TEST(ring, a_node_that_joins_takes_about_its_share_and_only_for_itself) {
  ring before{nodes(3)};
  auto grown = nodes(4);
  ring after{grown};
  const std::string added = "10.0.0.4:7000";
  int moved = 0;
  const int users = 20000;
  for (int i = 0; i < users; ++i) {
    auto user = "user" + std::to_string(i);
    if (before.home_of(user) != after.home_of(user)) {
      ++moved;
      EXPECT_EQ(after.home_of(user), added) << user << " moved between old nodes";
    }
  }
  EXPECT_GT(moved, users / 4 * 0.75);
  EXPECT_LT(moved, users / 4 * 1.25);
}

TEST(ring, an_empty_ring_homes_nobody) {
  EXPECT_EQ(ring{}.home_of("alice"), "");
}
