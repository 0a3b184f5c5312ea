// The session after login: periodic re-challenge at a 1 s interval, and
// revocation when the answer is wrong (the daemon's test hook corrupts it).
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;
using test::eventually;

TEST(session, rechallenges_every_second_advance_last_reauthentication) {
  test::world world;
  auto daemon = world.start_daemon({"--rechallenge-interval", "1"});
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  manager.Register("alice", "pw", {});
  client::account_client alice(*conn, client::account_path("alice"));
  std::mutex m;
  std::vector<int64_t> signals;
  alice.on_reauthenticated = [&](int64_t ts) {
    std::lock_guard<std::mutex> g(m);
    signals.push_back(ts);
  };
  conn->enterEventLoopAsync();
  manager.Login("alice", "pw");
  auto at_login = alice.LastReauthentication();
  ASSERT_TRUE(eventually(
    [&] {
      std::lock_guard<std::mutex> g(m);
      return signals.size() >= 3;
    },
    std::chrono::seconds(6)));
  {
    std::lock_guard<std::mutex> g(m);
    EXPECT_GT(signals[0], at_login);
    EXPECT_GT(signals[1], signals[0]);
    EXPECT_GT(signals[2], signals[1]);
    // Roughly one a second, not a burst.
    EXPECT_GE(signals[2] - signals[0], 1500);
  }
  EXPECT_GT(alice.LastReauthentication(), at_login);
  EXPECT_TRUE(alice.Authenticated());
  conn->leaveEventLoop();
}

TEST(session, a_wrong_rechallenge_answer_revokes_only_that_session) {
  test::world world;
  auto daemon =
    world.start_daemon({"--rechallenge-interval", "1", "--test-corrupt-rechallenge", "mallory"});
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  manager.Register("mallory", "pw", {});
  manager.Register("alice", "pw", {});
  client::account_client mallory(*conn, client::account_path("mallory"));
  client::account_client alice(*conn, client::account_path("alice"));
  std::mutex m;
  std::string reason;
  mallory.on_session_revoked = [&](const std::string& why) {
    std::lock_guard<std::mutex> g(m);
    reason = why;
  };
  conn->enterEventLoopAsync();
  manager.Login("mallory", "pw");
  manager.Login("alice", "pw");
  EXPECT_TRUE(mallory.Authenticated());
  ASSERT_TRUE(eventually(
    [&] {
      std::lock_guard<std::mutex> g(m);
      return !reason.empty();
    },
    std::chrono::seconds(5)));
  EXPECT_NE(reason.find("wrong answer"), std::string::npos) << reason;
  EXPECT_TRUE(eventually([&] { return !mallory.Authenticated(); }));
  EXPECT_EQ(error_of([&] { mallory.Logout(); }), err("NotLoggedIn"));
  // Alice answered correctly all along.
  EXPECT_TRUE(alice.Authenticated());
  EXPECT_GT(alice.LastReauthentication(), 0);
  conn->leaveEventLoop();
}

TEST(session, logout_ends_the_session_and_login_starts_a_new_one) {
  test::world world;
  auto daemon = world.start_daemon();
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  manager.Register("alice", "pw", {});
  manager.Login("alice", "pw");
  client::account_client alice(*conn, client::account_path("alice"));
  EXPECT_TRUE(alice.Authenticated());
  alice.Logout();
  EXPECT_FALSE(alice.Authenticated());
  EXPECT_EQ(error_of([&] { alice.Logout(); }), err("NotLoggedIn"));
  manager.Login("alice", "pw");
  EXPECT_TRUE(alice.Authenticated());
}
