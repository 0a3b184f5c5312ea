#include <gtest/gtest.h>

#include "hub/registry/presence_table.hpp"

using chatter::presence_table;

TEST(presence_table, online_while_any_session_lasts) {
  presence_table t;
  EXPECT_TRUE(t.session_started("s1", "alice"));
  EXPECT_FALSE(t.session_started("s2", "alice"));  // a second device
  EXPECT_EQ(t.of("alice").state, "online");
  EXPECT_FALSE(t.session_ended("s1"));
  EXPECT_EQ(t.of("alice").state, "online");
  EXPECT_EQ(t.session_ended("s2"), std::optional<std::string>("alice"));
  EXPECT_EQ(t.of("alice").state, "offline");
  EXPECT_FALSE(t.session_ended("unknown"));
}

TEST(presence_table, set_reports_changes_of_online_users_only) {
  presence_table t;
  EXPECT_FALSE(t.set("bob", "busy", "")) << "offline users have no status to set";
  t.session_started("s1", "bob");
  EXPECT_TRUE(t.set("bob", "busy", "meeting"));
  EXPECT_FALSE(t.set("bob", "busy", "meeting"));
  EXPECT_EQ(t.of("bob").message, "meeting");
  EXPECT_TRUE(presence_table::valid_state("away"));
  EXPECT_FALSE(presence_table::valid_state("offline"));
}

TEST(presence_table, watches_end_with_the_watching_session) {
  presence_table t;
  t.session_started("a1", "alice");
  EXPECT_TRUE(t.watch("a1", "bob"));
  EXPECT_EQ(t.watchers_of("bob"), std::vector<std::string>{"a1"});
  t.unwatch("a1", "bob");
  EXPECT_TRUE(t.watchers_of("bob").empty());
  t.watch("a1", "bob");
  t.session_ended("a1");
  EXPECT_TRUE(t.watchers_of("bob").empty());
}

TEST(presence_table, a_session_watches_a_bounded_number_of_users) {
  presence_table t;
  t.session_started("a1", "alice");
  for (size_t i = 0; i < chatter::max_watches_per_session; ++i)
    ASSERT_TRUE(t.watch("a1", "u" + std::to_string(i)));
  EXPECT_FALSE(t.watch("a1", "one-too-many"));
  EXPECT_TRUE(t.watch("a1", "u0")) << "watching again is not a new watch";
}
