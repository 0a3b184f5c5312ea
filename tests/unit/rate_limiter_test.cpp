#include <gtest/gtest.h>

#include "hub/auth/rate_limiter.hpp"

using namespace chatter;
using namespace std::chrono_literals;

TEST(rate_limiter, free_failures_then_lock) {
  rate_limiter limiter{5, 30s, 15min};
  auto t = rate_limiter::clock::now();
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("alice", t);
    EXPECT_EQ(limiter.wait_time("alice", t), 0ms) << "after failure " << i + 1;
  }
  limiter.record_failure("alice", t);
  EXPECT_EQ(limiter.wait_time("alice", t), 30000ms);
  EXPECT_EQ(limiter.wait_time("bob", t), 0ms);
}

TEST(rate_limiter, backoff_doubles_and_is_capped) {
  rate_limiter limiter{1, 1s, 10s};
  auto t = rate_limiter::clock::now();
  limiter.record_failure("k", t);
  EXPECT_EQ(limiter.wait_time("k", t), 1000ms);
  limiter.record_failure("k", t);
  EXPECT_EQ(limiter.wait_time("k", t), 2000ms);
  limiter.record_failure("k", t);
  EXPECT_EQ(limiter.wait_time("k", t), 4000ms);
  for (int i = 0; i < 40; ++i)
    limiter.record_failure("k", t);
  EXPECT_EQ(limiter.wait_time("k", t), 10000ms);
}

TEST(rate_limiter, lock_expires_and_success_resets) {
  rate_limiter limiter{2, 1s, 1min};
  auto t = rate_limiter::clock::now();
  limiter.record_failure("k", t);
  limiter.record_failure("k", t);
  EXPECT_GT(limiter.wait_time("k", t), 0ms);
  EXPECT_EQ(limiter.wait_time("k", t + 1s), 0ms);
  // Still counted: the next failure locks for twice as long.
  limiter.record_failure("k", t + 1s);
  EXPECT_EQ(limiter.wait_time("k", t + 1s), 2000ms);
  limiter.record_success("k");
  EXPECT_EQ(limiter.wait_time("k", t + 1s), 0ms);
  limiter.record_failure("k", t + 1s);
  EXPECT_EQ(limiter.wait_time("k", t + 1s), 0ms);
}

TEST(rate_limiter, idle_entries_are_forgotten) {
  rate_limiter limiter{5, 1s, 1min};
  auto t = rate_limiter::clock::now();
  for (int i = 0; i < 100; ++i)
    limiter.record_failure("user" + std::to_string(i), t);
  EXPECT_EQ(limiter.size(), 100u);
  limiter.forget_idle(t + 2min);
  EXPECT_EQ(limiter.size(), 0u);
}
