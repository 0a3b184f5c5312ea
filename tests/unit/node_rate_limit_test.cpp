#include <gtest/gtest.h>

#include "hub/gateway/node_rate_limit.hpp"

using chatter::node_rate_limit;
using namespace std::chrono_literals;

TEST(node_rate_limit, a_burst_then_the_rate_per_node) {
  node_rate_limit limit(10, 5);
  auto t0 = node_rate_limit::clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(limit.allow("flooder", t0));
  EXPECT_FALSE(limit.allow("flooder", t0));
  EXPECT_TRUE(limit.allow("neighbour", t0)) << "another node keeps its own tokens";
  EXPECT_FALSE(limit.allow("flooder", t0 + 50ms));  // half a token
  EXPECT_TRUE(limit.allow("flooder", t0 + 100ms));
  EXPECT_FALSE(limit.allow("flooder", t0 + 100ms));
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(limit.allow("flooder", t0 + 10s)) << "refills up to the burst, no more";
  EXPECT_FALSE(limit.allow("flooder", t0 + 10s));
}
