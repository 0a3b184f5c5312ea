// Manager API through the generated proxy and through gdbus, a client we did
// not write, against a real chatterd on a private bus.
#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;

namespace {

class manager_api : public testing::Test {
protected:
  void SetUp() override {
    daemon_ = world_.start_daemon();
    conn_ = world_.bus.connect();
    manager_ = std::make_unique<client::manager_client>(*conn_);
  }

  test::world world_;
  std::unique_ptr<test::chatterd_process> daemon_;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::unique_ptr<client::manager_client> manager_;
};

}  // namespace

TEST_F(manager_api, register_then_login_through_the_generated_proxy) {
  auto path = manager_->Register("alice", "correct horse", {});
  EXPECT_EQ(std::string(path), "/org/chatter/Chatter1/accounts/alice");
  client::account_client alice(*conn_, path);
  EXPECT_EQ(alice.Username(), "alice");
  EXPECT_FALSE(alice.Authenticated());
  EXPECT_EQ(alice.LastReauthentication(), 0);
  EXPECT_EQ(std::string(manager_->Login("alice", "correct horse")), std::string(path));
  EXPECT_TRUE(alice.Authenticated());
  EXPECT_GT(alice.LastReauthentication(), 0);
  EXPECT_EQ(manager_->Version(), "0.1.0");
  EXPECT_EQ(manager_->HubAddress(), "embedded");
}

TEST_F(manager_api, names_with_dots_and_dashes_get_escaped_paths) {
  auto path = manager_->Register("bob.smith-2", "pw", {});
  EXPECT_EQ(std::string(path), "/org/chatter/Chatter1/accounts/bob_2esmith_2d2");
  client::account_client bob(*conn_, path);
  EXPECT_EQ(bob.Username(), "bob.smith-2");
}

TEST_F(manager_api, list_accounts_and_object_manager_agree) {
  manager_->Register("alice", "pw", {});
  manager_->Register("bob", "pw", {{"display_name", sdbus::Variant(std::string("Bob"))}});
  auto listed = manager_->ListAccounts();
  ASSERT_EQ(listed.size(), 2u);
  auto objects = world_.run({"gdbus", "call", "--session", "-d", "org.chatter.Chatter1", "-o",
                             "/org/chatter/Chatter1", "-m",
                             "org.freedesktop.DBus.ObjectManager.GetManagedObjects"});
  ASSERT_EQ(objects.exit_code, 0) << objects.err;
  EXPECT_NE(objects.out.find("/org/chatter/Chatter1/accounts/alice"), std::string::npos);
  EXPECT_NE(objects.out.find("/org/chatter/Chatter1/accounts/bob"), std::string::npos);
  EXPECT_NE(objects.out.find("org.chatter.Chatter1.Account"), std::string::npos);
}

TEST_F(manager_api, gdbus_introspect_shows_both_interfaces_and_object_manager) {
  manager_->Register("alice", "pw", {});
  auto root = world_.run({"gdbus", "introspect", "--session", "--dest", "org.chatter.Chatter1",
                          "--object-path", "/org/chatter/Chatter1"});
  ASSERT_EQ(root.exit_code, 0) << root.err;
  EXPECT_NE(root.out.find("interface org.chatter.Chatter1.Manager"), std::string::npos);
  EXPECT_NE(root.out.find("interface org.freedesktop.DBus.ObjectManager"), std::string::npos);
  EXPECT_NE(root.out.find("Register("), std::string::npos);
  auto account = world_.run({"gdbus", "introspect", "--session", "--dest", "org.chatter.Chatter1",
                             "--object-path", "/org/chatter/Chatter1/accounts/alice"});
  ASSERT_EQ(account.exit_code, 0) << account.err;
  EXPECT_NE(account.out.find("interface org.chatter.Chatter1.Account"), std::string::npos);
  EXPECT_NE(account.out.find("SessionRevoked("), std::string::npos);
  EXPECT_NE(account.out.find("LastReauthentication"), std::string::npos);
}

TEST_F(manager_api, bad_input_gets_named_errors_and_the_daemon_keeps_serving) {
  EXPECT_EQ(error_of([&] { manager_->Register("Alice", "pw", {}); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { manager_->Register("", "pw", {}); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { manager_->Register(std::string(33, 'a'), "pw", {}); }),
            err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { manager_->Register("alice", "", {}); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] {
              manager_->Register("alice", "pw", {{"colour", sdbus::Variant(1)}});
            }),
            err("InvalidArgument"));
  EXPECT_EQ(error_of([&] {
              manager_->Register("alice", "pw", {{"display_name", sdbus::Variant(7)}});
            }),
            err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { manager_->Login("nobody", "pw"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { manager_->Login("alice", ""); }), err("InvalidArgument"));
  manager_->Register("alice", "pw", {});
  EXPECT_EQ(error_of([&] { manager_->Register("alice", "other", {}); }), err("AlreadyExists"));
  client::account_client alice(*conn_, client::account_path("alice"));
  EXPECT_EQ(error_of([&] { alice.Logout(); }), err("NotLoggedIn"));
  // A client we did not write gets the same names.
  auto r = world_.run({"gdbus", "call", "--session", "-d", "org.chatter.Chatter1", "-o",
                       "/org/chatter/Chatter1", "-m", "org.chatter.Chatter1.Manager.Register",
                       "UPPER", "pw", "{}"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("org.chatter.Chatter1.Error.InvalidArgument"), std::string::npos) << r.err;
  // Wrong argument types are refused by the bus binding before our code.
  auto typed = world_.run({"busctl", "--user", "--address", world_.bus.address(), "call",
                           "org.chatter.Chatter1", "/org/chatter/Chatter1",
                           "org.chatter.Chatter1.Manager", "Login", "ii", "1", "2"});
  EXPECT_NE(typed.exit_code, 0);
  // And the daemon is still there.
  EXPECT_EQ(manager_->ListAccounts().size(), 1u);
  EXPECT_NO_THROW(manager_->Login("alice", "pw"));
}

// The benchmark's plaintext switch is gone (it never bypassed the default
// suite): chatterd refuses it rather than seeming to honour it.
TEST(chatterd_options, there_is_no_plaintext_switch) {
  auto help = test::run_command({CHATTERD_PATH, "--help"}).out;
  EXPECT_EQ(help.find("bench-plaintext"), std::string::npos) << help;
  // A parse error ends chatterd before it touches the bus or the data.
  auto run = test::run_command(
    {CHATTERD_PATH, "--bench-plaintext", "--bus-address", "unix:path=/nonexistent/chatter-test"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE((run.out + run.err).find("not expected: --bench-plaintext"), std::string::npos)
    << run.out << run.err;
}
