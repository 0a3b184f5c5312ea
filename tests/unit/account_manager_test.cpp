// The account manager with real account actors (in-process, over real
// SQLite files): an account that ends is reported failed, started again from
// its files with backoff, and the other accounts never notice.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "hub/hub.hpp"
#include "member/account/account_manager.hpp"
#include "temp_dir.hpp"

namespace chatter::test {

namespace {

namespace fs = std::filesystem;

constexpr auto patience = std::chrono::seconds(10);

class account_manager_test : public testing::Test {
protected:
  void SetUp() override {
    register_chatter_types(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    self_ = std::make_unique<caf::scoped_actor>(*sys_, true);  // hidden: not counted as running
    idle_ = sys_->registry().running();                        // CAF's own actors
    for (auto user : {"alice", "bob"}) {
      fs::create_directories(dir_.path() / user);
      std::ofstream(dir_.path() / user / "account.json") << "{\"username\": \"" << user << "\"}\n";
    }
    account_manager_config cfg;
    cfg.accounts_dir = dir_.path().string();
    // The events come to the test's own mailbox.
    cfg.events = caf::actor_cast<event_sink_actor>(caf::actor_cast<caf::actor>(*self_));
    manager_ = sys_->spawn<caf::detached>(account_manager, cfg);
  }

  void TearDown() override {
    // The accounts end with their manager; all before the mailbox they
    // report to, and before their files go.
    (*self_)->send_exit(manager_, caf::exit_reason::user_shutdown);
    sys_->registry().await_running_count_equal(idle_);
    self_.reset();
  }

  account_actor actor_of(const std::string& user) {
    account_actor out;
    (*self_)
      ->request(manager_, patience, account_atom_v, user)
      .receive([&](const account_actor& a) { out = a; },
               [&](const caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
    return out;
  }

  // The next State `user` reports (other events are skipped).
  std::string next_health(const std::string& user) {
    std::string found;
    bool done = false;
    auto deadline = std::chrono::steady_clock::now() + patience;
    while (!done && std::chrono::steady_clock::now() < deadline)
      (*self_)->receive(
        [&](health_atom, const std::string& who, const std::string& health) {
          if (who == user) {
            found = health;
            done = true;
          }
        },
        [&](caf::message&) {}, caf::after(patience) >> [&] { done = true; });
    return found;
  }

  caf::actor_system_config cfg_;
  temp_dir dir_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<caf::scoped_actor> self_;
  account_manager_actor manager_;
  size_t idle_ = 0;
};

TEST_F(account_manager_test, an_account_that_ends_is_reported_failed_and_started_again_alone) {
  EXPECT_EQ(next_health("alice"), "ok");
  auto alice = actor_of("alice");
  auto bob = actor_of("bob");
  ASSERT_TRUE(alice && bob);
  // An account ends as an uncaught exception would end it (CAF's default
  // handler's reason), told by its manager, the only actor it obeys.
  caf::send_as(caf::actor_cast<caf::actor>(manager_), caf::actor_cast<caf::actor>(alice),
               caf::exit_msg{manager_.address(), caf::make_error(caf::sec::runtime_error)});
  auto failed = next_health("alice");
  EXPECT_EQ(failed.rfind("failed: the account stopped unexpectedly", 0), 0u) << failed;
  EXPECT_NE(failed.find("starting it again"), std::string::npos) << failed;
  EXPECT_EQ(next_health("alice"), "ok");  // started again from its files
  auto again = actor_of("alice");
  EXPECT_TRUE(again);
  EXPECT_NE(again, alice);
  // bob never noticed: the same actor, still answering.
  EXPECT_EQ(actor_of("bob"), bob);
  bool answered = false;
  (*self_)
    ->request(bob, patience, status_atom_v)
    .receive([&](const account_status& s) { answered = s.user == "bob"; },
             [&](const caf::error& err) { ADD_FAILURE() << caf::to_string(err); });
  EXPECT_TRUE(answered);
}

TEST_F(account_manager_test, an_unknown_name_gets_no_actor_and_no_folder) {
  bool refused = false;
  (*self_)
    ->request(manager_, patience, login_atom_v, std::string("ghost"),
              secret("a long enough password"))
    .receive([&](const account_status&) {},
             [&](const caf::error& err) { refused = describe(err).name == "NotFound"; });
  EXPECT_TRUE(refused);
  EXPECT_FALSE(fs::exists(dir_.path() / "ghost"));
}

// The suite policy is the manager's: the bridge hands the name on as typed.
TEST(account_manager_suites, a_suite_is_known_or_named_with_the_known_ones) {
  EXPECT_EQ(check_suite(""), "");  // the default
  EXPECT_EQ(check_suite("ratchet-x25519-chacha20poly1305"), "");
  EXPECT_EQ(check_suite("elgamal-2048"), "");
  EXPECT_EQ(check_suite("rot13"),
            "unknown suite 'rot13'; known: ratchet-x25519-chacha20poly1305, "
            "x25519-chacha20poly1305-ed25519, rsa-oaep-pss-3072, elgamal-2048");
}

}  // namespace

}  // namespace chatter::test
