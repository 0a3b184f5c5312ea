// A hub that asks for a key derivation below the member's floor (here the
// real hub, configured at 8 MiB and t=1) gets neither a sign-up nor a login
// proof: the member answers WeakKeyDerivation before stretching the password.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/crypto/suites.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "hub_test.hpp"
#include "member/account/account_manager.hpp"
#include "member/account/identity_file.hpp"
#include "member/crypto_pool/crypto_pool.hpp"

using namespace chatter;
using namespace std::chrono_literals;

namespace {

// The unused argument: CAF 0.17 dereferences a null argument tuple when a
// function actor is spawned with none, which UBSan (rightly) stops.
event_sink_actor::behavior_type deaf_sink(event_sink_actor::pointer, int /*unused*/) {
  return {
    [](known_atom, const std::string&) {},
    [](authed_atom, const account_status&) {},
    [](reauth_atom, const std::string&, int64_t) {},
    [](revoked_atom, const std::string&, const std::string&) {},
    [](received_atom, const std::string&, const message_record&) {},
    [](state_atom, const std::string&, const std::string&, const std::string&, const std::string&) {
    },
    [](state_atom, const std::string&, const std::string&, const std::string&, const std::string&,
       const std::map<std::string, std::string>&) {},
    [](missing_atom, const std::string&, const std::string&, uint64_t) {},
    [](keychange_atom, const std::string&, const std::string&, const std::string&) {},
    [](presence_atom, const std::string&, const presence_info&) {},
    [](arrived_atom, const std::string&, const std::string&, const std::string&) {},
    [](requested_atom, const std::string&, const std::string&, const std::string&) {},
    [](consent_atom, const std::string&, const std::string&, const std::string&) {},
    [](stats_atom, const std::string&, uint64_t) {},
    [](health_atom, const std::string&, const std::string&) {},
    [](hubup_atom, const std::string&) {},
    [](hubdown_atom, const std::string&) {},
    [](performed_atom, const std::string&, const std::string&) {},
    [](tuxstate_atom, const std::string&, bool, bool, bool) {},
  };
}

class kdf_floor : public test::hub_test {
protected:
  void start(kdf_params hub_kdf) {
    start_hub(60s, hub_kdf);
    account_manager_config mc;
    mc.accounts_dir = (dir_.path() / "accounts").string();
    mc.hub = {gw_};
    mc.crypto = crypto_ = spawn_crypto_pool(*sys_, 1);
    mc.events = sink_ = sys_->spawn(deaf_sink, 0);
    manager_config_ = mc;
    manager_ = sys_->spawn<caf::detached>(account_manager, mc);
  }

  // A manager that knows the accounts now on disk (it scans them at start).
  void restart_manager() {
    caf::anon_send_exit(manager_, caf::exit_reason::user_shutdown);
    manager_ = sys_->spawn<caf::detached>(account_manager, manager_config_);
  }

  void TearDown() override {
    caf::anon_send_exit(manager_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(crypto_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(sink_, caf::exit_reason::user_shutdown);
    hub_test::TearDown();
  }

  caf::error sign_up(const std::string& user) {
    return ask<caf::ok_atom>(manager_, register_atom_v, user, secret("pw-" + user),
                             registration_settings{user, crypto::default_suite})
      .second;
  }

  // `user` at the hub (scripted, at the hub's cost) and its keys on this
  // machine, as a sign-up before the floor would have left them.
  void sign_up_behind_the_members_back(const std::string& user) {
    auto offer = ask<signup_offer>(gw_, offer_atom_v, user).first;
    auto keys = scram::derive("pw-" + user, offer.salt, offer.kdf);
    auto done = ask<caf::ok_atom>(gw_, signup_atom_v,
                                  signup_request{user, user, offer.salt, offer.kdf,
                                                 scram::to_bytes(keys.stored_key),
                                                 scram::to_bytes(keys.server_key)});
    ASSERT_FALSE(done.second) << caf::to_string(done.second);
    auto id = crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
    auto folder = dir_.path() / "accounts" / user;
    std::filesystem::create_directories(folder);
    save_identity_file(folder.string(),
                       locked_keys_of(crypto::lock_identity(id, "pw-" + user, offer.kdf),
                                      crypto::public_of(id, user)));
    std::ofstream(folder / "account.json") << "{\"username\": \"" << user << "\"}\n";
    restart_manager();
  }

  crypto_actor crypto_;
  event_sink_actor sink_;
  account_manager_actor manager_;
  account_manager_config manager_config_;
};

}  // namespace

TEST(kdf_floor_check, the_floor_is_19_mib_and_two_passes) {
  EXPECT_TRUE(scram::at_least_member_floor({19456, 2, 1}));
  EXPECT_TRUE(scram::at_least_member_floor({65536, 3, 4}));
  EXPECT_FALSE(scram::at_least_member_floor({19455, 2, 1}));
  EXPECT_FALSE(scram::at_least_member_floor({19456, 1, 1}));
  EXPECT_FALSE(scram::at_least_member_floor({8192, 1, 1}));
  EXPECT_FALSE(scram::at_least_member_floor({19456, 2, 0}));
  EXPECT_FALSE(scram::at_least_member_floor({4u << 20, 2, 1})) << "past the ceiling too";
}

TEST_F(kdf_floor, a_hub_asking_for_a_weak_kdf_gets_no_sign_up) {
  start({8192, 1, 1});
  auto err = sign_up("alice");
  ASSERT_TRUE(err) << "the sign-up should have been refused";
  EXPECT_EQ(describe(err).name, "WeakKeyDerivation") << describe(err).sentence;
  EXPECT_NE(describe(err).sentence.find("weaker than"), std::string::npos)
    << describe(err).sentence;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "accounts" / "alice"));
}

TEST_F(kdf_floor, a_hub_asking_for_a_weak_kdf_gets_no_login_proof) {
  start({19456, 1, 1});
  sign_up_behind_the_members_back("bob");
  auto [status, err] =
    ask<account_status>(manager_, login_atom_v, std::string("bob"), secret("pw-bob"));
  ASSERT_TRUE(err) << "the login should have been refused";
  EXPECT_EQ(describe(err).name, "WeakKeyDerivation") << describe(err).sentence;
  EXPECT_FALSE(status.authenticated);
}

TEST_F(kdf_floor, a_hub_at_the_floor_signs_up_and_logs_in) {
  start(scram::member_kdf_floor);
  ASSERT_FALSE(sign_up("carol"));
  auto [status, err] =
    ask<account_status>(manager_, login_atom_v, std::string("carol"), secret("pw-carol"));
  EXPECT_FALSE(err) << describe(err).sentence;
  EXPECT_TRUE(status.authenticated);
}
